package dev.meshfed.app.forwarding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.app.http.ErrorMapper;
import dev.meshfed.app.http.HttpFunction;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.app.http.RouteMatch;
import dev.meshfed.app.http.RouteTable;
import dev.meshfed.core.clock.MutableClock;
import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.error.NotPrimary;
import dev.meshfed.core.error.RateLimited;
import dev.meshfed.core.forwarding.IdempotencyRecord;
import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.Table;
import dev.meshfed.core.store.StoreUnavailable;
import dev.meshfed.custody.LocalKeyCustody;
import dev.meshfed.store.embedded.EmbeddedTable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PrimaryWrites} with the embedded private table, local key custody and a recording
 * delegate: what a secondary forwards, and how the primary applies each idempotency key once.
 */
class PrimaryWritesTest {

    private static final String ALICE = "11111111-2222-4333-8444-555555555555";
    private static final String BOB = "99999999-8888-4777-8666-555555555555";
    private static final String SECRET_ID = "6b1f0c9e-secret-4d2a-9c3b-0f1e2d3c4b5a";
    private static final String CREATED = "{\"AccessorID\":\"a1\",\"SecretID\":\"" + SECRET_ID + "\"}";

    private final MutableClock clock = MutableClock.atDefaultStart();
    private final EmbeddedTable table = new EmbeddedTable(Table.PRIVATE, "dc1", clock);
    private final PrivateStore store = new PrivateStore(table, "dc1", clock);
    private final LocalKeyCustody custody = new LocalKeyCustody(new byte[32]);

    /** A delegate that records its calls and answers from a script (the last answer repeats). */
    static final class Recording implements HttpFunction {
        final List<HttpRequest> calls = new ArrayList<>();
        private final Deque<Function<HttpRequest, HttpResponse>> script = new ArrayDeque<>();

        Recording answering(Function<HttpRequest, HttpResponse> answer) {
            script.add(answer);
            return this;
        }

        @Override
        public HttpResponse handle(HttpRequest request, RouteMatch.Found match) {
            calls.add(request);
            Function<HttpRequest, HttpResponse> next = script.size() > 1 ? script.poll() : script.peek();
            return next.apply(request);
        }
    }

    /** A primary API that records what is forwarded and answers from a function. */
    static final class FakePrimary implements PrimaryApi {
        record Call(HttpRequest request, String key) {
        }

        final List<Call> calls = new ArrayList<>();
        Function<Call, HttpResponse> answer = c -> HttpResponse.json(200, CREATED);

        @Override
        public HttpResponse forward(HttpRequest request, String idempotencyKey) {
            Call c = new Call(request, idempotencyKey);
            calls.add(c);
            return answer.apply(c);
        }
    }

    private final Recording delegate = new Recording().answering(r -> HttpResponse.json(200, CREATED));
    private final PrimaryWrites primary = PrimaryWrites.inPrimary(delegate, "dc1", store, custody, new ErrorMapper(), clock);
    private final FakePrimary primaryApi = new FakePrimary();
    private final Supplier<String> fresh = () -> "fresh-1";
    private final PrimaryWrites secondary = PrimaryWrites.inSecondary(delegate, "dc2", "dc1", primaryApi, fresh);

    private static HttpResponse call(PrimaryWrites writes, HttpRequest request) {
        RouteMatch.Found found = (RouteMatch.Found) RouteTable.deployed().match(request);
        return writes.handle(request, found);
    }

    private static HttpRequest tokenCreate(String token, String key, String body) {
        HttpRequest.Builder b = HttpRequest.builder("PUT", "/v1/acl/token").header("X-Consul-Token", token)
                .header("Content-Type", "application/json").body(body);
        if (key != null) {
            b.header(PrimaryApi.IDEMPOTENCY_KEY, key);
        }
        return b.build();
    }

    private static HttpRequest tokenCreate(String key) {
        return tokenCreate(ALICE, key, "{\"Description\":\"web\"}");
    }

    // ---- every DC ----

