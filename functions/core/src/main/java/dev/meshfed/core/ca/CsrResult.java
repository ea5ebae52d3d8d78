package dev.meshfed.core.ca;

import java.time.Instant;

/**
 * The primary's answer to a secondary's intermediate CSR request: a certificate under a root, or
 * a refusal with its reason. {@code answersRequestId} (or, for a request written before request
 * IDs existed, {@code answersRequestedAt}) names the request it answers: see {@link #answers}.
 *
 * @param membershipVersion the version of the membership the request was judged against (0: none
 *     stored), so a refusal can be reconsidered once the operator has changed the membership
 * @param answersRequestId the answered request's ID, or null when that request had none
 */
public record CsrResult(String datacenter, Instant answersRequestedAt, String certificatePem, String rootId,
        String refusal, long membershipVersion, String answersRequestId) {

    public CsrResult(String datacenter, Instant answersRequestedAt, String certificatePem, String rootId, String refusal) {
        this(datacenter, answersRequestedAt, certificatePem, rootId, refusal, 0, null);
    }

    public CsrResult(String datacenter, Instant answersRequestedAt, String certificatePem, String rootId, String refusal,
            long membershipVersion) {
        this(datacenter, answersRequestedAt, certificatePem, rootId, refusal, membershipVersion, null);
    }

    /**
     * Whether this result answers the request with {@code requestId} written at {@code requestedAt}.
     * A request with an ID is answered only by a result that echoes it: two requests written at
     * the same instant (a re-key right after a re-drive, a coarse clock) never look answered by
     * each other's result. A request without an ID (an old item) matches by time, as before.
     */
    public boolean answers(Instant requestedAt, String requestId) {
        if (requestId != null) {
            return requestId.equals(answersRequestId);
        }
        return answersRequestId == null && requestedAt.equals(answersRequestedAt);
    }

    public boolean refused() {
        return refusal != null;
    }
}
