package dev.meshfed.core.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IntermediateRenewalTest {

    private static final Instant ISSUED = Instant.parse("2026-01-01T00:00:00Z");
    /** A default intermediate: issued at ISSUED, backdated by skew, IntermediateCertTTL 8760h. */
    private static final Validity INTERMEDIATE = new Validity(ISSUED.minus(Skew.DEFAULT), ISSUED.plus(Duration.ofHours(8760)));

    @Test
    void halfLifeIsTheMidpointOfNotBeforeToNotAfter() {
        // (8760 h + 1 min) / 2 = 4380 h 30 s after NotBefore
        assertThat(IntermediateRenewal.halfLife(INTERMEDIATE))
                .isEqualTo(ISSUED.minus(Skew.DEFAULT).plus(Duration.ofHours(4380)).plusSeconds(30));
    }

    @Test
    void dueExactlyAtHalfLifeButNotOneNanosecondEarlier() {
        Instant halfLife = ISSUED.plus(Duration.ofHours(4380)).minusSeconds(30);
        assertThat(IntermediateRenewal.isDue(INTERMEDIATE, halfLife)).isTrue();
        assertThat(IntermediateRenewal.isDue(INTERMEDIATE, halfLife.minusNanos(1))).isFalse();
    }

    @Test
    void anOddLifetimeIsDueOnlyOnceAFullHalfHasPassed() {
        Validity odd = new Validity(ISSUED, ISSUED.plusSeconds(1).plusNanos(1)); // half = 500,000,000.5 ns
        assertThat(IntermediateRenewal.halfLife(odd)).isEqualTo(ISSUED.plusNanos(500_000_001));
        assertThat(IntermediateRenewal.isDue(odd, ISSUED.plusNanos(500_000_000))).isFalse();
    }

    @Test
    void anExpiredIntermediateIsDue() {
        assertThat(IntermediateRenewal.isDue(INTERMEDIATE, INTERMEDIATE.notAfter().plusSeconds(1))).isTrue();
    }
}
