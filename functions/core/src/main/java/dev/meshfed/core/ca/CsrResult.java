package dev.meshfed.core.ca;

import java.time.Instant;

/**
 * The primary's answer to a secondary's intermediate CSR request: a certificate under a root, or
 * a refusal with its reason. {@code answersRequestedAt} names the request it answers.
 */
public record CsrResult(String datacenter, Instant answersRequestedAt, String certificatePem, String rootId,
        String refusal) {

    public boolean refused() {
        return refusal != null;
    }
}
