package dev.meshfed.core.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReissueWindowTest {

    private static final Instant START = Instant.parse("2026-06-01T00:00:00.123456789Z");
    private static final long ONE_SECOND = 1_000_000_000L;

    // ---- the window width ------------------------------------------------------------------

    @ParameterizedTest(name = "N={0}, CSRMaxPerSecond={1} -> W={2}")
    @CsvSource({
            // the limit off: always 30 s
            "0,       0,    PT30S",
            "1,       0,    PT30S",
            "23,      0,    PT30S",
            "10000,   0,    PT30S",
            "1000000, 0,    PT30S",
            // 0.5 per second: re-issue at 0.4 per second
            "0,       0.5,  PT30S",
            "1,       0.5,  PT30S",       // 2.5 s, raised to 30 s
            "23,      0.5,  PT57.5S",
            "10000,   0.5,  PT25000S",
            "1000000, 0.5,  PT2500000S",
            // Consul's default 50 per second: re-issue at 40 per second
            "0,       50,   PT30S",
            "1,       50,   PT30S",
            "23,      50,   PT30S",       // 0.575 s, raised to 30 s
            "10000,   50,   PT250S",
            "1000000, 50,   PT25000S",
            // 1000 per second: re-issue at 800 per second
            "0,       1000, PT30S",
            "1,       1000, PT30S",
            "23,      1000, PT30S",
            "10000,   1000, PT30S",       // 12.5 s, raised to 30 s
            "1000000, 1000, PT1250S",
    })
    void widthFollowsTheFormula(long leaves, double rate, Duration expected) {
        assertThat(ReissueWindow.width(leaves, rate)).isEqualTo(expected);
    }

    @Test
    void widthIsExactlyThirtySecondsAtTheCrossoverAndGrowsOneNanosecondPastIt() {
        // 1200 leaves at 50 per second take exactly 30 s; 1201 take 30.025 s.
        assertThat(ReissueWindow.width(1200, 50)).isEqualTo(Duration.ofSeconds(30));
        assertThat(ReissueWindow.width(1201, 50)).isEqualTo(Duration.ofMillis(30_025));
        // 24 leaves at 1 per second: exactly 30 s; at a rate one ulp lower, the window must grow.
        assertThat(ReissueWindow.width(24, 1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(ReissueWindow.width(24, Math.nextDown(1.0))).isGreaterThan(Duration.ofSeconds(30));
    }

    @Test
    void widthRoundsUpToTheNextNanosecond() {
        // 1,000,000 / (0.8 × 3) s = 416,666.666666666666... s
        assertThat(ReissueWindow.width(1_000_000, 3)).isEqualTo(Duration.ofSeconds(416_666, 666_666_667));
        // 23 / (0.8 × 0.3) s = 95.8333... s
        assertThat(ReissueWindow.width(23, 0.3)).isEqualTo(Duration.ofSeconds(95, 833_333_334));
    }

    @Test
    void widthTakesTheRateAtItsDecimalValue() {
        // 0.1 as a double is 0.1000000000000000055..., which would give 1249.99999999999993 s;
        // the configured value is one tenth, which gives exactly 1250 s.
        assertThat(ReissueWindow.width(100, 0.1)).isEqualTo(Duration.ofSeconds(1250));
    }

    @Test
    void widthIsExactForCountsBeyondDoublePrecision() {
        long leaves = (1L << 53) + 1; // not representable as a double
        // (2^53 + 1) / 800 s = 11,258,999,068,426.24125 s
        assertThat(ReissueWindow.width(leaves, 1000)).isEqualTo(Duration.ofSeconds(11_258_999_068_426L, 241_250_000));
        assertThat(ReissueWindow.width(Long.MAX_VALUE, 1000)).isEqualTo(Duration.ofSeconds(11_529_215_046_068_469L, 758_750_000));
    }

    @Test
    void widthRefusesWhatADurationCannotHold() {
        assertThatThrownBy(() -> ReissueWindow.width(Long.MAX_VALUE, 0.01))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("re-issue window for 9223372036854775807 leaves at 0.01 csr per second is too long to represent");
    }

    @ParameterizedTest
    @ValueSource(doubles = {-1, -0.001, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void widthRefusesRatesThatAreNotFiniteAndNonNegative(double rate) {
        assertThatThrownBy(() -> ReissueWindow.width(10, rate))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("csr max per second must be a finite number >= 0: " + rate);
    }

    @Test
    void widthRefusesANegativeLeafCount() {
        assertThatThrownBy(() -> ReissueWindow.width(-1, 50))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("leaf count must not be negative: -1");
    }

    @Test
    void constructorRefusesANonPositiveWidthAndAWindowPastTheLastInstant() {
        assertThatThrownBy(() -> new ReissueWindow(START, 1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("window width must be positive: PT0S");
        assertThatThrownBy(() -> new ReissueWindow(Instant.MAX.minusSeconds(10), 1, Duration.ofSeconds(30)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("re-issue window from +1000000000-12-31T23:59:49.999999999Z for PT30S ends beyond the last instant");
    }

    // ---- slots -----------------------------------------------------------------------------

    @Test
    void slotsAreEvenlySpacedFromTheStart() {
        ReissueWindow window = ReissueWindow.plan(START, 10_000, 50); // 250 s, 25 ms apart
        assertThat(window.width()).isEqualTo(Duration.ofSeconds(250));
        assertThat(window.end()).isEqualTo(START.plusSeconds(250));
        assertThat(window.slot(0)).isEqualTo(START);
        assertThat(window.slot(1)).isEqualTo(START.plusMillis(25));
        assertThat(window.slot(4_000)).isEqualTo(START.plusSeconds(100));
        assertThat(window.slot(9_999)).isEqualTo(START.plusMillis(249_975));
    }

    @Test
    void slotsFloorToTheNanosecond() {
        ReissueWindow window = new ReissueWindow(START, 3, Duration.ofNanos(100)); // 33.3 ns apart
        assertThat(window.slot(1)).isEqualTo(START.plusNanos(33));
        assertThat(window.slot(2)).isEqualTo(START.plusNanos(66));
    }

    @Test
    void slotsBeyondLongNanosecondProductsAreExact() {
        // W = 10 / (0.8 × 1e-8) s = 1.25e9 s; 9 × W in nanoseconds overflows a long.
        ReissueWindow window = ReissueWindow.plan(START, 10, 1e-8);
        assertThat(window.width()).isEqualTo(Duration.ofSeconds(1_250_000_000L));
        assertThat(window.slot(9)).isEqualTo(START.plusSeconds(1_125_000_000L));
    }

    @Test
    void slotRefusesIndexesOutsideTheWindow() {
        ReissueWindow window = ReissueWindow.plan(START, 23, 50);
        assertThatThrownBy(() -> window.slot(23))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("leaf index 23 is outside [0, 23)");
        assertThatThrownBy(() -> window.slot(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("leaf index -1 is outside [0, 23)");
        assertThatThrownBy(() -> ReissueWindow.plan(START, 0, 50).slot(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("leaf index 0 is outside [0, 0)");
    }

    @ParameterizedTest(name = "N={0}, CSRMaxPerSecond={1}")
    @CsvSource({"1, 50", "23, 0.5", "10000, 50", "1000000, 1000", "1000000, 0", "1000000, 0.5"})
    void allSlotsLieInsideTheWindowInOrder(long leaves, double rate) {
        ReissueWindow window = ReissueWindow.plan(START, leaves, rate);
        long[] slots = slotNanos(window);
        assertThat(slots[0]).isEqualTo(nanos(START));
        for (int i = 1; i < slots.length; i++) {
            assertThat(slots[i]).isGreaterThanOrEqualTo(slots[i - 1]);
        }
        assertThat(slots[slots.length - 1]).isLessThan(nanos(window.end()));
    }

    // ---- the budget bound ------------------------------------------------------------------

    @Test
    void consulsDefaultRateReachesButNeverExceedsFortySlotsPerSecond() {
        long[] slots = slotNanos(ReissueWindow.plan(START, 10_000, 50));
        // The bound is tight: [a, a + 1 s) holds exactly ceil(0.8 × 50) = 40 slots, and the
        // closed [a, a + 1 s] holds one more when slots fall on both ends.
        assertThat(maxInHalfOpenSecond(slots)).isEqualTo(40L);
        assertThat(maxInClosedSecond(slots)).isEqualTo(41L);
    }

    @Test
    void aMillionLeavesAtAThousandPerSecondUseEightHundredSlotsPerSecond() {
        long[] slots = slotNanos(ReissueWindow.plan(START, 1_000_000, 1000));
        assertThat(maxInHalfOpenSecond(slots)).isEqualTo(800L);
        assertThat(maxInClosedSecond(slots)).isEqualTo(801L);
    }

    @Test
    void aSlowRateNeverPutsTwoSlotsInOneSecond() {
        long[] slots = slotNanos(ReissueWindow.plan(START, 23, 0.5)); // 2.5 s apart
        assertThat(maxInClosedSecond(slots)).isEqualTo(1L);
    }

    /**
     * Property: for windows from {@link ReissueWindow#plan}, any half-open second {@code [a, a + 1 s)}
     * holds at most {@code ceil(0.8 × rate)} slots and any closed second at most one more, and all
     * slots lie in {@code [start, start + W)}. Random counts, rates (fractional, and multiples of 1.25
     * where 0.8 × rate is a whole number and the bound is reached) and starts, from fixed seeds.
     */
    @Test
    void noSecondEverHoldsMoreThanTheBudgetShare() {
        for (long seed = 1; seed <= 300; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            long leaves = 1 + random.nextLong(20_000);
            double rate = switch ((int) (seed % 3)) {
                case 0 -> 1.25 * (1 + random.nextInt(800));     // 0.8 × rate is an integer
                case 1 -> 0.01 + random.nextDouble() * 5;       // slow, fractional
                default -> 0.01 + random.nextDouble() * 2000;   // anything
            };
            Instant start = Instant.ofEpochSecond(1_700_000_000L + random.nextLong(100_000_000L), random.nextInt(1_000_000_000));
            ReissueWindow window = ReissueWindow.plan(start, leaves, rate);
            long[] slots = slotNanos(window);
            long bound = ceilOfBudgetShare(rate);
            String context = "seed " + seed + ": N=" + leaves + ", rate=" + rate + ", W=" + window.width();

            assertThat(maxInHalfOpenSecond(slots)).as(context).isLessThanOrEqualTo(bound);
            assertThat(maxInClosedSecond(slots)).as(context).isLessThanOrEqualTo(bound + 1);
            assertThat(slots[0]).as(context).isGreaterThanOrEqualTo(nanos(start));
            assertThat(slots[slots.length - 1]).as(context).isLessThan(nanos(window.end()));
        }
    }

    @Test
    void theBoundCheckerCatchesAWindowTooNarrowForTheRate() {
        // Guard for the property test above: a window one millisecond narrower than the formula
        // puts 41 slots in some second at 50 per second.
        ReissueWindow narrow = new ReissueWindow(START, 10_000, Duration.ofMillis(249_999));
        assertThat(maxInHalfOpenSecond(slotNanos(narrow))).isGreaterThan(ceilOfBudgetShare(50));
    }

    // ---- ticks -----------------------------------------------------------------------------

    @Test
    void minuteTicksTakeTheirShareOfTheWindow() {
        ReissueWindow window = ReissueWindow.plan(START, 10_000, 50); // a slot every 25 ms
        assertThat(window.due(START, START.plusSeconds(60))).isEqualTo(new IndexRange(0, 2_400));
        assertThat(window.due(START.plusSeconds(60), START.plusSeconds(120))).isEqualTo(new IndexRange(2_400, 4_800));
        assertThat(window.due(START.plusSeconds(240), START.plusSeconds(300))).isEqualTo(new IndexRange(9_600, 10_000));
        assertThat(window.due(START.plusSeconds(300), START.plusSeconds(360)).isEmpty()).isTrue();
    }

    @Test
    void aTickIncludesASlotAtItsStartAndExcludesASlotAtItsEnd() {
        ReissueWindow window = ReissueWindow.plan(START, 10_000, 50);
        Instant slot1 = START.plusMillis(25);
        assertThat(window.due(slot1, START.plusMillis(75))).isEqualTo(new IndexRange(1, 3));
        assertThat(window.due(slot1.plusNanos(1), START.plusMillis(75).plusNanos(1))).isEqualTo(new IndexRange(2, 4));
        assertThat(window.due(slot1, slot1)).isEqualTo(new IndexRange(1, 1));
    }

    @Test
    void aTickBeforeTheWindowGetsNothingAndOneSpanningItGetsEverything() {
        ReissueWindow window = ReissueWindow.plan(START, 23, 0.5);
        assertThat(window.due(START.minusSeconds(60), START)).isEqualTo(new IndexRange(0, 0));
        assertThat(window.due(START.minusSeconds(60), window.end())).isEqualTo(new IndexRange(0, 23));
        assertThat(ReissueWindow.plan(START, 0, 50).due(START, START.plusSeconds(60))).isEqualTo(new IndexRange(0, 0));
    }

    @Test
    void dueRefusesATickThatEndsBeforeItStarts() {
        ReissueWindow window = ReissueWindow.plan(START, 23, 50);
        assertThatThrownBy(() -> window.due(START, START.minusNanos(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tick end 2026-06-01T00:00:00.123456788Z is before tick start 2026-06-01T00:00:00.123456789Z");
    }

    /**
     * Property: consecutive ticks with random boundaries hand out every index exactly once, in
     * order, and each range holds exactly the slots in its tick.
     */
    @Test
    void consecutiveTicksHandOutEveryIndexOnceAndOnlyInItsTick() {
        for (long seed = 1; seed <= 200; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            long leaves = random.nextLong(5_000);
            double rate = random.nextInt(4) == 0 ? 0 : 0.1 + random.nextDouble() * 500;
            ReissueWindow window = ReissueWindow.plan(START, leaves, rate);
            long widthNanos = window.width().toNanos();
            String context = "seed " + seed + ": " + window;

            Instant from = START.minusNanos(random.nextLong(ONE_SECOND));
            long next = 0;
            while (!from.isAfter(window.end())) {
                Instant to = from.plusNanos(1 + random.nextLong(Math.max(2, widthNanos / 7)));
                IndexRange due = window.due(from, to);
                assertThat(due.from()).as(context).isEqualTo(next);
                for (long i = due.from(); i < due.to(); i++) {
                    assertThat(window.slot(i)).as(context).isBetween(from, to.minusNanos(1));
                }
                if (due.to() < leaves) {
                    assertThat(window.slot(due.to())).as(context).isAfterOrEqualTo(to);
                }
                next = due.to();
                from = to;
            }
            assertThat(next).as(context).isEqualTo(leaves);
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static long ceilOfBudgetShare(double rate) {
        return ReissueWindow.BUDGET_SHARE.multiply(BigDecimal.valueOf(rate)).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    private static long nanos(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), ONE_SECOND), instant.getNano());
    }

    private static long[] slotNanos(ReissueWindow window) {
        long[] slots = new long[Math.toIntExact(window.leaves())];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = nanos(window.slot(i));
        }
        return slots;
    }

    /** The most slots in any {@code [a, a + 1 s)}; such an interval can always start at a slot. */
    private static long maxInHalfOpenSecond(long[] sorted) {
        return maxWithin(sorted, ONE_SECOND - 1);
    }

    /** The most slots in any {@code [a, a + 1 s]}. */
    private static long maxInClosedSecond(long[] sorted) {
        return maxWithin(sorted, ONE_SECOND);
    }

    /** The most sorted points whose first and last differ by at most {@code span}. */
    private static long maxWithin(long[] sorted, long span) {
        long best = 0;
        int first = 0;
        for (int last = 0; last < sorted.length; last++) {
            while (sorted[last] - sorted[first] > span) {
                first++;
            }
            best = Math.max(best, last - first + 1);
        }
        return best;
    }

}
