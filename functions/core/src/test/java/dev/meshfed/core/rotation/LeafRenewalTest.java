package dev.meshfed.core.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LeafRenewalTest {

    private static final Instant NOT_BEFORE = Instant.parse("2026-02-01T09:59:00Z");
    private static final Validity LEAF = new Validity(NOT_BEFORE, NOT_BEFORE.plus(Duration.ofHours(72)));
    private static final Instant AT_60_PERCENT = NOT_BEFORE.plus(Duration.ofMinutes(2592)); // 43.2 h
    private static final Instant AT_90_PERCENT = NOT_BEFORE.plus(Duration.ofMinutes(3888)); // 64.8 h

    @Test
    void fractionZeroLandsExactlyAtSixtyPercent() {
        assertThat(LeafRenewal.rotateAfter(LEAF, 0.0)).isEqualTo(AT_60_PERCENT);
    }

    @Test
    void fractionOneHalfLandsAtSeventyFivePercent() {
        assertThat(LeafRenewal.rotateAfter(LEAF, 0.5)).isEqualTo(NOT_BEFORE.plus(Duration.ofHours(54)));
    }

    @Test
    void theLargestFractionLandsOneNanosecondBeforeNinetyPercent() {
        assertThat(LeafRenewal.rotateAfter(LEAF, Math.nextDown(1.0))).isEqualTo(AT_90_PERCENT.minusNanos(1));
    }

    @ParameterizedTest
    @ValueSource(doubles = {1.0, -0.001, 1.5, Double.NaN, Double.POSITIVE_INFINITY})
    void refusesFractionsOutsideZeroToOne(double fraction) {
        assertThatThrownBy(() -> LeafRenewal.rotateAfter(LEAF, fraction))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("renewal fraction must be in [0, 1): " + fraction);
    }

    @Test
    void randomPointsStayInTheBandAndSpreadAcrossIt() {
        SplittableRandom random = new SplittableRandom(42);
        Instant earliest = Instant.MAX;
        Instant latest = Instant.MIN;
        for (int i = 0; i < 10_000; i++) {
            Instant rotateAfter = LeafRenewal.rotateAfter(LEAF, random);
            assertThat(rotateAfter).isAfterOrEqualTo(AT_60_PERCENT).isBefore(AT_90_PERCENT);
            earliest = rotateAfter.isBefore(earliest) ? rotateAfter : earliest;
            latest = rotateAfter.isAfter(latest) ? rotateAfter : latest;
        }
        // 10,000 uniform draws cover the band to within 1 % at each end.
        assertThat(earliest).isBefore(NOT_BEFORE.plus(Duration.ofMinutes(2592 + 44)));
        assertThat(latest).isAfter(NOT_BEFORE.plus(Duration.ofMinutes(3888 - 44)));
    }

    @Test
    void aLargerFractionNeverGivesAnEarlierPoint() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 1_000; i++) {
            double a = random.nextDouble();
            double b = random.nextDouble();
            Instant lower = LeafRenewal.rotateAfter(LEAF, Math.min(a, b));
            assertThat(LeafRenewal.rotateAfter(LEAF, Math.max(a, b))).isAfterOrEqualTo(lower);
        }
    }

    @Test
    void theSameSeedGivesTheSamePoint() {
        assertThat(LeafRenewal.rotateAfter(LEAF, new SplittableRandom(99)))
                .isEqualTo(LeafRenewal.rotateAfter(LEAF, new SplittableRandom(99)));
    }

    @Test
    void truncatesToTheNanosecond() {
        Validity tenNanos = new Validity(NOT_BEFORE, NOT_BEFORE.plusNanos(10));
        assertThat(LeafRenewal.rotateAfter(tenNanos, 0.0)).isEqualTo(NOT_BEFORE.plusNanos(6));
        assertThat(LeafRenewal.rotateAfter(tenNanos, 0.99)).isEqualTo(NOT_BEFORE.plusNanos(8)); // 8.97
    }

    @Test
    void dueAtRotateAfterButNotOneNanosecondEarlier() {
        assertThat(LeafRenewal.isDue(AT_60_PERCENT, AT_60_PERCENT)).isTrue();
        assertThat(LeafRenewal.isDue(AT_60_PERCENT, AT_60_PERCENT.minusNanos(1))).isFalse();
        assertThat(LeafRenewal.isDue(AT_60_PERCENT, LEAF.notAfter().plusSeconds(1))).isTrue();
    }
}
