package dev.meshfed.pki;

import static dev.meshfed.core.error.InvalidCsr.Reason.*;
import static dev.meshfed.pki.PkiTestSupport.csr;
import static dev.meshfed.pki.PkiTestSupport.federation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.error.InvalidCsr;
import dev.meshfed.core.identity.Datacenter;
import dev.meshfed.core.identity.SpiffeId;
import dev.meshfed.core.identity.TrustDomain;
import dev.meshfed.core.config.CidrRange;
import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.core.pki.LeafCsrValidator;
import dev.meshfed.core.pki.LeafSigner;
import dev.meshfed.core.pki.LeafSigningCore;
import dev.meshfed.core.pki.LeafSigningGates;
import dev.meshfed.core.pki.SignedLeaf;
import dev.meshfed.testkit.Fixtures;
import dev.meshfed.core.clock.MutableClock;
import dev.meshfed.testkit.OpenSsl;
import dev.meshfed.testkit.TestFederation;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The committed CSR fixtures (functions/pki/src/test/resources/csr/README.md says how each was
 * made) through the real parser and the ordered checks: each hostile request gets its precise
 * error and no certificate; each valid one gets a leaf that openssl accepts.
 */
class LeafCsrChecksTest {
    private static final TrustDomain TD = new TrustDomain(Fixtures.CLUSTER_ID + ".consul");
    private static final LeafCsrValidator.Policy DC1 = new LeafCsrValidator.Policy(TD, new Datacenter("dc1"), List.of(), List.of());

    private final MutableClock clock = MutableClock.atDefaultStart();
    private final TestFederation federation = federation(KeySpec.EC_P256, clock);
    private final LeafSigningCore core = new LeafSigningCore(PkiTestSupport.PARSER, federation.profiles(), PkiTestSupport.ISSUER);
    private final LeafSigner signer;

    LeafCsrChecksTest() {
        TestFederation.Issued inter = federation.issueIntermediate("dc1");
        signer = LeafSigner.of(inter.certificate(), inter.keys().getPrivate(), federation.chain("dc1"));
    }

