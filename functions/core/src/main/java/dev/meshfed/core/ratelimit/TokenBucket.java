package dev.meshfed.core.ratelimit;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * The stored state of one shard of a DC's CSR rate-limit bucket ({@code <dc>#csr-bucket#<shard>}).
 *
 * <p>Tokens are an exact decimal, not a {@code double}: refill adds {@code elapsed × rate} to the
 * nanosecond, and a binary fraction would drift by an ulp on every write, so "exactly the burst,
 * no more" could not be promised. {@link TokenBucketMath} keeps at most
 * {@link TokenBucketMath#TOKEN_SCALE} decimal places, which DynamoDB's 38-digit numbers hold.
 *
 * @param tokens the tokens in the bucket at {@code refilledAt}; never negative
 * @param refilledAt the instant up to which refill has been counted; it never moves backwards
 */
public record TokenBucket(BigDecimal tokens, Instant refilledAt) {
    public TokenBucket {
        Objects.requireNonNull(tokens, "tokens must not be null");
        Objects.requireNonNull(refilledAt, "refilled-at must not be null");
        if (tokens.signum() < 0) {
            throw new IllegalArgumentException("tokens must not be negative: " + tokens.toPlainString());
        }
    }
}
