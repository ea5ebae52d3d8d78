package dev.meshfed.app.ca;

import dev.meshfed.testkit.store.DelegatingTableStore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.meshfed.app.ca.lifecycle.EnrolmentKeys;
import dev.meshfed.app.ca.lifecycle.RotationRequests;
import dev.meshfed.core.ca.RotationRequest;
import dev.meshfed.core.pki.CertificateProfiles;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import dev.meshfed.app.http.BodyLimits;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.core.ca.EnrolmentKey;
import dev.meshfed.core.ca.Membership;
import dev.meshfed.core.config.CaConfig;
import dev.meshfed.core.config.CaConfigDecoder;
import dev.meshfed.core.config.CaConfigValidator;
import dev.meshfed.core.config.CrossDcTtlRule;
import dev.meshfed.core.custody.KeyContext;
import dev.meshfed.core.custody.KeyPurpose;
import dev.meshfed.core.error.MeshfedException;
import dev.meshfed.core.identity.KeyIds;
import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.core.pki.Pem;
import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.CaStore;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.Page;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.Table;
import dev.meshfed.core.store.TableStore;
import dev.meshfed.core.store.Versioned;
import dev.meshfed.pki.SuppliedRootKeys;
import dev.meshfed.testkit.TestFederation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.meshfed.app.ca.CaTestDcs.get;
import static dev.meshfed.app.ca.CaTestDcs.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class CaAdminTest {
    static final String CONFIG = "/v1/connect/ca/configuration";
    static final String DATACENTERS = "/v1/operator/federation/datacenters";
    static final String ENROLMENT = "/v1/operator/federation/enrolment";
    static final String REPLICATION = "/v1/operator/replication";

    final CaTestDcs dcs = new CaTestDcs().bootstrap().activate("dc1").activate("dc2");

    Optional<Versioned<CaConfig>> stored(String dc) {
        return dcs.federation.dc(dc).caStore().caConfig(dc, true);
    }

    long index(String dc) {
        return dcs.federation.dc(dc).privateStore().changeIndex();
    }

    static String body(String config) {
        return "{\"Provider\":\"consul\",\"Config\":" + config + "}";
    }

    /** The core's text for {@code config}: the decoder's, the validator's, or null when valid. */
    static String coreError(String requestJson) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, ?> map = CaTestDcs.PLAIN.readValue(requestJson, Map.class);
        MeshfedException e = catchThrowableOfType(
                () -> CaConfigValidator.validate(CaConfigDecoder.decodeRequest(map).config()), MeshfedException.class);
        return e == null ? null : e.getMessage();
    }

    // ---- configuration ------------------------------------------------------------------------

    @Test
    void configOnlyChangeIsStoredAndTheIndexGrows() {
        long before = index("dc1");
        HttpResponse r = put(dcs.adminHandler("dc1"), CONFIG, body("{\"LeafCertTTL\":\"96h\",\"CSRMaxPerSecond\":25}"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        CaConfig c = stored("dc1").orElseThrow().value();
        assertThat(c.leafCertTtl()).isEqualTo(Duration.ofHours(96));
        assertThat(c.csrMaxPerSecond()).isEqualTo(25.0);
        assertThat(index("dc1")).isGreaterThan(before);
        // fetch-roots reads it back
        HttpResponse read = get(dcs.adminHandler("dc1"), CONFIG, "");
        assertThat(read.body()).contains("\"LeafCertTTL\":\"96h0m0s\"");
    }

    @Test
    void weakDecodingStringsAndNumbersAreTheSameConfiguration() {
        var h = dcs.adminHandler("dc1");
        assertThat(put(h, CONFIG, body("{\"PrivateKeyBits\":\"256\",\"CSRMaxPerSecond\":\"25\",\"LeafCertTTL\":\"48h\"}"))
                .status()).isEqualTo(200);
        long version = stored("dc1").orElseThrow().version();
        long idx = index("dc1");
        HttpResponse again = put(h, CONFIG, body("{\"PrivateKeyBits\":256,\"CSRMaxPerSecond\":25,\"LeafCertTTL\":\"48h\"}"));
        assertThat(again.status()).isEqualTo(200);
        assertThat(stored("dc1").orElseThrow().version()).isEqualTo(version);
        assertThat(index("dc1")).isEqualTo(idx);
    }

    @Test
    void snakeCaseKeysAndForceFlagAreAccepted() {
        HttpResponse r = put(dcs.adminHandler("dc1"), CONFIG,
                "{\"Provider\":\"consul\",\"Config\":{\"leaf_cert_ttl\":\"100h\",\"csr_max_concurrent\":\"4\"},"
                        + "\"force_without_cross_signing\":true}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(stored("dc1").orElseThrow().value().leafCertTtl()).isEqualTo(Duration.ofHours(100));
        assertThat(stored("dc1").orElseThrow().value().csrMaxConcurrent()).isEqualTo(4);
    }

    @Test
    void identicalConfigurationWritesNothing() {
        var h = dcs.adminHandler("dc1");
        // the defaults, while none is stored: nothing to write at all
        assertThat(put(h, CONFIG, body("{}")).status()).isEqualTo(200);
        assertThat(stored("dc1")).isEmpty();
        assertThat(put(h, CONFIG, body("{\"LeafCertTTL\":\"24h\"}")).status()).isEqualTo(200);
        long version = stored("dc1").orElseThrow().version();
        long idx = index("dc1");
        assertThat(put(h, CONFIG, body("{\"LeafCertTTL\":\"1440m\"}")).status()).isEqualTo(200);
        assertThat(stored("dc1").orElseThrow().version()).isEqualTo(version);
        assertThat(index("dc1")).isEqualTo(idx);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"Provider\":\"consul\",\"Config\":{\"LeafCertTTL\":\"30m\"}}",
            "{\"Provider\":\"consul\",\"Config\":{\"LeafCertTTL\":\"9000h\"}}",
            "{\"Provider\":\"consul\",\"Config\":{\"IntermediateCertTTL\":\"2h\"}}",
            "{\"Provider\":\"consul\",\"Config\":{\"LeafCertTTL\":\"72h\",\"IntermediateCertTTL\":\"100h\"}}",
            "{\"Provider\":\"consul\",\"Config\":{\"RootCertTTL\":\"1000h\"}}",
            "{\"Provider\":\"consul\",\"Config\":{\"PrivateKeyType\":\"dsa\"}}",
            "{\"Provider\":\"consul\",\"Config\":{\"PrivateKeyBits\":512}}",
            "{\"Provider\":\"consul\",\"Config\":{\"PrivateKeyType\":\"rsa\",\"PrivateKeyBits\":\"256\"}}",
            "{\"Provider\":\"consul\",\"Config\":{\"LeafCertTTL\":\"soon\"}}",
            "{\"Provider\":\"consul\",\"Config\":{\"PrivateKeyBits\":\"many\"}}",
            "{\"Provider\":\"consul\",\"Config\":{\"CSRMaxPerSecond\":-1}}",
            "{\"Provider\":\"consul\",\"Config\":{\"RootCert\":\"-----BEGIN CERTIFICATE-----\\nAA==\\n-----END CERTIFICATE-----\\n\"}}",
            "{\"Provider\":\"vault\",\"Config\":{}}",
            "{\"Config\":{}}",
            "{\"Provider\":1}",
            "{\"Provider\":\"consul\",\"Config\":\"72h\"}",
            "{\"Provider\":\"consul\",\"State\":{\"a\":\"b\"}}"})
    void everyValidationErrorIsA400WithTheCoresText(String request) throws Exception {
        String expected = coreError(request);
        assertThat(expected).as("the core refuses " + request).isNotNull();
        HttpResponse r = put(dcs.adminHandler("dc1"), CONFIG, request);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).isEqualTo(expected);
        assertThat(stored("dc1")).isEmpty();
    }

    @Test
    void beforeTheFirstRootAKeyTypeIsStoredForTheBootstrapNot501() {
        CaTestDcs fresh = new CaTestDcs();
        HttpResponse r = put(fresh.adminHandler("dc1"), CONFIG, body("{\"PrivateKeyType\":\"ec\",\"PrivateKeyBits\":384}"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(fresh.federation.dc("dc1").caStore().caConfig("dc1", true).orElseThrow().value().privateKeyBits())
                .isEqualTo(384);
    }

    @Test
    void keyTypeChangeInThePrimaryStoresTheConfigurationThenRecordsARotationRequest() {
        long idx = index("dc1");
        HttpResponse r = put(dcs.adminHandler("dc1"), CONFIG,
                body("{\"PrivateKeyType\":\"rsa\",\"PrivateKeyBits\":2048,\"ForceWithoutCrossSigning\":false}"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(stored("dc1").orElseThrow().value().privateKeyType()).isEqualTo("rsa");
        RotationRequest request = dcs.federation.dc("dc1").caStore().rotation(true).orElseThrow().value();
        assertThat(request.state()).isEqualTo(RotationRequest.State.PENDING);
        assertThat(request.trigger()).isEqualTo(RotationRequest.Trigger.CONFIGURATION);
        assertThat(request.privateKeyType()).isEqualTo("rsa");
        assertThat(request.fromRootId()).isEqualTo(dcs.pki.bundle().activeRootId());
        assertThat(index("dc1")).isGreaterThan(idx);
        // while it is open, another change that needs a new root is a 409 and stores nothing
        long version = stored("dc1").orElseThrow().version();
        HttpResponse again = put(dcs.adminHandler("dc1"), CONFIG, body("{\"PrivateKeyType\":\"ec\",\"PrivateKeyBits\":384}"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body()).isEqualTo(RotationRequests.ALREADY_IN_PROGRESS);
        assertThat(stored("dc1").orElseThrow().version()).isEqualTo(version);
    }

    @Test
    void keyTypeChangeInASecondaryIsStoredForTheReKey() {
        HttpResponse r = put(dcs.adminHandler("dc2"), CONFIG, body("{\"PrivateKeyType\":\"ec\",\"PrivateKeyBits\":384}"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(stored("dc2").orElseThrow().value().privateKeyBits()).isEqualTo(384);
        dcs.federation.settle();
        // the primary sees the secondary's new key type in its replica (rotate-leaves reads it for the next key)
        assertThat(dcs.federation.dc("dc1").caStore().caConfig("dc2", false).orElseThrow().value().privateKeyBits())
                .isEqualTo(384);
    }

    @Test
    void thePrimaryMayNotShrinkItsIntermediateBelowThreeMemberLeafLifetimes() throws Exception {
        var dc1 = dcs.adminHandler("dc1");
        assertThat(put(dc1, DATACENTERS, members(List.of("dc2")))).extracting(HttpResponse::status).isEqualTo(200);
        assertThat(put(dcs.adminHandler("dc2"), CONFIG, body("{\"LeafCertTTL\":\"1000h\"}")).status()).isEqualTo(200);
        dcs.federation.settle();
        HttpResponse r = put(dc1, CONFIG, body("{\"IntermediateCertTTL\":\"2000h\"}"));
        assertThat(r.status()).isEqualTo(400);
        String expected = catchThrowableOfType(() -> CrossDcTtlRule.checkPrimary("dc1",
                CaConfig.defaults().toBuilder().intermediateCertTtl(Duration.ofHours(2000)).build(),
                Map.of("dc2", Duration.ofHours(1000))), MeshfedException.class).getMessage();
        assertThat(r.body()).isEqualTo(expected).contains("dc2 has LeafCertTTL 1000h0m0s");
        assertThat(stored("dc1")).isEmpty();
    }

    @Test
    void aSecondaryMayNotRaiseItsLeafPastAThirdOfThePrimarysIntermediate() {
        assertThat(put(dcs.adminHandler("dc1"), CONFIG, body("{\"IntermediateCertTTL\":\"300h\"}")).status())
                .isEqualTo(200);
        dcs.federation.settle();
        HttpResponse r = put(dcs.adminHandler("dc2"), CONFIG, body("{\"LeafCertTTL\":\"101h\"}"));
        assertThat(r.status()).isEqualTo(400);
        String expected = catchThrowableOfType(() -> CrossDcTtlRule.checkSecondary("dc2", Duration.ofHours(72),
                Duration.ofHours(101), "dc1", Duration.ofHours(300)), MeshfedException.class).getMessage();
        assertThat(r.body()).isEqualTo(expected);
        assertThat(put(dcs.adminHandler("dc2"), CONFIG, body("{\"LeafCertTTL\":\"100h\"}")).status()).isEqualTo(200);
    }

    @Test
    void anIdenticalPutStaysANoOpAfterAMemberMovedPastTheRule() throws Exception {
        var dc1 = dcs.adminHandler("dc1");
        assertThat(put(dc1, CONFIG, body("{\"IntermediateCertTTL\":\"300h\"}")).status()).isEqualTo(200);
        assertThat(put(dc1, DATACENTERS, members(List.of("dc2"))).status()).isEqualTo(200);
        // dc2 stored a long leaf TTL before the rule applied to it (written directly, as an old version would)
        dcs.federation.dc("dc2").caStore().putCaConfig(
                CaConfig.defaults().toBuilder().leafCertTtl(Duration.ofHours(200)).build(), 0);
        dcs.federation.settle();
        long version = stored("dc1").orElseThrow().version();
        assertThat(put(dc1, CONFIG, body("{\"IntermediateCertTTL\":\"300h\"}")).status()).isEqualTo(200);
        assertThat(stored("dc1").orElseThrow().version()).isEqualTo(version);
        HttpResponse grow = put(dc1, CONFIG, body("{\"IntermediateCertTTL\":\"400h\"}"));
        assertThat(grow.status()).isEqualTo(400);
        assertThat(grow.body()).contains("dc2 has LeafCertTTL 200h0m0s, so at least 600h0m0s");
    }

    @Test
    void rotateRecordsARequestAndASecondOneWhileItIsOpenIs409() {
        HttpResponse r = dcs.adminHandler("dc1").handle(HttpRequest.builder("POST", "/v1/connect/ca/rotate").build());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        RotationRequest request = dcs.federation.dc("dc1").caStore().rotation(true).orElseThrow().value();
        assertThat(request.trigger()).isEqualTo(RotationRequest.Trigger.FORCED);
        assertThat(request.forceWithoutCrossSigning()).isFalse();
        HttpResponse second = dcs.adminHandler("dc1").handle(HttpRequest.builder("POST", "/v1/connect/ca/rotate").build());
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.body()).isEqualTo(RotationRequests.ALREADY_IN_PROGRESS);
    }

    @Test
    void aRotateBodyWithANonBooleanForceIs400AndRecordsNothing() {
        for (String body : new String[] {"{\"ForceWithoutCrossSigning\":\"yes\"}", "{\"ForceWithoutCrossSigning\":1}",
                "{\"force_without_cross_signing\":\"true\"}"}) {
            HttpResponse r = dcs.adminHandler("dc1").handle(HttpRequest.builder("POST", "/v1/connect/ca/rotate")
                    .body(body).build());
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.body()).contains("expected a boolean");
        }
        assertThat(dcs.federation.dc("dc1").caStore().rotation(true)).isEmpty();
    }

    @Test
    void rotateBeforeTheBootstrapIs503() {
        HttpResponse r = new CaTestDcs().adminHandler("dc1").handle(HttpRequest.builder("POST", "/v1/connect/ca/rotate").build());
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.body()).isEqualTo(RotationRequests.NOT_INITIALIZED);
    }

    @Test
    void aSuppliedRootKeyIsStagedWrappedAndNeverInTheCaTableOrTheResponse() throws Exception {
        KeyPair rootKeys = CaTestDcs.KEYS.generate(KeySpec.EC_P256);
        X509Certificate supplied = CaTestDcs.ISSUER.issue(new CertificateProfiles(new SecureRandom()).root(
                dcs.pki.bundle().clusterId(), rootKeys.getPublic(), dcs.clock.instant(), Duration.ofDays(3650)),
                rootKeys.getPrivate());
        String certPem = Pem.encode(Pem.CERTIFICATE, supplied.getEncoded());
        String keyPem = Pem.encode("PRIVATE KEY", rootKeys.getPrivate().getEncoded());
        String keyBase64 = Base64.getEncoder().encodeToString(rootKeys.getPrivate().getEncoded());
        String request = CaTestDcs.PLAIN.writeValueAsString(Map.of("Provider", "consul",
                "Config", Map.of("RootCert", certPem, "PrivateKey", keyPem)));

        HttpResponse r = put(dcs.adminHandler("dc1"), CONFIG, request);
        dcs.federation.settle();

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("PRIVATE KEY").doesNotContain(keyBase64.substring(0, 40));
        String keyId = KeyIds.keyIdHex(supplied.getPublicKey());
        var wrapped = dcs.federation.dc("dc1").privateStore().signerKey(keyId).orElseThrow().value();
        assertThat(dcs.custody.delegate().unwrap(wrapped, new KeyContext("dc1", keyId, KeyPurpose.ROOT)).getEncoded())
                .isEqualTo(rootKeys.getPrivate().getEncoded());
        for (String dc : List.of("dc1", "dc2")) {
            for (String item : caTable(dc)) {
                assertThat(item).doesNotContain("PRIVATE KEY").doesNotContain(keyBase64.substring(0, 40));
            }
        }
        assertThat(stored("dc1").orElseThrow().value().suppliedRoot()).isPresent();
        assertThat(dcs.federation.dc("dc1").caStore().rotation(true).orElseThrow().value().suppliedRootSha256())
                .isEqualTo(stored("dc1").orElseThrow().value().suppliedRoot().orElseThrow().sha256());
        // the same root again is no change at all
        assertThat(put(dcs.adminHandler("dc1"), CONFIG, request).status()).isEqualTo(200);
    }

    @Test
    void aSuppliedRootOfAnotherTrustDomainIsA400AndNothingIsStored() throws Exception {
        KeyPair rootKeys = CaTestDcs.KEYS.generate(KeySpec.EC_P256);
        X509Certificate foreign = CaTestDcs.ISSUER.issue(new CertificateProfiles(new SecureRandom()).root(
                dev.meshfed.core.identity.ClusterId.random(), rootKeys.getPublic(), dcs.clock.instant(),
                Duration.ofDays(3650)), rootKeys.getPrivate());
        String request = CaTestDcs.PLAIN.writeValueAsString(Map.of("Provider", "consul", "Config", Map.of(
                "RootCert", Pem.encode(Pem.CERTIFICATE, foreign.getEncoded()),
                "PrivateKey", Pem.encode("PRIVATE KEY", rootKeys.getPrivate().getEncoded()))));
        HttpResponse r = put(dcs.adminHandler("dc1"), CONFIG, request);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).startsWith("RootCert must have exactly the URI SAN spiffe://"
                + dcs.pki.bundle().trustDomain().value());
        assertThat(stored("dc1")).isEmpty();
        assertThat(dcs.federation.dc("dc1").caStore().rotation(true)).isEmpty();
        assertThat(dcs.federation.dc("dc1").privateStore().signerKey(KeyIds.keyIdHex(foreign.getPublicKey()))).isEmpty();
    }

    @Test
    void aSuppliedKeyThatIsNotTheRootsIsA400() throws Exception {
        TestFederation other = TestFederation.create(CaTestDcs.ISSUER, CaTestDcs.KEYS, KeySpec.EC_P256, dcs.clock);
        String certPem = Pem.encode(Pem.CERTIFICATE, other.activeRoot().certificate().getEncoded());
        String keyPem = Pem.encode("PRIVATE KEY", CaTestDcs.KEYS.generate(KeySpec.EC_P256).getPrivate().getEncoded());
        String request = CaTestDcs.PLAIN.writeValueAsString(Map.of("Provider", "consul",
                "Config", Map.of("RootCert", certPem, "PrivateKey", keyPem)));
        HttpResponse r = put(dcs.adminHandler("dc1"), CONFIG, request);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).isEqualTo(SuppliedRootKeys.KEY_MISMATCH);
    }

    @Test
    void aSuppliedRootInASecondaryIsA400() throws Exception {
        TestFederation other = TestFederation.create(CaTestDcs.ISSUER, CaTestDcs.KEYS, KeySpec.EC_P256, dcs.clock);
        String request = CaTestDcs.PLAIN.writeValueAsString(Map.of("Provider", "consul", "Config", Map.of(
                "RootCert", Pem.encode(Pem.CERTIFICATE, other.activeRoot().certificate().getEncoded()),
                "PrivateKey", Pem.encode("PRIVATE KEY", other.activeRoot().keys().getPrivate().getEncoded()))));
        HttpResponse r = put(dcs.adminHandler("dc2"), CONFIG, request);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).isEqualTo(CaAdmin.ROOT_IN_SECONDARY).doesNotContain("PRIVATE KEY");
        assertThat(dcs.federation.dc("dc2").privateStore().signerKey(
                KeyIds.keyIdHex(other.activeRoot().certificate().getPublicKey()))).isEmpty();
    }

    @Test
    void aConcurrentConfigurationWriteLosesWith409() {
        var d = dcs.federation.dc("dc1");
        AtomicBoolean raced = new AtomicBoolean();
        CaStore racing = new CaStore(new RacingTable(d.table(Table.CA), CaStore.CA_CONFIG, () -> {
            if (raced.compareAndSet(false, true)) {
                d.caStore().putCaConfig(CaConfig.defaults().toBuilder().leafCertTtl(Duration.ofHours(10)).build(), 0);
            }
        }), "dc1", "dc1", dcs.clock);
        HttpResponse r = handlerWith("dc1", racing).handle(
                HttpRequest.builder("PUT", CONFIG).body(body("{\"LeafCertTTL\":\"20h\"}")).build());
        assertThat(r.status()).isEqualTo(409);
        assertThat(stored("dc1").orElseThrow().value().leafCertTtl()).isEqualTo(Duration.ofHours(10));
    }

    // ---- membership ---------------------------------------------------------------------------

    String members(List<String> names) throws Exception {
        return CaTestDcs.PLAIN.writeValueAsString(names.stream().map(n -> Map.of("Name", n, "EnrolmentKey",
                EnrolmentKeys.toPem(CaTestDcs.KEYS.generate(KeySpec.EC_P256).getPublic()))).toList());
    }

    @Test
    void membershipRoundTrips() throws Exception {
        var h = dcs.adminHandler("dc1");
        String body = members(List.of("dc2", "dc3"));
        long idx = index("dc1");
        assertThat(put(h, DATACENTERS, body).status()).isEqualTo(200);
        assertThat(index("dc1")).isGreaterThan(idx);
        HttpResponse r = get(h, DATACENTERS, "");
        assertThat(r.status()).isEqualTo(200);
        assertThat(CaTestDcs.PLAIN.readTree(r.body())).isEqualTo(CaTestDcs.PLAIN.readTree(body));
        Membership stored = dcs.federation.dc("dc1").caStore().membership(true).orElseThrow().value();
        assertThat(stored.members()).extracting(Membership.Member::datacenter).containsExactly("dc2", "dc3");
        assertThat(get(h, DATACENTERS, "").header("X-Consul-Index")).isPresent();
    }

    @Test
    void emptyMembershipReadsAsAnEmptyList() {
        HttpResponse r = get(dcs.adminHandler("dc1"), DATACENTERS, "");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("[]");
    }

    @Test
    void membershipValidationErrors() throws Exception {
        var h = dcs.adminHandler("dc1");
        String p256 = EnrolmentKeys.toPem(CaTestDcs.KEYS.generate(KeySpec.EC_P256).getPublic());
        String p384 = EnrolmentKeys.toPem(CaTestDcs.KEYS.generate(KeySpec.EC_P384).getPublic());
        String rsa = EnrolmentKeys.toPem(CaTestDcs.KEYS.generate(KeySpec.RSA_2048).getPublic());
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put(json(List.of(Map.of("Name", "DC2", "EnrolmentKey", p256))),
                "invalid datacenter name: must match ^[a-z0-9][a-z0-9-]{0,62}$");
        cases.put(json(List.of(Map.of("EnrolmentKey", p256))),
                "invalid datacenter name: must match ^[a-z0-9][a-z0-9-]{0,62}$");
        cases.put(json(List.of(Map.of("Name", "dc1", "EnrolmentKey", p256))),
                "invalid membership entry 0: dc1 is the primary datacenter and cannot be a member");
        cases.put(json(List.of(Map.of("Name", "dc2", "EnrolmentKey", p256), Map.of("Name", "dc2", "EnrolmentKey", p256))),
                "invalid membership entry 1: datacenter dc2 is listed twice");
        String badKey = "invalid EnrolmentKey for dc2: must be one PEM PUBLIC KEY block of an EC P-256 key";
        cases.put(json(List.of(Map.of("Name", "dc2", "EnrolmentKey", p384))), badKey);
        cases.put(json(List.of(Map.of("Name", "dc2", "EnrolmentKey", rsa))), badKey);
        cases.put(json(List.of(Map.of("Name", "dc2", "EnrolmentKey", "not a key"))), badKey);
        cases.put(json(List.of(Map.of("Name", "dc2", "EnrolmentKey", p256 + p256))), badKey);
        cases.put(json(List.of(Map.of("Name", "dc2"))), badKey);
        for (var c : cases.entrySet()) {
            HttpResponse r = put(h, DATACENTERS, c.getKey());
            assertThat(r.status()).as(c.getKey()).isEqualTo(400);
            assertThat(r.body()).as(c.getKey()).isEqualTo(c.getValue());
        }
        for (String hostile : List.of("{}", "[1]", "[null]", "\"dc2\"", "[{\"Name\":7}]", "")) {
            assertThat(put(h, DATACENTERS, hostile).status()).as(hostile).isEqualTo(400);
        }
        assertThat(dcs.federation.dc("dc1").caStore().membership(true)).isEmpty();
    }

    @Test
    void membershipInASecondaryIsA400AndNeverForwarded() throws Exception {
        var h = dcs.adminHandler("dc2");
        HttpResponse w = put(h, DATACENTERS, members(List.of("dc3")));
        assertThat(w.status()).isEqualTo(400);
        assertThat(w.body()).contains("only in the primary datacenter dc1");
        assertThat(get(h, DATACENTERS, "").status()).isEqualTo(400);
        dcs.federation.settle();
        assertThat(dcs.federation.dc("dc1").caStore().membership(true)).isEmpty();
    }

    @Test
    void aConcurrentMembershipWriteLosesWith409() throws Exception {
        var d = dcs.federation.dc("dc1");
        AtomicBoolean raced = new AtomicBoolean();
        CaStore racing = new CaStore(new RacingTable(d.table(Table.CA), CaStore.MEMBERSHIP, () -> {
            if (raced.compareAndSet(false, true)) {
                d.caStore().putMembership(new Membership(List.of()), 0);
            }
        }), "dc1", "dc1", dcs.clock);
        HttpResponse r = handlerWith("dc1", racing).handle(
                HttpRequest.builder("PUT", DATACENTERS).body(members(List.of("dc2"))).build());
        assertThat(r.status()).isEqualTo(409);
        assertThat(d.caStore().membership(true).orElseThrow().value().members()).isEmpty();
    }

    // ---- enrolment, replication ----------------------------------------------------------------

    @Test
    void enrolmentKeyOfASecondary() throws Exception {
        var h = dcs.adminHandler("dc2");
        HttpResponse before = get(h, ENROLMENT, "");
        assertThat(before.status()).isEqualTo(503);
        assertThat(before.header("Retry-After")).isPresent();

        KeyPair kp = CaTestDcs.KEYS.generate(KeySpec.EC_P256);
        String keyId = KeyIds.keyIdHex(kp.getPublic());
        String pem = EnrolmentKeys.toPem(kp.getPublic());
        dcs.federation.dc("dc2").privateStore().putEnrolmentKey(new EnrolmentKey("dc2", keyId,
                dcs.custody.delegate().wrap(kp.getPrivate(), new KeyContext("dc2", keyId, KeyPurpose.ENROLMENT)), pem));
        HttpResponse r = get(h, ENROLMENT, "");
        assertThat(r.status()).isEqualTo(200);
        JsonNode json = CaTestDcs.PLAIN.readTree(r.body());
        assertThat(json.get("Name").asText()).isEqualTo("dc2");
        assertThat(json.get("EnrolmentKey").asText()).isEqualTo(pem);
        assertThat(r.body()).doesNotContain("PRIVATE");

        // what the secondary prints is what the primary accepts
        assertThat(put(dcs.adminHandler("dc1"), DATACENTERS, "[" + r.body() + "]").status()).isEqualTo(200);
    }

    @Test
    void thePrimaryHasNoEnrolmentKey() {
        HttpResponse r = get(dcs.adminHandler("dc1"), ENROLMENT, "");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("the primary datacenter has no enrolment key");
    }

    @Test
    void replicationShowsTheSignerAndTheBundleCopy() throws Exception {
        HttpResponse r = get(dcs.adminHandler("dc2"), REPLICATION, "");
        assertThat(r.status()).isEqualTo(200);
        JsonNode json = CaTestDcs.PLAIN.readTree(r.body());
        JsonNode signer = json.get("Signer");
        assertThat(signer.get("State").asText()).isEqualTo("ACTIVE");
        assertThat(signer.get("SigningKeyID").asText()).isEqualTo(dcs.pki.dcChain("dc2").signingKeyId());
        assertThat(signer.get("NotAfter").asText())
                .isEqualTo(dcs.pki.dcChain("dc2").signer().getNotAfter().toInstant().toString());
        assertThat(signer.get("PendingKeyID").isNull()).isTrue();
        assertThat(signer.get("PendingRequestAge").isNull()).isTrue();
        JsonNode bundle = json.get("Bundle");
        assertThat(bundle.get("AppliedVersion").asLong()).isEqualTo(1);
        assertThat(bundle.get("ActiveRootID").asText()).isEqualTo(dcs.pki.bundle().activeRootId());
        assertThat(bundle.get("QuarantinedRecords").asLong()).isZero();
        assertThat(json.get("Intentions").size()).isZero();
    }

    // ---- methods and hostile bodies ------------------------------------------------------------

    @Test
    void wrongMethodsAre405WithAllow() {
        var h = dcs.adminHandler("dc1");
        for (String[] c : new String[][] {{"DELETE", CONFIG}, {"POST", CONFIG}, {"DELETE", DATACENTERS},
                {"POST", DATACENTERS}, {"PUT", ENROLMENT}, {"POST", REPLICATION}}) {
            HttpResponse r = h.handle(HttpRequest.builder(c[0], c[1]).body("{}").build());
            assertThat(r.status()).as(c[0] + " " + c[1]).isEqualTo(405);
            assertThat(r.header("Allow")).as(c[0] + " " + c[1]).isPresent();
        }
    }

    @Test
    void hostileBodiesAreNever500() {
        var h = dcs.adminHandler("dc1");
        String deep = "{\"Provider\":\"consul\",\"Config\":" + "{\"a\":".repeat(5000) + "1" + "}".repeat(5000) + "}";
        String deepArray = "[".repeat(5000) + "]".repeat(5000);
        String huge = "{\"Provider\":\"consul\",\"Config\":{\"x\":\"" + "a".repeat(BodyLimits.MAX_REQUEST_BODY_BYTES) + "\"}}";
        for (String path : List.of(CONFIG, DATACENTERS)) {
            for (String b : List.of("", "garbage", "{", "null", "[]", "{\"Provider\":\"consul\"}}", deep, deepArray,
                    "\u0000\u0001", "{\"Provider\":\"consul\",\"Config\":{\"LeafCertTTL\":[1,2]}}",
                    "{\"Provider\":\"consul\",\"Config\":{\"LeafCertTTL\":1e400}}")) {
                HttpResponse r = put(h, path, b);
                assertThat(r.status()).as(path + " " + b.substring(0, Math.min(40, b.length()))).isBetween(200, 499);
                assertThat(r.status()).isNotIn(500, 501);
            }
            assertThat(put(h, path, huge).status()).isEqualTo(413);
            HttpResponse invalidUtf8 = h.handle(HttpRequest.builder("PUT", path)
                    .body(new byte[] {(byte) 0xff, (byte) 0xfe, '{', '}'}).build());
            assertThat(invalidUtf8.status()).isEqualTo(400);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    CaFunctionsHandler handlerWith(String dc, CaStore caStore) {
        return new CaFunctionsHandler(dev.meshfed.app.http.RouteTable.deployed(),
                Map.of(dev.meshfed.app.http.FunctionName.CA_ADMIN, dcs.caAdmin(dc, caStore)),
                new dev.meshfed.app.http.ErrorMapper());
    }

    static String json(Object o) throws Exception {
        return CaTestDcs.PLAIN.writeValueAsString(o);
    }

    /** Every item of {@code dc}'s CA table as text: strings as they are, bytes as Latin-1 and base64. */
    List<String> caTable(String dc) {
        return dcs.federation.dc(dc).table(Table.CA).snapshot().stream().map(CaAdminTest::render).toList();
    }

    static String render(StoredItem item) {
        StringBuilder sb = new StringBuilder(item.key().toString()).append(' ').append(item.version());
        item.body().forEach((k, v) -> sb.append(' ').append(k).append('=').append(render(v)));
        return sb.toString();
    }

    static String render(Attr a) {
        if (a instanceof Attr.S s) {
            return s.value();
        }
        if (a instanceof Attr.B b) {
            return new String(b.value(), StandardCharsets.ISO_8859_1) + "|" + Base64.getEncoder().encodeToString(b.value());
        }
        if (a instanceof Attr.L l) {
            return l.values().stream().map(CaAdminTest::render).toList().toString();
        }
        if (a instanceof Attr.M m) {
            StringBuilder sb = new StringBuilder("{");
            m.values().forEach((k, v) -> sb.append(k).append('=').append(render(v)).append(','));
            return sb.append('}').toString();
        }
        return String.valueOf(a);
    }

    /** A table that lets another writer in right after a read of {@code kind}: a lost conditional write. */
    static final class RacingTable extends DelegatingTableStore {
        private final String kind;
        private final Runnable race;

        RacingTable(TableStore delegate, String kind, Runnable race) {
            super(delegate);
            this.kind = kind;
            this.race = race;
        }

        @Override
        public Optional<StoredItem> get(ItemKey key, boolean consistent) {
            Optional<StoredItem> item = delegate.get(key, consistent);
            if (key.kind().equals(kind)) {
                race.run();
            }
            return item;
        }



    }
}
