package dev.meshfed.app.intentions;

import dev.meshfed.app.auth.Accessor;
import dev.meshfed.app.auth.Authorizer;
import dev.meshfed.app.auth.Caller;
import dev.meshfed.app.auth.Token;
import dev.meshfed.app.ca.IndexPoller;
import dev.meshfed.app.http.BlockingQuery;
import dev.meshfed.app.http.ConsulHeaders;
import dev.meshfed.app.http.HttpFunction;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.app.http.Json;
import dev.meshfed.app.http.QueryString;
import dev.meshfed.app.http.RouteMatch;
import dev.meshfed.app.http.Tokens;
import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.error.NotFound;
import dev.meshfed.core.error.NotPrimary;
import dev.meshfed.core.error.NotReady;
import dev.meshfed.core.error.UntrustedText;
import dev.meshfed.core.identity.SpiffeId;
import dev.meshfed.core.intentions.Decision;
import dev.meshfed.core.intentions.DecisionQuery;
import dev.meshfed.core.intentions.Intention;
import dev.meshfed.core.intentions.IntentionDefault;
import dev.meshfed.core.intentions.IntentionFilter;
import dev.meshfed.core.intentions.IntentionIndex;
import dev.meshfed.core.intentions.IntentionRequest;
import dev.meshfed.core.intentions.IntentionRules;
import dev.meshfed.core.intentions.IntentionService;
import dev.meshfed.core.intentions.IntentionView;
import dev.meshfed.core.store.CaStore;
import dev.meshfed.core.store.Versioned;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The {@code intentions-api} function: the intention endpoints of api.md ("Intentions") and
 * {@code POST /v1/agent/connect/authorize} ("Authorization decisions").
 *
 * <p>Reads and decisions come from this DC's view through the {@link IntentionView} port (an
 * index rebuilt only when the DC's change index moved); list and match are blocking reads on the
 * change index. Writes go to {@link IntentionService} in the primary; in a secondary they are
 * forwarded before they reach this class ({@code PrimaryWrites}), so one arriving here there is a
 * {@link NotPrimary} (503).
 *
 * <p>ACLs (api.md's table): list and match are filtered to intentions whose destination the token
 * may read ({@code intentions:read}); reading one intention needs {@code intentions:read} on its
 * destination; writes need {@code intentions:write} on the destination (for an update on the
 * stored and on the new one); check needs {@code service:read} on the destination, as Consul's
 * code; authorize needs {@code service:write} on {@code Target}.
 */
public final class IntentionsApi implements HttpFunction {

    public static final String INTENTIONS = "/v1/connect/intentions";
    public static final String EXACT = "/v1/connect/intentions/exact";
    public static final String MATCH = "/v1/connect/intentions/match";
    public static final String CHECK = "/v1/connect/intentions/check";
    public static final String BY_ID = "/v1/connect/intentions/{id}";
    public static final String AUTHORIZE = "/v1/agent/connect/authorize";
    /** The reason when the client's SPIFFE ID is of another trust domain (meshfed: Consul does not check). */
    public static final String EXTERNAL_TRUST_DOMAIN = "Identity from an external trust domain";

    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final System.Logger LOG = System.getLogger(IntentionsApi.class.getName());

    private final IntentionService writes;
    private final IntentionView view;
    private final Authorizer authorizer;
    private final CaStore ca;
    private final LongSupplier changeIndex;
    private final IndexPoller poller;
    private final Duration maxBlockingWait;
    private final IntentionDefault fallback;
    private final Supplier<Duration> replicationLag;

    /**
     * @param writes      the primary's writes (never called in a secondary)
     * @param view        this DC's intention view
     * @param ca          this DC's CA table replica: the trust domain for authorize
     * @param changeIndex this DC's change index, which blocking reads wait on
     * @param fallback    the answer of a decision no intention matches
     */
    public IntentionsApi(IntentionService writes, IntentionView view, Authorizer authorizer, CaStore ca,
            LongSupplier changeIndex, IndexPoller poller, Duration maxBlockingWait, IntentionDefault fallback,
            Supplier<Duration> replicationLag) {
        this.writes = Objects.requireNonNull(writes, "writes");
        this.view = Objects.requireNonNull(view, "view");
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        this.ca = Objects.requireNonNull(ca, "ca");
        this.changeIndex = Objects.requireNonNull(changeIndex, "changeIndex");
        this.poller = Objects.requireNonNull(poller, "poller");
        this.maxBlockingWait = BlockingQuery.checkMaxBlockingWait(maxBlockingWait);
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        this.replicationLag = Objects.requireNonNull(replicationLag, "replicationLag");
    }

    @Override
    public HttpResponse handle(HttpRequest request, RouteMatch.Found match) {
        Token token = Tokens.extract(request);
        String method = request.method();
        return switch (match.route().template()) {
            case INTENTIONS -> "POST".equals(method) ? create(request, token) : list(request, token);
            case EXACT -> switch (method) {
                case "PUT" -> putExact(request, token);
                case "DELETE" -> deleteExact(request, token);
                default -> getExact(request, token);
            };
            case MATCH -> match(request, token);
            case CHECK -> check(request, token);
            case BY_ID -> {
                String id = uuid(match.pathParameter("id"));
                yield switch (method) {
                    case "PUT" -> update(request, token, id);
                    case "DELETE" -> delete(token, id);
                    default -> get(token, id);
                };
            }
            case AUTHORIZE -> authorize(request, token);
            default -> throw new IllegalArgumentException("not an intentions route: " + match.route().template());
        };
    }

    // ---- reads --------------------------------------------------------------------------------

    /** Every intention the token may read, filtered by {@code ?filter=}; blocking. */
    private HttpResponse list(HttpRequest request, Token token) {
        Predicate<Intention> filter = IntentionFilter.parse(optionalSingle(request.query(), "filter").orElse(""));
        BlockingQuery query = BlockingQuery.parse(request.query(), maxBlockingWait);
        Caller caller = authorizer.caller(token);
        long index = poller.await(query, changeIndex);
        List<IntentionsJson.IntentionOut> out = view.index().all().stream()
                .filter(v -> caller.grants().intentionRead(v.value().destinationName()))
                .filter(v -> filter.test(v.value())).map(IntentionsJson.IntentionOut::of).toList();
        return ConsulHeaders.jsonRead(Json.write(out), index, replicationLag.get());
    }

    private HttpResponse get(Token token, String id) {
        Caller caller = authorizer.caller(token);
        IntentionIndex index = view.index();
        Versioned<Intention> found = index.byId(id).orElseThrow(() -> new NotFound(IntentionService.NOT_FOUND));
        caller.intentionRead(found.value().destinationName());
        return read(IntentionsJson.IntentionOut.of(found), index.changeIndex());
    }

    private HttpResponse getExact(HttpRequest request, Token token) {
        List<String> key = exactKey(request.query());
        Caller caller = authorizer.caller(token);
        caller.intentionRead(key.get(3));
        IntentionIndex index = view.index();
        Versioned<Intention> found = index.byKey(key).orElseThrow(() -> new NotFound(IntentionService.NOT_FOUND));
        return read(IntentionsJson.IntentionOut.of(found), index.changeIndex());
    }

    /** {@code ?by=source|destination&name=N[&name=M]}: per name, the matching intentions in match order; blocking. */
    private HttpResponse match(HttpRequest request, Token token) {
        QueryString q = request.query();
        List<String> by = q.all("by");
        if (by.size() != 1) {
            throw new InvalidInput("required query parameter 'by' not set");
        }
        boolean bySource = switch (by.get(0)) {
            case "source" -> true;
            case "destination" -> false;
            default -> throw new InvalidInput("'by' parameter must be one of 'source' or 'destination'");
        };
        List<String> names = q.all("name");
        if (names.isEmpty()) {
            throw new InvalidInput("required query parameter 'name' not set");
        }
        List<String[]> parsed = names.stream().map(n -> serviceName("name", n, true)).toList();
        BlockingQuery query = BlockingQuery.parse(q, maxBlockingWait);
        Caller caller = authorizer.caller(token);
        long changed = poller.await(query, changeIndex);
        IntentionIndex index = view.index();
        Map<String, List<IntentionsJson.IntentionOut>> out = new LinkedHashMap<>();
        for (int k = 0; k < names.size(); k++) {
            String[] n = parsed.get(k);
            List<Versioned<Intention>> found = bySource ? index.matchSource(n[0], n[1]) : index.matchDestination(n[0], n[1]);
            out.put(names.get(k), found.stream().filter(v -> caller.grants().intentionRead(v.value().destinationName()))
                    .map(IntentionsJson.IntentionOut::of).toList());
        }
        return ConsulHeaders.jsonRead(Json.write(out), changed, replicationLag.get());
    }

    /** {@code ?source=S&destination=D[&source-dc=&destination-dc=]}: would the connection be allowed? */
    private HttpResponse check(HttpRequest request, Token token) {
        QueryString q = request.query();
        String[] source = serviceName("source", required(q, "source"), false);
        String[] destination = serviceName("destination", required(q, "destination"), false);
        Optional<String> sourceDc = datacenter(q, "source-dc");
        Optional<String> destinationDc = datacenter(q, "destination-dc");
        authorizer.caller(token).serviceRead(destination[1]);
        IntentionIndex index = view.index();
        Decision d = index.decide(new DecisionQuery(source[0], source[1], sourceDc, destination[0], destination[1],
                destinationDc), fallback);
        return read(new IntentionsJson.CheckOut(d.allowed()), index.changeIndex());
    }

    /**
     * Authorize: Consul's order (target, URI, then {@code service:write} on the target); the
     * source DC is the one in the client's SPIFFE ID, the destination DC this DC.
     */
    private HttpResponse authorize(HttpRequest request, Token token) {
        IntentionsJson.AuthorizeBody body = Json.read(request, IntentionsJson.AuthorizeBody.class);
        if (body.target() == null || body.target().isEmpty()) {
            throw new InvalidInput("Target service must be specified");
        }
        if (!IntentionRules.NAME.matcher(body.target()).matches()) {
            throw new InvalidInput("Target: invalid service name \"" + UntrustedText.bounded(body.target()) + "\"");
        }
        SpiffeId uri;
        try {
            uri = SpiffeId.parse(body.clientCertUri() == null ? "" : body.clientCertUri());
        } catch (InvalidInput e) {
            throw new InvalidInput("ClientCertURI not a valid Connect identifier");
        }
        if (!(uri instanceof SpiffeId.Service client)) {
            throw new InvalidInput("ClientCertURI not a valid Service identifier");
        }
        authorizer.caller(token).serviceWrite(body.target());
        String trustDomain = ca.bundle(false).map(b -> b.value().trustDomain().value().toLowerCase(Locale.ROOT))
                .orElseThrow(() -> new NotReady("CA has not finished initializing", Duration.ofSeconds(5)));
        if (!trustDomain.equals(client.trustDomain())) {
            return HttpResponse.json(200, Json.write(new IntentionsJson.AuthorizeOut(false, EXTERNAL_TRUST_DOMAIN)));
        }
        if (!SpiffeId.DEFAULT_PARTITION.equals(client.partition())) {
            return HttpResponse.json(200, Json.write(new IntentionsJson.AuthorizeOut(false,
                    "Mismatched partitions: \"" + UntrustedText.bounded(client.partition()) + "\" != \"default\"")));
        }
        Decision d = view.index().decide(new DecisionQuery(client.namespace(), client.service(),
                Optional.of(client.datacenter()), IntentionRules.DEFAULT_NAMESPACE, body.target(),
                Optional.of(ca.localDc())), fallback);
        return HttpResponse.json(200, Json.write(new IntentionsJson.AuthorizeOut(d.allowed(), d.reason())));
    }

    // ---- writes -------------------------------------------------------------------------------

    private HttpResponse create(HttpRequest request, Token token) {
        IntentionsJson.IntentionBody body = Json.read(request, IntentionsJson.IntentionBody.class);
        if (body.id() != null && !body.id().isEmpty()) {
            throw new InvalidInput("ID must be empty");
        }
        IntentionRequest r = body.toRequest();
        Intention checked = validated(r);
        Accessor who = writer(token, checked.destinationName());
        Intention created = writes.create(r);
        log("created", created, who);
        return HttpResponse.json(200, Json.write(new IntentionsJson.IdOut(created.id())));
    }

    private HttpResponse update(HttpRequest request, Token token, String id) {
        IntentionsJson.IntentionBody body = Json.read(request, IntentionsJson.IntentionBody.class);
        IntentionRequest r = body.toRequest();
        Intention checked = validated(r);
        Intention stored = writes.intention(id).orElseThrow(() -> new NotFound(IntentionService.NOT_FOUND)).value();
        authorizer.caller(token).intentionWrite(stored.destinationName());
        Accessor who = writer(token, checked.destinationName());
        Intention updated = writes.update(id, r);
        log("updated", updated, who);
        return HttpResponse.json(200, Json.write(new IntentionsJson.IdOut(id)));
    }

    private HttpResponse delete(Token token, String id) {
        Intention stored = writes.intention(id).orElseThrow(() -> new NotFound(IntentionService.NOT_FOUND)).value();
        Accessor who = writer(token, stored.destinationName());
        writes.delete(id);
        log("deleted", stored, who);
        return HttpResponse.json(200, "true");
    }

    /** The exact upsert: the key from the query, the rest from the body; {@code Meta} refused as in Consul. */
    private HttpResponse putExact(HttpRequest request, Token token) {
        List<String> key = exactKey(request.query());
        IntentionsJson.IntentionBody body = Json.read(request, IntentionsJson.IntentionBody.class);
        if (body.meta() != null && !body.meta().isEmpty()) {
            throw new InvalidInput("Meta must not be specified");
        }
        IntentionRequest r = new IntentionRequest(key.get(0), key.get(1), key.get(2), key.get(3),
                Optional.of(key.get(4)), Optional.of(key.get(5)), body.sourceType(), body.action(),
                IntentionsJson.permissionsText(body.permissions()), body.description(), Map.of());
        validated(r);
        Accessor who = writer(token, key.get(3));
        Intention stored = writes.upsertExact(r);
        log("upserted", stored, who);
        return HttpResponse.json(200, "true");
    }

    private HttpResponse deleteExact(HttpRequest request, Token token) {
        List<String> key = exactKey(request.query());
        Accessor who = writer(token, key.get(3));
        if (writes.deleteExact(key)) {
            LOG.log(System.Logger.Level.INFO, "intention deleted key=" + IntentionRules.canonicalKey(key) + " by="
                    + who.accessorId());
        }
        return HttpResponse.json(200, "true");
    }

    /** {@code intentions:write} on {@code destination}, in the primary: a write reaching a secondary was not forwarded. */
    private Accessor writer(Token token, String destination) {
        Accessor who = authorizer.caller(token).intentionWrite(destination);
        if (!ca.localDc().equals(ca.primaryDc())) {
            throw new NotPrimary("intention writes are made in the primary datacenter " + ca.primaryDc()
                    + ", and this one could not forward the request");
        }
        return who;
    }

    // ---- parameters ---------------------------------------------------------------------------

    /** Validates {@code r} as a create would (absent DC fields as empty), so bad input is refused before any ACL or store call. */
    private static Intention validated(IntentionRequest r) {
        return IntentionRules.prepare(new Intention("", r.sourceNs(), r.sourceName(), r.destinationNs(),
                r.destinationName(), r.sourceDatacenter().orElse(""), r.destinationDatacenter().orElse(""),
                r.sourceType(), r.action(), r.permissions(), r.description(), r.meta(), 0, null, null));
    }

    /** The six key fields from {@code source}, {@code destination}, {@code source-dc}, {@code destination-dc}. */
    private static List<String> exactKey(QueryString q) {
        String[] source = serviceName("source", required(q, "source"), true);
        String[] destination = serviceName("destination", required(q, "destination"), true);
        return List.of(source[0], source[1], destination[0], destination[1], datacenter(q, "source-dc").orElse(""),
                datacenter(q, "destination-dc").orElse(""));
    }

    /** An optional query parameter given at most once: a second value would be silently ignored otherwise. */
    private static Optional<String> optionalSingle(QueryString q, String name) {
        List<String> values = q.all(name);
        if (values.size() > 1) {
            throw new InvalidInput("query parameter '" + name + "' given more than once");
        }
        return values.stream().findFirst();
    }

    private static String required(QueryString q, String name) {
        List<String> values = q.all(name);
        if (values.size() != 1 || values.get(0).isEmpty()) {
            throw new InvalidInput("required query parameter '" + name + "' not set");
        }
        return values.get(0);
    }

    /** {@code name} or {@code namespace/name} as {@code [ns, name]}; wildcards only where {@code wildcards}. */
    private static String[] serviceName(String parameter, String value, boolean wildcards) {
        String[] parts = value.split("/", -1);
        String[] out = switch (parts.length) {
            case 1 -> new String[] {IntentionRules.DEFAULT_NAMESPACE, parts[0]};
            case 2 -> parts;
            default -> throw invalidName(parameter, value, "expected name or namespace/name");
        };
        for (String part : out) {
            boolean wildcard = IntentionRules.WILDCARD.equals(part);
            if (wildcard && !wildcards) {
                throw invalidName(parameter, value, "wildcards are not allowed here");
            }
            if (!wildcard && !IntentionRules.NAME.matcher(part).matches()) {
                throw invalidName(parameter, value, "letters, digits, '_', '.' and '-' only, at most 63 characters");
            }
        }
        if (IntentionRules.WILDCARD.equals(out[0]) && !IntentionRules.WILDCARD.equals(out[1])) {
            throw invalidName(parameter, value, "exact value cannot follow wildcard namespace");
        }
        return out;
    }

    private static InvalidInput invalidName(String parameter, String value, String why) {
        return new InvalidInput(parameter + " \"" + UntrustedText.bounded(value) + "\" is invalid: " + why);
    }

    private static Optional<String> datacenter(QueryString q, String name) {
        Optional<String> dc = optionalSingle(q, name).filter(s -> !s.isEmpty());
        if (dc.isPresent() && !IntentionRules.DATACENTER.matcher(dc.get()).matches()) {
            throw new InvalidInput(name + " \"" + UntrustedText.bounded(dc.get()) + "\" is not a valid datacenter name");
        }
        return dc;
    }

    private static String uuid(String id) {
        if (!UUID.matcher(id).matches()) {
            throw new InvalidInput("invalid intention ID \"" + UntrustedText.bounded(id) + "\": not a UUID");
        }
        return id.toLowerCase(Locale.ROOT);
    }

    private HttpResponse read(Object body, long index) {
        return ConsulHeaders.jsonRead(Json.write(body), index, replicationLag.get());
    }

    private void log(String what, Intention i, Accessor who) {
        LOG.log(System.Logger.Level.INFO, "intention " + what + " dc=" + ca.localDc() + " id=" + i.id() + " key="
                + IntentionRules.canonicalKey(i) + " by=" + who.accessorId());
    }
}
