package dev.meshfed.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshfed.app.ca.lifecycle.RotateLeaves;
import dev.meshfed.app.config.DcConfig;
import dev.meshfed.app.deploy.Deployable;
import dev.meshfed.app.deploy.Deployment;
import dev.meshfed.app.deploy.PermissionCheck;
import dev.meshfed.app.deploy.RecordingKeyCustody;
import dev.meshfed.app.deploy.RecordingTableStore;
import dev.meshfed.app.deploy.Use;
import dev.meshfed.app.deploy.UseRecorder;
import dev.meshfed.app.forwarding.HttpPrimaryApi;
import dev.meshfed.app.forwarding.PrimaryApi;
import dev.meshfed.app.http.BlockingQuery;
import dev.meshfed.app.http.FunctionName;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.app.http.Route;
import dev.meshfed.app.http.RouteMatch;
import dev.meshfed.app.http.RouteTable;
import dev.meshfed.core.bundle.TrustBundle;
import dev.meshfed.core.ca.RotationRequest;
import dev.meshfed.core.identity.DatacenterRole;
import dev.meshfed.core.pki.CertificateProfiles;
import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.core.pki.Pem;
import dev.meshfed.core.store.CaStore;
import dev.meshfed.core.store.IntentionStore;
import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.core.store.Table;
import dev.meshfed.custody.LocalKeyCustody;
import dev.meshfed.pki.BcCertificateIssuer;
import dev.meshfed.pki.CryptoProviders;
import dev.meshfed.pki.JcaKeyPairFactory;
import dev.meshfed.store.embedded.stream.StreamSubscriber;
import dev.meshfed.testkit.federation.MultiDcHarness;
import dev.meshfed.testkit.metrics.RecordingMetrics;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Each deployable's declared AWS permissions ({@link Deployment}) are exactly what it uses, proved
 * on a primary (dc1) and secondaries (dc2, dc3) wired as deployed ({@link DcFunctions#build}, ACLs
 * on) whose every table and key custody record each call for the deployable being exercised. The
 * scenario drives every deployable through what it does in production: every route of the route
 * table with valid requests in dc1 and dc2 (dc2's primary-owned writes forwarded to dc1 over
 * loopback HTTP), idempotent replays, managed leaves, bootstrap, the secondaries' joins (dc2's
 * enrolment key made by its tick, dc3's by its stream), a forced rotation, a CA configuration
 * with a supplied root and key, a secondary's CA key type change (re-keyed by its tick),
 * managed-leaf re-issue, both tables' streams, both ticks, and four days of ticks (renewal and
 * pruning). Then, per deployable and role: every use is declared for the role of the DC it was made
 * in (writes only of the DC's own keys) and every grant was used in each role it is declared for.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeployablePermissionsTest {

    private static final CryptoProviders PROVIDERS = CryptoProviders.of(CryptoProviders.Preference.AUTO);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROTATE_STREAM = FunctionName.ROTATE_LEAVES.deployable("stream");
    private static final String ROTATE_TICK = FunctionName.ROTATE_LEAVES.deployable("tick");
    private static final String REPLICATE_STREAM = FunctionName.REPLICATE_INTENTIONS.deployable("stream");
    private static final String REPLICATE_TICK = FunctionName.REPLICATE_INTENTIONS.deployable("tick");
    /**
     * Grants kept although the scenario cannot exercise them, each with its reason. Empty: every
     * declared grant is used.
     */
    private static final Set<String> KNOWN_UNEXERCISED = Set.of();

    private final MultiDcHarness harness = new MultiDcHarness(List.of("dc1", "dc2", "dc3"), "dc1");
    private final Map<String, UseRecorder> recorders = new LinkedHashMap<>();
    /** The DCs' names, the primary first. */
    private final List<String> dcs = List.of("dc1", "dc2", "dc3");
    /**
     * Per DC and deployable, its own wiring: each deployable is a Lambda function with its own
     * instances, so no in-memory cache (an unwrapped signing key, say) carries one deployable's
     * call over to another, as one shared wiring would.
     */
    private final Map<String, Map<String, DcFunctions>> instances = new LinkedHashMap<>();
    private final Map<String, LocalKeyCustody> keks = new LinkedHashMap<>();
    /** The (method, route template) pairs each DC was called on, to prove every route was exercised. */
    private final Map<String, Set<String>> routesCalled = new LinkedHashMap<>();
    private final List<String> unexpected = new ArrayList<>();
    private LoopbackGateway primaryGateway;
    private String management;

    @BeforeAll
    void runTheScenario() throws Exception {
        primaryGateway = new LoopbackGateway(r -> call("dc1", r));
        for (String dc : dcs) {
            UseRecorder recorder = new UseRecorder(dc);
            recorders.put(dc, recorder);
            routesCalled.put(dc, new TreeSet<>());
            instances.put(dc, new LinkedHashMap<>());
            byte[] kek = new byte[LocalKeyCustody.KEK_BYTES];
            new SecureRandom().nextBytes(kek);
            keks.put(dc, new LocalKeyCustody(kek));
            // the stream deployables, one record per call as Funqy hands them over
            var caStream = functions(dc, ROTATE_STREAM).rotateLeavesStream();
            harness.subscribe(dc, Table.CA, StreamSubscriber.perRecord(r -> recorder.run(ROTATE_STREAM,
                    () -> caStream.onRecord(r))));
            var intentionsStream = functions(dc, REPLICATE_STREAM).replicateIntentionsStream();
            harness.subscribe(dc, Table.INTENTIONS, StreamSubscriber.perRecord(r -> recorder.run(REPLICATE_STREAM,
                    () -> intentionsStream.onRecord(r))));
        }
        scenario();
    }

    /** {@code deployable}'s wiring in {@code dc}, as its Lambda instance builds it: stores, custody, functions. */
    private DcFunctions functions(String dc, String deployable) {
        return instances.get(dc).computeIfAbsent(deployable, n -> {
            UseRecorder recorder = recorders.get(dc);
            var d = harness.dc(dc);
            Optional<PrimaryApi> primaryApi = dc.equals("dc1") ? Optional.empty()
                    : Optional.of(new HttpPrimaryApi(primaryGateway.uri(), "dc1", dc));
            // below the typed stores' owner guards: what would reach DynamoDB
            return DcFunctions.build(
                    new CaStore(new RecordingTableStore(d.table(Table.CA), Table.CA, recorder), dc, "dc1", harness.clock()),
                    new IntentionStore(new RecordingTableStore(d.table(Table.INTENTIONS), Table.INTENTIONS, recorder), dc,
                            "dc1", harness.clock()),
                    new PrivateStore(new RecordingTableStore(d.table(Table.PRIVATE), Table.PRIVATE, recorder), dc,
                            harness.clock()),
                    new RecordingKeyCustody(keks.get(dc), recorder), PROVIDERS, DcConfig.AclMode.ON, primaryApi,
                    BlockingQuery.DEFAULT_MAX_BLOCKING_WAIT, harness.clock(), new RecordingMetrics());
        });
    }

    @AfterAll
    void close() {
        primaryGateway.close();
    }

    // ---- the scenario ---------------------------------------------------------------------------

    private void scenario() throws Exception {
        // A secondary's enrolment key is made by whichever of its rotate-leaves deployables runs first:
        // dc2 is deployed and ticks before the primary bootstraps, dc3 first hears of the primary's
        // bundle on its CA stream. Both then ask for an intermediate and are refused (not members).
        tick("dc2");
        tick("dc1");
        management = JSON.readTree(expect(200, "dc1", "PUT", "/v1/acl/bootstrap", null, null).body())
                .get("SecretID").asText();
        harness.settle();
        // an hour later the ticks re-drive the refused requests (signed with the enrolment key again)
        harness.advance(RotateLeaves.REDRIVE_AFTER.plusMinutes(1));
        ticks();

        // join: the operator registers both enrolment keys in the primary's membership
        String dc2 = expect(200, "dc2", "GET", "/v1/operator/federation/enrolment", management, null).body();
        String dc3 = expect(200, "dc3", "GET", "/v1/operator/federation/enrolment", management, null).body();
        expect(200, "dc1", "PUT", "/v1/operator/federation/datacenters", management, "[" + dc2 + "," + dc3 + "]");
        harness.settle();
        for (String dc : List.of("dc2", "dc3")) {
            assertThat(harness.dc(dc).caStore().signer(dc, true).map(v -> v.value().chain()))
                    .as(dc + " joined").isPresent();
        }

        // every route in the primary and a secondary, the secondary's primary-owned writes forwarded
        everyRoute("dc1");
        harness.settle();
        everyRoute("dc2");
        harness.settle();
        // a secondary's own CA configuration is stored there (its ca-admin writes CA and PRIVATE); a key
        // type change is carried out by its tick alone (its CA stream does not follow its own
        // configuration): the tick makes the new intermediate key
        expect(200, "dc2", "PUT", "/v1/connect/ca/configuration", management,
                "{\"Provider\":\"consul\",\"Config\":{\"PrivateKeyType\":\"ec\",\"PrivateKeyBits\":384}}");
        tick("dc2");

        // the secondaries follow the rotations, then the ticks re-issue the managed leaves
        for (int i = 0; i < 3; i++) {
            ticks();
            harness.advance(Duration.ofMinutes(1));
        }
        assertThat(harness.dc("dc1").caStore().rotation(true).orElseThrow().value().state())
                .isEqualTo(RotationRequest.State.DONE);
        managedLeaves("dc1");
        managedLeaves("dc2");

        // a CA configuration with a supplied root and key (staged wrapped), then rotated to
        suppliedRoot();
        for (int i = 0; i < 3; i++) {
            ticks();
            harness.advance(Duration.ofMinutes(1));
        }
        int roots = harness.dc("dc1").caStore().bundle(true).orElseThrow().value().roots().size();
        assertThat(roots).isGreaterThanOrEqualTo(3);

        // the reconcile tick, then four days of ticks: renewals, re-issue and pruning of the old roots
        for (String dc : dcs) {
            recorders.get(dc).run(REPLICATE_TICK, () -> functions(dc, REPLICATE_TICK).replicateIntentions().reconcile());
        }
        for (int i = 0; i < 16; i++) {
            harness.advance(Duration.ofHours(6));
            ticks();
            for (String dc : List.of("dc1", "dc2")) {
                expect(200, dc, "GET", "/v1/agent/connect/ca/leaf/web", management, null);
            }
        }
        for (String dc : dcs) {
            recorders.get(dc).run(REPLICATE_TICK, () -> functions(dc, REPLICATE_TICK).replicateIntentions().reconcile());
        }
        harness.settle();
        assertThat(harness.dc("dc1").caStore().bundle(true).orElseThrow().value().roots()).as("old roots pruned")
                .hasSizeLessThan(roots);
    }

    /** One rotate-leaves tick in each DC, each followed by the streams it causes. */
    private void ticks() {
        dcs.forEach(this::tick);
    }

    private void tick(String dc) {
        recorders.get(dc).run(ROTATE_TICK, () -> functions(dc, ROTATE_TICK).rotateLeaves().tick());
        harness.settle();
    }

    /** Every (route, method) of the deployed route table in {@code dc}, with valid requests. */
    private void everyRoute(String dc) throws Exception {
        boolean primary = dc.equals("dc1");
        TrustBundle bundle = harness.dc(dc).caStore().bundle(true).orElseThrow().value();
        String csr = leafCsr("spiffe://" + bundle.trustDomain().value() + "/ns/default/dc/" + dc + "/svc/web");

        // CA
        expect(200, dc, "GET", "/v1/connect/ca/roots", null, null);
        expect(200, dc, "GET", "/v1/connect/ca/roots?pem=true", null, null);
        expect(200, dc, "GET", "/v1/agent/connect/ca/roots", null, null);
        // blocking reads whose index is already behind answer at once (no real wait), through the poller
        expect(200, dc, "GET", "/v1/connect/ca/roots?index=1&wait=1s", null, null);
        expect(200, dc, "GET", "/v1/agent/connect/ca/leaf/web?index=1&wait=1s", management, null);
        expect(200, dc, "GET", "/v1/connect/ca/configuration", management, null);
        expect(200, dc, "PUT", "/v1/connect/ca/configuration", management,
                "{\"Provider\":\"consul\",\"Config\":{\"LeafCertTTL\":\"72h\"}}");
        // a forced rotation: the primary's rotate-leaves-stream carries it out at once
        expect(200, dc, "POST", "/v1/connect/ca/rotate", management, null);
        harness.settle();
        expect(200, dc, "POST", "/v1/connect/ca/sign", management, JSON.writeValueAsString(Map.of("CSR", csr)));
        managedLeaves(dc);

        // ACLs: bootstrap happened (and is the primary's only); policies and tokens, written in the primary
        expect(primary ? 403 : 400, dc, "PUT", "/v1/acl/bootstrap", null, null);
        String policyId = JSON.readTree(expect(200, dc, "PUT", "/v1/acl/policy", management,
                "{\"Name\":\"p-" + dc + "\",\"Rules\":\"{\\\"operator\\\":\\\"read\\\"}\"}").body()).get("ID").asText();
        harness.settle();
        expect(200, dc, "GET", "/v1/acl/policies", management, null);
        expect(200, dc, "GET", "/v1/acl/policy/name/p-" + dc, management, null);
        expect(200, dc, "GET", "/v1/acl/policy/" + policyId, management, null);
        expect(200, dc, "PUT", "/v1/acl/policy/" + policyId, management,
                "{\"Name\":\"p-" + dc + "\",\"Rules\":\"{\\\"operator\\\":\\\"write\\\"}\"}");
        JsonNode token = JSON.readTree(expect(200, dc, "PUT", "/v1/acl/token", management,
                "{\"Description\":\"t-" + dc + "\",\"Policies\":[{\"ID\":\"" + policyId + "\"}]}").body());
        String accessor = token.get("AccessorID").asText();
        harness.settle();
        expect(200, dc, "GET", "/v1/acl/tokens", management, null);
        expect(200, dc, "GET", "/v1/acl/token/self", token.get("SecretID").asText(), null);
        expect(200, dc, "GET", "/v1/acl/token/" + accessor, management, null);
        expect(200, dc, "PUT", "/v1/acl/token/" + accessor, management, "{\"Description\":\"updated\"}");
        expect(200, dc, "DELETE", "/v1/acl/token/" + accessor, management, null);
        expect(200, dc, "DELETE", "/v1/acl/policy/" + policyId, management, null);
        // a write retried with the client's idempotency key: the second answer is the primary's stored one
        replayed(dc, "PUT", "/v1/acl/policy", "{\"Name\":\"replayed-" + dc + "\",\"Rules\":\"\"}");

        // operator: membership and enrolment are each one role's, replication status both
        // membership is kept only in the primary (never forwarded): a secondary refuses both methods
        expect(primary ? 200 : 400, dc, "GET", "/v1/operator/federation/datacenters", management, null);
        if (!primary) {
            expect(400, dc, "PUT", "/v1/operator/federation/datacenters", management, "[]");
        }
        expect(primary ? 404 : 200, dc, "GET", "/v1/operator/federation/enrolment", management, null);
        expect(200, dc, "GET", "/v1/operator/replication", management, null);
        expect(200, dc, "GET", "/v1/agent/self", null, null);

        // intentions and authorization
        String id = JSON.readTree(expect(200, dc, "POST", "/v1/connect/intentions", management,
                "{\"SourceName\":\"web-" + dc + "\",\"DestinationName\":\"db\",\"Action\":\"allow\"}").body())
                .get("ID").asText();
        harness.settle();
        expect(200, dc, "GET", "/v1/connect/intentions", management, null);
        expect(200, dc, "GET", "/v1/connect/intentions/" + id, management, null);
        expect(200, dc, "PUT", "/v1/connect/intentions/" + id, management,
                "{\"SourceName\":\"web-" + dc + "\",\"DestinationName\":\"db\",\"Action\":\"deny\"}");
        expect(200, dc, "PUT", "/v1/connect/intentions/exact?source=api-" + dc + "&destination=db", management,
                "{\"Action\":\"allow\"}");
        harness.settle();
        expect(200, dc, "GET", "/v1/connect/intentions/exact?source=api-" + dc + "&destination=db", management, null);
        expect(200, dc, "GET", "/v1/connect/intentions/match?by=destination&name=db", management, null);
        expect(200, dc, "GET", "/v1/connect/intentions/match?by=destination&name=db&index=1&wait=1s", management, null);
        expect(200, dc, "GET", "/v1/connect/intentions/check?source=web-" + dc + "&destination=db", management, null);
        expect(200, dc, "POST", "/v1/agent/connect/authorize", management, "{\"Target\":\"db\",\"ClientCertURI\":"
                + "\"spiffe://" + bundle.trustDomain().value() + "/ns/default/dc/" + dc + "/svc/api-" + dc + "\"}");
        expect(200, dc, "DELETE", "/v1/connect/intentions/exact?source=api-" + dc + "&destination=db", management, null);
        expect(200, dc, "DELETE", "/v1/connect/intentions/" + id, management, null);
        replayed(dc, "POST", "/v1/connect/intentions",
                "{\"SourceName\":\"replayed-" + dc + "\",\"DestinationName\":\"db\",\"Action\":\"allow\"}");

        // the $default route (unknown path) and a wrong method (405)
        expect(404, dc, "GET", "/v1/status/leader", null, null);
        expect(405, dc, "DELETE", "/v1/operator/replication", management, null);
    }

    /** A managed leaf for web in {@code dc}: made on the first request, served from storage on the next. */
    private void managedLeaves(String dc) {
        expect(200, dc, "GET", "/v1/agent/connect/ca/leaf/web", management, null);
        expect(200, dc, "GET", "/v1/agent/connect/ca/leaf/web", management, null);
    }

    /** {@code method path} twice with one client idempotency key: the second answer is a replay. */
    private void replayed(String dc, String method, String path, String body) {
        String key = "replay-" + dc + "-" + path.replace('/', '-');
        Map<String, String> headers = Map.of(PrimaryApi.IDEMPOTENCY_KEY, key);
        HttpResponse first = call(dc, request(method, path, management, body, headers));
        HttpResponse second = call(dc, request(method, path, management, body, headers));
        if (first.status() != 200 || !second.header(PrimaryApi.IDEMPOTENT_REPLAY).orElse("").equals("true")) {
            unexpected.add(dc + " " + method + " " + path + " replay: " + first.status() + " then " + second.status()
                    + " " + second.headers());
        }
        harness.settle();
    }

    /** Stages a root the operator supplies (certificate and key) in the primary. */
    private void suppliedRoot() throws Exception {
        TrustBundle bundle = harness.dc("dc1").caStore().bundle(true).orElseThrow().value();
        KeyPair rootKeys = new JcaKeyPairFactory(PROVIDERS, new SecureRandom()).generate(KeySpec.EC_P256);
        X509Certificate root = new BcCertificateIssuer(PROVIDERS).issue(new CertificateProfiles(new SecureRandom())
                .root(bundle.clusterId(), rootKeys.getPublic(), harness.clock().instant(), Duration.ofDays(3650)),
                rootKeys.getPrivate());
        expect(200, "dc1", "PUT", "/v1/connect/ca/configuration", management, JSON.writeValueAsString(Map.of(
                "Provider", "consul", "Config", Map.of("RootCert", Pem.encode(Pem.CERTIFICATE, root.getEncoded()),
                        "PrivateKey", Pem.encode("PRIVATE KEY", rootKeys.getPrivate().getEncoded())))));
        harness.settle();
    }

    private static String leafCsr(String spiffeId) throws Exception {
        KeyPair key = new JcaKeyPairFactory(PROVIDERS, new SecureRandom()).generate(KeySpec.EC_P256);
        ExtensionsGenerator ext = new ExtensionsGenerator();
        ext.addExtension(Extension.subjectAlternativeName, true,
                new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, spiffeId)));
        var csr = new JcaPKCS10CertificationRequestBuilder(new X500Name(""), key.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate()));
        return Pem.encode(Pem.CERTIFICATE_REQUEST, csr.getEncoded());
    }

    // ---- calling the HTTP deployables -----------------------------------------------------------

    private HttpResponse expect(int status, String dc, String method, String pathAndQuery, String token, String body) {
        HttpResponse r = call(dc, request(method, pathAndQuery, token, body, Map.of()));
        if (r.status() != status) {
            unexpected.add(dc + " " + method + " " + pathAndQuery + ": expected " + status + ", got " + r.status() + " "
                    + r.body());
        }
        return r;
    }

    private static HttpRequest request(String method, String pathAndQuery, String token, String body,
            Map<String, String> headers) {
        int q = pathAndQuery.indexOf('?');
        HttpRequest.Builder b = HttpRequest.builder(method, q < 0 ? pathAndQuery : pathAndQuery.substring(0, q))
                .rawQueryString(q < 0 ? "" : pathAndQuery.substring(q + 1)).headers(headers);
        if (token != null) {
            b.header("X-Consul-Token", token);
        }
        if (body != null) {
            b.body(body);
        }
        return b.build();
    }

    /**
     * {@code request} as API Gateway delivers it in {@code dc}: to the HTTP deployable its route
     * selects (the {@code ANY} route's for another method, {@code $default}'s for no route), that
     * deployable's handler only, its calls recorded as that deployable's.
     */
    private HttpResponse call(String dc, HttpRequest request) {
        RouteMatch match = RouteTable.deployed().match(request);
        FunctionName function;
        if (match instanceof RouteMatch.Found found) {
            function = found.function();
            routesCalled.get(dc).add(request.method() + " " + found.route().template());
        } else if (match instanceof RouteMatch.MethodNotAllowed m) {
            function = m.route().otherMethods();
        } else {
            function = RouteTable.deployed().defaultRouteFunction();
        }
        String deployable = Deployment.httpDeployable(function).name();
        return recorders.get(dc).as(deployable, () -> functions(dc, deployable).httpHandler(function).handle(request));
    }

    // ---- the proofs -----------------------------------------------------------------------------

    @Test
    void theScenarioRanAsPlannedAndCalledEveryRouteInThePrimaryAndASecondary() {
        assertThat(unexpected).isEmpty();
        Set<String> everyRoute = new TreeSet<>();
        for (Route r : RouteTable.deployed().routes()) {
            r.methods().keySet().forEach(m -> everyRoute.add(m + " " + r.template()));
        }
        assertThat(routesCalled.get("dc1")).as("routes exercised in the primary").containsAll(everyRoute);
        assertThat(routesCalled.get("dc2")).as("routes exercised in a secondary")
                .containsAll(everyRoute.stream().filter(r -> !r.equals("PUT /v1/acl/bootstrap")).toList());
    }

    @Test
    void everyCallIsMadeByADeployable() {
        for (UseRecorder r : recorders.values()) {
            assertThat(r.uses()).as(r.dc()).doesNotContainKey(UseRecorder.UNATTRIBUTED);
        }
    }

    @Test
    void everyDeployableRanInThePrimaryAndASecondary() {
        for (Deployable d : Deployment.deployables()) {
            for (UseRecorder r : List.of(recorders.get("dc1"), recorders.get("dc2"))) {
                assertThat(r.uses(d.name())).as(d.name() + " in " + r.dc()).isNotEmpty();
            }
        }
    }

    @Test
    void everyUseOfEveryDeployableIsDeclaredForItsRole() {
        List<String> problems = new ArrayList<>();
        for (Deployable d : Deployment.deployables()) {
            for (UseRecorder r : recorders.values()) {
                problems.addAll(PermissionCheck.undeclared(d, role(r.dc()), r.dc(), r.uses(d.name())));
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyDeclaredGrantIsUsed() {
        List<String> problems = new ArrayList<>();
        for (Deployable d : Deployment.deployables()) {
            Map<DatacenterRole, Set<Use>> byRole = new EnumMap<>(DatacenterRole.class);
            recorders.values().forEach(r -> byRole.computeIfAbsent(role(r.dc()), k -> new HashSet<>())
                    .addAll(r.uses(d.name())));
            problems.addAll(PermissionCheck.unused(d, byRole, KNOWN_UNEXERCISED));
        }
        assertThat(problems).isEmpty();
    }

    /**
     * The converse, per grant and role: a copy of each deployable without any one of its grants in
     * any one role it is declared for is reported by the checker against what the scenario recorded,
     * so no grant is kept in a role only because the scenario missed its use there.
     */
    @Test
    void withoutAnyOneOfItsGrantsInAnyOneRoleEachDeployableIsReported() {
        List<String> notReported = new ArrayList<>();
        for (Deployable d : Deployment.deployables()) {
            d.tables().forEach((table, accesses) -> accesses.forEach((access, roles) -> {
                for (DatacenterRole role : roles.roles()) {
                    check(PermissionCheck.without(d, role, table, access), role,
                            d.name() + " without " + access + " " + table + " in " + role, notReported);
                }
            }));
            d.kms().forEach((k, roles) -> {
                for (DatacenterRole role : roles.roles()) {
                    check(PermissionCheck.without(d, role, k), role, d.name() + " without " + k + " in " + role,
                            notReported);
                }
            });
        }
        assertThat(notReported).isEmpty();
    }

    /** Whether the checker reports {@code narrowed} in a DC of {@code role}. */
    private void check(Deployable narrowed, DatacenterRole role, String what, List<String> notReported) {
        boolean reported = recorders.values().stream().filter(r -> role(r.dc()) == role).anyMatch(r ->
                !PermissionCheck.undeclared(narrowed, role, r.dc(), r.uses(narrowed.name())).isEmpty());
        if (!reported) {
            notReported.add(what);
        }
    }

    private static DatacenterRole role(String dc) {
        return dc.equals("dc1") ? DatacenterRole.PRIMARY : DatacenterRole.SECONDARY;
    }
}
