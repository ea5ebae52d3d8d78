package dev.meshfed.pki;

import static dev.meshfed.pki.PkiTestSupport.csr;
import static dev.meshfed.pki.PkiTestSupport.federation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.error.InvalidCsr;
import dev.meshfed.core.identity.Datacenter;
import dev.meshfed.core.pki.EnrolmentSignatures;
import dev.meshfed.core.pki.IntermediateCsrRequest;
import dev.meshfed.core.pki.IntermediateCsrValidator;
import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.core.pki.Pem;
import dev.meshfed.testkit.Fixtures;
import dev.meshfed.core.clock.MutableClock;
import dev.meshfed.testkit.OpenSsl;
import dev.meshfed.testkit.TestFederation;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The primary's checks of a secondary's intermediate request, signed with the committed dc2
 * enrolment key: membership, enrolment signature, CSR signature, the single signing URI, CA key
 * rules, expected root; an accepted request yields an intermediate that verifies under the root.
 */
class IntermediateCsrChecksTest {
    private static final Datacenter DC2 = new Datacenter("dc2");
    private final MutableClock clock = MutableClock.atDefaultStart();
    private final TestFederation federation = federation(KeySpec.EC_P256, clock);
    private final IntermediateCsrValidator validator = new IntermediateCsrValidator(PkiTestSupport.PARSER);
    private final PrivateKey dc2Enrolment = Fixtures.privateKey(csr("intermediate/enrolment-dc2.key.pem"), "EC");
    private final PrivateKey otherEnrolment = Fixtures.privateKey(csr("intermediate/enrolment-other.key.pem"), "EC");
    private final Map<Datacenter, PublicKey> members = Map.of(DC2, publicKey("intermediate/enrolment-dc2.pub.pem"));

    private static PublicKey publicKey(String file) {
        try {
            byte[] der = Pem.decodeAll(csr(file)).get(0).der();
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private IntermediateCsrRequest request(Datacenter dc, String csrFile, String expectedRoot, PrivateKey signWith) {
        IntermediateCsrRequest unsigned = new IntermediateCsrRequest(dc, csr(csrFile), IntermediateCsrRequest.Reason.JOIN,
                expectedRoot, clock.instant(), new byte[0]);
        return new IntermediateCsrRequest(dc, unsigned.csrPem(), unsigned.reason(), expectedRoot, unsigned.requestedAt(),
                EnrolmentSignatures.sign(unsigned, signWith));
    }

    private void assertRefused(IntermediateCsrRequest r, InvalidCsr.Reason reason, String message) {
        assertThatThrownBy(() -> validator.validate(r, members, federation.clusterId().trustDomain(),
                federation.bundle().activeRootId()))
                .isInstanceOfSatisfying(InvalidCsr.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.getMessage()).isEqualTo(message);
                });
    }

    @Test
    void acceptedRequestYieldsAnIntermediateThatOpensslAcceptsUnderTheRoot() {
        String root = federation.bundle().activeRootId();
        IntermediateCsrValidator.Approved ok = validator.validate(
                request(DC2, "intermediate/valid-dc2-ec-p256.pem", root, dc2Enrolment), members,
                federation.clusterId().trustDomain(), root);
        assertThat(ok.datacenter()).isEqualTo(DC2);
        assertThat(ok.keySpec()).isEqualTo(KeySpec.EC_P256);

        X509Certificate rootCert = federation.activeRoot().certificate();
        X509Certificate inter = PkiTestSupport.ISSUER.issue(federation.profiles().intermediate(federation.clusterId(), DC2,
                ok.publicKey(), rootCert, clock.instant(), Duration.ofHours(8760)), federation.activeRoot().keys().getPrivate());
        assertThat(inter.getSubjectX500Principal().getName()).isEqualTo("CN=dc2.ca.7d8b1e6c.consul");
        OpenSsl.Result r = OpenSsl.verify(List.of(rootCert), List.of(), inter, "any", clock.instant());
        assertThat(r.ok()).as(r.output()).isTrue();
    }

    @Test
    void unknownDatacenterIsNotAMember() {
        assertRefused(request(new Datacenter("dc3"), "intermediate/valid-dc2-ec-p256.pem",
                federation.bundle().activeRootId(), dc2Enrolment), InvalidCsr.Reason.NOT_A_MEMBER,
                "datacenter dc3 is not a federation member");
    }

    @Test
    void requestSignedWithAnotherKeyIsRefused() {
        assertRefused(request(DC2, "intermediate/valid-dc2-ec-p256.pem", federation.bundle().activeRootId(), otherEnrolment),
                InvalidCsr.Reason.BAD_ENROLMENT_SIGNATURE,
                "intermediate CSR request of dc2 is not signed by its registered enrolment key");
    }

    @Test
    void requestAlteredAfterSigningIsRefused() {
        IntermediateCsrRequest signed = request(DC2, "intermediate/valid-dc2-ec-p256.pem",
                federation.bundle().activeRootId(), dc2Enrolment);
        IntermediateCsrRequest tampered = new IntermediateCsrRequest(DC2, signed.csrPem(),
                IntermediateCsrRequest.Reason.RENEWAL, signed.expectedRootId(), signed.requestedAt(), signed.enrolmentSignature());
        assertRefused(tampered, InvalidCsr.Reason.BAD_ENROLMENT_SIGNATURE,
                "intermediate CSR request of dc2 is not signed by its registered enrolment key");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "intermediate/wrong-uri.pem|NOT_A_CA_SIGNING_ID|intermediate CSR URI SAN must be spiffe://7d8b1e6c-3f2a-4c5e-9a1b-2c3d4e5f6a7b.consul, got spiffe://7d8b1e6c-3f2a-4c5e-9a1b-2c3d4e5f6a7b.consul/ns/default/dc/dc2/svc/web",
        "intermediate/two-uris.pem|URI_COUNT|CSR SAN contains an invalid number of URIs: 2",
        "intermediate/rsa-1024.pem|WEAK_OR_UNSUPPORTED_KEY|CSR key is not allowed: rsa 1024 bits; allowed: ec P-256, ec P-384, rsa 2048 or 4096 bits",
        "intermediate/ec-secp256k1.pem|WEAK_OR_UNSUPPORTED_KEY|CSR key is not allowed: ec secp256k1; allowed: ec P-256, ec P-384, rsa 2048 or 4096 bits",
        "bad-signature.pem|BAD_SIGNATURE|CSR signature does not verify",
        "garbage.pem|MALFORMED|CSR is not a valid PKCS#10 certificate request"})
    void badCsrInsideAProperlySignedRequestIsRefused(String file, InvalidCsr.Reason reason, String message) {
        assertRefused(request(DC2, file, federation.bundle().activeRootId(), dc2Enrolment), reason, message);
    }

    @Test
    void requestForAnotherRootIsRefused() {
        assertRefused(request(DC2, "intermediate/valid-dc2-ec-p256.pem", "00:11", dc2Enrolment),
                InvalidCsr.Reason.UNEXPECTED_ROOT, "intermediate CSR request expects root 00:11 but the active root is "
                        + federation.bundle().activeRootId());
    }
}
