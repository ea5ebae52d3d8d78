package dev.meshfed.core.leaf;

import dev.meshfed.core.custody.WrappedKey;
import java.time.Instant;

/**
 * A leaf meshfed keeps for a (service, token accessor): the certificate chain, its key wrapped by
 * key custody, and when it must be replaced.
 *
 * @param reissueAt the leaf's re-issue slot after a signer change, or null
 */
public record ManagedLeaf(String service, String accessorId, String serial, String certPem, WrappedKey key,
        String signingKeyId, Instant notAfter, Instant rotateAfter, Instant reissueAt, Instant lastUsedAt) {
}
