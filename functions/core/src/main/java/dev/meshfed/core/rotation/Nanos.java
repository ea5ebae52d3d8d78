package dev.meshfed.core.rotation;

import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;

/**
 * Exact nanosecond arithmetic on {@link Duration} and {@link Instant}, for the rotation functions.
 *
 * <p>{@link Duration#toNanos()} overflows past about 292 years, and certificate lifetimes, windows
 * and offsets multiplied by counts can go past that in intermediate results. Working in
 * {@link BigInteger} keeps every result exact; callers convert back once, at the end.
 */
final class Nanos {

    static final BigInteger PER_SECOND = BigInteger.valueOf(1_000_000_000L);

    private static final BigInteger MAX_DURATION = of(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999L));

    private Nanos() {
    }

    /** The exact length of {@code duration} in nanoseconds (negative for a negative duration). */
    static BigInteger of(Duration duration) {
        return BigInteger.valueOf(duration.getSeconds()).multiply(PER_SECOND).add(BigInteger.valueOf(duration.getNano()));
    }

    /** The exact nanoseconds from {@code from} to {@code to}; negative when {@code to} is earlier. */
    static BigInteger between(Instant from, Instant to) {
        BigInteger seconds = BigInteger.valueOf(to.getEpochSecond()).subtract(BigInteger.valueOf(from.getEpochSecond()));
        return seconds.multiply(PER_SECOND).add(BigInteger.valueOf((long) to.getNano() - from.getNano()));
    }

    /** Whether {@code nanos} is representable as a {@link Duration}. */
    static boolean fitsDuration(BigInteger nanos) {
        return nanos.abs().compareTo(MAX_DURATION) <= 0;
    }

    /**
     * {@code nanos} as a {@link Duration}.
     *
     * @throws ArithmeticException if it does not fit (callers check {@link #fitsDuration} first
     *     when the input can come from configuration)
     */
    static Duration toDuration(BigInteger nanos) {
        BigInteger[] secondsAndNanos = nanos.divideAndRemainder(PER_SECOND);
        return Duration.ofSeconds(secondsAndNanos[0].longValueExact(), secondsAndNanos[1].longValue());
    }

    /**
     * {@code instant} moved by {@code nanos}.
     *
     * @throws DateTimeException if the result lies outside {@link Instant#MIN}..{@link Instant#MAX}
     */
    static Instant plus(Instant instant, BigInteger nanos) {
        BigInteger[] secondsAndNanos = nanos.divideAndRemainder(PER_SECOND);
        try {
            return instant.plusSeconds(secondsAndNanos[0].longValueExact()).plusNanos(secondsAndNanos[1].longValue());
        } catch (ArithmeticException e) {
            throw new DateTimeException("instant out of range");
        }
    }

    /** The smallest integer not less than {@code dividend / divisor}; {@code divisor} must be positive. */
    static BigInteger ceilDiv(BigInteger dividend, BigInteger divisor) {
        BigInteger[] qr = dividend.divideAndRemainder(divisor);
        return qr[1].signum() > 0 ? qr[0].add(BigInteger.ONE) : qr[0];
    }

    /** The largest integer not greater than {@code dividend / divisor}; {@code divisor} must be positive. */
    static BigInteger floorDiv(BigInteger dividend, BigInteger divisor) {
        BigInteger[] qr = dividend.divideAndRemainder(divisor);
        return qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
    }
}
