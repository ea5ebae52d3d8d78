package dev.meshfed.core.ratelimit;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The arithmetic of one token bucket: refill, take one token, and the time until the next one.
 * Pure: every method takes the instant it computes for, and nothing here reads a clock or a store.
 *
 * <h2>Capacity: what Consul admits, without waiting</h2>
 * Consul limits leaf signing with {@code rate.NewLimiter(CSRMaxPerSecond, 1)} (a burst of one)
 * and lets each request wait up to {@code csrLimitWait = 500 ms} for its token
 * ({@code agent/consul/leader_connect_ca.go}). {@code x/time/rate} grants a waiting request when
 * its token is due within that wait, so the limiter's level may go down to
 * {@code −rate × 0.5 s}. A bucket that never waits admits exactly the same requests at the same
 * instants if its capacity is that level range:
 * <pre>
 *   capacity = 1 + rate × 0.5 s
 * </pre>
 * (shift Consul's level by {@code rate × 0.5 s}: Consul grants when {@code level − 1 ≥ −rate × 0.5 s},
 * this bucket when {@code level' ≥ 1}). meshfed does not wait, because a waiting Lambda is billed
 * and holds concurrency: it answers at once, and a request Consul would have delayed is granted
 * now. A thundering herd therefore gets the same number of grants as from Consul (at 50 per
 * second: 26), and the long-run rate is the configured one. The capacity is never below one, so a
 * fractional rate still grants single requests.
 *
 * <h2>Exactness</h2>
 * The rate is taken at its decimal value (a configured {@code 0.1} is one tenth, as in
 * {@link dev.meshfed.core.rotation.ReissueWindow}). Elapsed time is counted in whole nanoseconds
 * from {@link Instant}s, so refill is {@code elapsedNanos × rate / 10^9} computed exactly; tokens
 * are then rounded <em>down</em> to {@link #TOKEN_SCALE} decimal places, which changes nothing for
 * rates with at most nine decimal places and otherwise only ever withholds less than
 * {@code 10^-18} of a token. Waits are rounded <em>up</em> to the nanosecond. Both roundings err on
 * the side of refusing, so the bucket never grants more than its rate allows.
 *
 * <h2>Time that goes backwards</h2>
 * Lambdas on different hosts have slightly different clocks. When {@code now} is before the
 * bucket's {@code refilledAt}, refill adds nothing and {@code refilledAt} stays where it is, as
 * {@code x/time/rate}'s {@code advance} does; otherwise a writer with a late clock would move
 * {@code refilledAt} back and the next writer would refill the same interval twice.
 *
 * <h2>Rate 0</h2>
 * A rate of 0 means the limit is off ({@code CSRMaxPerSecond = 0}): every take is granted and the
 * bucket is returned unchanged.
 */
public final class TokenBucketMath {

    /** Consul's {@code csrLimitWait}: how long Consul lets a signing request wait for a token. */
    public static final Duration CONSUL_CSR_LIMIT_WAIT = Duration.ofMillis(500);

    /** Decimal places kept in a bucket's tokens (DynamoDB numbers hold 38 significant digits). */
    public static final int TOKEN_SCALE = 18;

    private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);
    private static final BigInteger NANOS_PER_SECOND_INT = BigInteger.valueOf(1_000_000_000L);
    private static final BigDecimal WAIT_SECONDS = new BigDecimal(CONSUL_CSR_LIMIT_WAIT.toNanos())
            .divide(NANOS_PER_SECOND);
    private static final Duration LONGEST = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);

    private final BigDecimal rate;
    private final BigDecimal capacity;

    private TokenBucketMath(BigDecimal rate) {
        this.rate = rate;
        this.capacity = capacityFor(rate);
    }

    /**
     * The bucket for {@code ratePerSecond} tokens per second.
     *
     * @throws IllegalArgumentException if the rate is negative
     */
    public static TokenBucketMath perSecond(BigDecimal ratePerSecond) {
        Objects.requireNonNull(ratePerSecond, "rate must not be null");
        if (ratePerSecond.signum() < 0) {
            throw new IllegalArgumentException("rate must not be negative: " + ratePerSecond.toPlainString());
        }
        return new TokenBucketMath(ratePerSecond);
    }

    /**
     * The bucket for a configured {@code CSRMaxPerSecond}, taken at its decimal value.
     *
     * @throws IllegalArgumentException if the rate is negative, NaN or infinite
     */
    public static TokenBucketMath perSecond(double ratePerSecond) {
        if (!Double.isFinite(ratePerSecond) || ratePerSecond < 0) {
            throw new IllegalArgumentException("rate must be a finite number >= 0: " + ratePerSecond);
        }
        return perSecond(BigDecimal.valueOf(ratePerSecond));
    }

    /** {@code 1 + rate × 0.5 s}: the level range of Consul's limiter (see the class comment). */
    public static BigDecimal capacityFor(BigDecimal ratePerSecond) {
        return BigDecimal.ONE.add(ratePerSecond.multiply(WAIT_SECONDS));
    }

    /** Tokens per second. */
    public BigDecimal rate() {
        return rate;
    }

    /** The most tokens the bucket holds: the largest burst it grants at one instant. */
    public BigDecimal capacity() {
        return capacity;
    }

    /** Whether the limit is off (rate 0). */
    public boolean unlimited() {
        return rate.signum() == 0;
    }

    /** A bucket that has never been used: full at {@code now}. */
    public TokenBucket full(Instant now) {
        return new TokenBucket(capacity, Objects.requireNonNull(now, "now must not be null"));
    }

    /**
     * The bucket at {@code now}: {@code min(capacity, tokens + elapsed × rate)} with
     * {@code refilledAt = now}; unchanged in time when {@code now} is before {@code refilledAt}
     * (tokens above the capacity, after the rate was lowered, are cut to it in both cases).
     */
    public TokenBucket refill(TokenBucket bucket, Instant now) {
        Objects.requireNonNull(bucket, "bucket must not be null");
        Objects.requireNonNull(now, "now must not be null");
        if (unlimited()) {
            return bucket;
        }
        BigInteger elapsed = nanosBetween(bucket.refilledAt(), now);
        if (elapsed.signum() <= 0) {
            return new TokenBucket(bucket.tokens().min(capacity), bucket.refilledAt());
        }
        BigDecimal added = new BigDecimal(elapsed).multiply(rate).divide(NANOS_PER_SECOND);
        BigDecimal tokens = bucket.tokens().add(added).min(capacity).setScale(TOKEN_SCALE, RoundingMode.FLOOR)
                .stripTrailingZeros();
        return new TokenBucket(tokens.signum() == 0 ? BigDecimal.ZERO : tokens, now);
    }

    /**
     * Takes one token at {@code now}: {@link Take.Granted} with the bucket to store, or
     * {@link Take.Refused} with the wait for the next token (the bucket is unchanged, so a refusal
     * needs no write).
     */
    public Take take(TokenBucket bucket, Instant now) {
        if (unlimited()) {
            return new Take.Granted(Objects.requireNonNull(bucket, "bucket must not be null"));
        }
        TokenBucket refilled = refill(bucket, now);
        if (refilled.tokens().compareTo(BigDecimal.ONE) >= 0) {
            BigDecimal left = refilled.tokens().subtract(BigDecimal.ONE);
            return new Take.Granted(new TokenBucket(left.signum() == 0 ? BigDecimal.ZERO : left, refilled.refilledAt()));
        }
        Duration wait = untilNextToken(refilled);
        return new Take.Refused(wait, retryAfter(wait));
    }

    /**
     * How long after {@code now} the bucket holds a whole token: zero when it holds one already,
     * otherwise {@code ceil((1 − tokens) / rate)} to the nanosecond, so a take at exactly
     * {@code now + result} is granted and a take one nanosecond earlier is not (with no other
     * taker). Saturates at the longest {@link Duration} for rates so small that the wait does not
     * fit one (below about 10^-19 per second).
     */
    public Duration untilNextToken(TokenBucket bucket, Instant now) {
        return unlimited() ? Duration.ZERO : untilNextToken(refill(bucket, now));
    }

    private Duration untilNextToken(TokenBucket refilled) {
        BigDecimal missing = BigDecimal.ONE.subtract(refilled.tokens());
        if (missing.signum() <= 0) {
            return Duration.ZERO;
        }
        BigInteger nanos = missing.multiply(NANOS_PER_SECOND).divide(rate, 0, RoundingMode.CEILING).toBigIntegerExact();
        BigInteger[] secondsAndNanos = nanos.divideAndRemainder(NANOS_PER_SECOND_INT);
        if (secondsAndNanos[0].bitLength() > 63) {
            return LONGEST;
        }
        return Duration.ofSeconds(secondsAndNanos[0].longValueExact(), secondsAndNanos[1].longValue());
    }

    /**
     * The {@code Retry-After} for a wait: whole seconds rounded up, and at least 1 (the header
     * cannot say "now", and a client told 0 would retry in a tight loop).
     */
    public static Duration retryAfter(Duration untilNextToken) {
        Objects.requireNonNull(untilNextToken, "wait must not be null");
        if (untilNextToken.isNegative()) {
            throw new IllegalArgumentException("wait must not be negative: " + untilNextToken);
        }
        long seconds = untilNextToken.getSeconds();
        if (untilNextToken.getNano() > 0 && seconds < Long.MAX_VALUE) {
            seconds++;
        }
        return Duration.ofSeconds(Math.max(1, seconds));
    }

    private static BigInteger nanosBetween(Instant from, Instant to) {
        BigInteger seconds = BigInteger.valueOf(to.getEpochSecond()).subtract(BigInteger.valueOf(from.getEpochSecond()));
        return seconds.multiply(NANOS_PER_SECOND_INT).add(BigInteger.valueOf((long) to.getNano() - from.getNano()));
    }

    /** The outcome of taking one token. */
    public sealed interface Take {

        /** A token was taken; {@code bucket} is the state to store. */
        record Granted(TokenBucket bucket) implements Take {
        }

        /**
         * No whole token.
         *
         * @param untilNextToken the exact wait, to the nanosecond
         * @param retryAfter the wait for {@code Retry-After}: whole seconds, at least 1
         */
        record Refused(Duration untilNextToken, Duration retryAfter) implements Take {
        }
    }

    @Override
    public String toString() {
        return "TokenBucketMath[rate=" + rate.toPlainString() + "/s, capacity=" + capacity.toPlainString() + "]";
    }
}
