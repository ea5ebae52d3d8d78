package dev.meshfed.core.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ValidityTest {

    private static final Instant NOT_BEFORE = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant NOT_AFTER = Instant.parse("2026-01-04T00:00:00Z");
    private static final Validity PERIOD = new Validity(NOT_BEFORE, NOT_AFTER);

    @Test
    void skewIsOneMinuteAndBackdatesByExactlyThat() {
        assertThat(Skew.DEFAULT).isEqualTo(Duration.ofMinutes(1));
        assertThat(Skew.backdate(Instant.parse("2026-01-01T00:00:00.000000001Z")))
                .isEqualTo(Instant.parse("2025-12-31T23:59:00.000000001Z"));
    }

    @Test
    void isValidAtNotBeforeButNotOneNanosecondEarlier() {
        assertThat(Validity.isValidAt(NOT_BEFORE, NOT_AFTER, NOT_BEFORE)).isTrue();
        assertThat(Validity.isValidAt(NOT_BEFORE, NOT_AFTER, NOT_BEFORE.minusNanos(1))).isFalse();
    }

    @Test
    void isValidAtNotAfterButNotOneNanosecondLater() {
        assertThat(Validity.isValidAt(NOT_BEFORE, NOT_AFTER, NOT_AFTER)).isTrue();
        assertThat(Validity.isValidAt(NOT_BEFORE, NOT_AFTER, NOT_AFTER.plusNanos(1))).isFalse();
    }

    @Test
    void instanceIsValidAtAgreesWithTheStaticHelper() {
        assertThat(PERIOD.isValidAt(NOT_BEFORE.plusSeconds(1))).isTrue();
        assertThat(PERIOD.isValidAt(NOT_AFTER.plusNanos(1))).isFalse();
        assertThat(PERIOD.isValidAt(NOT_BEFORE.minusNanos(1))).isFalse();
    }

    @Test
    void expiredOnlyStrictlyAfterNotAfter() {
        assertThat(PERIOD.isExpiredAt(NOT_AFTER)).isFalse();
        assertThat(PERIOD.isExpiredAt(NOT_AFTER.plusNanos(1))).isTrue();
        assertThat(PERIOD.isExpiredAt(NOT_BEFORE.minusSeconds(1))).isFalse();
    }

    @Test
    void lifetimeAndRemainingAreExactAndRemainingGoesNegative() {
        assertThat(PERIOD.lifetime()).isEqualTo(Duration.ofHours(72));
        assertThat(PERIOD.remainingAt(NOT_AFTER.minusNanos(5))).isEqualTo(Duration.ofNanos(5));
        assertThat(PERIOD.remainingAt(NOT_AFTER.plusSeconds(2))).isEqualTo(Duration.ofSeconds(-2));
    }

    @Test
    void aZeroLengthPeriodIsValidAtItsSingleInstant() {
        Validity instant = new Validity(NOT_BEFORE, NOT_BEFORE);
        assertThat(instant.isValidAt(NOT_BEFORE)).isTrue();
        assertThat(instant.lifetime()).isZero();
    }

    @Test
    void refusesNotAfterBeforeNotBefore() {
        assertThatThrownBy(() -> new Validity(NOT_AFTER, NOT_AFTER.minusNanos(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not-after 2026-01-03T23:59:59.999999999Z is before not-before 2026-01-04T00:00:00Z");
    }

    @Test
    void refusesNullsWithTheArgumentName() {
        assertThatThrownBy(() -> new Validity(null, NOT_AFTER)).isInstanceOf(NullPointerException.class)
                .hasMessage("not-before must not be null");
        assertThatThrownBy(() -> Validity.isValidAt(NOT_BEFORE, NOT_AFTER, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("now must not be null");
    }
}
