package dev.meshfed.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.ratelimit.TokenBucketMath.Take;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TokenBucketMathTest {

    private static final Instant T0 = Instant.parse("2026-06-01T12:00:00.123456789Z");

    // ---- capacity ---------------------------------------------------------------------------

    @ParameterizedTest(name = "rate {0}/s -> capacity {1}")
    @CsvSource({
            "50,   26",      // Consul's default: 1 token + 25 that Consul's 500 ms wait would reserve
            "1,    1.5",
            "0.5,  1.25",
            "0.1,  1.05",
            "250,  126",
            "1000, 501",
            "0,    1",
    })
    void capacityIsOneTokenPlusWhatConsulsHalfSecondWaitReserves(BigDecimal rate, BigDecimal capacity) {
        assertThat(TokenBucketMath.perSecond(rate).capacity()).isEqualByComparingTo(capacity);
    }

    @Test
    void theRateIsTakenAtItsDecimalValue() {
        // 0.1 as a double is 0.1000000000000000055...; the configured value is one tenth.
        assertThat(TokenBucketMath.perSecond(0.1).rate()).isEqualByComparingTo("0.1");
        assertThat(TokenBucketMath.perSecond(0.1).capacity()).isEqualByComparingTo("1.05");
    }

    // ---- taking tokens ----------------------------------------------------------------------

    @Test
    void aFullBucketGrantsExactlyItsCapacityAtOneInstantThenRefuses() {
        TokenBucketMath math = TokenBucketMath.perSecond(50);
        TokenBucket bucket = math.full(T0);
        for (int i = 0; i < 26; i++) {
            Take take = math.take(bucket, T0);
            assertThat(take).as("take %d", i + 1).isInstanceOf(Take.Granted.class);
            bucket = ((Take.Granted) take).bucket();
        }
        assertThat(bucket.tokens()).isEqualByComparingTo("0");
        Take refused = math.take(bucket, T0);
        assertThat(refused).isEqualTo(new Take.Refused(Duration.ofMillis(20), Duration.ofSeconds(1)));
    }

    @Test
    void theNextTokenArrivesExactlyWhenUntilNextTokenSaysAndNotOneNanosecondEarlier() {
        TokenBucketMath math = TokenBucketMath.perSecond(50);
        TokenBucket empty = new TokenBucket(BigDecimal.ZERO, T0);
        Duration wait = math.untilNextToken(empty, T0);
        assertThat(wait).isEqualTo(Duration.ofMillis(20));

        assertThat(math.take(empty, T0.plus(wait).minusNanos(1))).isInstanceOf(Take.Refused.class);
        Take atWait = math.take(empty, T0.plus(wait));
        assertThat(atWait).isInstanceOf(Take.Granted.class);
        assertThat(((Take.Granted) atWait).bucket()).isEqualTo(new TokenBucket(BigDecimal.ZERO, T0.plus(wait)));
    }

    @Test
    void aWaitThatIsNotWholeNanosecondsIsRoundedUp() {
        // 1/3 s = 333,333,333.33... ns: 333,333,334 ns, so the token is surely there.
        TokenBucketMath math = TokenBucketMath.perSecond(3);
        TokenBucket empty = new TokenBucket(BigDecimal.ZERO, T0);
        assertThat(math.untilNextToken(empty, T0)).isEqualTo(Duration.ofNanos(333_333_334));
        assertThat(math.take(empty, T0.plusNanos(333_333_333))).isInstanceOf(Take.Refused.class);
        assertThat(math.take(empty, T0.plusNanos(333_333_334))).isInstanceOf(Take.Granted.class);
    }

    @Test
    void aTenthPerSecondRefillsOneTokenInExactlyTenSeconds() {
        TokenBucketMath math = TokenBucketMath.perSecond(0.1);
        TokenBucket empty = new TokenBucket(BigDecimal.ZERO, T0);
        assertThat(math.untilNextToken(empty, T0)).isEqualTo(Duration.ofSeconds(10));
        assertThat(math.refill(empty, T0.plusSeconds(10)).tokens()).isEqualByComparingTo("1");
    }

    @Test
    void partialTokensCountTowardsTheNextOne() {
        TokenBucketMath math = TokenBucketMath.perSecond(0.5);
        // full (1.25), take one: 0.25 left; the next whole token needs 0.75 / 0.5 = 1.5 s.
        TokenBucket afterOne = ((Take.Granted) math.take(math.full(T0), T0)).bucket();
        assertThat(afterOne.tokens()).isEqualByComparingTo("0.25");
        Take refused = math.take(afterOne, T0.plusSeconds(1));
        assertThat(refused).isEqualTo(new Take.Refused(Duration.ofMillis(500), Duration.ofSeconds(1)));
        assertThat(math.take(afterOne, T0.plusMillis(1500))).isInstanceOf(Take.Granted.class);
    }

    // ---- refill -----------------------------------------------------------------------------

    @Test
    void refillStopsAtCapacity() {
        TokenBucketMath math = TokenBucketMath.perSecond(50);
        TokenBucket refilled = math.refill(new TokenBucket(BigDecimal.ZERO, T0), T0.plus(Duration.ofDays(3650)));
        assertThat(refilled).isEqualTo(new TokenBucket(new BigDecimal("26"), T0.plus(Duration.ofDays(3650))));
    }

    @Test
    void refillAddsElapsedNanosecondsTimesTheRateExactly() {
        TokenBucketMath math = TokenBucketMath.perSecond(50);
        TokenBucket refilled = math.refill(new TokenBucket(BigDecimal.ZERO, T0), T0.plusNanos(1));
        assertThat(refilled.tokens()).isEqualByComparingTo("0.00000005");
        assertThat(math.refill(refilled, T0.plusMillis(100)).tokens()).isEqualByComparingTo("5");
    }

    @Test
    void aClockBehindTheBucketAddsNothingAndNeverMovesRefilledAtBack() {
        TokenBucketMath math = TokenBucketMath.perSecond(50);
        TokenBucket bucket = new TokenBucket(new BigDecimal("3"), T0);
        TokenBucket early = math.refill(bucket, T0.minusSeconds(5));
        assertThat(early).isEqualTo(bucket);
        // A take from a Lambda whose clock is 5 s behind spends a token but keeps refilledAt,
        // so the next writer does not refill the same 5 s again.
        TokenBucket afterTake = ((Take.Granted) math.take(bucket, T0.minusSeconds(5))).bucket();
        assertThat(afterTake).isEqualTo(new TokenBucket(new BigDecimal("2"), T0));
    }

    @Test
    void tokensAboveALoweredCapacityAreCut() {
        TokenBucket fromFifty = TokenBucketMath.perSecond(50).full(T0);
        TokenBucketMath two = TokenBucketMath.perSecond(2);
        assertThat(two.refill(fromFifty, T0).tokens()).isEqualByComparingTo("2");
        assertThat(two.refill(fromFifty, T0.plusSeconds(1)).tokens()).isEqualByComparingTo("2");
    }

    @Test
    void tokensKeepAtMostEighteenDecimalPlacesAndAreRoundedDown() {
        // 1/3 as a double has 16 decimal places; a nanosecond of it would need 25.
        TokenBucketMath math = TokenBucketMath.perSecond(1.0 / 3);
        TokenBucket refilled = math.refill(new TokenBucket(BigDecimal.ZERO, T0), T0.plusNanos(1));
        assertThat(refilled.tokens().scale()).isLessThanOrEqualTo(TokenBucketMath.TOKEN_SCALE);
        BigDecimal exact = new BigDecimal("0.3333333333333333").divide(new BigDecimal(1_000_000_000));
        assertThat(refilled.tokens()).isLessThanOrEqualTo(exact)
                .isEqualByComparingTo(exact.setScale(TokenBucketMath.TOKEN_SCALE, RoundingMode.FLOOR));
    }

    // ---- Retry-After ------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "PT0S,           PT1S",
            "PT0.000000001S, PT1S",
            "PT0.02S,        PT1S",
            "PT1S,           PT1S",
            "PT1.000000001S, PT2S",
            "PT9.5S,         PT10S",
            "PT10S,          PT10S",
    })
    void retryAfterIsWholeSecondsRoundedUpAndAtLeastOne(Duration wait, Duration retryAfter) {
        assertThat(TokenBucketMath.retryAfter(wait)).isEqualTo(retryAfter);
    }

    @Test
    void anAbsurdlySmallRateSaturatesTheWaitInsteadOfOverflowing() {
        TokenBucketMath math = TokenBucketMath.perSecond(1e-300);
        Take take = math.take(new TokenBucket(BigDecimal.ZERO, T0), T0);
        assertThat(take).isEqualTo(new Take.Refused(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999),
                Duration.ofSeconds(Long.MAX_VALUE)));
    }

    // ---- rate 0 and invalid rates -----------------------------------------------------------

    @Test
    void rateZeroIsUnlimitedAndLeavesTheBucketAlone() {
        TokenBucketMath off = TokenBucketMath.perSecond(0);
        TokenBucket empty = new TokenBucket(BigDecimal.ZERO, T0);
        assertThat(off.unlimited()).isTrue();
        assertThat(off.take(empty, T0)).isEqualTo(new Take.Granted(empty));
        assertThat(off.untilNextToken(empty, T0)).isZero();
    }

    @ParameterizedTest
    @ValueSource(doubles = {-1, -0.001, Double.NaN, Double.POSITIVE_INFINITY})
    void negativeOrNonFiniteRatesAreRefused(double rate) {
        assertThatThrownBy(() -> TokenBucketMath.perSecond(rate)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNegativeBucketCannotBeMade() {
        assertThatThrownBy(() -> new TokenBucket(new BigDecimal("-0.1"), T0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("tokens must not be negative: -0.1");
    }

    // ---- properties over random arrivals ----------------------------------------------------

    @ParameterizedTest(name = "rate {0}/s")
    @ValueSource(doubles = {0.1, 0.5, 1, 3, 7.5, 50, 250})
    void grantsNeverExceedCapacityPlusRateTimesElapsed(double rate) {
        TokenBucketMath math = TokenBucketMath.perSecond(rate);
        SplittableRandom random = new SplittableRandom(42);
        TokenBucket bucket = math.full(T0);
        Instant now = T0;
        long granted = 0;
        for (int i = 0; i < 20_000; i++) {
            now = now.plusNanos(random.nextLong(0, 3_000_000_000L / (long) Math.ceil(rate)));
            if (math.take(bucket, now) instanceof Take.Granted g) {
                bucket = g.bucket();
                granted++;
            }
            BigDecimal elapsedSeconds = new BigDecimal(Duration.between(T0, now).toNanos()).movePointLeft(9);
            BigDecimal bound = math.capacity().add(math.rate().multiply(elapsedSeconds));
            assertThat(BigDecimal.valueOf(granted)).as("after %d arrivals", i + 1).isLessThanOrEqualTo(bound);
        }
        assertThat(granted).isPositive();
    }

    /**
     * A model of Consul's limiter, written from {@code x/time/rate}'s {@code reserveN}: burst 1, a
     * level that may go negative, and a grant when the token is due within the 500 ms wait. The
     * bucket must grant exactly the same arrivals.
     */
    @ParameterizedTest(name = "rate {0}/s")
    @ValueSource(doubles = {0.5, 1, 2, 10, 50, 200})
    void admitsExactlyTheArrivalsConsulsWaitingLimiterAdmits(double rate) {
        TokenBucketMath math = TokenBucketMath.perSecond(rate);
        BigDecimal r = BigDecimal.valueOf(rate);
        BigDecimal maxDebt = r.multiply(new BigDecimal("0.5"));
        SplittableRandom random = new SplittableRandom(7);

        TokenBucket bucket = math.full(T0);
        BigDecimal consulLevel = BigDecimal.ONE; // a new x/time/rate limiter starts full
        Instant consulLast = T0;
        Instant now = T0;
        int agreedGrants = 0;
        for (int i = 0; i < 5_000; i++) {
            // arrivals at twice the rate on average, so both outcomes happen often
            now = now.plusNanos(random.nextLong(0, (long) (1_000_000_000L / rate)));
            // Consul: advance (capped at the burst), take one, grant if the debt is within the wait.
            BigDecimal elapsed = new BigDecimal(Duration.between(consulLast, now).toNanos()).movePointLeft(9);
            BigDecimal level = consulLevel.add(elapsed.multiply(r)).min(BigDecimal.ONE).subtract(BigDecimal.ONE);
            boolean consulGrants = level.negate().compareTo(maxDebt) <= 0;
            if (consulGrants) {
                consulLevel = level;
                consulLast = now;
            }
            Take take = math.take(bucket, now);
            assertThat(take instanceof Take.Granted).as("arrival %d at %s", i, now).isEqualTo(consulGrants);
            if (take instanceof Take.Granted g) {
                bucket = g.bucket();
                agreedGrants++;
            }
        }
        assertThat(agreedGrants).isBetween(1_000, 4_000);
    }
}
