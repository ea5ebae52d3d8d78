package dev.meshfed.app.ca;

import static dev.meshfed.app.ca.CaTestDcs.csr;
import static dev.meshfed.app.ca.CaTestDcs.get;
import static dev.meshfed.app.ca.CaTestDcs.post;
import static dev.meshfed.app.ca.CaTestDcs.signBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshfed.app.auth.Accessor;
import dev.meshfed.app.auth.Authorizer;
import dev.meshfed.app.auth.Token;
import dev.meshfed.app.http.BodyLimits;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.core.config.CaConfig;
import dev.meshfed.core.custody.KeyPurpose;
import dev.meshfed.core.identity.ColonHex;
import dev.meshfed.core.identity.KeyIds;
import dev.meshfed.core.pki.Certificates;
import dev.meshfed.testkit.Fixtures;
import dev.meshfed.testkit.OpenSsl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** sign-csr through the dispatcher, on a DC prepared by the test. */
class SignCsrTest {

    private static final String SIGN = "/v1/connect/ca/sign";
    private static final String TD = Fixtures.CLUSTER_ID + ".consul";

    private final CaTestDcs dcs = new CaTestDcs();

    @Test
    void a_valid_csr_gets_a_leaf_that_openssl_verifies_and_an_inventory_record() throws Exception {
        dcs.bootstrap().activate("dc1");
        Instant now = dcs.clock.instant();

        HttpResponse r = post(dcs.handler("dc1"), SIGN, signBody(csr("valid-ec-p256.pem")));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("Content-Type")).contains("application/json");
        JsonNode body = FetchRootsTest.STRICT.readTree(r.body());
        assertThat(body.properties().stream().map(e -> e.getKey()).toList()).containsExactly("SerialNumber", "CertPEM",
                "Service", "ServiceURI", "ValidAfter", "ValidBefore", "RotateAfter", "CreateIndex", "ModifyIndex");
        List<X509Certificate> certs = Certificates.fromPem(body.get("CertPEM").asText());
        X509Certificate leaf = certs.get(0);
        assertThat(certs.subList(1, certs.size())).containsExactly(dcs.pki.signer("dc1").certificate());
        assertThat(body.get("CertPEM").asText()).endsWith("-----END CERTIFICATE-----\n");
        assertThat(body.get("SerialNumber").asText()).isEqualTo(ColonHex.ofUnsigned(leaf.getSerialNumber()));
        assertThat(body.get("Service").asText()).isEqualTo("web");
        assertThat(body.get("ServiceURI").asText()).isEqualTo("spiffe://" + TD + "/ns/default/dc/dc1/svc/web");
        Instant validAfter = Instant.parse(body.get("ValidAfter").asText());
        Instant validBefore = Instant.parse(body.get("ValidBefore").asText());
        Instant rotateAfter = Instant.parse(body.get("RotateAfter").asText());
        assertThat(validAfter).isEqualTo(now.minus(Duration.ofMinutes(1))).isEqualTo(leaf.getNotBefore().toInstant());
        assertThat(validBefore).isEqualTo(now.plus(CaConfig.DEFAULT_LEAF_CERT_TTL)).isEqualTo(leaf.getNotAfter().toInstant());
        Duration life = Duration.between(validAfter, validBefore);
        assertThat(rotateAfter).isBetween(validAfter.plus(life.multipliedBy(6).dividedBy(10)).minusSeconds(1),
                validAfter.plus(life.multipliedBy(9).dividedBy(10)));
        assertThat(body.get("CreateIndex").isIntegralNumber()).isTrue();
        assertThat(body.get("ModifyIndex").asLong()).isEqualTo(body.get("CreateIndex").asLong()).isPositive();

        OpenSsl.Result v = OpenSsl.verify(List.of(dcs.pki.activeRoot().certificate()), certs.subList(1, certs.size()),
                leaf, "sslserver", now);
        assertThat(v.ok()).as(v.output()).isTrue();

