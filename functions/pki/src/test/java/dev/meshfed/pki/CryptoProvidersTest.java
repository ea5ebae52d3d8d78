package dev.meshfed.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.core.clock.MutableClock;
import dev.meshfed.testkit.OpenSsl;
import dev.meshfed.testkit.TestFederation;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The provider choice: ACCP first, a working fallback when it cannot load, and every choice signs correctly. */
class CryptoProvidersTest {

    @Test
    @EnabledOnOs(OS.LINUX)
    @EnabledIfSystemProperty(named = "os.arch", matches = "amd64|x86_64")
    void autoPicksTheCorrettoProviderWhereItsNativeLibraryLoads() {
        CryptoProviders p = CryptoProviders.of(CryptoProviders.Preference.AUTO);
        assertThat(p.provider()).isNotNull();
        assertThat(p.provider().getName()).isEqualTo("AmazonCorrettoCryptoProvider");
    }

    @Test
    void autoFallsBackToTheJdkWhenTheNativeLibraryCannotLoad() {
        CryptoProviders p = CryptoProviders.choose(CryptoProviders.Preference.AUTO, () -> {
            throw new UnsatisfiedLinkError("no libamazonCorrettoCryptoProvider in this image");
        });
        assertThat(p.provider()).isNull();
        assertThat(p.description()).contains("ACCP unavailable");
        assertSignsVerifiableLeaves(p);
    }

    @Test
    void autoFallsBackWhenTheClassIsAbsent() {
        CryptoProviders p = CryptoProviders.choose(CryptoProviders.Preference.AUTO,
                () -> { throw new IllegalStateException("ACCP cannot load: ClassNotFoundException"); });
        assertThat(p.provider()).isNull();
    }

    @Test
    void forcedCorrettoThatCannotLoadIsAnErrorNotASilentFallback() {
        assertThatThrownBy(() -> CryptoProviders.choose(CryptoProviders.Preference.ACCP,
                () -> { throw new UnsatisfiedLinkError("missing"); })).isInstanceOf(UnsatisfiedLinkError.class);
    }

    @Test
    void unknownPreferenceIsRefusedWithTheAllowedValues() {
        assertThatThrownBy(() -> CryptoProviders.parse("openssl")).hasMessageContaining("auto, accp, bc or jdk");
    }

    @ParameterizedTest
    @EnumSource(value = CryptoProviders.Preference.class, names = {"BC", "JDK", "AUTO"})
    void everyProviderChoiceSignsLeavesThatOpensslAccepts(CryptoProviders.Preference pref) {
        assertSignsVerifiableLeaves(CryptoProviders.of(pref));
    }

    private static void assertSignsVerifiableLeaves(CryptoProviders p) {
        MutableClock clock = MutableClock.atDefaultStart();
        BcCertificateIssuer issuer = new BcCertificateIssuer(p);
        JcaKeyPairFactory keys = new JcaKeyPairFactory(p, new SecureRandom());
        TestFederation f = TestFederation.create(issuer, keys, KeySpec.EC_P256, clock);
        f.issueIntermediate("dc1", KeySpec.EC_P384);
        var leaf = f.issueLeaf("dc1", "web").certificate();
        OpenSsl.Result r = OpenSsl.verify(f.trustedRoots(), f.chain("dc1"), leaf, "sslclient", clock.instant());
        assertThat(r.ok()).as(r.output()).isTrue();
        assertThat(List.of(leaf.getSigAlgName())).containsExactly("SHA384withECDSA");
    }

    @ParameterizedTest
    @EnumSource(CryptoProviders.Preference.class)
    void an_imported_key_keeps_signing_after_the_thread_signer_was_used_with_another_key(CryptoProviders.Preference p)
            throws Exception {
        if (p == CryptoProviders.Preference.ACCP && !accpLoads()) {
            return;
        }
        CryptoProviders providers = CryptoProviders.of(p);
        java.security.KeyPairGenerator jdk = java.security.KeyPairGenerator.getInstance("EC");
        jdk.initialize(256);
        java.security.KeyPair cached = jdk.generateKeyPair();
        java.security.KeyPair other = jdk.generateKeyPair();
        java.security.PrivateKey imported = providers.importPrivateKey(cached.getPrivate());
        byte[] data = {1, 2, 3};
        for (int round = 0; round < 3; round++) {
            for (java.security.PrivateKey k : List.of(imported, other.getPrivate())) {
                java.security.Signature s = providers.signer("SHA256withECDSA");
                s.initSign(k);
                s.update(data);
                s.sign();
            }
        }
        java.security.Signature s = providers.signer("SHA256withECDSA");
        s.initSign(imported);
        s.update(data);
        byte[] sig = s.sign();
        java.security.Signature v = java.security.Signature.getInstance("SHA256withECDSA");
        v.initVerify(cached.getPublic());
        v.update(data);
        assertThat(v.verify(sig)).isTrue();
    }

    private static boolean accpLoads() {
        try {
            CryptoProviders.loadAccp();
            return true;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
