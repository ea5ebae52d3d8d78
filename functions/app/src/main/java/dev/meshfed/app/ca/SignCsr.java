package dev.meshfed.app.ca;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.meshfed.app.auth.Authorizer;
import dev.meshfed.app.auth.Token;
import dev.meshfed.app.http.HttpFunction;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.app.http.Json;
import dev.meshfed.app.http.RouteMatch;
import dev.meshfed.app.http.Tokens;
import dev.meshfed.core.bundle.TrustBundle;
import dev.meshfed.core.config.CaConfig;
import dev.meshfed.core.config.CidrRange;
import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.error.NotReady;
import dev.meshfed.core.identity.Datacenter;
import dev.meshfed.core.identity.SpiffeId;
import dev.meshfed.core.identity.TrustDomain;
import dev.meshfed.core.leaf.LeafInventory;
import dev.meshfed.core.pki.LeafCsrValidator;
import dev.meshfed.core.pki.LeafSigner;
import dev.meshfed.core.pki.LeafSigningCore;
import dev.meshfed.core.pki.LeafSigningGates;
import dev.meshfed.core.pki.SignedLeaf;
import dev.meshfed.core.ratelimit.CsrPermit;
import dev.meshfed.core.ratelimit.CsrRateLimiter;
import dev.meshfed.core.store.CaStore;
import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.core.store.Versioned;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The {@code sign-csr} function, {@code POST /v1/connect/ca/sign}: the leaf CSR checks of
 * certificates.md in order ({@link LeafSigningCore} with this DC's gates: authorization through
 * {@link Authorizer}, the rate limit through {@link CsrRateLimiter}, the signer through
 * {@link ActiveSigner}), then the inventory record and the response.
 *
 * <p>{@code GET /v1/agent/connect/ca/leaf/{service}} (managed leaves) is served by {@link AgentLeaf}
 * when the function was given one ({@link #withManagedLeaves}); without it the route answers 501.
 */
public final class SignCsr implements HttpFunction {

    public static final String SIGN = "/v1/connect/ca/sign";
    public static final String MANAGED_LEAF = "/v1/agent/connect/ca/leaf/{service}";
    /** The 400 for a body without a {@code CSR} string. */
    public static final String CSR_REQUIRED = "CSR is required";
    /** The 501 of the managed-leaf route until it is built. */
    public static final String MANAGED_LEAF_NOT_IMPLEMENTED = "managed leaves are not implemented yet; use POST /v1/connect/ca/sign";

    private final CaStore caStore;
    private final PrivateStore privateStore;
    private final Authorizer authorizer;
    private final CsrRateLimiter rateLimiter;
    private final ActiveSigner activeSigner;
    private final LeafSigningCore core;
    private final RandomGenerator random;
    private final Clock clock;
    private final Datacenter datacenter;
    private volatile TrustDomain trustDomain; // never changes once the primary has bootstrapped
    private final AgentLeaf agentLeaf; // null: the managed-leaf route answers 501

    public SignCsr(CaStore caStore, PrivateStore privateStore, Authorizer authorizer, CsrRateLimiter rateLimiter,
            ActiveSigner activeSigner, LeafSigningCore core, RandomGenerator random, Clock clock) {
        this.caStore = Objects.requireNonNull(caStore, "caStore");
        this.privateStore = Objects.requireNonNull(privateStore, "privateStore");
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter");
        this.activeSigner = Objects.requireNonNull(activeSigner, "activeSigner");
        this.core = Objects.requireNonNull(core, "core");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.datacenter = new Datacenter(caStore.localDc());
        this.agentLeaf = null;
    }

    private SignCsr(SignCsr base, AgentLeaf.Parts parts) {
        this.caStore = base.caStore;
        this.privateStore = base.privateStore;
        this.authorizer = base.authorizer;
        this.rateLimiter = base.rateLimiter;
        this.activeSigner = base.activeSigner;
        this.core = base.core;
        this.random = base.random;
        this.clock = base.clock;
        this.datacenter = base.datacenter;
        this.agentLeaf = new AgentLeaf(this, parts);
    }

    /** This function with {@code GET /v1/agent/connect/ca/leaf/{service}} served. */
    public SignCsr withManagedLeaves(AgentLeaf.Parts parts) {
        return new SignCsr(this, Objects.requireNonNull(parts, "parts"));
    }

    /**
     * The re-issue of this DC's managed leaves after a signer change, for {@code rotate-leaves}'s tick;
     * {@code sleeper} paces the run to each leaf's slot.
     *
     * @throws IllegalStateException when this function serves no managed leaves
     */
    public ManagedLeafReissue managedLeafReissue(IndexPoller.Sleeper sleeper) {
        if (agentLeaf == null) {
            throw new IllegalStateException("sign-csr without managed leaves has nothing to re-issue");
        }
        return new ManagedLeafReissue(this, agentLeaf, sleeper);
    }

    @Override
    public HttpResponse handle(HttpRequest request, RouteMatch.Found match) {
        return switch (match.route().template()) {
            case SIGN -> sign(request);
            case MANAGED_LEAF -> agentLeaf == null ? HttpResponse.text(501, MANAGED_LEAF_NOT_IMPLEMENTED)
                    : agentLeaf.handle(request, match.pathParameter("service"));
            default -> throw new IllegalStateException("sign-csr does not serve " + match.route().template());
        };
    }

    /** Decode, validate, sign (one core call), record, encode. */
    HttpResponse sign(HttpRequest request) {
        SignRequest body = Json.read(request, SignRequest.class);
        if (body.csr() == null) {
            throw new InvalidInput(CSR_REQUIRED);
        }
        Token token = Tokens.extract(request);
        CaConfig config = config();
        Instant now = clock.instant();
        try (Gates gates = new Gates(token, config)) {
            SignedLeaf leaf = core.sign(body.csr(), policy(config), gates, gates::signer, now, config.leafCertTtl());
            privateStore.recordLeaf(LeafInventory.record(leaf, gates.loaded.keyId(), null));
            Instant rotateAfter = LeafInventory.rotateAfter(leaf, random);
            return HttpResponse.json(200, Json.write(SignResponse.of(leaf, rotateAfter, gates.loaded.itemVersion())));
        }
    }

    /** What {@link #signFor} made: the leaf, and the signer it was signed under. */
    record Issued(SignedLeaf leaf, String signingKeyId, long signerVersion) {
    }

    /**
     * One leaf through the same path as {@code POST /v1/connect/ca/sign} (checks, gates, core),
     * with no inventory record and no response: for {@link AgentLeaf}.
     */
    Issued signFor(Token token, String csrPem, Instant now) {
        CaConfig config = config();
        try (Gates gates = new Gates(token, config)) {
            SignedLeaf leaf = core.sign(csrPem, policy(config), gates, gates::signer, now, config.leafCertTtl());
            return new Issued(leaf, gates.loaded.keyId(), gates.loaded.itemVersion());
        }
    }

    /**
     * One leaf re-issued by the CA itself ({@link ManagedLeafReissue}): the same checks, rate limit
     * and signer as {@link #signFor}, without a token. The managed leaf it replaces was authorized
     * (service:write) when its owner first asked for it; re-issue only re-keys that same identity.
     */
    Issued signForReissue(String csrPem, Instant now) {
        CaConfig config = config();
        try (Gates gates = new Gates(null, config)) {
            SignedLeaf leaf = core.sign(csrPem, policy(config), gates, gates::signer, now, config.leafCertTtl());
            return new Issued(leaf, gates.loaded.keyId(), gates.loaded.itemVersion());
        }
    }

    /**
     * The DC's CA configuration, re-read at most every {@link ActiveSigner#REFRESH} like the signer:
     * a read per signature would put a table read on the hot path for a value that rarely changes.
     */
    CaConfig config() {
        Instant now = clock.instant();
        CachedConfig c = cachedConfig;
        if (c == null || !now.isBefore(c.readAt().plus(ActiveSigner.REFRESH)) || now.isBefore(c.readAt())) {
            c = new CachedConfig(caStore.caConfig(datacenter.name(), false).map(Versioned::value)
                    .orElseGet(CaConfig::defaults), now);
            cachedConfig = c;
        }
        return c.config();
    }

    private record CachedConfig(CaConfig config, Instant readAt) {
    }

    private volatile CachedConfig cachedConfig;

    /** The trust domain, or check 9's 503 before the primary's bootstrap. */
    TrustDomain trustDomain() {
        TrustDomain td = trustDomain;
        if (td == null) {
            td = caStore.bundle(false).map(Versioned::value).map(TrustBundle::trustDomain)
                    .orElseThrow(() -> new NotReady(activeSigner.notInitializedText(), ActiveSigner.RETRY_AFTER));
            trustDomain = td;
        }
        return td;
    }

    Datacenter datacenter() {
        return datacenter;
    }

    ActiveSigner activeSigner() {
        return activeSigner;
    }

    PrivateStore privateStore() {
        return privateStore;
    }

    Authorizer authorizer() {
        return authorizer;
    }

    RandomGenerator random() {
        return random;
    }

    Clock clock() {
        return clock;
    }

    /**
     * The DC's CSR policy. Before the primary's bootstrap there is no trust domain to check check 5
     * against, so the answer is check 9's 503 at once (meshfed: the one case where check 9 comes first).
     */
    private LeafCsrValidator.Policy policy(CaConfig config) {
        TrustDomain td = trustDomain();
        return new LeafCsrValidator.Policy(td, datacenter, config.allowedDnsSuffixes(),
                config.allowedIpRanges().stream().map(CidrRange::parse).toList());
    }

    /**
     * Checks 6, 8 and 9 for one request; closing gives a concurrency slot back. A null token is the
     * CA's own re-issue ({@link #signForReissue}), which skips authorization only.
     */
    private final class Gates implements LeafSigningGates, AutoCloseable {
        private final Token token;
        private final CaConfig config;
        private CsrPermit permit;
        private ActiveSigner.Loaded loaded;

        Gates(Token token, CaConfig config) {
            this.token = token;
            this.config = config;
        }

        @Override
        public void authorize(SpiffeId identity) {
            if (token == null) {
                return; // the CA re-issuing a managed leaf it already holds for this identity
            }
            if (identity instanceof SpiffeId.Service s) {
                authorizer.serviceWrite(token, s.service());
            } else {
                authorizer.meshWrite(token); // the validator lets only services and mesh gateways through
            }
        }

        @Override
        public void acquireRateLimit() {
            permit = rateLimiter.acquire(config);
        }

        @Override
        public void requireSigner() {
            loaded = activeSigner.require();
        }

        LeafSigner signer() {
            return loaded.signer();
        }

        @Override
        public void close() {
            if (permit != null) {
                permit.close();
            }
        }
    }

    /** The request body: {@code {"CSR":"-----BEGIN CERTIFICATE REQUEST-----..."}}; other fields are ignored. */
    public record SignRequest(@JsonProperty("CSR") String csr) {
    }

    /** The response: Consul's {@code IssuedCert} fields plus {@code RotateAfter} (meshfed). */
    @JsonPropertyOrder({"SerialNumber", "CertPEM", "Service", "ServiceURI", "ValidAfter", "ValidBefore", "RotateAfter",
            "CreateIndex", "ModifyIndex"})
    public record SignResponse(
            @JsonProperty("SerialNumber") String serialNumber,
            @JsonProperty("CertPEM") String certPem,
            @JsonProperty("Service") String service,
            @JsonProperty("ServiceURI") String serviceUri,
            @JsonProperty("ValidAfter") String validAfter,
            @JsonProperty("ValidBefore") String validBefore,
            @JsonProperty("RotateAfter") String rotateAfter,
            @JsonProperty("CreateIndex") long createIndex,
            @JsonProperty("ModifyIndex") long modifyIndex) {

        /**
         * @param index the version of the signer item the leaf was signed under (Consul sends the CA
         *     state's Raft index); a mesh gateway's leaf has {@code Service} {@code ""}
         */
        static SignResponse of(SignedLeaf leaf, Instant rotateAfter, long index) {
            String service = leaf.identity() instanceof SpiffeId.Service s ? s.service() : "";
            return new SignResponse(leaf.serialHex(), leaf.certPem(), service, leaf.identity().uri(),
                    RootsJson.rfc3339(leaf.notBefore()), RootsJson.rfc3339(leaf.notAfter()),
                    RootsJson.rfc3339(rotateAfter), index, index);
        }
    }
}
