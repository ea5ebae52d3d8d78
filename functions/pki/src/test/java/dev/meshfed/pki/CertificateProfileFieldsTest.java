package dev.meshfed.pki;

import static dev.meshfed.pki.PkiTestSupport.federation;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshfed.core.identity.KeyIds;
import dev.meshfed.core.pki.Certificates;
import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.core.clock.MutableClock;
import dev.meshfed.testkit.TestFederation;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every field of the profile table of certificates.md, asserted on the parsed certificates, for
 * every CA key type. The certificates are made by the real Bouncy Castle issuer and read back by
 * the JDK's X.509 parser.
 */
class CertificateProfileFieldsTest {
    private static final String SAN_OID = "2.5.29.17";
    private static final String BC_OID = "2.5.29.19";
    private static final String KU_OID = "2.5.29.15";
    private static final String TD = "7d8b1e6c-3f2a-4c5e-9a1b-2c3d4e5f6a7b.consul";
    // X509Certificate#getKeyUsage order: digitalSignature, nonRepudiation, keyEncipherment,
    // dataEncipherment, keyAgreement, keyCertSign, cRLSign, encipherOnly, decipherOnly
    private static final boolean[] CA_KU = {true, false, false, false, false, true, true, false, false};
    private static final boolean[] LEAF_KU = {true, false, true, false, true, false, false, false, false};

    private static String expectedSigAlg(KeySpec signer) {
        return switch (signer) {
            case EC_P256 -> "SHA256withECDSA";
            case EC_P384 -> "SHA384withECDSA";
            default -> "SHA256withRSA";
        };
    }

