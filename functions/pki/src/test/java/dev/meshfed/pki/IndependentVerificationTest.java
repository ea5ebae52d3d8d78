package dev.meshfed.pki;

import static dev.meshfed.pki.PkiTestSupport.federation;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.core.clock.MutableClock;
import dev.meshfed.testkit.OpenSsl;
import dev.meshfed.testkit.Pkix;
import dev.meshfed.testkit.TestFederation;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * meshfed's certificates judged by verifiers it did not write: {@code openssl verify -x509_strict}
 * with the TLS client and server purposes, and the JDK's PKIX path builder and validator. Each
 * positive case has a negative twin, so a verifier that accepted anything would fail the suite.
 */
class IndependentVerificationTest {

    private static void assertVerifies(List<X509Certificate> trusted, List<X509Certificate> chain,
            X509Certificate leaf, Instant at) {
        for (String purpose : List.of("sslclient", "sslserver")) {
            OpenSsl.Result r = OpenSsl.verify(trusted, chain, leaf, purpose, at);
            assertThat(r.ok()).as("openssl verify -purpose %s: %s", purpose, r.output()).isTrue();
        }
        assertThat(Pkix.valid(trusted, chain, leaf, at)).as("JDK PKIX").isTrue();
    }

    private static void assertRejected(List<X509Certificate> trusted, List<X509Certificate> chain,
            X509Certificate leaf, Instant at) {
        OpenSsl.Result r = OpenSsl.verify(trusted, chain, leaf, "sslclient", at);
        assertThat(r.ok()).as("openssl should refuse: %s", r.output()).isFalse();
        assertThat(Pkix.valid(trusted, chain, leaf, at)).as("JDK PKIX should refuse").isFalse();
    }

    @ParameterizedTest
    @EnumSource(KeySpec.class)
    void primaryLeafVerifiesThroughThePrimaryIntermediate(KeySpec rootSpec) {
        MutableClock clock = MutableClock.atDefaultStart();
        TestFederation f = federation(rootSpec, clock);
        f.issueIntermediate("dc1");
        X509Certificate leaf = f.issueLeaf("dc1", "web").certificate();

        assertVerifies(f.trustedRoots(), f.chain("dc1"), leaf, clock.instant());
        // without the intermediate there is no path
        assertRejected(f.trustedRoots(), List.of(), leaf, clock.instant());
    }

    @ParameterizedTest
    @EnumSource(value = KeySpec.class, names = {"EC_P256", "EC_P384", "RSA_2048"})
    void secondaryLeafVerifiesThroughItsOwnIntermediate(KeySpec signerSpec) {
        MutableClock clock = MutableClock.atDefaultStart();
        TestFederation f = federation(KeySpec.EC_P256, clock);
        f.issueIntermediate("dc1");
        f.issueIntermediate("dc2", signerSpec);
        X509Certificate leaf = f.issueLeaf("dc2", "db").certificate();

        assertVerifies(f.trustedRoots(), f.chain("dc2"), leaf, clock.instant());
        // dc1's chain does not lead to dc2's leaf
        assertRejected(f.trustedRoots(), f.chain("dc1"), leaf, clock.instant());
    }

    @ParameterizedTest
    @EnumSource(value = KeySpec.class, names = {"EC_P256", "RSA_2048"})
    void leavesVerifyBothWaysAcrossARootRotation(KeySpec oldRootSpec) {
        MutableClock clock = MutableClock.atDefaultStart();
        TestFederation f = federation(oldRootSpec, clock);
        f.issueIntermediate("dc1");
        f.issueIntermediate("dc2");
        X509Certificate oldRoot = f.activeRoot().certificate();
        X509Certificate oldLeaf = f.issueLeaf("dc2", "web").certificate();
        List<X509Certificate> oldChain = f.chain("dc2");

        clock.advance(Duration.ofHours(1));
        f.rotateRoot(KeySpec.EC_P384);
        f.issueIntermediate("dc1");
        f.issueIntermediate("dc2");
        X509Certificate newRoot = f.activeRoot().certificate();
        X509Certificate newLeaf = f.issueLeaf("dc2", "web").certificate();
        List<X509Certificate> newChain = f.chain("dc2");
        Instant now = clock.instant();

        assertThat(newChain).hasSize(2);
        assertThat(newChain.get(0).getIssuerX500Principal()).isEqualTo(oldRoot.getSubjectX500Principal());
        assertThat(f.trustedRoots()).containsExactlyInAnyOrder(oldRoot, newRoot);

        // old leaf, new bundle (both roots)
        assertVerifies(f.trustedRoots(), oldChain, oldLeaf, now);
        // new leaf, old bundle: ONLY the old root is trusted; the path runs through the cross-signed cert
        assertVerifies(List.of(oldRoot), newChain, newLeaf, now);
        // new leaf, new bundle
        assertVerifies(f.trustedRoots(), newChain, newLeaf, now);
        // negative twins: the new leaf without the cross-signed certificate does not reach the old root,
        // and the old leaf does not reach a bundle holding only the new root
        assertRejected(List.of(oldRoot), newChain.subList(1, 2), newLeaf, now);
        assertRejected(List.of(newRoot), oldChain, oldLeaf, now);
    }

    @ParameterizedTest
    @EnumSource(value = KeySpec.class, names = {"EC_P256"})
    void expiredLeafAndForeignFederationAreRefused(KeySpec spec) {
        MutableClock clock = MutableClock.atDefaultStart();
        TestFederation f = federation(spec, clock);
        f.issueIntermediate("dc1");
        X509Certificate leaf = f.issueLeaf("dc1", "web").certificate();
        assertRejected(f.trustedRoots(), f.chain("dc1"), leaf, clock.instant().plus(Duration.ofHours(73)));

        TestFederation other = federation(spec, MutableClock.atDefaultStart());
        other.issueIntermediate("dc1");
        assertRejected(other.trustedRoots(), other.chain("dc1"), leaf, clock.instant());
    }
}
