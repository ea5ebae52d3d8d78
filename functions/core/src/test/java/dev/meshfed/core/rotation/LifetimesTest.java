package dev.meshfed.core.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LifetimesTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Duration LEAF_TTL = Duration.ofHours(72);
    private static final Validity INTERMEDIATE = new Validity(NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(355)));

    @Test
    void capNotAfterReturnsTheEarlierInstant() {
        Instant earlier = NOW;
        Instant later = NOW.plusNanos(1);
        assertThat(Lifetimes.capNotAfter(later, earlier)).isEqualTo(earlier);
        assertThat(Lifetimes.capNotAfter(earlier, later)).isEqualTo(earlier);
        assertThat(Lifetimes.capNotAfter(earlier, earlier)).isEqualTo(earlier);
    }

    @Test
    void rootIsBackdatedBySkewAndEndsRootCertTtlAfterNow() {
        Validity root = Lifetimes.root(NOW, Duration.ofHours(87600));
        assertThat(root.notBefore()).isEqualTo(NOW.minusSeconds(60));
        assertThat(root.notAfter()).isEqualTo(NOW.plus(Duration.ofHours(87600)));
    }

    @Test
    void leafRunsTtlFromNowWhenTheIssuerOutlivesIt() {
        Validity leaf = Lifetimes.issued(NOW, LEAF_TTL, INTERMEDIATE);
        assertThat(leaf.notBefore()).isEqualTo(NOW.minusSeconds(60));
        assertThat(leaf.notAfter()).isEqualTo(NOW.plus(LEAF_TTL));
    }

    @Test
    void leafIsCappedAtTheIssuersNotAfter() {
        Validity shortIssuer = new Validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofHours(5)));
        Validity leaf = Lifetimes.issued(NOW, LEAF_TTL, shortIssuer);
        assertThat(leaf.notAfter()).isEqualTo(shortIssuer.notAfter());
    }

    @Test
    void issuerExactlyAtItsNotAfterStillSignsAZeroRemainingCertificate() {
        Validity endingNow = new Validity(NOW.minus(Duration.ofDays(1)), NOW);
        Validity leaf = Lifetimes.issued(NOW, LEAF_TTL, endingNow);
        assertThat(leaf.notAfter()).isEqualTo(NOW);
        assertThat(leaf.notBefore()).isEqualTo(NOW.minusSeconds(60));
    }

    @Test
    void refusesToIssueWithAnIssuerExpiredOneNanosecondAgo() {
        Validity expired = new Validity(NOW.minus(Duration.ofDays(1)), NOW.minusNanos(1));
        assertThatThrownBy(() -> Lifetimes.issued(NOW, LEAF_TTL, expired))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("issuer expired at 2026-03-01T11:59:59.999999999Z and cannot sign at 2026-03-01T12:00:00Z");
    }

    @Test
    void refusesToIssueWithAnIssuerNotYetValid() {
        Validity future = new Validity(NOW.plusNanos(1), NOW.plus(Duration.ofDays(1)));
        assertThatThrownBy(() -> Lifetimes.issued(NOW, LEAF_TTL, future))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("issuer is not valid before 2026-03-01T12:00:00.000000001Z and cannot sign at 2026-03-01T12:00:00Z");
    }

    @Test
    void refusesNonPositiveTtls() {
        assertThatThrownBy(() -> Lifetimes.issued(NOW, Duration.ZERO, INTERMEDIATE))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("ttl must be positive: PT0S");
        assertThatThrownBy(() -> Lifetimes.root(NOW, Duration.ofNanos(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("root cert ttl must be positive: PT-0.000000001S");
    }

    @Test
    void crossSignedRunsFromNowMinusSkewToTheOldRootsNotAfter() {
        Validity oldRoot = new Validity(NOW.minus(Duration.ofDays(3000)), NOW.plus(Duration.ofDays(650)));
        Validity cross = Lifetimes.crossSigned(NOW, oldRoot);
        assertThat(cross.notBefore()).isEqualTo(NOW.minusSeconds(60));
        assertThat(cross.notAfter()).isEqualTo(oldRoot.notAfter());
    }

    @Test
    void crossSignedIsAllowedAtTheOldRootsLastValidInstant() {
        Validity oldRoot = new Validity(NOW.minus(Duration.ofDays(3000)), NOW);
        assertThat(Lifetimes.crossSigned(NOW, oldRoot).notAfter()).isEqualTo(NOW);
    }

    @Test
    void crossSignedIsRefusedOnceTheOldRootHasExpired() {
        Validity oldRoot = new Validity(NOW.minus(Duration.ofDays(3000)), NOW.minusNanos(1));
        assertThatThrownBy(() -> Lifetimes.crossSigned(NOW, oldRoot))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("old root expired at 2026-03-01T11:59:59.999999999Z and cannot sign at 2026-03-01T12:00:00Z");
    }
}
