package dev.meshfed.core.ca;

import java.time.Instant;

/**
 * The primary's answer to a secondary's intermediate CSR request: a certificate under a root, or
 * a refusal with its reason. {@code answersRequestedAt} names the request it answers.
 *
 * @param membershipVersion the version of the membership the request was judged against (0: none
 *     stored), so a refusal can be reconsidered once the operator has changed the membership
 */
public record CsrResult(String datacenter, Instant answersRequestedAt, String certificatePem, String rootId,
        String refusal, long membershipVersion) {

    public CsrResult(String datacenter, Instant answersRequestedAt, String certificatePem, String rootId, String refusal) {
        this(datacenter, answersRequestedAt, certificatePem, rootId, refusal, 0);
    }

    public boolean refused() {
        return refusal != null;
    }
}
