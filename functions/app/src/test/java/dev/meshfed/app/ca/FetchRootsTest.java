package dev.meshfed.app.ca;

import static dev.meshfed.app.ca.CaTestDcs.get;
import static dev.meshfed.app.ca.CaTestDcs.post;
import static dev.meshfed.app.ca.CaTestDcs.signBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.core.identity.KeyIds;
import dev.meshfed.core.pki.Certificates;
import dev.meshfed.core.config.CaConfig;
import dev.meshfed.testkit.Fixtures;
import dev.meshfed.testkit.OpenSsl;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** fetch-roots through the dispatcher, on a DC prepared by the test. */
class FetchRootsTest {

    /** Consul's roots JSON, exactly: unknown fields, missing fields, nulls and other JSON types all fail. */
    static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    record IndexedCaRoots(@JsonProperty("ActiveRootID") String activeRootId,
                          @JsonProperty("TrustDomain") String trustDomain,
                          @JsonProperty("Roots") List<CaRoot> roots) {
    }

    record CaRoot(@JsonProperty("ID") String id,
                  @JsonProperty("Name") String name,
                  @JsonProperty("SerialNumber") long serialNumber,
                  @JsonProperty("SigningKeyID") String signingKeyId,
                  @JsonProperty("ExternalTrustDomain") String externalTrustDomain,
                  @JsonProperty("NotBefore") String notBefore,
                  @JsonProperty("NotAfter") String notAfter,
                  @JsonProperty("RootCert") String rootCert,
                  @JsonProperty("IntermediateCerts") List<String> intermediateCerts,
                  @JsonProperty("Active") boolean active,
                  @JsonProperty("PrivateKeyType") String privateKeyType,
                  @JsonProperty("PrivateKeyBits") int privateKeyBits,
                  @JsonProperty("CreateIndex") long createIndex,
                  @JsonProperty("ModifyIndex") long modifyIndex) {
    }

    private static final String RFC3339_UTC = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z";

    private final CaTestDcs dcs = new CaTestDcs();

