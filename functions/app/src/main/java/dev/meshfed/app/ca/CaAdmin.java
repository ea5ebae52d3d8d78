package dev.meshfed.app.ca;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.meshfed.app.acl.AclApi;
import dev.meshfed.app.auth.Authorizer;
import dev.meshfed.app.ca.lifecycle.EnrolmentKeys;
import dev.meshfed.app.ca.lifecycle.RotationRequests;
import dev.meshfed.app.ca.lifecycle.RotationStatus;
import dev.meshfed.app.ca.lifecycle.SignerStatus;
import dev.meshfed.app.intentions.ReplicateIntentions;
import dev.meshfed.app.http.ConsulHeaders;
import dev.meshfed.app.http.HttpFunction;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.app.http.Json;
import dev.meshfed.app.http.RouteMatch;
import dev.meshfed.app.http.Tokens;
import dev.meshfed.core.bundle.DcChain;
import dev.meshfed.core.bundle.TrustBundle;
import dev.meshfed.core.ca.RotationRequest;
import dev.meshfed.core.ca.Membership;
import dev.meshfed.core.ca.SignerRecord;
import dev.meshfed.core.config.CaConfig;
import dev.meshfed.core.config.CaConfigDecoder;
import dev.meshfed.core.config.CaConfigRequest;
import dev.meshfed.core.config.CaConfigValidator;
import dev.meshfed.core.config.ConfigChange;
import dev.meshfed.core.config.CrossDcTtlRule;
import dev.meshfed.core.config.GoDuration;
import dev.meshfed.core.config.SuppliedPrivateKey;
import dev.meshfed.core.config.SuppliedRoot;
import dev.meshfed.core.custody.KeyContext;
import dev.meshfed.core.custody.KeyCustody;
import dev.meshfed.core.custody.KeyPurpose;
import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.error.NotFound;
import dev.meshfed.core.error.NotPrimary;
import dev.meshfed.core.error.NotReady;
import dev.meshfed.core.identity.Datacenter;
import dev.meshfed.core.identity.DatacenterRole;
import dev.meshfed.core.identity.KeyIds;
import dev.meshfed.core.rotation.PruneDecision;
import dev.meshfed.core.store.CaStore;
import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.core.store.Versioned;
import dev.meshfed.pki.SuppliedRootKeys;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The {@code ca-admin} function's operator endpoints (api.md "CA" and "Operator"):
 * <ul>
 *   <li>{@code PUT /v1/connect/ca/configuration} (operator:write): weak decoding, validation, the
 *       cross-DC TTL rule, then {@link ConfigChange#classify}: no change is a no-op; a
 *       configuration-only change is a conditional write of this DC's {@code ca-config} item and a
 *       change index bump; a new root in the primary stores the configuration and records a
 *       rotation request for {@code rotate-leaves} (a supplied root's key staged, wrapped, in the
 *       private table first); a new intermediate in a secondary stores the configuration for
 *       {@code rotate-leaves}.</li>
 *   <li>{@code POST /v1/connect/ca/rotate} (operator:write): records a rotation request; 409 while
 *       one is open.</li>
 *   <li>{@code GET|PUT /v1/operator/federation/datacenters}: the membership, primary only, never
 *       forwarded; a secondary answers 400 (the request can never succeed there, so no 503 invites
 *       a retry).</li>
 *   <li>{@code GET /v1/operator/federation/enrolment} (operator:read): a secondary's enrolment
 *       public key, in the membership entry's shape; 404 in the primary.</li>
 *   <li>{@code GET /v1/operator/replication} (operator:read): the signer, the bundle copy,
 *       {@code replicate-intentions}' status ({@link #withIntentionReplication}) and where root
 *       rotation stands ({@link #withRotation}).</li>
 * </ul>
 * Every write is conditional on the version read, so a concurrent writer loses with 409. A supplied
 * private key goes to key custody only: never into a CA-table item, a log line or a response.
 */
public final class CaAdmin implements HttpFunction {

    public static final String CONFIGURATION = FetchRoots.CONFIGURATION;
    public static final String DATACENTERS = "/v1/operator/federation/datacenters";
    public static final String ENROLMENT = "/v1/operator/federation/enrolment";
    public static final String REPLICATION = "/v1/operator/replication";
    public static final String ROTATE = "/v1/connect/ca/rotate";

    /** The 400 text of a forced rotation while the configuration supplies the root. */
    public static final String ROOT_IS_SUPPLIED =
            "the root is supplied by the CA configuration: supply a new RootCert and PrivateKey through"
                    + " PUT /v1/connect/ca/configuration to rotate it";
    /** The 400 text of a supplied root in a secondary. */
    public static final String ROOT_IN_SECONDARY =
            "RootCert and PrivateKey can be supplied only in the primary datacenter: a secondary's intermediate"
                    + " is always signed by the primary's root";
    /** The 501 text of a {@code ca-admin} route that is not built yet (ACL routes without an ACL API). */
    public static final String NOT_BUILT = "this endpoint is not implemented yet";
    /** Retry-After for an enrolment key that rotate-leaves has not made yet. */
    public static final Duration ENROLMENT_RETRY_AFTER = Duration.ofMinutes(1);

    private static final System.Logger LOG = System.getLogger(CaAdmin.class.getName());

    private final CaStore caStore;
    private final PrivateStore privateStore;
    private final KeyCustody custody;
    private final Authorizer authorizer;
    private final Supplier<SignerStatus> signerStatus;
    private final Clock clock;
    private final boolean primary;
    private final AclApi aclApi; // null: the ACL routes answer 501
    private final Supplier<ReplicateIntentions.Status> intentionReplication; // null: Intentions is {}
    private final Supplier<RotationStatus> rotation; // null: Rotation is {}

    /**
     * @param signerStatus this DC's signer status, in production {@code rotateLeaves::status}
     */
    public CaAdmin(CaStore caStore, PrivateStore privateStore, KeyCustody custody, Authorizer authorizer,
            Supplier<SignerStatus> signerStatus, Clock clock) {
        this(caStore, privateStore, custody, authorizer, signerStatus, clock, null, null, null);
    }

    private CaAdmin(CaStore caStore, PrivateStore privateStore, KeyCustody custody, Authorizer authorizer,
            Supplier<SignerStatus> signerStatus, Clock clock, AclApi aclApi,
            Supplier<ReplicateIntentions.Status> intentionReplication, Supplier<RotationStatus> rotation) {
        this.aclApi = aclApi;
        this.intentionReplication = intentionReplication;
        this.rotation = rotation;
        this.caStore = Objects.requireNonNull(caStore, "caStore");
        this.privateStore = Objects.requireNonNull(privateStore, "privateStore");
        this.custody = Objects.requireNonNull(custody, "custody");
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        this.signerStatus = Objects.requireNonNull(signerStatus, "signerStatus");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.primary = caStore.localDc().equals(caStore.primaryDc());
    }

    /** This function serving the ACL routes ({@code /v1/acl/*}) through {@code acls} too. */
    public CaAdmin withAcls(AclApi acls) {
        return new CaAdmin(caStore, privateStore, custody, authorizer, signerStatus, clock,
                Objects.requireNonNull(acls, "acls"), intentionReplication, rotation);
    }

    /**
     * This function showing {@code replicate-intentions}' status as the {@code Intentions} part of
     * {@code GET /v1/operator/replication}; in production {@code replicateIntentions::status}.
     */
    public CaAdmin withIntentionReplication(Supplier<ReplicateIntentions.Status> status) {
        return new CaAdmin(caStore, privateStore, custody, authorizer, signerStatus, clock, aclApi,
                Objects.requireNonNull(status, "status"), rotation);
    }

    /**
     * This function showing where root rotation stands as the {@code Rotation} part of
     * {@code GET /v1/operator/replication}; in production {@code rotateLeaves::rotationStatus}.
     */
    public CaAdmin withRotation(Supplier<RotationStatus> status) {
        return new CaAdmin(caStore, privateStore, custody, authorizer, signerStatus, clock, aclApi,
                intentionReplication, Objects.requireNonNull(status, "status"));
    }

    @Override
    public HttpResponse handle(HttpRequest request, RouteMatch.Found match) {
        String method = request.method();
        return switch (match.route().template()) {
            case CONFIGURATION -> putConfiguration(request);
            case DATACENTERS -> "PUT".equals(method) ? putDatacenters(request) : getDatacenters(request);
            case ENROLMENT -> enrolment(request);
            case REPLICATION -> replication(request);
            case ROTATE -> rotate(request);
            default -> aclApi != null && AclApi.serves(match.route().template()) ? aclApi.handle(request, match)
                    : HttpResponse.text(501, NOT_BUILT);
        };
    }

    // ---- CA configuration -------------------------------------------------------------------

    /** Configuration PUT: decode, validate, classify, then at most one conditional write. */
    HttpResponse putConfiguration(HttpRequest request) {
        authorizer.operatorWrite(Tokens.extract(request));
        @SuppressWarnings("unchecked")
        Map<String, ?> body = Json.read(request, Map.class);
        CaConfigRequest decoded = CaConfigDecoder.decodeRequest(body);
        CaConfig proposed = decoded.config();
        CaConfigValidator.validate(proposed);
        if (!primary && proposed.suppliedRoot().isPresent()) {
            throw new InvalidInput(ROOT_IN_SECONDARY);
        }
        Optional<Versioned<CaConfig>> item = caStore.caConfig(caStore.localDc(), true);
        CaConfig current = item.map(Versioned::value).orElseGet(CaConfig::defaults);
        long version = item.map(Versioned::version).orElse(0L);
        ConfigChange change = ConfigChange.classify(primary ? DatacenterRole.PRIMARY : DatacenterRole.SECONDARY,
                current, proposed);
        if (change.kind() == ConfigChange.Kind.NO_CHANGE) {
            // An identical PUT stays a no-op even if other DCs' TTLs have moved since it was stored.
            return HttpResponse.empty(200);
        }
        crossDcTtlRule(current, change.effective());
        if (!decoded.ignoredKeys().isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "ca config keys ignored dc=" + caStore.localDc() + " keys="
                    + decoded.ignoredKeys());
        }
        return switch (change.kind()) {
            case NO_CHANGE -> HttpResponse.empty(200);
            case CONFIG_ONLY, NEW_INTERMEDIATE -> store(change, version);
            // before the first root there is nothing to rotate: the configuration is what the
            // bootstrap will use (rotate-leaves bootstraps on this record), unless it brings its own root
            case NEW_ROOT -> caStore.bundle(true).isEmpty() && change.effective().suppliedRoot().isEmpty()
                    ? store(change, version) : newRoot(change, decoded, version);
        };
    }

    /**
     * The cross-DC TTL rule. Primary: against every member's stored {@code LeafCertTTL} (the
     * default for a member that has stored none). Secondary: against the primary's replicated
     * {@code IntermediateCertTTL}.
     */
    private void crossDcTtlRule(CaConfig current, CaConfig proposed) {
        if (primary) {
            Map<String, Duration> leaves = new LinkedHashMap<>();
            for (Membership.Member m : caStore.membership(true).map(Versioned::value)
                    .map(Membership::members).orElse(List.of())) {
                leaves.put(m.datacenter(), caStore.caConfig(m.datacenter(), false).map(Versioned::value)
                        .orElseGet(CaConfig::defaults).leafCertTtl());
            }
            CrossDcTtlRule.checkPrimary(caStore.primaryDc(), proposed, leaves);
        } else {
            CaConfig primaryConfig = caStore.caConfig(caStore.primaryDc(), false).map(Versioned::value)
                    .orElseGet(CaConfig::defaults);
            CrossDcTtlRule.checkSecondary(caStore.localDc(), current.leafCertTtl(), proposed.leafCertTtl(),
                    caStore.primaryDc(), primaryConfig.intermediateCertTtl());
        }
    }

    /**
     * Stores the effective configuration on the version read. For {@code NEW_INTERMEDIATE} (a
     * secondary's key type change) {@code rotate-leaves} sees that its signer's key is not of the
     * stored type and re-keys through the CSR exchange on its next run.
     */
    private HttpResponse store(ConfigChange change, long version) {
        caStore.putCaConfig(change.effective(), version);
        privateStore.bumpChangeIndex();
        LOG.log(System.Logger.Level.INFO, "ca config stored dc=" + caStore.localDc() + " kind=" + change.kind()
                + " reason=\"" + change.reason() + "\"");
        return HttpResponse.empty(200);
    }

    /**
     * {@code POST /v1/connect/ca/rotate} (primary; a secondary's is forwarded): records a rotation
     * request for {@code rotate-leaves} to carry out with the stored configuration's key type; 409
     * while one is pending or in progress. An optional body {@code {"ForceWithoutCrossSigning":true}}
     * (either spelling) skips the cross-signed certificate.
     */
    HttpResponse rotate(HttpRequest request) {
        authorizer.operatorWrite(Tokens.extract(request));
        if (!primary) {
            // deployed, PrimaryWrites forwards this route before it gets here
            throw new NotPrimary("root rotation requests are recorded only in the primary datacenter "
                    + caStore.primaryDc());
        }
        boolean force = false;
        if (request.body() != null && new String(request.body(), java.nio.charset.StandardCharsets.UTF_8).strip().length() > 0) {
            @SuppressWarnings("unchecked")
            Map<String, ?> body = Json.read(request, Map.class);
            for (String key : List.of("ForceWithoutCrossSigning", "force_without_cross_signing")) {
                Object value = body == null ? null : body.get(key);
                if (value != null && !(value instanceof Boolean)) {
                    throw new InvalidInput("invalid JSON body: field \"" + key + "\": expected a boolean");
                }
                force |= Boolean.TRUE.equals(value);
            }
        }
        CaConfig config = caStore.caConfig(caStore.localDc(), true).map(Versioned::value).orElseGet(CaConfig::defaults);
        if (config.suppliedRoot().isPresent()) {
            throw new InvalidInput(ROOT_IS_SUPPLIED);
        }
        RotationRequest recorded = RotationRequests.record(caStore, RotationRequest.Trigger.FORCED, config, force,
                clock.instant());
        LOG.log(System.Logger.Level.INFO, "root rotation requested dc=" + caStore.localDc() + " trigger=FORCED id="
                + recorded.id() + " fromRootId=" + recorded.fromRootId() + " forceWithoutCrossSigning=" + force);
        return HttpResponse.empty(200);
    }

    /**
     * A new root in the primary. A supplied root is checked (a CA, self-signed, valid, of this
     * trust domain) and its key staged wrapped (ROOT purpose) in the private table under its key
     * ID; then two writes, in this order:
     * <ol>
     *   <li>the configuration, conditional on the version read;</li>
     *   <li>the rotation request ({@link RotationRequests#record}).</li>
     * </ol>
     * A crash between the two leaves a stored configuration that names another root than the
     * active one and no request: {@code rotate-leaves}' tick sees exactly that and records the
     * request itself (without {@code ForceWithoutCrossSigning}, which is not part of the stored
     * configuration: the safe default), so nothing is lost. The configuration goes first because
     * the request alone would rotate to a root of the old configuration. An open rotation is a 409
     * before anything is stored; a request recorded by someone else between the two writes is
     * the one that carries this configuration out (or, if it was a forced one already past its
     * root, the tick records the next), so the PUT still answers 200.
     */
    private HttpResponse newRoot(ConfigChange change, CaConfigRequest decoded, long version) {
        TrustBundle bundle = caStore.bundle(true).map(Versioned::value).orElseThrow(
                () -> new NotReady(RotationRequests.NOT_INITIALIZED, RotationRequests.NOT_INITIALIZED_RETRY_AFTER));
        if (RotationRequests.open(caStore).isPresent()) {
            throw new Conflict(RotationRequests.ALREADY_IN_PROGRESS);
        }
        Optional<SuppliedRoot> root = change.effective().suppliedRoot();
        Optional<SuppliedPrivateKey> key = decoded.suppliedPrivateKey();
        if (root.isPresent() && key.isPresent()) {
            X509Certificate certificate = SuppliedRootKeys.certificate(root.get().rootCertPem());
            PrivateKey privateKey = SuppliedRootKeys.matchingKey(key.get().pem(), certificate);
            RotationRequests.suppliedRootProblem(certificate, bundle.trustDomain(), clock.instant()).ifPresent(p -> {
                throw new InvalidInput(p);
            });
            String keyId = KeyIds.keyIdHex(certificate.getPublicKey());
            if (privateStore.signerKey(keyId).isEmpty()) {
                try {
                    privateStore.putSignerKey(keyId,
                            custody.wrap(privateKey, new KeyContext(caStore.localDc(), keyId, KeyPurpose.ROOT)));
                } catch (Conflict alreadyStaged) {
                    // a concurrent request staged the same key first
                }
            }
            LOG.log(System.Logger.Level.INFO, "supplied root key staged dc=" + caStore.localDc() + " keyId=" + keyId
                    + " sha256=" + root.get().sha256());
        }
        store(change, version);
        try {
            RotationRequest recorded = RotationRequests.record(caStore, RotationRequest.Trigger.CONFIGURATION,
                    change.effective(), decoded.forceWithoutCrossSigning(), clock.instant());
            LOG.log(System.Logger.Level.INFO, "root rotation requested dc=" + caStore.localDc()
                    + " trigger=CONFIGURATION id=" + recorded.id() + " fromRootId=" + recorded.fromRootId()
                    + " forceWithoutCrossSigning=" + decoded.forceWithoutCrossSigning());
        } catch (Conflict another) {
            LOG.log(System.Logger.Level.INFO, "a rotation was recorded between the configuration and its request;"
                    + " the stored configuration's root follows from it or from the next tick dc=" + caStore.localDc());
        }
        return HttpResponse.empty(200);
    }

    // ---- membership ----------------------------------------------------------------------------

    HttpResponse getDatacenters(HttpRequest request) {
        authorizer.operatorRead(Tokens.extract(request));
        requirePrimary();
        long index = privateStore.changeIndex();
        List<MemberJson> out = caStore.membership(true).map(Versioned::value).map(Membership::members)
                .orElse(List.of()).stream().map(m -> new MemberJson(m.datacenter(), m.enrolmentKeyPem())).toList();
        return ConsulHeaders.jsonRead(Json.write(out), index, Duration.ZERO);
    }

    /** Membership PUT: the whole list, validated, written on the version read. */
    HttpResponse putDatacenters(HttpRequest request) {
        authorizer.operatorWrite(Tokens.extract(request));
        requirePrimary();
        MemberJson[] body = Json.read(request, MemberJson[].class);
        Membership membership = validMembership(body);
        long version = caStore.membership(true).map(Versioned::version).orElse(0L);
        caStore.putMembership(membership, version);
        privateStore.bumpChangeIndex();
        LOG.log(System.Logger.Level.INFO, "membership stored dc=" + caStore.localDc() + " members="
                + membership.members().stream().map(Membership.Member::datacenter).toList());
        return HttpResponse.empty(200);
    }

    /** Names valid and unique, not the primary; each key one EC P-256 {@code PUBLIC KEY} block. */
    Membership validMembership(MemberJson[] body) {
        List<Membership.Member> members = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < body.length; i++) {
            MemberJson m = body[i];
            if (m == null) {
                throw new InvalidInput("invalid membership entry " + i + ": expected an object, not null");
            }
            String name = new Datacenter(m.name()).name();
            if (name.equals(caStore.primaryDc())) {
                throw new InvalidInput("invalid membership entry " + i + ": " + name
                        + " is the primary datacenter and cannot be a member");
            }
            if (!seen.add(name)) {
                throw new InvalidInput("invalid membership entry " + i + ": datacenter " + name + " is listed twice");
            }
            if (!isP256(EnrolmentKeys.parse(m.enrolmentKey()))) {
                throw new InvalidInput("invalid EnrolmentKey for " + name
                        + ": must be one PEM PUBLIC KEY block of an EC P-256 key");
            }
            members.add(new Membership.Member(name, m.enrolmentKey()));
        }
        return new Membership(members);
    }

    private static boolean isP256(Optional<PublicKey> key) {
        return key.filter(ECPublicKey.class::isInstance).map(ECPublicKey.class::cast)
                .filter(k -> k.getParams().getCurve().getField().getFieldSize() == 256
                        && k.getParams().getOrder().bitLength() == 256
                        && k.getParams().getCurve().getA().toString(16)
                                .equals("ffffffff00000001000000000000000000000000fffffffffffffffffffffffc"))
                .isPresent();
    }

    private void requirePrimary() {
        if (!primary) {
            throw new InvalidInput("the membership is kept only in the primary datacenter " + caStore.primaryDc()
                    + " and is never forwarded: send this request to the primary's API");
        }
    }

    // ---- enrolment and replication --------------------------------------------------------------

    /** A secondary's enrolment public key, made by rotate-leaves; 503 until it exists. */
    HttpResponse enrolment(HttpRequest request) {
        authorizer.operatorRead(Tokens.extract(request));
        if (primary) {
            throw new NotFound("the primary datacenter has no enrolment key");
        }
        String pem = privateStore.enrolmentKey().map(v -> v.value().publicKeyPem())
                .orElseThrow(() -> new NotReady("the enrolment key has not been made yet", ENROLMENT_RETRY_AFTER));
        return ConsulHeaders.jsonRead(Json.write(new MemberJson(caStore.localDc(), pem)), privateStore.changeIndex(),
                Duration.ZERO);
    }

    /**
     * The replication status: this DC's signer, and its copy of the trust bundle (the version it
     * holds, the active root, when the primary wrote it, CA-table records quarantined here), and
     * {@code replicate-intentions}' status (empty object when none was wired).
     */
    HttpResponse replication(HttpRequest request) {
        authorizer.operatorRead(Tokens.extract(request));
        SignerStatus s = signerStatus.get();
        Instant now = clock.instant();
        String notAfter = caStore.signer(caStore.localDc(), true).map(Versioned::value).map(SignerRecord::chain)
                .map(DcChain::signer).map(c -> c.getNotAfter().toInstant().toString()).orElse(null);
        Signer signer = new Signer(s.state() == null ? null : s.state().name(), s.signingKeyId(), notAfter,
                s.pendingKeyId(), s.requestedAt() == null ? null : s.requestedAt().toString(),
                s.requestedAt() == null ? null : GoDuration.format(Duration.between(s.requestedAt(), now)),
                s.reason() == null ? null : s.reason().name(), s.refusal());
        Map<String, Object> bundle = new java.util.LinkedHashMap<>();
        caStore.bundle(true).ifPresent(b -> {
            bundle.put("AppliedVersion", b.version());
            bundle.put("ActiveRootID", b.value().activeRootId());
            bundle.put("UpdatedAt", b.updatedAt().toString());
        });
        bundle.put("QuarantinedRecords", privateStore.quarantined().stream()
                .filter(q -> "CA".equalsIgnoreCase(q.value().table())).count());
        return ConsulHeaders.jsonRead(Json.write(new Replication(signer, bundle, intentions(), rotation())),
                privateStore.changeIndex(), Duration.ZERO);
    }

    /** The {@code Intentions} part: {@code replicate-intentions}' status, PascalCase, absent times as null. */
    private Map<String, Object> intentions() {
        if (intentionReplication == null) {
            return Map.of();
        }
        ReplicateIntentions.Status s = intentionReplication.get();
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("AppliedVersion", s.appliedVersion());
        m.put("LastAppliedAt", s.lastAppliedAt() == null ? null : s.lastAppliedAt().toString());
        m.put("LagMillis", s.lagMillis());
        m.put("AuthorityViolations", s.authorityViolations());
        m.put("QuarantinedRecords", s.quarantinedRecords());
        m.put("LastError", s.lastError());
        m.put("LastErrorAt", s.lastErrorAt() == null ? null : s.lastErrorAt().toString());
        m.put("LastReconcileAt", s.lastReconcileAt() == null ? null : s.lastReconcileAt().toString());
        m.put("Repairs", s.repairs());
        return m;
    }

    /**
     * The {@code Rotation} part (docs/rotation.md "Visibility"): {@code Request} (null before the
     * first), {@code Reissue}, and {@code Pruning} (null in a secondary). PascalCase, absent values null.
     */
    private Map<String, Object> rotation() {
        if (rotation == null) {
            return Map.of();
        }
        RotationStatus s = rotation.get();
        Map<String, Object> m = new LinkedHashMap<>();
        RotationRequest r = s.request();
        Map<String, Object> request = null;
        if (r != null) {
            request = new LinkedHashMap<>();
            request.put("ID", r.id());
            request.put("Trigger", r.trigger().name());
            request.put("State", r.state().name());
            request.put("RequestedAt", r.requestedAt().toString());
            request.put("DoneAt", r.doneAt() == null ? null : r.doneAt().toString());
            request.put("FromRootID", r.fromRootId());
            request.put("ToRootID", s.toRootId());
            request.put("ForceWithoutCrossSigning", r.forceWithoutCrossSigning());
        }
        m.put("Request", request);
        ManagedLeafReissue.Progress p = s.reissue();
        Map<String, Object> reissue = new LinkedHashMap<>();
        reissue.put("SigningKeyID", p.signingKeyId());
        reissue.put("Reissued", p.reissued());
        reissue.put("Total", p.total());
        reissue.put("LastSlotDeadline", p.lastSlot() == null ? null : p.lastSlot().toString());
        m.put("Reissue", reissue);
        List<Map<String, Object>> pruning = null;
        if (s.pruning() != null) {
            pruning = new ArrayList<>();
            for (Map.Entry<String, PruneDecision> e : s.pruning().entrySet()) {
                pruning.add(pruneJson(e.getKey(), e.getValue()));
            }
        }
        m.put("Pruning", pruning);
        return m;
    }

    /**
     * One inactive root's prune decision: {@code Prunable} (it leaves the bundle on the next tick),
     * {@code PrunableAt} (since when, or the earliest instant it can), {@code BlockedBy} (the DCs
     * still signing under it, or the DC whose leaves drain last), {@code BlockedUntil} (when that
     * DC's leaves drain; null while a DC still signs, since its stop time is not known), {@code Reason}.
     */
    private static Map<String, Object> pruneJson(String rootId, PruneDecision decision) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("RootID", rootId);
        m.put("Prunable", decision.prunable());
        if (decision instanceof PruneDecision.Prune p) {
            m.put("PrunableAt", p.since().toString());
            m.put("BlockedBy", List.of());
            m.put("BlockedUntil", null);
        } else if (decision instanceof PruneDecision.StillSigning still) {
            m.put("PrunableAt", still.prunableAtLatest().toString());
            m.put("BlockedBy", still.datacenters());
            m.put("BlockedUntil", null);
        } else if (decision instanceof PruneDecision.Draining draining) {
            m.put("PrunableAt", draining.prunableAt().toString());
            m.put("BlockedBy", List.of(draining.slowestDatacenter()));
            m.put("BlockedUntil", draining.drainedAt().toString());
        }
        m.put("Reason", decision.reason());
        return m;
    }

    /** One membership entry, also the enrolment response. */
    @JsonPropertyOrder({"Name", "EnrolmentKey"})
    public record MemberJson(@JsonProperty("Name") String name, @JsonProperty("EnrolmentKey") String enrolmentKey) {
    }

    /** {@code GET /v1/operator/replication}. */
    @JsonPropertyOrder({"Signer", "Bundle", "Intentions", "Rotation"})
    public record Replication(@JsonProperty("Signer") Signer signer, @JsonProperty("Bundle") Map<String, Object> bundle,
            @JsonProperty("Intentions") Map<String, Object> intentions,
            @JsonProperty("Rotation") Map<String, Object> rotation) {
    }

    /** The signer part; absent values are {@code null}, as Consul writes unset fields. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"State", "SigningKeyID", "NotAfter", "PendingKeyID", "PendingRequestedAt",
            "PendingRequestAge", "PendingRequestReason", "PendingRequestRefusal"})
    public record Signer(@JsonProperty("State") String state, @JsonProperty("SigningKeyID") String signingKeyId,
            @JsonProperty("NotAfter") String notAfter, @JsonProperty("PendingKeyID") String pendingKeyId,
            @JsonProperty("PendingRequestedAt") String pendingRequestedAt,
            @JsonProperty("PendingRequestAge") String pendingRequestAge,
            @JsonProperty("PendingRequestReason") String pendingRequestReason,
            @JsonProperty("PendingRequestRefusal") String pendingRequestRefusal) {
    }
}