    static Stream<Arguments> hostile() {
        String td = Fixtures.CLUSTER_ID + ".consul";
        return Stream.of(
                Arguments.of("other-trust-domain.pem", WRONG_TRUST_DOMAIN, "SPIFFE ID in CSR from a different trust domain: 0a0b0c0d-1111-4222-8333-444455556666.consul, we are " + td),
                Arguments.of("other-dc.pem", WRONG_DATACENTER, "SPIFFE ID in CSR from a different datacenter: dc2, we are dc1"),
                Arguments.of("two-uris.pem", URI_COUNT, "CSR SAN contains an invalid number of URIs: 2"),
                Arguments.of("no-uri.pem", URI_COUNT, "CSR SAN contains an invalid number of URIs: 0"),
                Arguments.of("email-san.pem", EMAIL_SAN, "CSR SAN contains an e-mail address; e-mail SANs are not allowed"),
                Arguments.of("dns-san-not-allowed.pem", DNS_OR_IP_NOT_ALLOWED, "CSR SAN contains a DNS name that is not allowed: web.example.com"),
                Arguments.of("ip-san-not-allowed.pem", DNS_OR_IP_NOT_ALLOWED, "CSR SAN contains an IP address that is not allowed: 10.1.2.3"),
                Arguments.of("ca-requested.pem", CA_REQUESTED, "CSR requests a CA certificate; leaf CSRs may not"),
                Arguments.of("bad-signature.pem", BAD_SIGNATURE, "CSR signature does not verify"),
                Arguments.of("rsa-1024.pem", WEAK_OR_UNSUPPORTED_KEY, "CSR key is not allowed: rsa 1024 bits; allowed: ec P-256, ec P-384, rsa 2048 to 4096 bits"),
                Arguments.of("ec-secp256k1.pem", WEAK_OR_UNSUPPORTED_KEY, "CSR key is not allowed: ec secp256k1; allowed: ec P-256, ec P-384, rsa 2048 to 4096 bits"),
                Arguments.of("ec-p521.pem", WEAK_OR_UNSUPPORTED_KEY, "CSR key is not allowed: ec P-521; allowed: ec P-256, ec P-384, rsa 2048 to 4096 bits"),
                Arguments.of("ed25519.pem", WEAK_OR_UNSUPPORTED_KEY, "CSR key is not allowed: ed25519; allowed: ec P-256, ec P-384, rsa 2048 to 4096 bits"),
                Arguments.of("not-spiffe-uri.pem", NOT_A_LEAF_IDENTITY, "SPIFFE ID is not in the expected format: https://example.com/web"),
                Arguments.of("signing-id-uri.pem", NOT_A_LEAF_IDENTITY, "SPIFFE ID in CSR must be a service or mesh-gateway ID"),
                Arguments.of("agent-id.pem", NOT_A_LEAF_IDENTITY, "SPIFFE ID in CSR must be a service or mesh-gateway ID"),
                Arguments.of("partition.pem", PARTITION_UNSUPPORTED, "SPIFFE ID in CSR is in partition finance; partitions other than default are not supported"),
                Arguments.of("garbage.pem", MALFORMED, "CSR is not a valid PKCS#10 certificate request"),
                Arguments.of("truncated-der.pem", MALFORMED, "CSR is not a valid PKCS#10 certificate request"),
                Arguments.of("certificate-not-csr.pem", NOT_A_CSR_PEM, "first PEM-block should be CERTIFICATE REQUEST type"),
                Arguments.of("two-blocks.pem", NOT_A_CSR_PEM, "CSR must contain exactly one PEM block, found 2"),
                Arguments.of("oversized.pem", TOO_LARGE, "CSR too large"),
                Arguments.of("empty.pem", NOT_A_CSR_PEM, "first PEM-block should be CERTIFICATE REQUEST type"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("hostile")
    void hostileRequestGetsItsPreciseErrorAndNoCertificate(String file, InvalidCsr.Reason reason, String message) {
        RecordingGates gates = new RecordingGates();
        assertThatThrownBy(() -> core.sign(csr(file), DC1, gates, signer, clock.instant(), Duration.ofHours(72)))
                .isInstanceOfSatisfying(InvalidCsr.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.getMessage()).isEqualTo(message);
                });
        // A refused request never reaches the rate limit or the signer.
        assertThat(gates.calls).doesNotContain("rate", "signer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"valid-ec-p256.pem", "valid-ec-p384.pem", "valid-rsa-2048.pem",
            "valid-with-subject-and-extensions.pem"})
    void validServiceRequestGetsALeafForItsIdentityThatOpensslAccepts(String file) throws Exception {
        RecordingGates gates = new RecordingGates();
        SignedLeaf leaf = core.sign(csr(file), DC1, gates, signer, clock.instant(), Duration.ofHours(72));

        assertThat(gates.calls).containsExactly("authorize:web", "rate", "signer");
        X509Certificate cert = dev.meshfed.core.pki.Certificates.fromPem(leaf.certPem()).get(0);
        assertThat(CertificateProfileFieldsTest.uris(cert))
                .containsExactly("spiffe://" + TD + "/ns/default/dc/dc1/svc/web");
        assertThat(cert.getSubjectX500Principal().getEncoded()).hasSize(2); // the CSR's subject is ignored
        assertThat(dev.meshfed.core.pki.Certificates.fromPem(leaf.certPem())).hasSize(2);
        assertThat(leaf.certPem()).endsWith("-----END CERTIFICATE-----\n");
        OpenSsl.Result r = OpenSsl.verify(federation.trustedRoots(), federation.chain("dc1"), cert, "sslserver", clock.instant());
        assertThat(r.ok()).as(r.output()).isTrue();
    }

    @Test
    void meshGatewayAndPercentEncodedIdentitiesAreSignedAsDecoded() {
        SignedLeaf gw = core.sign(csr("valid-mesh-gateway.pem"), DC1, LeafSigningGates.OPEN, signer, clock.instant(), Duration.ofHours(72));
        assertThat(gw.identity()).isEqualTo(new SpiffeId.MeshGateway(TD.value(), null, "dc1"));
        SignedLeaf svc = core.sign(csr("valid-percent-encoded.pem"), DC1, LeafSigningGates.OPEN, signer, clock.instant(), Duration.ofHours(72));
        assertThat(((SpiffeId.Service) svc.identity()).service()).isEqualTo("web-api");
    }

    @Test
    void dnsAndIpSansAreCopiedOnlyWhenTheDcAllowsThem() throws Exception {
        LeafCsrValidator.Policy open = new LeafCsrValidator.Policy(TD, new Datacenter("dc1"), List.of("example.com"),
                List.of(CidrRange.parse("10.0.0.0/8")));
        SignedLeaf dns = core.sign(csr("dns-san-not-allowed.pem"), open, LeafSigningGates.OPEN, signer, clock.instant(), Duration.ofHours(72));
        SignedLeaf ip = core.sign(csr("ip-san-not-allowed.pem"), open, LeafSigningGates.OPEN, signer, clock.instant(), Duration.ofHours(72));
        X509Certificate d = dev.meshfed.core.pki.Certificates.fromPem(dns.certPem()).get(0);
        X509Certificate i = dev.meshfed.core.pki.Certificates.fromPem(ip.certPem()).get(0);
        assertThat(d.getSubjectAlternativeNames()).anyMatch(l -> l.get(0).equals(2) && l.get(1).equals("web.example.com"));
        assertThat(i.getSubjectAlternativeNames()).anyMatch(l -> l.get(0).equals(7) && l.get(1).equals("10.1.2.3"));
        // the same names outside the lists are refused
        LeafCsrValidator.Policy elsewhere = new LeafCsrValidator.Policy(TD, new Datacenter("dc1"), List.of("example.org"),
                List.of(CidrRange.parse("192.168.0.0/16")));
        assertThatThrownBy(() -> core.sign(csr("dns-san-not-allowed.pem"), elsewhere, LeafSigningGates.OPEN, signer, clock.instant(), Duration.ofHours(72)))
                .isInstanceOf(InvalidCsr.class);
        assertThatThrownBy(() -> core.sign(csr("ip-san-not-allowed.pem"), elsewhere, LeafSigningGates.OPEN, signer, clock.instant(), Duration.ofHours(72)))
                .isInstanceOf(InvalidCsr.class);
    }

    @Test
    void authorizationRunsAfterIdentityChecksAndBeforeTheCaCheck() {
        // ca-requested.pem names a valid dc1 service: check 6 (authorization) must come before check 7.
        RecordingGates denying = new RecordingGates() {
            @Override
            public void authorize(SpiffeId identity) {
                super.authorize(identity);
                throw new dev.meshfed.core.error.NotAuthorized("Permission denied");
            }
        };
        assertThatThrownBy(() -> core.sign(csr("ca-requested.pem"), DC1, denying, signer, clock.instant(), Duration.ofHours(72)))
                .isInstanceOf(dev.meshfed.core.error.NotAuthorized.class);
        // other-dc.pem fails check 5, so authorization is never asked
        RecordingGates gates = new RecordingGates();
        assertThatThrownBy(() -> core.sign(csr("other-dc.pem"), DC1, gates, signer, clock.instant(), Duration.ofHours(72)))
                .isInstanceOf(InvalidCsr.class);
        assertThat(gates.calls).isEmpty();
    }

    @Test
    void randomBytesAndMangledPemNeverEscapeAsAnythingButInvalidCsr() {
        Random r = new Random(7);
        String valid = csr("valid-ec-p256.pem");
        for (int i = 0; i < 300; i++) {
            char[] chars = valid.toCharArray();
            for (int k = 0; k < 1 + r.nextInt(4); k++) {
                int pos = r.nextInt(chars.length);
                chars[pos] = (char) (32 + r.nextInt(95));
            }
            String mangled = new String(chars);
            try {
                core.sign(mangled, DC1, LeafSigningGates.OPEN, signer, clock.instant(), Duration.ofHours(72));
            } catch (InvalidCsr expected) {
                assertThat(expected.getMessage()).doesNotContain("Exception").doesNotContain("\n");
            }
        }
    }

    static class RecordingGates implements LeafSigningGates {
        final List<String> calls = new ArrayList<>();

        @Override
        public void authorize(SpiffeId identity) {
            calls.add("authorize:" + (identity instanceof SpiffeId.Service s ? s.service() : "gateway"));
        }

        @Override
        public void acquireRateLimit() {
            calls.add("rate");
        }

        @Override
        public void requireSigner() {
            calls.add("signer");
        }
    }
}
