package dev.meshfed.core.leaf;

import dev.meshfed.core.pki.SignedLeaf;
import dev.meshfed.core.rotation.LeafRenewal;
import dev.meshfed.core.rotation.Validity;
import java.time.Instant;
import java.util.Objects;
import java.util.random.RandomGenerator;

/** What the signing path records about a leaf it issued, and when the leaf should be renewed. */
public final class LeafInventory {
    private LeafInventory() {
    }

    /**
     * The inventory record of {@code leaf} ({@code PrivateStore.recordLeaf}): serial in colon-hex,
     * the SPIFFE ID, the signer's key ID and the validity.
     *
     * @param signingKeyId the colon-hex key ID of the signer that issued it
     * @param managedBy the token accessor of a managed leaf, or null for a leaf from a client CSR
     */
    public static LeafRecord record(SignedLeaf leaf, String signingKeyId, String managedBy) {
        Objects.requireNonNull(leaf, "leaf must not be null");
        Objects.requireNonNull(signingKeyId, "signing key id must not be null");
        return new LeafRecord(leaf.serialHex(), leaf.identity().uri(), signingKeyId, leaf.notBefore(), leaf.notAfter(),
                managedBy);
    }

    /** The leaf's {@code RotateAfter}: a random point at 60–90 % of its lifetime ({@link LeafRenewal}). */
    public static Instant rotateAfter(SignedLeaf leaf, RandomGenerator random) {
        Objects.requireNonNull(leaf, "leaf must not be null");
        return LeafRenewal.rotateAfter(new Validity(leaf.notBefore(), leaf.notAfter()), random);
    }
}
