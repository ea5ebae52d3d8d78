package dev.meshfed.core.ratelimit;

import java.time.Instant;

/** The state of one shard of a DC's CSR rate-limit bucket. */
public record TokenBucket(double tokens, Instant refilledAt) {
}
