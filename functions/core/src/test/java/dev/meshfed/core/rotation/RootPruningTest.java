package dev.meshfed.core.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.rotation.PruneDecision.Basis;
import dev.meshfed.core.rotation.PruneDecision.Draining;
import dev.meshfed.core.rotation.PruneDecision.Prune;
import dev.meshfed.core.rotation.PruneDecision.StillSigning;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RootPruningTest {

    /** The instant the root rotated out; R1's successor became active here. */
    private static final Instant ROTATED = Instant.parse("2026-06-01T00:00:00Z");
    private static final Duration TTL = Duration.ofHours(72);
    private static final Validity R1 = new Validity(Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2030-01-01T00:00:00Z"));
    private static final Set<String> DCS = Set.of("dc1", "dc2", "dc3");
    private static final Map<String, Duration> TTLS = Map.of("dc1", TTL, "dc2", TTL, "dc3", TTL);

    @Test
    void prunableExactlyWhenTheLastStopPlusTtlPlusSkewIsReached() {
        Map<String, Instant> stopped = Map.of("dc1", ROTATED, "dc2", ROTATED.plusSeconds(30), "dc3", ROTATED.plusSeconds(10));
        Instant drained = ROTATED.plusSeconds(30).plus(TTL).plus(Skew.DEFAULT);

        assertThat(RootPruning.decide(R1, DCS, stopped, TTLS, drained))
                .isEqualTo(new Prune(Basis.DRAINED, drained));
        assertThat(RootPruning.decide(R1, DCS, stopped, TTLS, drained.minusNanos(1)))
                .isEqualTo(new Draining("dc2", drained, drained));
    }

    @Test
    void aDatacenterStillSigningBlocksPruningForever() {
        Map<String, Instant> stopped = Map.of("dc1", ROTATED, "dc3", ROTATED);
        PruneDecision decision = RootPruning.decide(R1, DCS, stopped, TTLS, ROTATED.plus(Duration.ofDays(300)));

        assertThat(decision).isEqualTo(new StillSigning(List.of("dc2"), R1.notAfter().plusNanos(1)));
        assertThat(decision.prunable()).isFalse();
        assertThat(decision.reason()).isEqualTo(
                "datacenter dc2 still signs under the root; it stays until every datacenter has stopped or it expires at 2030-01-01T00:00:00.000000001Z");
    }

    @Test
    void everyStillSigningDatacenterIsNamedInOrder() {
        PruneDecision decision = RootPruning.decide(R1, DCS, Map.of("dc2", ROTATED), TTLS, ROTATED.plus(Duration.ofDays(30)));
        assertThat(decision).isInstanceOfSatisfying(StillSigning.class,
                s -> assertThat(s.datacenters()).containsExactly("dc1", "dc3"));
        assertThat(decision.reason()).startsWith("datacenters dc1, dc3 still sign under the root");
    }

    @Test
    void aSlowDatacenterHoldsTheRootPastConsulsTwiceTheLeafTtl() {
        // dc3 re-keys 100 hours after the rotation (the primary was unreachable from it, say).
        Instant slowStop = ROTATED.plus(Duration.ofHours(100));
        Map<String, Instant> stopped = Map.of("dc1", ROTATED, "dc2", ROTATED.plusSeconds(20), "dc3", slowStop);
        Instant consulWouldPrune = ROTATED.plus(TTL.multipliedBy(2));
        Instant drained = slowStop.plus(TTL).plus(Skew.DEFAULT);

        PruneDecision atConsulsTime = RootPruning.decide(R1, DCS, stopped, TTLS, consulWouldPrune);
        assertThat(atConsulsTime).isEqualTo(new Draining("dc3", drained, drained));
        assertThat(atConsulsTime.reason()).isEqualTo("every datacenter stopped signing under the root; leaves of datacenter dc3"
                + " may be valid until 2026-06-08T04:01:00Z, so pruning is possible at 2026-06-08T04:01:00Z");

        assertThat(RootPruning.decide(R1, DCS, stopped, TTLS, drained).prunable()).isTrue();
    }

    @Test
    void eachDatacentersOwnLeafTtlCounts() {
        // dc2 stops later but has short leaves; dc1's long leaves drain last.
        Map<String, Duration> ttls = Map.of("dc1", Duration.ofHours(72), "dc2", Duration.ofHours(1), "dc3", Duration.ofHours(24));
        Map<String, Instant> stopped = Map.of("dc1", ROTATED, "dc2", ROTATED.plus(Duration.ofHours(10)), "dc3", ROTATED);
        Instant drained = ROTATED.plus(Duration.ofHours(72)).plus(Skew.DEFAULT);

        assertThat(RootPruning.decide(R1, DCS, stopped, ttls, ROTATED.plus(Duration.ofHours(12))))
                .isEqualTo(new Draining("dc1", drained, drained));
    }

    @Test
    void aStopInstantAheadOfOurClockOnlyWaitsLonger() {
        Map<String, Instant> stopped = Map.of("dc1", ROTATED, "dc2", ROTATED, "dc3", ROTATED.plusSeconds(45));
        Instant now = ROTATED.plusSeconds(10);
        assertThat(RootPruning.decide(R1, DCS, stopped, TTLS, now))
                .isInstanceOfSatisfying(Draining.class, d -> assertThat(d.slowestDatacenter()).isEqualTo("dc3"));
    }

    @Test
    void anExpiredRootCanLeaveEvenWhileDatacentersStillSign() {
        Instant oneNanoAfterExpiry = R1.notAfter().plusNanos(1);
        PruneDecision decision = RootPruning.decide(R1, DCS, Map.of(), TTLS, oneNanoAfterExpiry);
        assertThat(decision).isEqualTo(new Prune(Basis.EXPIRED, oneNanoAfterExpiry));
        assertThat(decision.reason()).isEqualTo(
                "root has been expired since 2030-01-01T00:00:00.000000001Z; nothing that chains to it is valid");
    }

    @Test
    void aRootAtItsNotAfterIsNotExpiredYet() {
        assertThat(RootPruning.decide(R1, DCS, Map.of(), TTLS, R1.notAfter()))
                .isInstanceOf(StillSigning.class);
    }

    @Test
    void drainingReportsTheRootsExpiryWhenThatComesFirst() {
        Instant stop = R1.notAfter().minus(Duration.ofHours(1));
        Map<String, Instant> stopped = Map.of("dc1", stop, "dc2", stop, "dc3", stop);
        Instant drained = stop.plus(TTL).plus(Skew.DEFAULT);

        assertThat(RootPruning.decide(R1, DCS, stopped, TTLS, stop))
                .isEqualTo(new Draining("dc1", drained, R1.notAfter().plusNanos(1)));
    }

    @Test
    void datacentersOutsideTheFederationAreIgnored() {
        Map<String, Instant> stopped = new HashMap<>(Map.of("dc1", ROTATED, "dc2", ROTATED, "dc3", ROTATED));
        stopped.put("gone", ROTATED.plus(Duration.ofDays(100)));
        Map<String, Duration> ttls = new HashMap<>(TTLS);
        ttls.put("gone", Duration.ofHours(8760));
        Instant drained = ROTATED.plus(TTL).plus(Skew.DEFAULT);

        assertThat(RootPruning.decide(R1, DCS, stopped, ttls, drained).prunable()).isTrue();
    }

    @Test
    void refusesAnEmptyFederation() {
        assertThatThrownBy(() -> RootPruning.decide(R1, Set.of(), Map.of(), Map.of(), ROTATED))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("datacenters must not be empty: the primary always signs");
    }

    @Test
    void refusesADatacenterWithoutLeafTtlEvenWhenTheRootHasExpired() {
        Map<String, Duration> ttls = Map.of("dc1", TTL, "dc3", TTL);
        assertThatThrownBy(() -> RootPruning.decide(R1, DCS, Map.of(), ttls, R1.notAfter().plusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no leaf cert ttl for datacenter dc2");
    }

    @Test
    void refusesANonPositiveLeafTtl() {
        Map<String, Duration> ttls = Map.of("dc1", TTL, "dc2", Duration.ZERO, "dc3", TTL);
        assertThatThrownBy(() -> RootPruning.decide(R1, DCS, Map.of(), ttls, ROTATED))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("leaf cert ttl of datacenter dc2 must be positive: PT0S");
    }
}