    @Test
    void aRequestThatIsNotAPrimaryOwnedWriteGoesToTheDelegateUnchanged() {
        HttpRequest read = HttpRequest.builder("GET", "/v1/acl/token/a1").header("X-Consul-Token", ALICE)
                .header(PrimaryApi.IDEMPOTENCY_KEY, "k1").build();
        HttpRequest bootstrap = HttpRequest.builder("PUT", "/v1/acl/bootstrap").header(PrimaryApi.IDEMPOTENCY_KEY, "k2").build();
        HttpRequest membership = HttpRequest.builder("PUT", "/v1/operator/federation/datacenters").build();

        for (HttpRequest r : List.of(read, bootstrap, membership)) {
            assertThat(call(secondary, r).body()).isEqualTo(CREATED);
            assertThat(call(primary, r).header(PrimaryApi.IDEMPOTENCY_KEY)).isEmpty();
        }
        assertThat(delegate.calls).hasSize(6).allMatch(r -> r == read || r == bootstrap || r == membership);
        assertThat(primaryApi.calls).isEmpty();
        assertThat(table.snapshot()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "a/b", "ä", "k:1", "0123456789012345678901234567890123456789012345678901234567890123x"})
    void aBadIdempotencyKeyIs400InBothRoles(String key) {
        HttpRequest r = tokenCreate(key);
        assertThatThrownBy(() -> call(secondary, r)).isInstanceOf(InvalidInput.class)
                .hasMessageContaining(PrimaryApi.IDEMPOTENCY_KEY);
        assertThatThrownBy(() -> call(primary, r)).isInstanceOf(InvalidInput.class);
        assertThat(new ErrorMapper().toResponse(new InvalidInput("x")).status()).isEqualTo(400);
        assertThat(primaryApi.calls).isEmpty();
        assertThat(delegate.calls).isEmpty();
    }

    // ---- secondary ----

    @Test
    void aSecondaryForwardsWithTheClientsKeyAndNeverAppliesLocally() {
        HttpRequest r = tokenCreate("client-key.1");
        HttpResponse answer = call(secondary, r);

        assertThat(primaryApi.calls).containsExactly(new FakePrimary.Call(r, "client-key.1"));
        assertThat(delegate.calls).isEmpty();
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(CREATED);
        assertThat(answer.header(PrimaryApi.IDEMPOTENCY_KEY)).contains("client-key.1");
    }

    @Test
    void aSecondaryDrawsAFreshKeyWhenTheClientBringsNone() {
        HttpResponse answer = call(secondary, tokenCreate(null));
        assertThat(primaryApi.calls).extracting(FakePrimary.Call::key).containsExactly("fresh-1");
        assertThat(answer.header(PrimaryApi.IDEMPOTENCY_KEY)).contains("fresh-1");
        assertThat(PrimaryWrites.randomKeys().get()).matches(IdempotencyRecord.KEY);
    }

