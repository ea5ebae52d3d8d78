package dev.meshfed.core.rotation;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The window over which a datacenter re-issues its managed leaves after its signer changed
 * (certificates.md, Rotation step 4), and the even slots within it.
 *
 * <p>The width is {@code W = max(30 s, N / (0.8 × CSRMaxPerSecond))} for {@code N} live managed
 * leaves, and {@code 30 s} when the limit is off ({@code CSRMaxPerSecond = 0}) or {@code N = 0}
 * (Consul's window is a fixed 30 s). Leaf {@code i} (0-based) gets the slot
 * {@code start + floor(i × W / N)} at nanosecond resolution.
 *
 * <h2>Budget guarantee</h2>
 * {@code W} is computed exactly from the decimal value of the rate and rounded <em>up</em> to the
 * nanosecond, so consecutive slots are at least {@code 1 / (0.8 × rate)} seconds apart on average
 * and no interval of one second holds more than the budget share:
 * <ul>
 *   <li>any half-open interval {@code [a, a + 1 s)} holds at most {@code ceil(0.8 × rate)} slots;
 *   <li>any closed interval {@code [a, a + 1 s]} holds at most {@code ceil(0.8 × rate) + 1} slots
 *       (the extra one only when slots fall exactly on both ends).
 * </ul>
 * Proof of the first: if slots {@code i < j} lie in {@code [a, a + 1 s)}, then
 * {@code 10^9 − 1 ≥ t_j − t_i > (j − i) × W / N − 1} (nanoseconds; flooring loses less than one
 * on each side), so {@code (j − i) < 10^9 × N / W ≤ 0.8 × rate}; the interval therefore holds at
 * most {@code j − i + 1 ≤ ceil(0.8 × rate)} slots. The closed case gains one nanosecond on the
 * left, enough for one more slot when {@code 0.8 × rate} is an integer. With the limit off there
 * is no budget and the 30 s window is the only spread.
 *
 * <p>Every slot lies in {@code [start, start + W)}: {@code i × W / N < W} for {@code i < N}.
 */
public final class ReissueWindow {

    /** The shortest window, and the whole window when the rate limit is off or there is nothing to re-issue. */
    public static final Duration MINIMUM_WIDTH = Duration.ofSeconds(30);

    /** The share of the CSR budget ({@code CSRMaxPerSecond}) that re-issue may use, leaving the rest for clients. */
    public static final BigDecimal BUDGET_SHARE = new BigDecimal("0.8");

    private static final BigInteger MINIMUM_WIDTH_NANOS = Nanos.of(MINIMUM_WIDTH);

    private final Instant start;
    private final long leaves;
    private final Duration width;
    private final BigInteger widthNanos;
    private final Instant end;

    /**
     * A window of {@code width} starting at {@code start} for {@code leaves} leaves. Use
     * {@link #plan} for the window certificates.md prescribes; this constructor accepts any
     * positive width (a wider window keeps the budget guarantee, a narrower one does not).
     *
     * @throws IllegalArgumentException if {@code leaves} is negative, {@code width} is not positive,
     *     or {@code start + width} lies beyond {@link Instant#MAX}
     */
    public ReissueWindow(Instant start, long leaves, Duration width) {
        this.start = Objects.requireNonNull(start, "window start must not be null");
        if (leaves < 0) {
            throw new IllegalArgumentException("leaf count must not be negative: " + leaves);
        }
        Lifetimes.requirePositive(width, "window width");
        this.leaves = leaves;
        this.width = width;
        this.widthNanos = Nanos.of(width);
        try {
            this.end = start.plus(width);
        } catch (DateTimeException | ArithmeticException e) {
            throw new IllegalArgumentException("re-issue window from " + start + " for " + width + " ends beyond the last instant");
        }
    }

    /**
     * The window for re-issuing {@code leaves} leaves from {@code start} under a limit of
     * {@code csrMaxPerSecond}: {@code new ReissueWindow(start, leaves, width(leaves, csrMaxPerSecond))}.
     *
     * @throws IllegalArgumentException as {@link #width} and the constructor do
     */
    public static ReissueWindow plan(Instant start, long leaves, double csrMaxPerSecond) {
        return new ReissueWindow(start, leaves, width(leaves, csrMaxPerSecond));
    }

    /**
     * The window width {@code W = max(30 s, N / (0.8 × csrMaxPerSecond))}, or 30 s when
     * {@code csrMaxPerSecond} is 0 (limit off) or {@code leaves} is 0.
     *
     * <p>The rate is taken at its decimal value ({@link BigDecimal#valueOf(double)}, so a configured
     * {@code 0.1} is one tenth, not the nearest binary double), the quotient is exact, and the result
     * is rounded up to the next nanosecond, so re-issue never exceeds the budget share.
     *
     * @param leaves {@code N}, the datacenter's live managed leaves issued by an older signer
     * @param csrMaxPerSecond the datacenter's {@code CSRMaxPerSecond}; 0 disables the limit
     * @throws IllegalArgumentException if {@code leaves} is negative, {@code csrMaxPerSecond} is
     *     negative, NaN or infinite, or the width exceeds what {@link Duration} can hold (only for
     *     absurd inputs such as billions of leaves at a fraction of a CSR per second)
     */
    public static Duration width(long leaves, double csrMaxPerSecond) {
        if (leaves < 0) {
            throw new IllegalArgumentException("leaf count must not be negative: " + leaves);
        }
        if (!Double.isFinite(csrMaxPerSecond) || csrMaxPerSecond < 0) {
            throw new IllegalArgumentException("csr max per second must be a finite number >= 0: " + csrMaxPerSecond);
        }
        if (leaves == 0 || csrMaxPerSecond == 0) {
            return MINIMUM_WIDTH;
        }
        BigDecimal reissuePerSecond = BUDGET_SHARE.multiply(BigDecimal.valueOf(csrMaxPerSecond));
        BigInteger nanos = BigDecimal.valueOf(leaves)
                .multiply(new BigDecimal(Nanos.PER_SECOND))
                .divide(reissuePerSecond, 0, RoundingMode.CEILING)
                .toBigIntegerExact();
        if (nanos.compareTo(MINIMUM_WIDTH_NANOS) <= 0) {
            return MINIMUM_WIDTH;
        }
        if (!Nanos.fitsDuration(nanos)) {
            throw new IllegalArgumentException("re-issue window for " + leaves + " leaves at " + csrMaxPerSecond
                    + " csr per second is too long to represent");
        }
        return Nanos.toDuration(nanos);
    }

    /** The first instant of the window; slot 0 is here. */
    public Instant start() {
        return start;
    }

    /** {@code N}, the number of slots. */
    public long leaves() {
        return leaves;
    }

    /** {@code W}, the width of the window. */
    public Duration width() {
        return width;
    }

    /** {@code start + W}, the first instant after the window; no slot is at or after it. */
    public Instant end() {
        return end;
    }

    /**
     * The re-issue slot of leaf {@code index}: {@code start + floor(index × W / N)}.
     * Slots are non-decreasing in {@code index} and lie in {@code [start, end)}.
     *
     * @throws IllegalArgumentException if {@code index} is not in {@code [0, N)}
     */
    public Instant slot(long index) {
        if (index < 0 || index >= leaves) {
            throw new IllegalArgumentException("leaf index " + index + " is outside [0, " + leaves + ")");
        }
        return Nanos.plus(start, offsetNanos(index));
    }

    /**
     * The leaves whose slots fall in the tick {@code [from, to)}: exactly the indexes {@code i} with
     * {@code from <= slot(i) < to}, a contiguous range because slots are sorted. A tick run issues
     * them in order, each no earlier than its slot, so it paces itself through the slots due before
     * the next tick. Consecutive ticks {@code [t0, t1), [t1, t2), ...} that cover the window receive
     * every index exactly once; a run that missed ticks passes the end of the last tick it finished
     * as {@code from}, so overdue slots are not lost.
     *
     * @throws IllegalArgumentException if {@code to} is before {@code from}
     */
    public IndexRange due(Instant from, Instant to) {
        Objects.requireNonNull(from, "tick start must not be null");
        Objects.requireNonNull(to, "tick end must not be null");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("tick end " + to + " is before tick start " + from);
        }
        return new IndexRange(firstSlotAtOrAfter(from), firstSlotAtOrAfter(to));
    }

    /** The smallest index whose slot is at or after {@code instant}, or {@code N} when there is none. */
    private long firstSlotAtOrAfter(Instant instant) {
        BigInteger sinceStart = Nanos.between(start, instant);
        if (sinceStart.signum() <= 0) {
            return 0;
        }
        // floor(i × W / N) >= d  ⇔  i × W / N >= d (d is an integer)  ⇔  i >= ceil(d × N / W)
        BigInteger first = Nanos.ceilDiv(sinceStart.multiply(BigInteger.valueOf(leaves)), widthNanos);
        return first.compareTo(BigInteger.valueOf(leaves)) >= 0 ? leaves : first.longValueExact();
    }

    private BigInteger offsetNanos(long index) {
        if (widthNanos.bitLength() < 63) {
            long w = widthNanos.longValue();
            long high = Math.multiplyHigh(index, w);
            long low = index * w;
            if (high == 0 && low >= 0) {
                return BigInteger.valueOf(low / leaves);
            }
        }
        return BigInteger.valueOf(index).multiply(widthNanos).divide(BigInteger.valueOf(leaves));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ReissueWindow that
                && start.equals(that.start) && leaves == that.leaves && width.equals(that.width);
    }

    @Override
    public int hashCode() {
        return Objects.hash(start, leaves, width);
    }

    @Override
    public String toString() {
        return "ReissueWindow[start=" + start + ", leaves=" + leaves + ", width=" + width + "]";
    }
}