    @Test
    void before_bootstrap_roots_are_empty_as_consul_answers() throws Exception {
        HttpResponse r = get(dcs.handler("dc1"), "/v1/connect/ca/roots", "");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"ActiveRootID\":\"\",\"TrustDomain\":\"\",\"Roots\":[]}");
        assertThat(STRICT.readValue(r.body(), IndexedCaRoots.class).roots()).isEmpty();
        assertThat(r.header("X-Consul-Index")).contains("1");
        assertThat(r.header("X-Consul-KnownLeader")).contains("true");
        assertThat(r.header("X-Consul-LastContact")).contains("12");
    }

    @Test
    void roots_json_decodes_with_a_strict_consul_shaped_dto() throws Exception {
        dcs.bootstrap().activate("dc1");
        X509Certificate root = dcs.pki.activeRoot().certificate();
        X509Certificate inter = dcs.pki.signer("dc1").certificate();

        for (String path : List.of("/v1/connect/ca/roots", "/v1/agent/connect/ca/roots")) {
            HttpResponse r = get(dcs.handler("dc1"), path, "");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Type")).contains("application/json");
            JsonNode tree = STRICT.readTree(r.body());
            assertThat(names(tree)).containsExactly("ActiveRootID", "TrustDomain", "Roots");
            assertThat(names(tree.get("Roots").get(0))).containsExactly("ID", "Name", "SerialNumber", "SigningKeyID",
                    "ExternalTrustDomain", "NotBefore", "NotAfter", "RootCert", "IntermediateCerts", "Active",
                    "PrivateKeyType", "PrivateKeyBits", "CreateIndex", "ModifyIndex");
            assertThat(tree.get("Roots").get(0).get("SerialNumber").isIntegralNumber()).isTrue();

            IndexedCaRoots roots = STRICT.readValue(r.body(), IndexedCaRoots.class);
            String rootId = KeyIds.rootId(Certificates.der(root));
            assertThat(roots.activeRootId()).isEqualTo(rootId).matches("([0-9a-f]{2}:){19}[0-9a-f]{2}");
            assertThat(roots.trustDomain()).isEqualTo(Fixtures.CLUSTER_ID + ".consul");
            assertThat(roots.roots()).hasSize(1);
            CaRoot only = roots.roots().get(0);
            assertThat(only.id()).isEqualTo(rootId);
            assertThat(only.name()).isEqualTo("meshfed CA Primary Cert");
            assertThat(only.serialNumber()).isPositive().isEqualTo(root.getSerialNumber().longValueExact());
            assertThat(only.signingKeyId()).isEqualTo(KeyIds.keyIdHex(inter.getPublicKey()));
            assertThat(only.externalTrustDomain()).isEqualTo(Fixtures.CLUSTER_ID);
            assertThat(only.notBefore()).matches(RFC3339_UTC);
            assertThat(Instant.parse(only.notBefore())).isEqualTo(root.getNotBefore().toInstant());
            assertThat(Instant.parse(only.notAfter())).isEqualTo(root.getNotAfter().toInstant());
            assertThat(only.rootCert()).startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----END CERTIFICATE-----\n");
            assertThat(Certificates.fromPem(only.rootCert())).containsExactly(root);
            assertThat(only.intermediateCerts()).containsExactly(Certificates.toPem(inter));
            assertThat(only.intermediateCerts()).allSatisfy(p -> assertThat(p).endsWith("\n"));
            assertThat(only.active()).isTrue();
            assertThat(only.privateKeyType()).isEqualTo("ec");
            assertThat(only.privateKeyBits()).isEqualTo(256);
            assertThat(only.createIndex()).isPositive();
            assertThat(only.modifyIndex()).isEqualTo(only.createIndex());
        }
    }

    @Test
    void a_secondary_before_its_join_lists_the_replicated_root_without_intermediates() throws Exception {
        dcs.bootstrap();

        IndexedCaRoots roots = STRICT.readValue(get(dcs.handler("dc2"), "/v1/connect/ca/roots", "").body(),
                IndexedCaRoots.class);

        assertThat(roots.roots()).hasSize(1);
        assertThat(roots.roots().get(0).intermediateCerts()).isEmpty();
        assertThat(roots.activeRootId()).isEqualTo(roots.roots().get(0).id());
    }

    @Test
    void pem_true_alone_verifies_a_leaf_signed_in_the_dc_with_openssl() {
        dcs.bootstrap().activate("dc1");
        CaFunctionsHandler h = dcs.handler("dc1");
        HttpResponse signed = post(h, "/v1/connect/ca/sign", signBody(CaTestDcs.csr("valid-ec-p256.pem")));
        assertThat(signed.status()).as(signed.body()).isEqualTo(200);
        X509Certificate leaf = Certificates.fromPem(SignCsrTest.field(signed, "CertPEM")).get(0);

        HttpResponse pem = get(h, "/v1/connect/ca/roots", "pem=true");

        assertThat(pem.status()).isEqualTo(200);
        assertThat(pem.header("Content-Type")).contains("application/pem-certificate-chain");
        assertThat(pem.header("X-Consul-Index")).isPresent();
        List<X509Certificate> fromRoots = Certificates.fromPem(pem.body());
        assertThat(fromRoots).containsExactly(dcs.pki.activeRoot().certificate(), dcs.pki.signer("dc1").certificate());
        OpenSsl.Result r = OpenSsl.verify(fromRoots, List.of(), leaf, "sslserver", dcs.clock.instant());
        assertThat(r.ok()).as(r.output()).isTrue();
    }

    @Test
    void a_bad_pem_parameter_is_a_400_with_consuls_text() {
        HttpResponse r = get(dcs.handler("dc1"), "/v1/connect/ca/roots", "pem=maybe");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("The 'pem' query parameter must be a boolean value");
    }

    @Test
    void x_consul_index_grows_after_a_change() {
        dcs.bootstrap();
        CaFunctionsHandler h = dcs.handler("dc1");
        long before = index(get(h, "/v1/connect/ca/roots", ""));

        dcs.activate("dc1"); // signer item written and the change index bumped, as rotate-leaves does

        HttpResponse after = get(h, "/v1/connect/ca/roots", "");
        assertThat(index(after)).isGreaterThan(before);
        assertThat(after.body()).contains("\"IntermediateCerts\":[\"-----BEGIN CERTIFICATE-----");
    }

    @Test
    void a_blocking_read_returns_when_the_index_moves() {
        dcs.bootstrap();
        CaFunctionsHandler h = dcs.handler("dc1");
        long index = index(get(h, "/v1/connect/ca/roots", ""));
        AtomicInteger polls = new AtomicInteger();
        dcs.onSleep = () -> {
            if (polls.incrementAndGet() == 3) {
                dcs.activate("dc1");
            }
        };
        Instant start = dcs.clock.instant();

        HttpResponse r = get(h, "/v1/connect/ca/roots", "index=" + index + "&wait=10s");

        assertThat(index(r)).isGreaterThan(index);
        assertThat(polls.get()).isEqualTo(3);
        assertThat(Duration.between(start, dcs.clock.instant())).isLessThan(Duration.ofSeconds(1));
        assertThat(r.body()).contains("\"IntermediateCerts\":[\"-----BEGIN CERTIFICATE-----");
    }

    @Test
    void a_blocking_read_without_a_change_ends_at_its_wait_with_the_same_index() {
        dcs.bootstrap();
        CaFunctionsHandler h = dcs.handler("dc1");
        long index = index(get(h, "/v1/connect/ca/roots", ""));
        Instant start = dcs.clock.instant();

        HttpResponse r = get(h, "/v1/connect/ca/roots", "index=" + index + "&wait=2s");

        assertThat(r.status()).isEqualTo(200);
        assertThat(index(r)).isEqualTo(index);
        Duration waited = Duration.between(start, dcs.clock.instant());
        assertThat(waited).isLessThanOrEqualTo(Duration.ofSeconds(2)).isGreaterThan(Duration.ofMillis(1800));
        assertThat(dcs.sleeps).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(IndexPoller.MAX_PAUSE));
    }

    @Test
    void a_bad_index_is_a_400() {
        HttpResponse r = get(dcs.handler("dc1"), "/v1/connect/ca/roots", "index=-1");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("Invalid index");
    }

    @Test
    void configuration_get_answers_the_dcs_configuration_with_indexes() throws Exception {
        dcs.bootstrap();
        CaFunctionsHandler h = dcs.handler("dc1");
        HttpResponse defaults = get(h, "/v1/connect/ca/configuration", "");
        assertThat(defaults.status()).isEqualTo(200);
        assertThat(STRICT.readTree(defaults.body()).get("Config").get("LeafCertTTL").asText()).isEqualTo("72h0m0s");

        dcs.federation.dc("dc1").caStore().putCaConfig(CaConfig.builder().leafCertTtl(Duration.ofHours(24)).build(), 0);
        dcs.federation.dc("dc1").privateStore().bumpChangeIndex();
        HttpResponse r = get(h, "/v1/connect/ca/configuration", "");

        JsonNode body = STRICT.readTree(r.body());
        assertThat(names(body)).containsExactly("Provider", "Config", "State", "ForceWithoutCrossSigning",
                "CreateIndex", "ModifyIndex");
        assertThat(body.get("Provider").asText()).isEqualTo("consul");
        assertThat(body.get("Config").get("LeafCertTTL").asText()).isEqualTo("24h0m0s");
        assertThat(body.get("Config").has("PrivateKey")).isFalse();
        assertThat(body.get("State").isNull()).isTrue();
        assertThat(body.get("ModifyIndex").asLong()).isPositive();
        assertThat(index(r)).isGreaterThan(index(defaults));
    }

    @Test
    void configuration_get_needs_operator_read() {
        dcs.authorizer = SignCsrTest.denyingEverything();
        HttpResponse r = get(dcs.handler("dc1"), "/v1/connect/ca/configuration", "");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).startsWith("Permission denied: anonymous token lacks permission 'operator:read'");
    }

    @Test
    void agent_self_names_the_dc_and_the_primary() {
        HttpResponse r = get(dcs.handler("dc2"), "/v1/agent/self", "");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(
                "{\"Config\":{\"Datacenter\":\"dc2\",\"PrimaryDatacenter\":\"dc1\",\"NodeName\":\"meshfed-dc2\"}}");
    }

    @Test
    void a_wrong_method_is_a_405_with_allow() {
        HttpResponse r = post(dcs.handler("dc1"), "/v1/connect/ca/roots", "{}");
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("Allow")).contains("OPTIONS,GET");
        assertThat(r.body()).isEqualTo("method POST not allowed");
    }

    static long index(HttpResponse r) {
        return Long.parseLong(r.header("X-Consul-Index").orElseThrow());
    }

    private static List<String> names(JsonNode node) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }
}