    @Test
    void thePrimarysAnswerIsPassedOnWhateverItsStatus() {
        primaryApi.answer = c -> HttpResponse.text(403, "Permission denied");
        HttpResponse answer = call(secondary, tokenCreate("k"));
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.body()).isEqualTo("Permission denied");
    }

    @Test
    void anUnreachablePrimaryIs503WithRetryAfterAndTheKeyToRetryWith() {
        primaryApi.answer = c -> {
            throw new NotPrimary("the primary datacenter dc1 did not answer within 25 s");
        };
        HttpResponse answer = call(secondary, tokenCreate(null));

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.header("Retry-After")).contains("5");
        assertThat(answer.header(PrimaryApi.IDEMPOTENCY_KEY)).contains("fresh-1");
        assertThat(answer.body()).isEqualTo("the primary datacenter dc1 is unreachable (it did not answer within 25 s);"
                + " the outcome of this write is unknown, and retrying with X-Meshfed-Idempotency-Key: fresh-1 is safe");
        assertThat(answer.header("Content-Type")).contains(HttpResponse.TEXT_PLAIN);
    }

    @Test
    void aSecondaryDoesNotForwardAWriteThatWasAlreadyForwarded() {
        HttpRequest looped = HttpRequest.builder("PUT", "/v1/acl/token").header(PrimaryApi.FORWARDED_FROM, "dc3").build();
        assertThatThrownBy(() -> call(secondary, looped)).isInstanceOf(NotPrimary.class);
        assertThat(primaryApi.calls).isEmpty();
        assertThat(delegate.calls).isEmpty();
    }

    // ---- primary ----

    @Test
    void thePrimaryAppliesARetriedWriteOnceAndReplaysTheFirstAnswer() {
        HttpResponse first = call(primary, tokenCreate("k1"));
        clock.advance(Duration.ofMinutes(5));
        HttpResponse second = call(primary, tokenCreate("k1"));

        assertThat(delegate.calls).hasSize(1);
        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(first.status());
        assertThat(second.body()).isEqualTo(first.body()).isEqualTo(CREATED);
        assertThat(second.header("Content-Type")).isEqualTo(first.header("Content-Type")).contains("application/json");
        assertThat(first.header(PrimaryApi.IDEMPOTENT_REPLAY)).isEmpty();
        assertThat(second.header(PrimaryApi.IDEMPOTENT_REPLAY)).contains("true");
        assertThat(first.header(PrimaryApi.IDEMPOTENCY_KEY)).contains("k1");
        assertThat(second.header(PrimaryApi.IDEMPOTENCY_KEY)).contains("k1");
        assertThat(store.idempotency("k1").orElseThrow().value().state()).isEqualTo(IdempotencyRecord.State.DONE);
    }

    @Test
    void theSameCallerWithItsTokenInTheQueryIsTheSameRequest() {
        call(primary, tokenCreate("k1"));
        HttpRequest viaQuery = HttpRequest.builder("PUT", "/v1/acl/token").rawQueryString("token=" + ALICE)
                .header("Content-Type", "application/json").header(PrimaryApi.IDEMPOTENCY_KEY, "k1")
                .body("{\"Description\":\"web\"}").build();
        assertThat(call(primary, viaQuery).header(PrimaryApi.IDEMPOTENT_REPLAY)).contains("true");
        assertThat(delegate.calls).hasSize(1);
    }

    @Test
    void theSameKeyWithADifferentRequestIs409() {
        call(primary, tokenCreate("k1"));
        assertThatThrownBy(() -> call(primary, tokenCreate(ALICE, "k1", "{\"Description\":\"other\"}")))
                .isInstanceOf(Conflict.class).hasMessage("idempotency key already used for a different request");
        HttpRequest otherPath = HttpRequest.builder("PUT", "/v1/acl/policy").header("X-Consul-Token", ALICE)
                .header(PrimaryApi.IDEMPOTENCY_KEY, "k1").body("{\"Description\":\"web\"}").build();
        assertThatThrownBy(() -> call(primary, otherPath)).isInstanceOf(Conflict.class);
        HttpRequest otherQuery = HttpRequest.builder("PUT", "/v1/acl/token").rawQueryString("dc=dc1")
                .header("X-Consul-Token", ALICE).header(PrimaryApi.IDEMPOTENCY_KEY, "k1")
                .body("{\"Description\":\"web\"}").build();
        assertThatThrownBy(() -> call(primary, otherQuery)).isInstanceOf(Conflict.class);
        assertThat(delegate.calls).hasSize(1);
    }

    @Test
    void anotherCallerCanNeverReplaySomeoneElsesAnswer() {
        call(primary, tokenCreate(ALICE, "k1", "{}"));
        assertThatThrownBy(() -> call(primary, tokenCreate(BOB, "k1", "{}")))
                .isInstanceOf(Conflict.class).hasMessage(PrimaryWrites.KEY_REUSED);
        HttpRequest anonymous = HttpRequest.builder("PUT", "/v1/acl/token").header(PrimaryApi.IDEMPOTENCY_KEY, "k1")
                .header("Content-Type", "application/json").body("{}").build();
        assertThatThrownBy(() -> call(primary, anonymous)).isInstanceOf(Conflict.class);
        assertThat(delegate.calls).hasSize(1);
    }

    @Test
    void anOutcomeARetryMayChangeIsNotRecordedSoTheRetryApplies() {
        Recording flaky = new Recording()
                .answering(r -> {
                    throw new StoreUnavailable("intentions table: throttled");
                })
                .answering(r -> HttpResponse.text(500, "boom"))
                .answering(r -> {
                    throw new RateLimited("rate limit exceeded", Duration.ofSeconds(1));
                })
                .answering(r -> HttpResponse.json(200, CREATED));
        PrimaryWrites writes = PrimaryWrites.inPrimary(flaky, "dc1", store, custody, new ErrorMapper(), clock);

        assertThat(call(writes, tokenCreate("k1")).status()).isEqualTo(503);
        assertThat(store.idempotency("k1")).isEmpty();
        assertThat(call(writes, tokenCreate("k1")).status()).isEqualTo(500);
        assertThat(store.idempotency("k1")).isEmpty();
        assertThat(call(writes, tokenCreate("k1")).status()).isEqualTo(429);
        assertThat(store.idempotency("k1")).isEmpty();
        assertThat(call(writes, tokenCreate("k1")).status()).isEqualTo(200);
        assertThat(call(writes, tokenCreate("k1")).header(PrimaryApi.IDEMPOTENT_REPLAY)).contains("true");
        assertThat(flaky.calls).hasSize(4);
    }

    @Test
    void aClientErrorIsRecordedAndReplayed() {
        Recording refusing = new Recording().answering(r -> {
            throw new InvalidInput("invalid token: Description too long");
        });
        PrimaryWrites writes = PrimaryWrites.inPrimary(refusing, "dc1", store, custody, new ErrorMapper(), clock);

        HttpResponse first = call(writes, tokenCreate("k1"));
        HttpResponse second = call(writes, tokenCreate("k1"));
        assertThat(first.status()).isEqualTo(400);
        assertThat(second.status()).isEqualTo(400);
        assertThat(second.body()).isEqualTo("invalid token: Description too long");
        assertThat(second.header("Content-Type")).contains(HttpResponse.TEXT_PLAIN);
        assertThat(refusing.calls).hasSize(1);
    }

    @Test
    void anAttemptInFlightMakesTheRetryWaitWith503() {
        HttpRequest r = tokenCreate("k1");
        store.claimIdempotency(IdempotencyRecord.pending("k1", PrimaryWrites.fingerprint(r), clock.instant()), 0);
        clock.advance(PrimaryWrites.CLAIM_LEASE.minusSeconds(1));

        HttpResponse answer = call(primary, r);
        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.header("Retry-After")).contains("5");
        assertThat(answer.header(PrimaryApi.IDEMPOTENCY_KEY)).contains("k1");
        assertThat(delegate.calls).isEmpty();
        assertThat(PrimaryWrites.CLAIM_LEASE).isGreaterThan(HttpPrimaryApi.REQUEST_TIMEOUT).isGreaterThan(Duration.ofSeconds(29));
    }

    @Test
    void aStaleClaimIsTakenOverAndItsRequestApplied() {
        HttpRequest r = tokenCreate("k1");
        store.claimIdempotency(IdempotencyRecord.pending("k1", PrimaryWrites.fingerprint(r), clock.instant()), 0);
        clock.advance(PrimaryWrites.CLAIM_LEASE);

        HttpResponse answer = call(primary, r);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(delegate.calls).hasSize(1);
        IdempotencyRecord rec = store.idempotency("k1").orElseThrow().value();
        assertThat(rec.state()).isEqualTo(IdempotencyRecord.State.DONE);
        assertThat(rec.claimedAt()).isEqualTo(clock.instant());
        // a stale claim of another request is still someone else's key
        HttpRequest other = tokenCreate("k2");
        store.claimIdempotency(IdempotencyRecord.pending("k2", "00".repeat(32), clock.instant()), 0);
        clock.advance(PrimaryWrites.CLAIM_LEASE);
        assertThatThrownBy(() -> call(primary, other)).isInstanceOf(Conflict.class);
    }

    @Test
    void withoutAKeyThePrimaryAppliesEveryTimeAndRemembersNothing() {
        call(primary, tokenCreate(null));
        call(primary, tokenCreate(null));
        assertThat(delegate.calls).hasSize(2);
        assertThat(table.snapshot()).isEmpty();
    }

    @Test
    void noStoredAttributeHoldsTheResponseInPlainText() {
        call(primary, tokenCreate("k1"));
        List<StoredItem> items = table.snapshot();
        assertThat(items).hasSize(1);
        for (StoredItem item : items) {
            assertNoSecret(Attr.m(item.toAttributes()));
        }
        // the sealed body opens only under its own key's context: copied to another key, it does not
        IdempotencyRecord rec = store.idempotency("k1").orElseThrow().value();
        assertThat(rec.body().scheme()).isEqualTo(LocalKeyCustody.SCHEME);
        assertThat(new String(custody.open(rec.body(), new dev.meshfed.core.custody.KeyContext("dc1", "k1",
                dev.meshfed.core.custody.KeyPurpose.FORWARDED_RESPONSE)), StandardCharsets.UTF_8)).isEqualTo(CREATED);
        assertThatThrownBy(() -> custody.open(rec.body(), new dev.meshfed.core.custody.KeyContext("dc1", "k2",
                dev.meshfed.core.custody.KeyPurpose.FORWARDED_RESPONSE)))
                .isInstanceOf(dev.meshfed.core.custody.KeyUnwrapFailed.class);
    }

    private static void assertNoSecret(Attr attr) {
        if (attr instanceof Attr.S s) {
            assertThat(s.value()).doesNotContain(SECRET_ID).doesNotContain("SecretID");
        } else if (attr instanceof Attr.B b) {
            assertThat(new String(b.value(), StandardCharsets.ISO_8859_1)).doesNotContain(SECRET_ID);
        } else if (attr instanceof Attr.M m) {
            m.values().values().forEach(PrimaryWritesTest::assertNoSecret);
        } else if (attr instanceof Attr.L l) {
            l.values().forEach(PrimaryWritesTest::assertNoSecret);
        }
    }

    @Test
    void aRetryAfterALostAnswerIsAppliedOnceEndToEnd() {
        // dc2 forwards to dc1's PrimaryWrites; the first answer is lost on the way back (a timeout).
        int[] forwards = {0};
        primaryApi.answer = c -> {
            HttpRequest forwarded = HttpRequest.builder(c.request().method(), c.request().rawPath())
                    .header("X-Consul-Token", c.request().header("X-Consul-Token").orElseThrow())
                    .header("Content-Type", "application/json").header(PrimaryApi.IDEMPOTENCY_KEY, c.key())
                    .header(PrimaryApi.FORWARDED_FROM, "dc2").body(c.request().body()).build();
            HttpResponse applied = call(primary, forwarded);
            if (forwards[0]++ == 0) {
                throw new NotPrimary("the primary datacenter dc1 did not answer within 25 s");
            }
            return applied;
        };

        HttpResponse lost = call(secondary, tokenCreate(null));
        assertThat(lost.status()).isEqualTo(503);
        String key = lost.header(PrimaryApi.IDEMPOTENCY_KEY).orElseThrow();
        HttpResponse retried = call(secondary, tokenCreate(key));

        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.body()).isEqualTo(CREATED);
        assertThat(retried.header(PrimaryApi.IDEMPOTENT_REPLAY)).contains("true");
        assertThat(delegate.calls).hasSize(1);
    }

    @Test
    void anOutcomeThatCannotBeRecordedStillReachesItsCallerAndTheClaimLapses() {
        dev.meshfed.core.custody.KeyCustody failingSeal = new dev.meshfed.core.custody.KeyCustody() {
            @Override
            public dev.meshfed.core.custody.WrappedKey wrap(java.security.PrivateKey key,
                                                            dev.meshfed.core.custody.KeyContext context) {
                return custody.wrap(key, context);
            }

            @Override
            public java.security.PrivateKey unwrap(dev.meshfed.core.custody.WrappedKey wrapped,
                                                   dev.meshfed.core.custody.KeyContext context) {
                return custody.unwrap(wrapped, context);
            }

            @Override
            public dev.meshfed.core.custody.SealedData seal(byte[] plaintext, dev.meshfed.core.custody.KeyContext context) {
                throw new dev.meshfed.core.custody.CustodyUnavailable("KMS could not generate a data key now: throttled");
            }

            @Override
            public byte[] open(dev.meshfed.core.custody.SealedData sealed, dev.meshfed.core.custody.KeyContext context) {
                return custody.open(sealed, context);
            }
        };
        PrimaryWrites writes = PrimaryWrites.inPrimary(delegate, "dc1", store, failingSeal, new ErrorMapper(), clock);

        HttpResponse first = call(writes, tokenCreate("k1"));
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body()).isEqualTo(CREATED);
        assertThat(store.idempotency("k1").orElseThrow().value().state()).isEqualTo(IdempotencyRecord.State.PENDING);
        assertThat(call(writes, tokenCreate("k1")).status()).isEqualTo(503);
        assertThat(delegate.calls).hasSize(1);
    }
}
