package dev.meshfed.core.forwarding;

import java.time.Instant;

/**
 * The primary's memory of a forwarded write, keyed by its idempotency key, so that a retried
 * request is applied once and answered with the first outcome.
 *
 * @param requestSha256 hash of the request, so a different request reusing the key is refused
 */
public record IdempotencyRecord(String key, String requestSha256, int status, String responseBody, Instant createdAt) {
}
