package dev.meshfed.app.ca.lifecycle;

import dev.meshfed.app.ca.ChainTrust;
import dev.meshfed.core.bundle.DcChain;
import dev.meshfed.core.bundle.TrustBundle;
import dev.meshfed.core.bundle.TrustedRoot;
import dev.meshfed.core.pki.IntermediateCsrRequest.Reason;
import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.core.rotation.IntermediateRenewal;
import dev.meshfed.core.rotation.Validity;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Pure decisions of the signer lifecycle: whether a DC needs a new intermediate, and its chain. */
final class Renewal {
    private Renewal() {
    }

    /**
     * Why this DC needs a new intermediate now, or empty: none yet (join), its signer is under a
     * root that is no longer active (root change), its key is not of the DC's configured CA key
     * type (key change: a secondary's {@code PrivateKeyType}/{@code PrivateKeyBits} change re-keys
     * through the CSR exchange), or half of its intermediate's lifetime has passed (renewal). A renewal is not due when the intermediate already ends with its root:
     * a new one could not outlive it (renewing then would repeat every tick; the root's own
     * renewal is the rotation's job).
     */
    static Optional<Reason> needed(DcChain chain, TrustBundle bundle, Instant now, KeySpec wanted) {
        if (chain == null) {
            return Optional.of(Reason.JOIN);
        }
        if (!chain.signingRootId().equals(bundle.activeRootId())) {
            return Optional.of(Reason.ROOT_CHANGE);
        }
        if (!ChainTrust.signingChainCertified(chain, bundle)) {
            // a chain the root did not certify (its item written by someone else): get a real one
            return Optional.of(Reason.ROOT_CHANGE);
        }
        X509Certificate signer = chain.signer();
        if (KeySpec.of(signer.getPublicKey()) != wanted) {
            return Optional.of(Reason.KEY_CHANGE);
        }
        Validity v = new Validity(signer.getNotBefore().toInstant(), signer.getNotAfter().toInstant());
        boolean endsWithRoot = !v.notAfter().isBefore(bundle.active().notAfter());
        if (IntermediateRenewal.isDue(v, now) && !endsWithRoot) {
            return Optional.of(Reason.RENEWAL);
        }
        return Optional.empty();
    }

    /** A DC's chain under {@code root}: the root's cross-signed certificate first, if any, then the intermediate. */
    static List<X509Certificate> chainUnder(TrustedRoot root, X509Certificate intermediate) {
        return root.crossSignedCertificate().map(cs -> List.of(cs, intermediate)).orElse(List.of(intermediate));
    }
}