    @ParameterizedTest
    @EnumSource(KeySpec.class)
    void rootMatchesTheProfileTable(KeySpec spec) throws Exception {
        MutableClock clock = MutableClock.atDefaultStart();
        Instant now = clock.instant();
        X509Certificate root = federation(spec, clock).activeRoot().certificate();

        assertThat(root.getIssuerX500Principal()).isEqualTo(root.getSubjectX500Principal());
        assertThat(root.getSubjectX500Principal().getName())
                .matches(Pattern.compile("CN=pri-[0-9a-z]{8}\\.consul\\.ca\\.7d8b1e6c\\.consul"));
        assertThat(uris(root)).containsExactly("spiffe://" + TD);
        assertThat(root.getBasicConstraints()).isEqualTo(Integer.MAX_VALUE); // CA, no path length
        assertThat(root.getCriticalExtensionOIDs()).contains(BC_OID, KU_OID).doesNotContain(SAN_OID);
        assertThat(root.getKeyUsage()).containsExactly(CA_KU);
        assertThat(root.getExtendedKeyUsage()).isNull();
        assertThat(Certificates.subjectKeyId(root)).isEqualTo(KeyIds.keyId(root.getPublicKey())).hasSize(32);
        assertThat(Certificates.authorityKeyId(root)).isEqualTo(Certificates.subjectKeyId(root));
        assertThat(root.getNotBefore().toInstant()).isEqualTo(now.minus(Duration.ofMinutes(1)));
        assertThat(root.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofHours(87600)));
        assertThat(root.getSigAlgName()).isEqualTo(expectedSigAlg(spec));
        assertCaSerial(root.getSerialNumber());
        root.verify(root.getPublicKey());
    }

    @ParameterizedTest
    @EnumSource(KeySpec.class)
    void intermediateUnderEachRootTypeMatchesTheProfileTable(KeySpec rootSpec) throws Exception {
        MutableClock clock = MutableClock.atDefaultStart();
        Instant now = clock.instant();
        TestFederation f = federation(rootSpec, clock);
        X509Certificate root = f.activeRoot().certificate();
        X509Certificate inter = f.issueIntermediate("dc2", KeySpec.EC_P256).certificate();

        assertThat(inter.getIssuerX500Principal()).isEqualTo(root.getSubjectX500Principal());
        assertThat(inter.getSubjectX500Principal().getName()).isEqualTo("CN=dc2.ca.7d8b1e6c.consul");
        assertThat(uris(inter)).containsExactly("spiffe://" + TD);
        assertThat(inter.getBasicConstraints()).isZero(); // CA, path length 0
        assertThat(inter.getCriticalExtensionOIDs()).contains(BC_OID, KU_OID);
        assertThat(inter.getKeyUsage()).containsExactly(CA_KU);
        assertThat(inter.getExtendedKeyUsage()).isNull();
        assertThat(Certificates.subjectKeyId(inter)).isEqualTo(KeyIds.keyId(inter.getPublicKey()));
        assertThat(Certificates.authorityKeyId(inter)).isEqualTo(Certificates.subjectKeyId(root));
        assertThat(inter.getNotBefore().toInstant()).isEqualTo(now.minus(Duration.ofMinutes(1)));
        assertThat(inter.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofHours(8760)));
        assertThat(inter.getSigAlgName()).isEqualTo(expectedSigAlg(rootSpec));
        assertCaSerial(inter.getSerialNumber());
        inter.verify(root.getPublicKey());
    }

    @ParameterizedTest
    @EnumSource(KeySpec.class)
    void crossSignedRootKeepsNewRootIdentityAndEndsWithTheOldRoot(KeySpec spec) throws Exception {
        MutableClock clock = MutableClock.atDefaultStart();
        TestFederation f = federation(spec, clock);
        X509Certificate oldRoot = f.activeRoot().certificate();
        clock.advance(Duration.ofDays(400));
        Instant now = clock.instant();
        X509Certificate cross = f.rotateRoot(KeySpec.EC_P256);
        X509Certificate newRoot = f.activeRoot().certificate();

        assertThat(cross.getSubjectX500Principal()).isEqualTo(newRoot.getSubjectX500Principal());
        assertThat(cross.getIssuerX500Principal()).isEqualTo(oldRoot.getSubjectX500Principal());
        assertThat(cross.getPublicKey()).isEqualTo(newRoot.getPublicKey());
        assertThat(uris(cross)).isEqualTo(uris(newRoot));
        assertThat(cross.getBasicConstraints()).isEqualTo(Integer.MAX_VALUE);
        assertThat(cross.getKeyUsage()).containsExactly(CA_KU);
        assertThat(Certificates.subjectKeyId(cross)).isEqualTo(Certificates.subjectKeyId(newRoot));
        assertThat(Certificates.authorityKeyId(cross)).isEqualTo(Certificates.subjectKeyId(oldRoot));
        assertThat(cross.getNotBefore().toInstant()).isEqualTo(now.minus(Duration.ofMinutes(1)));
        assertThat(cross.getNotAfter()).isEqualTo(oldRoot.getNotAfter());
        assertThat(cross.getSigAlgName()).isEqualTo(expectedSigAlg(spec));
        cross.verify(oldRoot.getPublicKey());
    }

    @ParameterizedTest
    @EnumSource(KeySpec.class)
    void leafMatchesTheProfileTableWhateverTheSignerKey(KeySpec signerSpec) throws Exception {
        MutableClock clock = MutableClock.atDefaultStart();
        Instant now = clock.instant();
        TestFederation f = federation(KeySpec.EC_P256, clock);
        X509Certificate signer = f.issueIntermediate("dc1", PkiTestSupport.rootKey(signerSpec, "b")).certificate();
        X509Certificate leaf = f.issueLeaf("dc1", "web").certificate();

        assertThat(leaf.getSubjectX500Principal().getEncoded()).hasSize(2); // empty SEQUENCE
        assertThat(leaf.getIssuerX500Principal()).isEqualTo(signer.getSubjectX500Principal());
        assertThat(uris(leaf)).containsExactly("spiffe://" + TD + "/ns/default/dc/dc1/svc/web");
        assertThat(leaf.getSubjectAlternativeNames()).hasSize(1);
        assertThat(leaf.getCriticalExtensionOIDs()).contains(SAN_OID, BC_OID, KU_OID);
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1); // not a CA
        assertThat(leaf.getKeyUsage()).containsExactly(LEAF_KU);
        assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(leaf.getNonCriticalExtensionOIDs()).contains("2.5.29.37");
        assertThat(Certificates.subjectKeyId(leaf)).isEqualTo(KeyIds.keyId(leaf.getPublicKey()));
        assertThat(Certificates.authorityKeyId(leaf)).isEqualTo(Certificates.subjectKeyId(signer));
        assertThat(leaf.getNotBefore().toInstant()).isEqualTo(now.minus(Duration.ofMinutes(1)));
        assertThat(leaf.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofHours(72)));
        assertThat(leaf.getSerialNumber().signum()).isPositive();
        assertThat(leaf.getSerialNumber().bitLength()).isLessThanOrEqualTo(128);
        leaf.verify(signer.getPublicKey());
    }

    @ParameterizedTest
    @EnumSource(value = KeySpec.class, names = {"EC_P256", "RSA_2048"})
    void nothingOutlivesItsIssuer(KeySpec spec) {
        MutableClock clock = MutableClock.atDefaultStart();
        TestFederation f = federation(spec, clock);
        X509Certificate root = f.activeRoot().certificate();
        // Near the end of the root's life an intermediate asks for a full year: capped at the root.
        clock.set(root.getNotAfter().toInstant().minus(Duration.ofDays(30)));
        X509Certificate inter = f.issueIntermediate("dc1").certificate();
        assertThat(inter.getNotAfter()).isEqualTo(root.getNotAfter());
        // And a leaf asking for 72 h one day before the intermediate ends: capped at the intermediate.
        clock.set(inter.getNotAfter().toInstant().minus(Duration.ofDays(1)));
        X509Certificate leaf = f.issueLeaf("dc1", "web").certificate();
        assertThat(leaf.getNotAfter()).isEqualTo(inter.getNotAfter());
    }

    @ParameterizedTest
    @EnumSource(value = KeySpec.class, names = {"EC_P256"})
    void serialNumbersAreRandomAndDistinct(KeySpec spec) {
        TestFederation f = federation(spec, MutableClock.atDefaultStart());
        f.issueIntermediate("dc1");
        Set<BigInteger> serials = new java.util.HashSet<>();
        for (int i = 0; i < 50; i++) {
            serials.add(f.issueLeaf("dc1", "web").certificate().getSerialNumber());
        }
        assertThat(serials).hasSize(50);
        assertThat(serials).anyMatch(s -> s.bitLength() > 120);
    }

    private static void assertCaSerial(BigInteger serial) {
        assertThat(serial.signum()).isPositive();
        assertThat(serial.bitLength()).isLessThanOrEqualTo(63);
    }

    static List<String> uris(X509Certificate c) throws Exception {
        return c.getSubjectAlternativeNames().stream().filter(l -> (Integer) l.get(0) == 6)
                .map(l -> (String) l.get(1)).toList();
    }
}
