package dev.meshfed.app.ca.lifecycle;

import dev.meshfed.core.bundle.SignerState;
import dev.meshfed.core.pki.IntermediateCsrRequest;
import java.time.Instant;

/**
 * Where a DC's signer stands, read from the CA table (the signer part of the replication status).
 *
 * @param state null before the DC's first request
 * @param signingKeyId the active intermediate's key ID, or null during a first join
 * @param pendingKeyId the key waiting for a certificate, or null
 * @param requestedAt the outstanding request's time, or null
 * @param reason the outstanding request's reason, or null
 * @param refusal the primary's refusal of the outstanding request, or null
 */
public record SignerStatus(SignerState state, String signingKeyId, String pendingKeyId, Instant requestedAt,
        IntermediateCsrRequest.Reason reason, String refusal) {
}
