package dev.meshfed.app.ca;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.meshfed.app.auth.Authorizer;
import dev.meshfed.app.http.BlockingQuery;
import dev.meshfed.app.http.ConsulHeaders;
import dev.meshfed.app.http.HttpFunction;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.app.http.Json;
import dev.meshfed.app.http.RouteMatch;
import dev.meshfed.app.http.Tokens;
import dev.meshfed.core.bundle.DcChain;
import dev.meshfed.core.bundle.TrustBundle;
import dev.meshfed.core.ca.SignerRecord;
import dev.meshfed.core.config.CaConfig;
import dev.meshfed.core.config.CaConfigEncoder;
import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.store.CaStore;
import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.core.store.Versioned;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The {@code fetch-roots} function: {@code GET /v1/connect/ca/roots} and
 * {@code GET /v1/agent/connect/ca/roots} (no ACL, blocking, {@code ?pem=true}),
 * {@code GET /v1/connect/ca/configuration} (operator:read) and {@code GET /v1/agent/self}.
 * Reads only: the bundle and this DC's signer item (CA table replica), the DC's configuration item,
 * and the change index (private table).
 */
public final class FetchRoots implements HttpFunction {

    public static final String ROOTS = "/v1/connect/ca/roots";
    public static final String AGENT_ROOTS = "/v1/agent/connect/ca/roots";
    public static final String CONFIGURATION = "/v1/connect/ca/configuration";
    public static final String AGENT_SELF = "/v1/agent/self";
    /** The content type of {@code ?pem=true}, as Consul sends it. */
    public static final String PEM_CHAIN = "application/pem-certificate-chain";
    /** Consul's text for a {@code pem} value Go's {@code strconv.ParseBool} refuses. */
    public static final String BAD_PEM_PARAMETER = "The 'pem' query parameter must be a boolean value";

    private final CaStore caStore;
    private final PrivateStore privateStore;
    private final Authorizer authorizer;
    private final IndexPoller poller;
    private final Duration maxBlockingWait;
    private final Supplier<Duration> replicationLag;
    private final Clock clock;

    /**
     * @param replicationLag the DC's current replication lag, sent as {@code X-Consul-LastContact}
     */
    public FetchRoots(CaStore caStore, PrivateStore privateStore, Authorizer authorizer, IndexPoller poller,
            Duration maxBlockingWait, Supplier<Duration> replicationLag, Clock clock) {
        this.caStore = Objects.requireNonNull(caStore, "caStore");
        this.privateStore = Objects.requireNonNull(privateStore, "privateStore");
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        this.poller = Objects.requireNonNull(poller, "poller");
        this.maxBlockingWait = BlockingQuery.checkMaxBlockingWait(maxBlockingWait);
        this.replicationLag = Objects.requireNonNull(replicationLag, "replicationLag");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public HttpResponse handle(HttpRequest request, RouteMatch.Found match) {
        return switch (match.route().template()) {
            case ROOTS, AGENT_ROOTS -> roots(request);
            case CONFIGURATION -> configuration(request);
            case AGENT_SELF -> agentSelf();
            default -> throw new IllegalStateException("fetch-roots does not serve " + match.route().template());
        };
    }

    /** Roots: parse, wait for the index, read, encode. */
    HttpResponse roots(HttpRequest request) {
        boolean pem = pemParameter(request);
        BlockingQuery query = BlockingQuery.parse(request.query(), maxBlockingWait);
        // The index is read before the content, so the index sent is never newer than the content:
        // at worst a client sees one change twice, never misses one.
        long index = poller.await(query, privateStore::changeIndex);
        Optional<Versioned<TrustBundle>> bundle = caStore.bundle(false);
        // Only what the bundle's roots certified (ChainTrust): a chain they did not is not served.
        DcChain chain = caStore.signer(caStore.localDc(), false).map(Versioned::value).map(SignerRecord::chain)
                .flatMap(c -> bundle.flatMap(b -> ChainTrust.certifiedPart(c, b.value())))
                .orElse(null);
        RootsJson body = RootsJson.of(bundle.map(Versioned::value).orElse(null),
                bundle.map(Versioned::version).orElse(0L), chain, clock.instant());
        HttpResponse response = pem
                ? HttpResponse.empty(200).withHeader(ConsulHeaders.CONTENT_TYPE, PEM_CHAIN).withBody(body.pemChain())
                : HttpResponse.json(200, Json.write(body));
        return ConsulHeaders.withQueryMeta(response, index, replicationLag.get());
    }

    /** Configuration: operator:read, then the DC's item (defaults with indexes 0 before one is written). */
    HttpResponse configuration(HttpRequest request) {
        authorizer.operatorRead(Tokens.extract(request));
        long index = privateStore.changeIndex();
        Optional<Versioned<CaConfig>> item = caStore.caConfig(caStore.localDc(), false);
        long version = item.map(Versioned::version).orElse(0L);
        String json = Json.write(CaConfigEncoder.encodeResponse(item.map(Versioned::value).orElseGet(CaConfig::defaults),
                version, version));
        return ConsulHeaders.jsonRead(json, index, replicationLag.get());
    }

    /** Agent self: the three fields Consul clients read to find their DC. */
    HttpResponse agentSelf() {
        AgentSelf self = new AgentSelf(new AgentSelf.Config(caStore.localDc(), caStore.primaryDc(),
                "meshfed-" + caStore.localDc()));
        return HttpResponse.json(200, Json.write(self));
    }

    /** {@code pem} as Go's {@code strconv.ParseBool} reads it; absent or empty is false. */
    static boolean pemParameter(HttpRequest request) {
        String v = request.query().first("pem").orElse("");
        return switch (v) {
            case "" , "0", "f", "F", "false", "FALSE", "False" -> false;
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            default -> throw new InvalidInput(BAD_PEM_PARAMETER);
        };
    }

    /** {@code GET /v1/agent/self}, reduced to what meshfed knows. */
    public record AgentSelf(@JsonProperty("Config") Config config) {
        @JsonPropertyOrder({"Datacenter", "PrimaryDatacenter", "NodeName"})
        public record Config(@JsonProperty("Datacenter") String datacenter,
                             @JsonProperty("PrimaryDatacenter") String primaryDatacenter,
                             @JsonProperty("NodeName") String nodeName) {
        }
    }
}
