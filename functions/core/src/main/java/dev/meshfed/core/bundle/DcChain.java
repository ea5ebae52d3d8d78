package dev.meshfed.core.bundle;

import dev.meshfed.core.identity.Datacenter;
import dev.meshfed.core.identity.KeyIds;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The public half of a DC's signer item: for each root, the chain this DC uses under it (any
 * cross-signed root certificate first, then intermediates, the one that signs last), which root
 * it signs under now, and when it stopped signing under each earlier root.
 */
public record DcChain(Datacenter datacenter, String signingRootId, Map<String, List<X509Certificate>> chains,
        Map<String, Instant> stoppedSigningUnder) {

    public DcChain {
        chains = Map.copyOf(chains);
        stoppedSigningUnder = Map.copyOf(stoppedSigningUnder);
        List<X509Certificate> signing = chains.get(signingRootId);
        if (signing == null || signing.isEmpty()) {
            throw new IllegalArgumentException("no chain under the signing root");
        }
    }

    /** The certificate leaves are signed with now: the last of the chain under the signing root. */
    public X509Certificate signer() {
        List<X509Certificate> c = chains.get(signingRootId);
        return c.get(c.size() - 1);
    }

    /** {@code SigningKeyID}: the SKID of the active signer, colon-hex. */
    public String signingKeyId() {
        return KeyIds.keyIdHex(signer().getPublicKey());
    }

    public List<X509Certificate> chainUnder(String rootId) {
        return chains.getOrDefault(rootId, List.of());
    }

    /**
     * The DC switches to a new chain under {@code rootId} (rotation step 3, or renewal), recording
     * when it stopped signing under the previous root if the root changed.
     */
    public DcChain switchTo(String rootId, List<X509Certificate> chain, Instant at) {
        Map<String, List<X509Certificate>> c = new HashMap<>(chains);
        c.put(rootId, List.copyOf(chain));
        Map<String, Instant> stopped = new HashMap<>(stoppedSigningUnder);
        if (!rootId.equals(signingRootId)) {
            stopped.putIfAbsent(signingRootId, at);
        }
        return new DcChain(datacenter, rootId, c, stopped);
    }

    /** Drops the chain under a pruned root. */
    public DcChain withoutRoot(String rootId) {
        if (rootId.equals(signingRootId)) {
            throw new IllegalArgumentException("the DC still signs under root " + rootId);
        }
        Map<String, List<X509Certificate>> c = new HashMap<>(chains);
        c.remove(rootId);
        return new DcChain(datacenter, signingRootId, c, stoppedSigningUnder);
    }
}
