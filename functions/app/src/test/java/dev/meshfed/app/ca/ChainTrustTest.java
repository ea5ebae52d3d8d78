package dev.meshfed.app.ca;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshfed.core.bundle.DcChain;
import dev.meshfed.core.clock.MutableClock;
import dev.meshfed.core.identity.Datacenter;
import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.testkit.TestFederation;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A DC's chain is trusted only as far as the bundle's own roots certified it. */
class ChainTrustTest {

    private final MutableClock clock = MutableClock.atDefaultStart();
    private final TestFederation pki = federation();
    private final TestFederation rogue = federation();

    private TestFederation federation() {
        return TestFederation.create(CaTestDcs.ISSUER, CaTestDcs.KEYS, KeySpec.EC_P256, clock);
    }

    @Test
    void aChainTheActiveRootSignedIsCertified() {
        pki.issueIntermediate("dc2");
        assertThat(ChainTrust.signingChainCertified(pki.dcChain("dc2"), pki.bundle())).isTrue();
        assertThat(ChainTrust.certifiedPart(pki.dcChain("dc2"), pki.bundle())).contains(pki.dcChain("dc2"));
    }

    @Test
    void theDcsOwnKeyCertifiedByAnotherCaUnderTheRealRootsIdIsNot() {
        TestFederation.Issued real = pki.issueIntermediate("dc2");
        X509Certificate forged = rogue.issueIntermediate("dc2", real.keys()).certificate();
        String rootId = pki.bundle().activeRootId();
        DcChain chain = new DcChain(new Datacenter("dc2"), rootId, Map.of(rootId, List.of(forged)), Map.of());

        assertThat(ChainTrust.signingChainCertified(chain, pki.bundle())).isFalse();
        assertThat(ChainTrust.certifiedPart(chain, pki.bundle())).isEmpty();
    }

    @Test
    void aCertificateInFrontOfTheIntermediateMustBeTheBundlesCrossSignedCertificate() {
        X509Certificate intermediate = pki.issueIntermediate("dc2").certificate();
        X509Certificate stranger = rogue.activeRoot().certificate();
        String rootId = pki.bundle().activeRootId();

        assertThat(ChainTrust.certified(List.of(stranger, intermediate), pki.bundle(), rootId)).isFalse();
        assertThat(ChainTrust.certified(List.of(intermediate), pki.bundle(), rootId)).isTrue();
    }

    @Test
    void afterARotationTheChainUnderTheNewRootWithItsCrossSignedCertificateIsCertified() {
        pki.issueIntermediate("dc2");
        String oldRoot = pki.bundle().activeRootId();
        pki.rotateRoot(KeySpec.EC_P256);
        pki.issueIntermediate("dc2");
        DcChain chain = pki.dcChain("dc2");

        assertThat(chain.signingRootId()).isNotEqualTo(oldRoot);
        assertThat(chain.chainUnder(chain.signingRootId())).hasSize(2); // cross-signed, then the intermediate
        assertThat(ChainTrust.certifiedPart(chain, pki.bundle())).contains(chain);
    }

    @Test
    void aChainUnderARootTheBundleDoesNotHoldIsNotCertifiedAndIsDroppedFromTheCertifiedPart() {
        pki.issueIntermediate("dc2");
        TestFederation.Issued other = rogue.issueIntermediate("dc2");
        String rogueRoot = rogue.bundle().activeRootId();
        DcChain chain = pki.dcChain("dc2");
        DcChain withRogue = new DcChain(chain.datacenter(), chain.signingRootId(),
                Map.of(chain.signingRootId(), chain.chainUnder(chain.signingRootId()), rogueRoot, List.of(other.certificate())),
                Map.of());

        assertThat(ChainTrust.certified(List.of(other.certificate()), pki.bundle(), rogueRoot)).isFalse();
        assertThat(ChainTrust.certifiedPart(withRogue, pki.bundle())).contains(chain);
    }
}
