package dev.meshfed.pki;

import static dev.meshfed.pki.PkiTestSupport.federation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.bundle.ChainAssembler;
import dev.meshfed.core.bundle.DcChain;
import dev.meshfed.core.bundle.TrustBundle;
import dev.meshfed.core.bundle.TrustedRoot;
import dev.meshfed.core.identity.KeyIds;
import dev.meshfed.core.pki.Certificates;
import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.core.clock.MutableClock;
import dev.meshfed.testkit.TestFederation;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The roots-bundle model and chain assembly: order, pruning, rotation bookkeeping. */
class ChainsAndBundleTest {
    private final MutableClock clock = MutableClock.atDefaultStart();
    private final TestFederation f = federation(KeySpec.EC_P256, clock);

    @Test
    void rotationKeepsTheOldRootTrustedInactiveWithItsRotatedOutTime() {
        String oldId = f.bundle().activeRootId();
        clock.advance(Duration.ofDays(1));
        Instant at = clock.instant();
        X509Certificate cross = f.rotateRoot(KeySpec.EC_P256);
        TrustBundle b = f.bundle();

        assertThat(b.roots()).hasSize(2);
        TrustedRoot old = b.root(oldId).orElseThrow();
        assertThat(old.active()).isFalse();
        assertThat(old.rotatedOutAt()).isEqualTo(at);
        assertThat(b.active().id()).isNotEqualTo(oldId);
        assertThat(b.active().crossSignedCertificate()).contains(cross);
        assertThat(b.active().id()).isEqualTo(KeyIds.rootId(Certificates.der(b.active().certificate())));
        assertThatThrownBy(() -> b.without(b.activeRootId())).isInstanceOf(IllegalArgumentException.class);
        assertThat(b.without(oldId).roots()).extracting(TrustedRoot::id).containsExactly(b.activeRootId());
    }

    @Test
    void leafChainIsCrossSignedFirstThenTheSignerAndNeverARoot() {
        f.issueIntermediate("dc2");
        f.rotateRoot(KeySpec.EC_P256);
        TestFederation.Issued newInter = f.issueIntermediate("dc2");
        List<X509Certificate> chain = f.chain("dc2");

        assertThat(chain).hasSize(2);
        assertThat(chain.get(0)).isEqualTo(f.bundle().active().crossSigned());
        assertThat(chain.get(1)).isEqualTo(newInter.certificate());
        assertThat(chain).doesNotContainAnyElementsOf(f.trustedRoots());
        assertThat(f.dcChain("dc2").signingKeyId()).isEqualTo(KeyIds.keyIdHex(newInter.keys().getPublic()));
    }

    @Test
    void dcRecordsWhenItStoppedSigningUnderTheOldRootOnlyOnce() {
        f.issueIntermediate("dc2");
        String oldRoot = f.bundle().activeRootId();
        clock.advance(Duration.ofHours(2));
        Instant switchedAt = clock.instant();
        f.rotateRoot(KeySpec.EC_P256);
        f.issueIntermediate("dc2");
        clock.advance(Duration.ofHours(2));
        f.issueIntermediate("dc2"); // renewal under the same new root: no new stop time
        DcChain c = f.dcChain("dc2");
        assertThat(c.stoppedSigningUnder()).containsOnlyKeys(oldRoot);
        assertThat(c.stoppedSigningUnder().get(oldRoot)).isEqualTo(switchedAt);
        assertThat(c.chainUnder(oldRoot)).hasSize(1);
    }

    @Test
    void rootsResponseListsEveryTrustedRootWithThisDcsChainUnderIt() {
        f.issueIntermediate("dc2");
        String r1 = f.bundle().activeRootId();
        f.rotateRoot(KeySpec.EC_P256);
        f.issueIntermediate("dc2");
        var roots = ChainAssembler.roots(f.bundle(), f.dcChain("dc2"), clock.instant());
        assertThat(roots).hasSize(2);
        assertThat(roots.get(0).root().id()).isEqualTo(r1);
        assertThat(roots.get(0).intermediates()).hasSize(1);
        assertThat(roots.get(1).intermediates()).hasSize(2);
        // a DC that has no chain yet still lists every root
        assertThat(ChainAssembler.roots(f.bundle(), null, clock.instant())).allMatch(r -> r.intermediates().isEmpty());
    }

    @Test
    void expiredIntermediatesArePrunedFromChainsAndExpiredRootsFromTheResponse() {
        f.issueIntermediate("dc2");
        String r1 = f.bundle().activeRootId();
        f.rotateRoot(KeySpec.EC_P256);
        f.issueIntermediate("dc2");
        X509Certificate oldInter = f.dcChain("dc2").chainUnder(r1).get(0);
        Instant afterOldInter = oldInter.getNotAfter().toInstant().plusSeconds(1);
        assertThat(ChainAssembler.roots(f.bundle(), f.dcChain("dc2"), afterOldInter).get(0).intermediates()).isEmpty();
        // a leaf chain keeps only unexpired certificates
        Instant farFuture = f.bundle().root(r1).orElseThrow().notAfter().plusSeconds(1);
        assertThat(ChainAssembler.leafChain(f.dcChain("dc2"), farFuture)).isEmpty();
        assertThat(f.bundle().trustedAt(farFuture)).extracting(TrustedRoot::id).doesNotContain(r1);
    }

    @Test
    void certPemIsTheLeafThenTheChainEachEndingWithANewline() {
        f.issueIntermediate("dc1");
        X509Certificate leaf = f.issueLeaf("dc1", "web").certificate();
        String pem = ChainAssembler.certPem(leaf, f.chain("dc1"));
        assertThat(Certificates.fromPem(pem)).containsExactly(leaf, f.chain("dc1").get(0));
        assertThat(pem).endsWith("-----END CERTIFICATE-----\n").doesNotContain("\n\n");
    }
}
