package dev.meshfed.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshfed.app.ca.lifecycle.RotateLeaves;
import dev.meshfed.app.config.DcConfig;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.core.bundle.TrustBundle;
import dev.meshfed.core.bundle.TrustedRoot;
import dev.meshfed.core.custody.KeyPurpose;
import dev.meshfed.core.pki.CertificateProfiles;
import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.core.pki.Pem;
import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.Table;
import dev.meshfed.pki.BcCertificateIssuer;
import dev.meshfed.pki.BcCsrBuilder;
import dev.meshfed.pki.JcaKeyPairFactory;
import dev.meshfed.store.embedded.stream.StreamSubscriber;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * quality.md's security scan, as a test: a whole federation (dc1 primary, dc2 and dc3
 * secondaries, every function as deployed, ACLs on) runs a full scenario while every log record
 * at every level, stdout and stderr, every HTTP exchange and, at the end, every item of every
 * table in every DC are collected; then {@link SecretScanner} looks for private keys and ACL
 * secrets where they must not be. The keys it knows are every key the custody port saw in
 * plaintext ({@link KeyCapturingCustody}: roots, intermediates, enrolment keys, managed leaves),
 * the supplied root key and the keys the test's callers made for their CSRs.
 *
 * <p>The rules: no private key (PEM marker, PKCS#8, raw scalar, as bytes, base64 or hex) in any
 * item of any table, in any log line or in any response, except the managed-leaf response, which
 * carries exactly the key of its own certificate and only to the token it was made for; no ACL
 * SecretID in any item or log line; private-table key attributes only as custody ciphertext; no
 * stack trace in any response. {@link #thePipelineFindsKeysAndSecretsPlantedInALogLineAnItemAndABody}
 * shows the same collection and scan failing on planted leaks.
 */
class KeyMaterialScanTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> DCS = List.of("dc1", "dc2", "dc3");
    private static final Path CSR_FIXTURES = Path.of("../pki/src/test/resources/csr");
    private static final String LEAF = "/v1/agent/connect/ca/leaf/";
    private static final JcaKeyPairFactory KEYS = new JcaKeyPairFactory(WiredFederation.PROVIDERS, new SecureRandom());

    /** One HTTP exchange as the caller saw it. */
    record Exchange(String dc, String method, String path, String tokenName, int status, Map<String, String> headers,
            String body) {
        String where() {
            return dc + " " + method + " " + path + " as " + tokenName + " -> " + status;
        }
    }

    private final Map<String, KeyCapturingCustody.Seen> custodyKeys = KeyCapturingCustody.newKeyMap();
    private final List<byte[]> sealed = KeyCapturingCustody.newSealedList();
    private final WiredFederation f = new WiredFederation(DcConfig.AclMode.ON,
            c -> new KeyCapturingCustody(c, custodyKeys, sealed), DCS.toArray(String[]::new));
    private final List<Exchange> exchanges = new ArrayList<>();
    /** Token name to SecretID; the name stands for the secret in findings and exchanges. */
    private final Map<String, String> tokens = new LinkedHashMap<>();
    /** Keys made outside custody: the supplied root, the callers' CSR keys. */
    private final Map<String, PrivateKey> otherKeys = new LinkedHashMap<>();
    private final LogCapture logs = new LogCapture();

    @AfterEach
    void close() {
        logs.close();
        f.close();
    }

    @Test
    void afterAFullScenarioNoKeyOrSecretIsWhereItMustNotBe() throws Exception {
        scenario();
        List<String> lines = logs.lines();
        logs.close();

        Report report = scan(lines);
        System.out.printf("key scan: %d keys seen by custody, %d other keys, %d tokens, %d log lines, %d exchanges,"
                + " %d items, %d managed-leaf responses, %d findings%n", custodyKeys.size(), otherKeys.size(),
                tokens.size(), lines.size(), exchanges.size(), report.itemsScanned, report.leafKeysServed,
                report.findings.size());
        // the scenario did what it claims, so the scan covered it
        assertThat(custodyKeys.values()).extracting(s -> s.context().purpose())
                .contains(KeyPurpose.ROOT, KeyPurpose.INTERMEDIATE, KeyPurpose.ENROLMENT, KeyPurpose.MANAGED_LEAF);
        assertThat(custodyKeys.size()).as("keys seen by custody").isGreaterThanOrEqualTo(12);
        assertThat(sealed).as("forwarded writes sealed their answers").isNotEmpty();
        assertThat(lines).as("log lines captured").hasSizeGreaterThan(20);
        assertThat(report.leafKeysServed).as("managed-leaf responses checked").isGreaterThanOrEqualTo(4);
        assertThat(report.itemsScanned).isGreaterThan(50);
        assertThat(exchanges.stream().filter(e -> e.status() >= 400).count()).as("errors on purpose")
                .isGreaterThanOrEqualTo(30);
        assertThat(exchanges).as("no 500 anywhere").noneMatch(e -> e.status() >= 500 && e.status() != 503);

        assertThat(report.findings).isEmpty();
    }

    @Test
    void thePipelineFindsKeysAndSecretsPlantedInALogLineAnItemAndABody() {
        bootstrapAndJoin();
        String management = tokens.get("management");
        PrivateKey planted = KEYS.generate(KeySpec.EC_P256).getPrivate();
        PrivateKey plantedRsa = otherKey("planted-rsa", KeySpec.RSA_2048);
        otherKeys.put("planted", planted);
        String scalarHex = planted instanceof java.security.interfaces.ECPrivateKey ec
                ? ec.getS().toString(16) : "";
        // a log line through System.Logger (what most functions use) and one through j.u.l at FINEST
        System.getLogger("dev.meshfed.planted").log(System.Logger.Level.DEBUG, "debug key=" + scalarHex);
        java.util.logging.Logger.getLogger("dev.meshfed.planted").finest("token " + management);
        // an item in dc2's CA table with the key's PKCS#8 bytes in a binary attribute, one in dc3's
        // private table with the RSA key as PEM, and one in dc1's intentions table with a SecretID
        put("dc2", Table.CA, "planted", Map.of("blob", new Attr.B(planted.getEncoded())));
        put("dc3", Table.PRIVATE, "planted", Map.of("pem", new Attr.S(Pem.encode("RSA PRIVATE KEY",
                plantedRsa.getEncoded()))));
        put("dc1", Table.INTENTIONS, "planted", Map.of("note", new Attr.M(Map.of("x", new Attr.S(management)))));
        // a response body that would carry a key (base64, in a JSON string) and a stack trace
        exchanges.add(new Exchange("dc1", "GET", "/planted", "none", 400, Map.of(), "{\"Error\":\""
                + java.util.Base64.getEncoder().encodeToString(planted.getEncoded()).substring(7) + "\"}"));
        exchanges.add(new Exchange("dc1", "GET", "/planted2", "none", 400, Map.of(),
                "java.lang.IllegalStateException: boom\n\tat dev.meshfed.app.X.y(X.java:1)"));

        List<String> lines = logs.lines();
        logs.close();
        List<String> found = scan(lines).findings.stream().map(SecretScanner.Finding::toString).toList();

        assertThat(found).anyMatch(s -> s.startsWith("planted (EC private scalar) as hex in log "));
        assertThat(found).anyMatch(s -> s.startsWith("token management in log "));
        assertThat(found).anyMatch(s -> s.startsWith("planted (PKCS#8 DER) as raw bytes in dc2 CA item"));
        assertThat(found).anyMatch(s -> s.contains("PRIVATE KEY\" marker in dc3 PRIVATE item"));
        assertThat(found).anyMatch(s -> s.startsWith("token management in dc1 INTENTIONS item"));
        assertThat(found).anyMatch(s -> s.startsWith("planted (PKCS#8 DER) as base64 in response dc1 GET /planted "));
        assertThat(found).anyMatch(s -> s.startsWith("a stack trace in response dc1 GET /planted2"));
        // and nothing else: every finding is a planted one (the token's in the planted log line and item)
        assertThat(found).allMatch(s -> s.contains("planted") || s.startsWith("token management in log line "));
        assertThat(found).filteredOn(s -> s.startsWith("token management in log line ")).hasSize(1);
    }

    // ---- the scenario ---------------------------------------------------------------------------

    private void bootstrapAndJoin() {
        for (String dc : DCS) {
            DcFunctions d = f.dc(dc);
            // the re-issue run's pauses move the clock instead of sleeping
            d.rotateLeaves().withLeafReissue(d.signCsr().managedLeafReissue(pause -> f.harness.clock().advance(pause)));
            f.harness.subscribe(dc, Table.CA, StreamSubscriber.perRecord(d.rotateLeavesStream()::onRecord));
            f.harness.subscribe(dc, Table.INTENTIONS, StreamSubscriber.perRecord(d.replicateIntentionsStream()::onRecord));
            f.harness.federation().scheduler().register("rotate-leaves-" + dc, RotateLeaves.TICK_INTERVAL,
                    Duration.ZERO, d.rotateLeaves()::tick);
        }
        JsonNode boot = json(ok(call("dc1", "PUT", "/v1/acl/bootstrap", null, null)));
        tokens.put("management", boot.get("SecretID").asText());
        f.harness.settle(); // dc1 makes its root; the management token reaches dc2 and dc3
        StringBuilder members = new StringBuilder("[");
        for (String dc : DCS.subList(1, DCS.size())) {
            members.append(members.length() > 1 ? "," : "").append("{\"Name\":\"").append(dc)
                    .append("\",\"EnrolmentKey\":").append(quote(f.dc(dc).rotateLeaves().enrolmentPublicKeyPem()))
                    .append('}');
        }
        ok(call("dc1", "PUT", "/v1/operator/federation/datacenters", "management", members + "]"));
        for (int i = 0; i < 10 && !joined(); i++) {
            f.harness.advance(Duration.ofMinutes(1));
        }
        assertThat(joined()).as("dc2 and dc3 hold intermediates").isTrue();
    }

    private boolean joined() {
        return DCS.stream().allMatch(dc -> f.harness.dc("dc1").caStore().signer(dc, true).isPresent()
                && f.harness.dc(dc).caStore().signer(dc, true).isPresent());
    }

    private void scenario() throws Exception {
        bootstrapAndJoin();
        String trustDomain = json(ok(call("dc1", "GET", "/v1/connect/ca/roots", null, null))).get("TrustDomain").asText();
        String r1 = bundle("dc1").activeRootId();

        // tokens and policies, some written through secondaries
        createToken("dc3", "web", "{\"ServiceIdentities\":[{\"ServiceName\":\"web\"}]}");
        createToken("dc1", "api", "{\"ServiceIdentities\":[{\"ServiceName\":\"api\"}]}");
        ok(call("dc2", "PUT", "/v1/acl/policy", "management",
                "{\"Name\":\"ops\",\"Rules\":\"{\\\"operator\\\":\\\"write\\\"}\"}"));
        createToken("dc2", "operator", "{\"Policies\":[{\"Name\":\"ops\"}]}");
        createToken("dc1", "chosen", "{\"SecretID\":\"5e3c1a2b-7d4f-4e6a-9b8c-0d1e2f3a4b5c\"}");
        String doomed = json(createToken("dc2", "deleted", "{\"Description\":\"deleted soon\"}")).get("AccessorID").asText();
        f.harness.settle();
        ok(call("dc3", "DELETE", "/v1/acl/token/" + doomed, "management", null));
        // a forwarded write whose answer is lost, retried with its key: the replay comes from the sealed record
        f.forwarding.get("dc3").loseNextAnswers(1);
        HttpResponse lost = call("dc3", "PUT", "/v1/acl/token", "management", "{\"Description\":\"lost\"}");
        assertThat(lost.status()).isEqualTo(503);
        HttpResponse replay = callWithKey("dc3", "management", lost.header("X-Meshfed-Idempotency-Key").orElseThrow());
        tokens.put("replayed", json(ok(replay)).get("SecretID").asText());
        f.harness.settle();

        // intentions, through the primary and a secondary
        ok(call("dc2", "POST", "/v1/connect/intentions", "management",
                "{\"SourceName\":\"web\",\"DestinationName\":\"db\",\"Action\":\"allow\"}"));
        ok(call("dc1", "POST", "/v1/connect/intentions", "management",
                "{\"SourceName\":\"api\",\"DestinationName\":\"db\",\"Action\":\"deny\"}"));
        f.harness.settle();
        ok(call("dc3", "GET", "/v1/connect/intentions/check?source=web&destination=db", "management", null));

        // leaves: signed CSRs (the callers' keys never leave them) and managed leaves in every DC
        for (String dc : DCS) {
            sign(dc, "web", trustDomain);
            leaf(dc, "web", "web");
            leaf(dc, "web", "web"); // served again from the private table: an unwrap
        }
        leaf("dc1", "api", "api");

        errorsOnPurpose();

        // a rotation with a re-key, requested through a secondary
        ok(call("dc2", "POST", "/v1/connect/ca/rotate", "operator", null));
        f.harness.settle();
        advance(Duration.ofMinutes(3), Duration.ofSeconds(10)); // re-keys and the re-issue run
        String r2 = bundle("dc1").activeRootId();
        assertThat(r2).as("rotated").isNotEqualTo(r1);
        for (String dc : DCS) {
            leaf(dc, "web", "web"); // the re-issued leaf
        }
        // a CA configuration change with a supplied root key (the primary rotates to it, the secondaries re-key)
        suppliedRoot();
        f.harness.settle();
        advance(Duration.ofMinutes(3), Duration.ofSeconds(10));
        String r3 = bundle("dc1").activeRootId();
        assertThat(r3).isNotEqualTo(r2);
        for (String dc : DCS) {
            assertThat(f.harness.dc(dc).caStore().signer(dc, true).orElseThrow().value().chain().signingRootId())
                    .as(dc + " re-keyed under the new root").isEqualTo(r3);
            leaf(dc, "web", "web"); // the re-issued leaf
            sign(dc, "web", trustDomain);
        }
        // on to pruning: the old roots go once every leaf under them has expired
        advance(Duration.ofHours(80), Duration.ofHours(1));
        for (String dc : DCS) {
            assertThat(bundle(dc).roots()).extracting(TrustedRoot::id).as(dc + " pruned R1 and R2").containsExactly(r3);
            leaf(dc, "web", "web");
        }
    }

    private void errorsOnPurpose() throws IOException {
        // every hostile CSR fixture, to the primary and a secondary
        try (Stream<Path> files = Files.list(CSR_FIXTURES)) {
            for (Path p : files.filter(p -> p.toString().endsWith(".pem")).sorted().toList()) {
                String csr = Files.readString(p, StandardCharsets.UTF_8);
                call("dc1", "POST", "/v1/connect/ca/sign", "web", "{\"CSR\":" + quote(csr) + "}");
                call("dc3", "POST", "/v1/connect/ca/sign", "web", "{\"CSR\":" + quote(csr) + "}");
            }
        }
        // bad JSON, where a key or a secret would be nearby
        for (String dc : List.of("dc1", "dc2")) {
            call(dc, "POST", "/v1/connect/ca/sign", "web", "{\"CSR\":");
            call(dc, "PUT", "/v1/connect/ca/configuration", "operator", "{\"Config\":{\"PrivateKey\":");
            call(dc, "PUT", "/v1/connect/ca/configuration", "operator",
                    "{\"Provider\":\"consul\",\"Config\":{\"PrivateKey\":\"-----BEGIN PRIVATE KEY-----\\nAAAA\\n"
                            + "-----END PRIVATE KEY-----\\n\",\"RootCert\":\"x\"}}");
            call(dc, "PUT", "/v1/acl/token", "management", "{\"SecretID\":123}");
            call(dc, "PUT", "/v1/acl/token", "management", "{\"SecretID\":\"not-a-uuid\"}");
            call(dc, "POST", "/v1/connect/intentions", "management", "[[[[");
            call(dc, "PUT", "/v1/operator/federation/datacenters", "management", "[{\"Name\":\"dc9\",\"EnrolmentKey\":"
                    + quote(Pem.encode("PRIVATE KEY", KEYS.generate(KeySpec.EC_P256).getPrivate().getEncoded())) + "}]");
        }
        // unauthorized: another service's leaf, no token, a deleted token, a token not known
        for (String dc : DCS) {
            call(dc, "GET", LEAF + "web", "api", null);
            call(dc, "GET", LEAF + "web", null, null);
            call(dc, "GET", LEAF + "web", "deleted", null);
            call(dc, "GET", LEAF + "web", "unknown", null);
            call(dc, "GET", "/v1/connect/ca/configuration", "web", null);
            call(dc, "POST", "/v1/connect/ca/rotate", "api", null);
            call(dc, "GET", "/v1/acl/tokens", "web", null);
        }
    }

    private void suppliedRoot() {
        TrustBundle b = bundle("dc1");
        PrivateKey key = otherKey("supplied root", KeySpec.EC_P256);
        KeyPair pair = new KeyPair(publicOf(key), key);
        X509Certificate cert = new BcCertificateIssuer(WiredFederation.PROVIDERS).issue(new CertificateProfiles(
                new SecureRandom()).root(b.clusterId(), pair.getPublic(), f.harness.clock().instant(), Duration.ofDays(3650)),
                key);
        ok(call("dc1", "PUT", "/v1/connect/ca/configuration", "operator", "{\"Provider\":\"consul\",\"Config\":{"
                + "\"RootCert\":" + quote(Pem.encode(Pem.CERTIFICATE, certEncoded(cert))) + ",\"PrivateKey\":"
                + quote(Pem.encode("PRIVATE KEY", key.getEncoded())) + "}}"));
    }

    private final Map<PrivateKey, java.security.PublicKey> publics = new java.util.IdentityHashMap<>();

    private PrivateKey otherKey(String name, KeySpec spec) {
        KeyPair pair = KEYS.generate(spec);
        publics.put(pair.getPrivate(), pair.getPublic());
        otherKeys.put(name, pair.getPrivate());
        return pair.getPrivate();
    }

    private java.security.PublicKey publicOf(PrivateKey key) {
        return publics.get(key);
    }

    private static byte[] certEncoded(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void sign(String dc, String service, String trustDomain) {
        PrivateKey key = otherKey("CSR key of " + service + "@" + dc + "#" + otherKeys.size(), KeySpec.EC_P256);
        String csr = new BcCsrBuilder(WiredFederation.PROVIDERS).caRequest(new KeyPair(publicOf(key), key),
                "spiffe://" + trustDomain + "/ns/default/dc/" + dc + "/svc/" + service);
        ok(call(dc, "POST", "/v1/connect/ca/sign", service, "{\"CSR\":" + quote(csr) + "}"));
    }

    private void leaf(String dc, String service, String token) {
        ok(call(dc, "GET", LEAF + service, token, null));
    }

    private HttpResponse createToken(String dc, String name, String body) {
        HttpResponse r = ok(call(dc, "PUT", "/v1/acl/token", "management", body));
        tokens.put(name, json(r).get("SecretID").asText());
        return r;
    }

    private void advance(Duration total, Duration step) {
        Instant end = f.harness.clock().instant().plus(total);
        while (f.harness.clock().instant().isBefore(end)) {
            f.harness.advance(step);
        }
    }

    private TrustBundle bundle(String dc) {
        return f.harness.dc(dc).caStore().bundle(true).orElseThrow().value();
    }

    private void put(String dc, Table table, String id, Map<String, Attr> body) {
        f.harness.dc(dc).table(table).put(new StoredItem(new ItemKey(dc, "planted", id), 1,
                f.harness.clock().instant(), null, body), 0);
    }

    // ---- HTTP, recorded -------------------------------------------------------------------------

    /** {@code tokenName}: a name in {@link #tokens} (a name not there is sent as itself: an unknown secret), or null. */
    private HttpResponse call(String dc, String method, String pathAndQuery, String tokenName, String body) {
        String secret = tokenName == null ? null : tokens.getOrDefault(tokenName,
                "0b5e0c1e-0000-4000-8000-00000000beef");
        return record(dc, method, pathAndQuery, tokenName, f.call(dc, method, pathAndQuery, secret, body));
    }

    private HttpResponse callWithKey(String dc, String tokenName, String key) {
        HttpRequest r = HttpRequest.builder("PUT", "/v1/acl/token").header("X-Consul-Token", tokens.get(tokenName))
                .header("X-Meshfed-Idempotency-Key", key).body("{\"Description\":\"lost\"}").build();
        return record(dc, "PUT", "/v1/acl/token", tokenName, f.dc(dc).localHandler().handle(r));
    }

    private HttpResponse record(String dc, String method, String path, String tokenName, HttpResponse r) {
        exchanges.add(new Exchange(dc, method, path, tokenName == null ? "none" : tokenName, r.status(),
                Map.copyOf(r.headers()), r.body()));
        return r;
    }

    private static HttpResponse ok(HttpResponse r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r;
    }

    private static JsonNode json(HttpResponse r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(r.body(), e);
        }
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- the scan -------------------------------------------------------------------------------

    static final class Report {
        final List<SecretScanner.Finding> findings = new ArrayList<>();
        int leafKeysServed;
        int itemsScanned;
    }

    private Report scan(List<String> lines) {
        SecretScanner keysOnly = new SecretScanner();
        Map<String, PrivateKey> allKeys = new LinkedHashMap<>();
        custodyKeys.values().forEach(s -> allKeys.put(s.context().purpose() + " key " + s.context().keyId()
                + "@" + s.context().datacenter(), s.key()));
        allKeys.putAll(otherKeys);
        allKeys.forEach(keysOnly::privateKey);
        SecretScanner everything = new SecretScanner();
        allKeys.forEach(everything::privateKey);
        tokens.forEach((name, secret) -> everything.plainSecret("token " + name, secret));

        Report report = new Report();
        for (int i = 0; i < lines.size(); i++) {
            report.findings.addAll(everything.scanText("log line " + (i + 1), lines.get(i)));
        }
        for (String dc : DCS) {
            for (Table t : Table.values()) {
                for (StoredItem item : f.harness.dc(dc).table(t).snapshot()) {
                    report.itemsScanned++;
                    report.findings.addAll(everything.scanItem(dc + " " + t + " item", item));
                    if (t == Table.PRIVATE) {
                        report.findings.addAll(onlyCiphertext(dc, item));
                    }
                }
            }
        }
        Map<String, String> leafOwner = new LinkedHashMap<>();
        for (Exchange e : exchanges) {
            String where = "response " + e.where();
            List<SecretScanner.Finding> found = new ArrayList<>(keysOnly.scanText(where, e.body()));
            e.headers().forEach((k, v) -> found.addAll(everything.scanText(where + " header " + k, k + ": " + v)));
            if (SecretScanner.STACK_TRACE.matcher(e.body()).find()) {
                found.add(new SecretScanner.Finding(where, "a stack trace"));
            }
            if (e.status() == 200 && e.method().equals("GET") && e.path().startsWith(LEAF)) {
                // the one response allowed a key: its own certificate's, to the token it was made for
                String owner = e.tokenName() + "@" + e.dc();
                String keyName = leafKeyName(e.body(), allKeys, where, found);
                String previous = keyName == null ? null : leafOwner.putIfAbsent(keyName, owner);
                if (previous != null && !previous.equals(owner)) {
                    found.add(new SecretScanner.Finding(where, keyName + " also served to " + previous));
                }
                report.leafKeysServed++;
                found.removeIf(x -> x.what().contains("PRIVATE KEY\" marker")
                        || keyName != null && x.what().startsWith(keyName + " ("));
            }
            report.findings.addAll(found);
        }
        return report;
    }

    /** The name of the captured key a managed-leaf body carries, after checking it is the certificate's. */
    private static String leafKeyName(String body, Map<String, PrivateKey> keys, String where,
            List<SecretScanner.Finding> found) {
        try {
            JsonNode leaf = JSON.readTree(body);
            Object parsed = new PEMParser(new StringReader(leaf.get("PrivateKeyPEM").asText())).readObject();
            KeyPair pair = new JcaPEMKeyConverter().getKeyPair((PEMKeyPair) parsed);
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                    new java.io.ByteArrayInputStream(leaf.get("CertPEM").asText().getBytes(StandardCharsets.US_ASCII)));
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(pair.getPrivate());
            s.update(new byte[] {1, 2, 3});
            byte[] sig = s.sign();
            s.initVerify(cert.getPublicKey());
            s.update(new byte[] {1, 2, 3});
            if (!s.verify(sig)) {
                found.add(new SecretScanner.Finding(where, "a private key that is not the certificate's"));
                return null;
            }
            // by the private scalar: the PEM's SEC1 form and custody's PKCS#8 encode the same key differently
            java.math.BigInteger scalar = ((java.security.interfaces.ECPrivateKey) pair.getPrivate()).getS();
            Optional<String> name = keys.entrySet().stream()
                    .filter(k -> k.getValue() instanceof java.security.interfaces.ECPrivateKey ec && ec.getS().equals(scalar))
                    .map(Map.Entry::getKey).findFirst();
            if (name.isEmpty()) {
                found.add(new SecretScanner.Finding(where, "a leaf key custody never wrapped"));
            }
            return name.orElse(null);
        } catch (Exception ex) {
            found.add(new SecretScanner.Finding(where, "an unreadable managed leaf: " + ex.getClass().getSimpleName()));
            return null;
        }
    }

    /** A private-table item holding a key or sealed data holds it only as custody ciphertext. */
    private static List<SecretScanner.Finding> onlyCiphertext(String dc, StoredItem item) {
        List<SecretScanner.Finding> out = new ArrayList<>();
        List<Map<String, Attr>> bodies = new ArrayList<>();
        collectMaps(item.body(), bodies);
        for (Map<String, Attr> m : bodies) {
            if (m.containsKey("ciphertext") || m.containsKey("scheme")) {
                boolean ok = m.get("scheme") instanceof Attr.S s && s.value().equals("local-aes-gcm-v1")
                        && m.get("ciphertext") instanceof Attr.B;
                if (!ok) {
                    out.add(new SecretScanner.Finding(dc + " PRIVATE item " + item.key(), "key material not as ciphertext"));
                }
            }
        }
        return out;
    }

    private static void collectMaps(Map<String, Attr> m, List<Map<String, Attr>> out) {
        out.add(m);
        for (Attr a : m.values()) {
            if (a instanceof Attr.M nested) {
                collectMaps(nested.values(), out);
            } else if (a instanceof Attr.L l) {
                for (Attr x : l.values()) {
                    if (x instanceof Attr.M nm) {
                        collectMaps(nm.values(), out);
                    }
                }
            }
        }
    }
}
