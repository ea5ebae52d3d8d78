package dev.meshfed.core.ca;

import dev.meshfed.core.bundle.DcChain;
import dev.meshfed.core.bundle.SignerState;

/**
 * A DC's signer item in the CA table (public parts only): its chains and stop-signing times, the
 * signer's lifecycle state, and the key ID of a key waiting for its certificate.
 *
 * @param chain null until the first intermediate is active (a first join is {@code PENDING_CSR})
 * @param pendingKeyId the key ID of a key generated for an outstanding CSR request, or null
 */
public record SignerRecord(String datacenter, SignerState state, DcChain chain, String pendingKeyId) {
}
