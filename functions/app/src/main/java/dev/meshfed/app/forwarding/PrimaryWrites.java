package dev.meshfed.app.forwarding;

import dev.meshfed.app.auth.Token;
import dev.meshfed.app.http.BodyLimits;
import dev.meshfed.app.http.ErrorMapper;
import dev.meshfed.app.http.HttpFunction;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.app.http.QueryString;
import dev.meshfed.app.http.RouteMatch;
import dev.meshfed.app.http.Tokens;
import dev.meshfed.core.custody.KeyContext;
import dev.meshfed.core.custody.KeyCustody;
import dev.meshfed.core.custody.KeyPurpose;
import dev.meshfed.core.custody.SealedData;
import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.error.NotPrimary;
import dev.meshfed.core.forwarding.IdempotencyRecord;
import dev.meshfed.core.identity.DatacenterRole;
import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.core.store.Versioned;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Writes owned by the primary (architecture.md flow 6), around the function that serves them. A
 * request on a route and method not marked {@link dev.meshfed.app.http.Route#primaryOwned(String)}
 * goes to the delegate unchanged, in every DC.
 *
 * <p><b>In a secondary</b> a primary-owned write is never applied locally: it is forwarded through
 * {@link PrimaryApi} with the client's {@value PrimaryApi#IDEMPOTENCY_KEY} (validated: 1 to 64
 * characters of {@code [A-Za-z0-9._-]}, else 400) or a fresh random UUID, and the primary's answer
 * is returned with that key in {@value PrimaryApi#IDEMPOTENCY_KEY}. When the primary cannot be
 * reached, times out or answers garbage: 503 with {@code Retry-After} and the key, saying the
 * outcome is unknown and a retry with the same key is safe. A write that already carries
 * {@value PrimaryApi#FORWARDED_FROM} is not forwarded again (503): a secondary configured with
 * another secondary as its primary must not loop.
 *
 * <p><b>In the primary</b> a write with an idempotency key is applied once per key:
 * <ol>
 *   <li>The request's fingerprint is SHA-256 over the method, raw path, the decoded query
 *       parameters without {@code token}, the body and the SHA-256 of the caller's token (so
 *       another caller never replays someone else's stored response, and the same caller gets the
 *       same fingerprint whether its token is a header or {@code ?token=}).</li>
 *   <li>A stored record with another fingerprint: 409 {@code idempotency key already used for a
 *       different request}.</li>
 *   <li>DONE with the same fingerprint: the stored status, body and {@code Content-Type} are
 *       replayed with {@value PrimaryApi#IDEMPOTENT_REPLAY}{@code : true}; the delegate does not run.</li>
 *   <li>PENDING (another attempt in flight) younger than {@link #CLAIM_LEASE}: 503 with
 *       {@code Retry-After: }{@link #IN_FLIGHT_RETRY_AFTER}. Not 409: api.md's 409 says "your
 *       change lost", whereas here the answer exists soon and the same retry will get it; 503 with
 *       {@code Retry-After} is what a client of a forwarded write already retries on.</li>
 *   <li>None, or a PENDING older than the lease (its attempt died): claim the key with a
 *       conditional write, run the delegate (its exceptions mapped through {@link ErrorMapper}, so
 *       every outcome is a response), then store the outcome conditionally on the claimed version,
 *       its body sealed by {@link KeyCustody} ({@link KeyPurpose#FORWARDED_RESPONSE}, the key as key
 *       ID): the token-create response carries a {@code SecretID}. Outcomes a retry may change (5xx,
 *       429) are not stored: the claim is released so a retry applies. 2xx and 4xx are stored, for
 *       {@link PrivateStore#IDEMPOTENCY_TTL}.</li>
 * </ol>
 * If storing the outcome fails after the delegate applied the write (storage or custody down), the
 * caller still gets the outcome; the claim then stays PENDING, so a retry within the lease gets a
 * 503 and one after it applies again. That window is the price of not holding a transaction
 * across the write, and is logged. A write without a key in the primary goes to the delegate
 * unchanged (Consul's behaviour).
 */
public final class PrimaryWrites implements HttpFunction {

    /**
     * How long a claim keeps other attempts with the same key waiting. Longer than
     * {@link HttpPrimaryApi#REQUEST_TIMEOUT} and than API Gateway's 29 s, so a claim is only taken
     * over once the attempt holding it can no longer be answering anyone.
     */
    public static final Duration CLAIM_LEASE = Duration.ofSeconds(60);
    /** {@code Retry-After} while another attempt with the same key is in flight. */
    public static final Duration IN_FLIGHT_RETRY_AFTER = Duration.ofSeconds(5);
    /** The 409 text when a key comes back with another request or caller. */
    public static final String KEY_REUSED = "idempotency key already used for a different request";

    private static final System.Logger LOG = System.getLogger(PrimaryWrites.class.getName());

    private final HttpFunction delegate;
    private final DatacenterRole role;
    private final String localDc;
    private final String primaryDc;
    private final PrimaryApi primary;
    private final PrivateStore store;
    private final KeyCustody custody;
    private final ErrorMapper errors;
    private final Clock clock;
    private final Supplier<String> freshKeys;

    private PrimaryWrites(HttpFunction delegate, DatacenterRole role, String localDc, String primaryDc,
                          PrimaryApi primary, PrivateStore store, KeyCustody custody, ErrorMapper errors, Clock clock,
                          Supplier<String> freshKeys) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.role = role;
        this.localDc = Objects.requireNonNull(localDc, "localDc");
        this.primaryDc = Objects.requireNonNull(primaryDc, "primaryDc");
        this.primary = primary;
        this.store = store;
        this.custody = custody;
        this.errors = errors;
        this.clock = clock;
        this.freshKeys = freshKeys;
    }

    /**
     * The decorator in the primary: applies each idempotency key once, keeping outcomes in
     * {@code store} sealed by {@code custody}.
     */
    public static PrimaryWrites inPrimary(HttpFunction delegate, String localDc, PrivateStore store,
                                          KeyCustody custody, ErrorMapper errors, Clock clock) {
        return new PrimaryWrites(delegate, DatacenterRole.PRIMARY, localDc, localDc, null,
                Objects.requireNonNull(store, "store"), Objects.requireNonNull(custody, "custody"),
                Objects.requireNonNull(errors, "errors"), Objects.requireNonNull(clock, "clock"), null);
    }

    /**
     * The decorator in a secondary: forwards primary-owned writes to {@code primary}.
     *
     * @param freshKeys the idempotency key for a request that brings none (random UUIDs in production)
     */
    public static PrimaryWrites inSecondary(HttpFunction delegate, String localDc, String primaryDc,
                                            PrimaryApi primary, Supplier<String> freshKeys) {
        return new PrimaryWrites(delegate, DatacenterRole.SECONDARY, localDc, primaryDc,
                Objects.requireNonNull(primary, "primary"), null, null, null, null,
                Objects.requireNonNull(freshKeys, "freshKeys"));
    }

    /** Random UUIDs: the idempotency keys of requests that bring none. */
    public static Supplier<String> randomKeys() {
        return () -> UUID.randomUUID().toString();
    }

    @Override
    public HttpResponse handle(HttpRequest request, RouteMatch.Found match) {
        if (!match.route().primaryOwned(request.method())) {
            return delegate.handle(request, match);
        }
        return role == DatacenterRole.SECONDARY ? forward(request) : applyOnce(request, match);
    }

    // ---- secondary ----

    private HttpResponse forward(HttpRequest request) {
        Optional<String> clientKey = idempotencyKey(request);
        String key = clientKey.orElseGet(freshKeys);
        if (request.header(PrimaryApi.FORWARDED_FROM).isPresent()) {
            throw new NotPrimary(localDc + " is not the primary datacenter; a forwarded write is not forwarded again");
        }
        BodyLimits.check(request);
        try {
            return primary.forward(request, key).withHeader(PrimaryApi.IDEMPOTENCY_KEY, key);
        } catch (NotPrimary unreachable) {
            String prefix = "the primary datacenter " + primaryDc + " ";
            String reason = unreachable.getMessage() == null ? "" : unreachable.getMessage();
            reason = reason.startsWith(prefix) ? reason.substring(prefix.length()) : reason;
            return HttpResponse.text(503, prefix + "is unreachable" + (reason.isEmpty() ? "" : " (it " + reason + ")")
                            + "; the outcome of this write is unknown, and retrying with "
                            + PrimaryApi.IDEMPOTENCY_KEY + ": " + key + " is safe")
                    .withHeader("Retry-After", ErrorMapper.retryAfterSeconds(ErrorMapper.NOT_PRIMARY_RETRY_AFTER))
                    .withHeader(PrimaryApi.IDEMPOTENCY_KEY, key);
        }
    }

    // ---- primary ----

    private HttpResponse applyOnce(HttpRequest request, RouteMatch.Found match) {
        Optional<String> maybeKey = idempotencyKey(request);
        if (maybeKey.isEmpty()) {
            return delegate.handle(request, match);
        }
        String key = maybeKey.get();
        String fingerprint = fingerprint(request);
        for (int attempt = 0; attempt < 2; attempt++) {
            Optional<Versioned<IdempotencyRecord>> found = store.idempotency(key);
            long claimed;
            IdempotencyRecord claim;
            if (found.isPresent()) {
                IdempotencyRecord rec = found.get().value();
                if (!MessageDigest.isEqual(rec.fingerprint().getBytes(StandardCharsets.US_ASCII),
                        fingerprint.getBytes(StandardCharsets.US_ASCII))) {
                    throw new Conflict(KEY_REUSED);
                }
                if (rec.state() == IdempotencyRecord.State.DONE) {
                    return replay(rec);
                }
                if (!rec.staleClaim(clock.instant(), CLAIM_LEASE)) {
                    return inFlight(key);
                }
                claim = rec.reclaimed(fingerprint, clock.instant());
                try {
                    claimed = store.claimIdempotency(claim, found.get().version());
                } catch (Conflict lost) {
                    continue; // another attempt took it over first: read again
                }
                LOG.log(System.Logger.Level.WARNING, "took over a stale idempotency claim: dc=" + localDc
                        + " idempotencyKey=" + key + " claimedAt=" + rec.claimedAt());
            } else {
                claim = IdempotencyRecord.pending(key, fingerprint, clock.instant());
                try {
                    claimed = store.claimIdempotency(claim, 0);
                } catch (Conflict lost) {
                    continue; // a concurrent attempt claimed it first: read again
                }
            }
            return run(request, match, claim, claimed);
        }
        return inFlight(key);
    }

    private HttpResponse run(HttpRequest request, RouteMatch.Found match, IdempotencyRecord claim, long claimed) {
        HttpResponse outcome;
        try {
            outcome = delegate.handle(request, match);
        } catch (RuntimeException | StackOverflowError e) {
            outcome = errors.toResponse(e);
        }
        outcome = outcome.withHeader(PrimaryApi.IDEMPOTENCY_KEY, claim.key());
        if (retryMayChange(outcome.status())) {
            try {
                store.releaseIdempotency(claim.key(), claimed);
            } catch (RuntimeException e) {
                // The claim then lapses after CLAIM_LEASE; until then a retry gets a 503 in-flight answer.
                LOG.log(System.Logger.Level.WARNING, "could not release an idempotency claim: dc=" + localDc
                        + " idempotencyKey=" + claim.key() + " failure=" + e.getClass().getSimpleName());
            }
            return outcome;
        }
        try {
            SealedData body = custody.seal(outcome.body().getBytes(StandardCharsets.UTF_8), context(claim.key()));
            store.completeIdempotency(claim.done(outcome.status(), outcome.header("Content-Type").orElse(null), body),
                    claimed);
        } catch (RuntimeException e) {
            // The write is applied; its caller gets the outcome even though it could not be remembered.
            LOG.log(System.Logger.Level.ERROR, "could not record the outcome of an idempotent write: dc=" + localDc
                    + " idempotencyKey=" + claim.key() + " status=" + outcome.status() + " failure="
                    + e.getClass().getSimpleName());
        }
        return outcome;
    }

    private HttpResponse replay(IdempotencyRecord rec) {
        String body = new String(custody.open(rec.body(), context(rec.key())), StandardCharsets.UTF_8);
        HttpResponse r = HttpResponse.empty(rec.status()).withBody(body);
        if (rec.contentType() != null) {
            r = r.withHeader("Content-Type", rec.contentType());
        }
        return r.withHeader(PrimaryApi.IDEMPOTENCY_KEY, rec.key()).withHeader(PrimaryApi.IDEMPOTENT_REPLAY, "true");
    }

    private static HttpResponse inFlight(String key) {
        return HttpResponse.text(503, "a request with idempotency key " + key + " is still in progress; retry with"
                        + " the same " + PrimaryApi.IDEMPOTENCY_KEY + " to get its outcome")
                .withHeader("Retry-After", ErrorMapper.retryAfterSeconds(IN_FLIGHT_RETRY_AFTER))
                .withHeader(PrimaryApi.IDEMPOTENCY_KEY, key);
    }

    private KeyContext context(String key) {
        return new KeyContext(localDc, key, KeyPurpose.FORWARDED_RESPONSE);
    }

    /** 5xx (503 included) and 429: a retry may well succeed, so the outcome must not stick to the key. */
    static boolean retryMayChange(int status) {
        return status >= 500 || status == 429;
    }

    /**
     * The request's idempotency key, if it carries one.
     *
     * @throws InvalidInput when the header is present but not 1 to 64 characters of {@code [A-Za-z0-9._-]}
     */
    static Optional<String> idempotencyKey(HttpRequest request) {
        Optional<String> v = request.header(PrimaryApi.IDEMPOTENCY_KEY);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (!IdempotencyRecord.KEY.matcher(v.get()).matches()) {
            throw new InvalidInput("invalid " + PrimaryApi.IDEMPOTENCY_KEY
                    + " header: it must be 1 to 64 characters of letters, digits, '.', '_' and '-'");
        }
        return v;
    }

    /**
     * Lower-case hex SHA-256 over length-prefixed fields: method, raw path, each decoded query
     * parameter but {@code token} in order, body, and SHA-256 of the caller's token.
     *
     * @throws InvalidInput for a malformed query string or conflicting tokens
     */
    static String fingerprint(HttpRequest request) {
        Token token = Tokens.extract(request);
        MessageDigest d = sha256();
        field(d, "meshfed-idempotency-v1".getBytes(StandardCharsets.UTF_8));
        field(d, request.method().getBytes(StandardCharsets.UTF_8));
        field(d, request.rawPath().getBytes(StandardCharsets.UTF_8));
        List<QueryString.Parameter> parameters = request.query().parameters().stream()
                .filter(p -> !p.name().equals(Tokens.QUERY_PARAMETER)).toList();
        field(d, Integer.toString(parameters.size()).getBytes(StandardCharsets.US_ASCII));
        for (QueryString.Parameter p : parameters) {
            field(d, p.name().getBytes(StandardCharsets.UTF_8));
            field(d, p.value().getBytes(StandardCharsets.UTF_8));
        }
        field(d, request.body());
        field(d, sha256().digest(token.secret().getBytes(StandardCharsets.UTF_8)));
        return HexFormat.of().formatHex(d.digest());
    }

    private static void field(MessageDigest d, byte[] bytes) {
        d.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
        d.update(bytes);
        d.update((byte) '\n');
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM");
        }
    }

    @Override
    public String toString() {
        return "PrimaryWrites[" + role + " " + localDc + "]";
    }
}
