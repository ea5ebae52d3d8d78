package dev.meshfed.core.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RootRenewalTest {

    private static final Instant ROOT_NOT_AFTER = Instant.parse("2036-01-01T00:00:00Z");
    private static final Duration RENEW_BEFORE = Duration.ofHours(17520);

    @Test
    void defaultRenewBeforeIsOneFifthOfRootCertTtl() {
        assertThat(RootRenewal.defaultRenewBefore(Duration.ofHours(87600))).isEqualTo(RENEW_BEFORE);
        assertThat(RootRenewal.defaultRenewBefore(Duration.ofNanos(7))).isEqualTo(Duration.ofNanos(1));
    }

    @Test
    void notDueWithExactlyRenewBeforeLeftButDueOneNanosecondLater() {
        Instant boundary = ROOT_NOT_AFTER.minus(RENEW_BEFORE);
        assertThat(RootRenewal.isDue(ROOT_NOT_AFTER, RENEW_BEFORE, boundary)).isFalse();
        assertThat(RootRenewal.isDue(ROOT_NOT_AFTER, RENEW_BEFORE, boundary.plusNanos(1))).isTrue();
    }

    @Test
    void anExpiredRootIsDue() {
        assertThat(RootRenewal.isDue(ROOT_NOT_AFTER, RENEW_BEFORE, ROOT_NOT_AFTER.plusSeconds(1))).isTrue();
    }

    @Test
    void refusesANonPositiveRenewBeforeOrRootTtl() {
        assertThatThrownBy(() -> RootRenewal.isDue(ROOT_NOT_AFTER, Duration.ZERO, ROOT_NOT_AFTER))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("root renew-before must be positive: PT0S");
        assertThatThrownBy(() -> RootRenewal.defaultRenewBefore(Duration.ofHours(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("root cert ttl must be positive: PT-1H");
    }
}
