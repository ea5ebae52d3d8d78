package dev.meshfed.core.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExpiryWarningTest {

    private static final Instant NOT_AFTER = Instant.parse("2030-01-01T00:00:00Z");

    private static Validity lasting(Duration lifetime) {
        return new Validity(NOT_AFTER.minus(lifetime), NOT_AFTER);
    }

    @Test
    void shortLifetimesWarnAtFortyPercent() {
        Validity leaf = lasting(Duration.ofHours(72));
        Duration fortyPercent = Duration.ofMinutes(1728); // 28.8 h
        assertThat(ExpiryWarning.threshold(leaf)).isEqualTo(fortyPercent);
        assertThat(ExpiryWarning.shouldWarn(leaf, NOT_AFTER.minus(fortyPercent))).isFalse();
        assertThat(ExpiryWarning.shouldWarn(leaf, NOT_AFTER.minus(fortyPercent).plusNanos(1))).isTrue();
    }

    @Test
    void longLifetimesWarnAtTwentyEightDays() {
        Validity root = lasting(Duration.ofHours(87600));
        assertThat(ExpiryWarning.threshold(root)).isEqualTo(Duration.ofDays(28));
        assertThat(ExpiryWarning.shouldWarn(root, NOT_AFTER.minus(Duration.ofDays(28)))).isFalse();
        assertThat(ExpiryWarning.shouldWarn(root, NOT_AFTER.minus(Duration.ofDays(28)).plusNanos(1))).isTrue();
    }

    @Test
    void thresholdsMeetAtSeventyDays() {
        assertThat(ExpiryWarning.threshold(lasting(Duration.ofDays(70)))).isEqualTo(Duration.ofDays(28));
        assertThat(ExpiryWarning.threshold(lasting(Duration.ofDays(70).minusNanos(5)))).isEqualTo(Duration.ofDays(28).minusNanos(2));
        assertThat(ExpiryWarning.threshold(lasting(Duration.ofDays(70).plusNanos(5)))).isEqualTo(Duration.ofDays(28));
    }

    @Test
    void fortyPercentIsRoundedUpSoTheComparisonIsExact() {
        Validity threeNanos = lasting(Duration.ofNanos(3)); // 40 % = 1.2 ns
        assertThat(ExpiryWarning.threshold(threeNanos)).isEqualTo(Duration.ofNanos(2));
        assertThat(ExpiryWarning.shouldWarn(threeNanos, NOT_AFTER.minusNanos(1))).isTrue();  // 1 < 1.2
        assertThat(ExpiryWarning.shouldWarn(threeNanos, NOT_AFTER.minusNanos(2))).isFalse(); // 2 >= 1.2
    }

    @Test
    void anExpiredCertificateAlwaysWarns() {
        assertThat(ExpiryWarning.shouldWarn(lasting(Duration.ofHours(87600)), NOT_AFTER.plusNanos(1))).isTrue();
    }

    @Test
    void secondsUntilExpiryFloorAndTurnNegativeOnlyAfterNotAfter() {
        assertThat(ExpiryWarning.secondsUntilExpiry(NOT_AFTER, NOT_AFTER.minusMillis(1500))).isEqualTo(1);
        assertThat(ExpiryWarning.secondsUntilExpiry(NOT_AFTER, NOT_AFTER.minusNanos(1))).isZero();
        assertThat(ExpiryWarning.secondsUntilExpiry(NOT_AFTER, NOT_AFTER)).isZero();
        assertThat(ExpiryWarning.secondsUntilExpiry(NOT_AFTER, NOT_AFTER.plusNanos(1))).isEqualTo(-1);
        assertThat(ExpiryWarning.secondsUntilExpiry(NOT_AFTER, NOT_AFTER.plusSeconds(1))).isEqualTo(-1);
        assertThat(ExpiryWarning.secondsUntilExpiry(NOT_AFTER, NOT_AFTER.plusSeconds(1).plusNanos(1))).isEqualTo(-2);
        assertThat(ExpiryWarning.secondsUntilExpiry(NOT_AFTER, NOT_AFTER.minus(Duration.ofDays(365))))
                .isEqualTo(365L * 24 * 3600);
    }
}