        var record = dcs.federation.dc("dc1").privateStore().leaf(body.get("SerialNumber").asText());
        assertThat(record).isPresent();
        assertThat(record.get().value().spiffeId()).isEqualTo("spiffe://" + TD + "/ns/default/dc/dc1/svc/web");
        assertThat(record.get().value().signingKeyId())
                .isEqualTo(KeyIds.keyIdHex(dcs.pki.signer("dc1").certificate().getPublicKey()));
        assertThat(record.get().value().managedBy()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"valid-ec-p384.pem", "valid-rsa-2048.pem", "valid-percent-encoded.pem",
            "valid-with-subject-and-extensions.pem", "valid-mesh-gateway.pem"})
    void every_valid_fixture_is_signed(String fixture) {
        dcs.bootstrap().activate("dc1");
        HttpResponse r = post(dcs.handler("dc1"), SIGN, signBody(csr(fixture)));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        X509Certificate leaf = Certificates.fromPem(field(r, "CertPEM")).get(0);
        OpenSsl.Result v = OpenSsl.verify(List.of(dcs.pki.activeRoot().certificate()),
                List.of(dcs.pki.signer("dc1").certificate()), leaf, "sslclient", dcs.clock.instant());
        assertThat(v.ok()).as(v.output()).isTrue();
    }

    @Test
    void a_mesh_gateway_leaf_names_its_uri_and_no_service() {
        dcs.bootstrap().activate("dc1");
        HttpResponse r = post(dcs.handler("dc1"), SIGN, signBody(csr("valid-mesh-gateway.pem")));
        assertThat(field(r, "Service")).isEmpty();
        assertThat(field(r, "ServiceURI")).isEqualTo("spiffe://" + TD + "/gateway/mesh/dc/dc1");
    }

    static Stream<Arguments> hostile() {
        return Stream.of(
                Arguments.of("other-trust-domain.pem", "SPIFFE ID in CSR from a different trust domain: 0a0b0c0d-1111-4222-8333-444455556666.consul, we are " + TD),
                Arguments.of("other-dc.pem", "SPIFFE ID in CSR from a different datacenter: dc2, we are dc1"),
                Arguments.of("two-uris.pem", "CSR SAN contains an invalid number of URIs: 2"),
                Arguments.of("no-uri.pem", "CSR SAN contains an invalid number of URIs: 0"),
                Arguments.of("email-san.pem", "CSR SAN contains an e-mail address; e-mail SANs are not allowed"),
                Arguments.of("dns-san-not-allowed.pem", "CSR SAN contains a DNS name that is not allowed: web.example.com"),
                Arguments.of("ip-san-not-allowed.pem", "CSR SAN contains an IP address that is not allowed: 10.1.2.3"),
                Arguments.of("ca-requested.pem", "CSR requests a CA certificate; leaf CSRs may not"),
                Arguments.of("bad-signature.pem", "CSR signature does not verify"),
                Arguments.of("rsa-1024.pem", "CSR key is not allowed: rsa 1024 bits; allowed: ec P-256, ec P-384, rsa 2048 to 4096 bits"),
                Arguments.of("ec-secp256k1.pem", "CSR key is not allowed: ec secp256k1; allowed: ec P-256, ec P-384, rsa 2048 to 4096 bits"),
                Arguments.of("ec-p521.pem", "CSR key is not allowed: ec P-521; allowed: ec P-256, ec P-384, rsa 2048 to 4096 bits"),
                Arguments.of("ed25519.pem", "CSR key is not allowed: ed25519; allowed: ec P-256, ec P-384, rsa 2048 to 4096 bits"),
                Arguments.of("not-spiffe-uri.pem", "SPIFFE ID is not in the expected format: https://example.com/web"),
                Arguments.of("signing-id-uri.pem", "SPIFFE ID in CSR must be a service or mesh-gateway ID"),
                Arguments.of("agent-id.pem", "SPIFFE ID in CSR must be a service or mesh-gateway ID"),
                Arguments.of("partition.pem", "SPIFFE ID in CSR is in partition finance; partitions other than default are not supported"),
                Arguments.of("garbage.pem", "CSR is not a valid PKCS#10 certificate request"),
                Arguments.of("truncated-der.pem", "CSR is not a valid PKCS#10 certificate request"),
                Arguments.of("certificate-not-csr.pem", "first PEM-block should be CERTIFICATE REQUEST type"),
                Arguments.of("two-blocks.pem", "CSR must contain exactly one PEM block, found 2"),
                Arguments.of("oversized.pem", "CSR too large"),
                Arguments.of("empty.pem", "first PEM-block should be CERTIFICATE REQUEST type"));
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void every_hostile_fixture_is_a_400_with_its_exact_text_and_nothing_stored(String fixture, String text) {
        dcs.bootstrap().activate("dc1");
        String body = signBody(csr(fixture));
        assertThat(body.length()).isLessThan(BodyLimits.MAX_REQUEST_BODY_BYTES);

        HttpResponse r = post(dcs.handler("dc1"), SIGN, body);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("Content-Type")).contains("text/plain; charset=utf-8");
        assertThat(r.body()).isEqualTo(text);
        assertThat(dcs.federation.dc("dc1").privateStore().bucket(0)).as("no rate-limit token spent").isEmpty();
    }

    @Test
    void a_body_over_64_kib_is_a_413() {
        dcs.bootstrap().activate("dc1");
        HttpResponse r = post(dcs.handler("dc1"), SIGN, signBody("x".repeat(BodyLimits.MAX_REQUEST_BODY_BYTES)));
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.body()).isEqualTo(BodyLimits.TOO_LARGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"CSR\":", "not json", "", "[]", "{\"CSR\":\"a\"} trailing", "{\"CSR\":1}", "{\"CSR\":\"a\",\"CSR\":\"b\"}"})
    void a_malformed_body_is_a_400(String body) {
        dcs.bootstrap().activate("dc1");
        HttpResponse r = post(dcs.handler("dc1"), SIGN, body);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).startsWith("invalid JSON body: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"Csr2\":\"x\"}", "{\"CSR\":null}"})
    void a_body_without_a_csr_is_a_400(String body) {
        dcs.bootstrap().activate("dc1");
        HttpResponse r = post(dcs.handler("dc1"), SIGN, body);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("CSR is required");
    }

    @Test
    void an_exhausted_rate_limit_is_a_429_with_retry_after() {
        dcs.bootstrap().activate("dc1");
        dcs.federation.dc("dc1").caStore().putCaConfig(CaConfig.builder().csrMaxPerSecond(1).build(), 0);
        CaFunctionsHandler h = dcs.handler("dc1");
        String body = signBody(csr("valid-ec-p256.pem"));

        assertThat(post(h, SIGN, body).status()).isEqualTo(200);
        HttpResponse refused = post(h, SIGN, body);

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.body()).isEqualTo("Rate limit reached, try again later");
        assertThat(refused.header("Retry-After")).contains("1");
        dcs.clock.advance(Duration.ofSeconds(1));
        assertThat(post(h, SIGN, body).status()).isEqualTo(200);
    }

    @Test
    void the_primary_before_bootstrap_is_a_503_with_the_exact_text() {
        HttpResponse r = post(dcs.handler("dc1"), SIGN, signBody(csr("valid-ec-p256.pem")));
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.body()).isEqualTo("CA has not finished initializing");
        assertThat(r.header("Retry-After")).contains("5");
    }

    @Test
    void a_secondary_before_its_join_is_a_503_with_the_exact_text_but_earlier_checks_come_first() {
        dcs.bootstrap().activate("dc1");
        CaFunctionsHandler h = dcs.handler("dc2");

        HttpResponse r = post(h, SIGN, signBody(csr("other-dc.pem"))); // a dc2 service ID: passes checks 1 to 8

        assertThat(r.status()).isEqualTo(503);
        assertThat(r.body()).isEqualTo("CA is uninitialized and unable to sign certificates yet");
        HttpResponse wrongDc = post(h, SIGN, signBody(csr("valid-ec-p256.pem"))); // names dc1: check 5 first
        assertThat(wrongDc.status()).isEqualTo(400);
        assertThat(wrongDc.body()).isEqualTo("SPIFFE ID in CSR from a different datacenter: dc1, we are dc2");
    }

    @Test
    void a_secondary_signs_after_its_join() {
        dcs.bootstrap().activate("dc1").activate("dc2");
        HttpResponse r = post(dcs.handler("dc2"), SIGN, signBody(csr("other-dc.pem")));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        X509Certificate leaf = Certificates.fromPem(field(r, "CertPEM")).get(0);
        HttpResponse dc1Roots = get(dcs.handler("dc1"), "/v1/connect/ca/roots", "pem=true");
        OpenSsl.Result v = OpenSsl.verify(Certificates.fromPem(dc1Roots.body()),
                List.of(dcs.pki.signer("dc2").certificate()), leaf, "sslclient", dcs.clock.instant());
        assertThat(v.ok()).as(v.output()).isTrue();
    }

    @Test
    void an_expired_or_not_yet_valid_signer_never_signs() {
        dcs.bootstrap().activate("dc1");
        CaFunctionsHandler h = dcs.handler("dc1");
        String body = signBody(csr("valid-ec-p256.pem"));
        Instant start = dcs.clock.instant();
        X509Certificate inter = dcs.pki.signer("dc1").certificate();

        dcs.clock.set(inter.getNotAfter().toInstant().plusSeconds(1));
        HttpResponse expired = post(h, SIGN, body);
        dcs.clock.set(inter.getNotBefore().toInstant().minusSeconds(1));
        HttpResponse early = post(h, SIGN, body);
        dcs.clock.set(start);

        assertThat(expired.status()).isEqualTo(503);
        assertThat(expired.body()).isEqualTo("CA signing certificate is expired or not yet valid");
        assertThat(early.status()).isEqualTo(503);
        assertThat(early.body()).isEqualTo("CA signing certificate is expired or not yet valid");
        assertThat(post(h, SIGN, body).status()).isEqualTo(200);
    }

    @Test
    void a_caller_without_service_write_is_a_403_before_any_token_is_spent() {
        dcs.bootstrap().activate("dc1");
        dcs.authorizer = denyingEverything();
        HttpResponse r = post(dcs.handler("dc1"), SIGN, signBody(csr("valid-ec-p256.pem")));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).startsWith("Permission denied: anonymous token lacks permission 'service:write' on \"web\"");
        HttpResponse gw = post(dcs.handler("dc1"), SIGN, signBody(csr("valid-mesh-gateway.pem")));
        assertThat(gw.body()).startsWith("Permission denied: anonymous token lacks permission 'mesh:write'");
        assertThat(dcs.federation.dc("dc1").privateStore().bucket(0)).isEmpty();
    }

    @Test
    void a_wrong_method_is_a_405_with_allow() {
        HttpResponse r = get(dcs.handler("dc1"), SIGN, "");
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("Allow")).contains("OPTIONS,POST");
        assertThat(r.body()).isEqualTo("method GET not allowed");
    }

    @Test
    void sign_csr_unwraps_only_the_intermediate_key_and_only_once_per_key() {
        dcs.bootstrap().activate("dc1");
        CaFunctionsHandler h = dcs.handler("dc1");
        String body = signBody(csr("valid-ec-p256.pem"));
        for (int i = 0; i < 5; i++) {
            assertThat(post(h, SIGN, body).status()).isEqualTo(200);
        }
        String interKeyId = KeyIds.keyIdHex(dcs.pki.signer("dc1").certificate().getPublicKey());

        assertThat(dcs.custody.contexts()).hasSize(1);
        assertThat(dcs.custody.contexts()).allSatisfy(c -> {
            assertThat(c.purpose()).isEqualTo(KeyPurpose.INTERMEDIATE);
            assertThat(c.keyId()).isEqualTo(interKeyId);
            assertThat(c.datacenter()).isEqualTo("dc1");
        });
        assertThat(dcs.custody.contexts()).noneMatch(c -> c.purpose() == KeyPurpose.ROOT);
    }

    @Test
    void a_new_signer_is_used_after_the_refresh_interval() {
        dcs.bootstrap().activate("dc1");
        CaFunctionsHandler h = dcs.handler("dc1");
        String body = signBody(csr("valid-ec-p256.pem"));
        assertThat(post(h, SIGN, body).status()).isEqualTo(200);
        X509Certificate first = dcs.pki.signer("dc1").certificate();

        dcs.activate("dc1"); // a renewed intermediate with a new key
        X509Certificate second = dcs.pki.signer("dc1").certificate();
        X509Certificate stillFirst = Certificates.fromPem(field(post(h, SIGN, body), "CertPEM")).get(1);
        dcs.clock.advance(ActiveSigner.REFRESH);
        X509Certificate nowSecond = Certificates.fromPem(field(post(h, SIGN, body), "CertPEM")).get(1);

        assertThat(stillFirst).isEqualTo(first);
        assertThat(nowSecond).isEqualTo(second);
        assertThat(dcs.custody.contexts()).extracting(c -> c.purpose()).containsOnly(KeyPurpose.INTERMEDIATE).hasSize(2);
    }

    static String field(HttpResponse r, String name) {
        try {
            JsonNode node = FetchRootsTest.STRICT.readTree(r.body()).get(name);
            if (node == null) {
                throw new AssertionError("no " + name + " in " + r.status() + " " + r.body());
            }
            return node.asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every token resolves, as the anonymous token, and grants nothing: Consul's default deny. */
    static Authorizer denyingEverything() {
        return new Authorizer() {
            @Override
            public dev.meshfed.app.auth.Caller caller(Token token) {
                return new dev.meshfed.app.auth.Caller(Accessor.ANONYMOUS, dev.meshfed.core.acl.Grants.none());
            }

            @Override
            public boolean enforcing() {
                return true;
            }
        };
    }
}
