package dev.meshfed.app.ca;

import dev.meshfed.core.bundle.DcChain;
import dev.meshfed.core.bundle.TrustBundle;
import dev.meshfed.core.bundle.TrustedRoot;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a DC's chain is what the trust bundle's roots certified. A DC's signer item is its own
 * (IAM lets only that DC write it), but this DC's code re-checks it before signing with it,
 * serving it or keeping it, so that an item written by anyone else (a bug, or a writer past the
 * IAM boundary) cannot put a certificate the bundle's roots never signed into a leaf chain or a
 * roots answer (docs/fault-injection.md, "a forged signer item").
 *
 * <p>A chain under a root is what {@code Renewal.chainUnder} stores: the root's cross-signed
 * certificate when the bundle has one, then the intermediate the root signed.
 */
public final class ChainTrust {

    /** How many (chain, root) answers are remembered. */
    static final int MEMO_SIZE = 256;

    /**
     * Answers already worked out: the roots answer checks its chains on every request, and a
     * signature check with the JDK's provider costs up to a millisecond (docs/benchmarks.md).
     * Certificates are immutable values, so an answer for the same chain and root never changes.
     */
    private static final Map<Memo, Boolean> MEMO = new LinkedHashMap<>(MEMO_SIZE, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Memo, Boolean> eldest) {
            return size() > MEMO_SIZE;
        }
    };

    private record Memo(List<X509Certificate> chain, X509Certificate root, Optional<X509Certificate> crossSigned) {
    }

    private ChainTrust() {
    }

    /**
     * True when {@code chain} is certified by the bundle's root {@code rootId}: the bundle holds
     * that root, the intermediate (last) verifies with the root's key, and a certificate before it
     * is exactly the bundle's cross-signed certificate of that root.
     */
    public static boolean certified(List<X509Certificate> chain, TrustBundle bundle, String rootId) {
        if (chain == null || chain.isEmpty() || chain.size() > 2) {
            return false;
        }
        Optional<TrustedRoot> root = bundle.root(rootId);
        if (root.isEmpty()) {
            return false;
        }
        Memo memo = new Memo(List.copyOf(chain), root.get().certificate(), root.get().crossSignedCertificate());
        synchronized (MEMO) {
            Boolean known = MEMO.get(memo);
            if (known != null) {
                return known;
            }
        }
        boolean answer = check(chain, root.get());
        synchronized (MEMO) {
            MEMO.put(memo, answer);
        }
        return answer;
    }

    private static boolean check(List<X509Certificate> chain, TrustedRoot root) {
        if (chain.size() == 2 && !root.crossSignedCertificate().map(chain.get(0)::equals).orElse(false)) {
            return false;
        }
        X509Certificate intermediate = chain.get(chain.size() - 1);
        try {
            intermediate.verify(root.certificate().getPublicKey());
            return intermediate.getIssuerX500Principal().equals(root.certificate().getSubjectX500Principal());
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** True when the chain the DC signs under now is certified by its root. */
    public static boolean signingChainCertified(DcChain chain, TrustBundle bundle) {
        return certified(chain.chainUnder(chain.signingRootId()), bundle, chain.signingRootId());
    }

    /**
     * {@code chain} with only its certified chains; empty when the chain it signs under is not
     * certified (then nothing of it may be used).
     */
    public static Optional<DcChain> certifiedPart(DcChain chain, TrustBundle bundle) {
        return signingChainCertified(chain, bundle) ? Optional.of(withoutUncertifiedChains(chain, bundle)) : Optional.empty();
    }

    /**
     * {@code chain} without its chains under other roots than the signing one that the bundle's
     * roots did not certify, those under roots the bundle no longer holds (pruned) included. The
     * signing root's chain always stays: {@code Renewal.needed} replaces it when it is not certified.
     */
    public static DcChain withoutUncertifiedChains(DcChain chain, TrustBundle bundle) {
        DcChain out = chain;
        for (String rootId : chain.chains().keySet()) {
            if (!rootId.equals(chain.signingRootId()) && !certified(chain.chainUnder(rootId), bundle, rootId)) {
                out = out.withoutRoot(rootId);
            }
        }
        return out;
    }
}
