package dev.meshfed.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.ca.Membership;
import dev.meshfed.core.store.OwnershipViolation;
import dev.meshfed.core.store.Table;
import dev.meshfed.core.clock.MutableClock;
import dev.meshfed.testkit.store.StoreSamples;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Several DCs on the embedded substrate: typed writes replicate, partitions hold them back, late joiners catch up. */
class EmbeddedFederationTest {
    private final MutableClock clock = MutableClock.atDefaultStart();
    private final EmbeddedFederation fed = new EmbeddedFederation(List.of("dc1", "dc2", "dc3"), "dc1", clock);

    @Test
    void primaryWritesReachEverySecondaryAfterSettling() {
        var bundle = StoreSamples.rotatedBundle(clock.instant());
        fed.dc("dc1").caStore().putBundle(bundle, 0);
        assertThat(fed.dc("dc2").caStore().bundle(false)).isEmpty();
        fed.settle();
        assertThat(fed.dc("dc2").caStore().bundle(false).orElseThrow().value()).isEqualTo(bundle);
        assertThat(fed.dc("dc3").caStore().bundle(false).orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void aPartitionedSecondaryKeepsItsOldStateUntilHealed() {
        fed.dc("dc1").caStore().putMembership(new Membership(List.of()), 0);
        fed.settle();
        fed.partition("dc2");
        fed.dc("dc1").caStore().putMembership(new Membership(List.of(new Membership.Member("dc2", "k"))), 1);
        fed.settle();
        assertThat(fed.dc("dc2").caStore().membership(false).orElseThrow().version()).isEqualTo(1);
        assertThat(fed.dc("dc3").caStore().membership(false).orElseThrow().version()).isEqualTo(2);
        fed.heal();
        fed.settle();
        assertThat(fed.dc("dc2").caStore().membership(false).orElseThrow().version()).isEqualTo(2);
    }

    @Test
    void replicationDelayHoldsChangesUntilTheClockPassesIt() {
        fed.setReplicationDelay(Duration.ofSeconds(2));
        fed.dc("dc1").caStore().putMembership(new Membership(List.of()), 0);
        assertThat(fed.settle()).isZero();
        clock.advance(Duration.ofSeconds(2));
        assertThat(fed.settle()).isEqualTo(2);
    }

    @Test
    void aLateJoinerStartsWithEverythingAlreadyReplicated() {
        fed.dc("dc1").caStore().putBundle(StoreSamples.rotatedBundle(clock.instant()), 0);
        fed.settle();
        var dc4 = fed.addDatacenter("dc4");
        assertThat(dc4.caStore().bundle(false)).isPresent();
    }

    @Test
    void privateTablesAreNeverReplicatedAndOwnersAreEnforced() {
        fed.dc("dc2").privateStore().bumpChangeIndex();
        fed.settle();
        assertThat(fed.dc("dc1").table(Table.PRIVATE).snapshot()).isEmpty();
        assertThat(fed.dc("dc3").privateStore().changeIndex()).isZero();
        assertThatThrownBy(() -> fed.dc("dc2").caStore().putMembership(new Membership(List.of()), 0))
                .isInstanceOf(OwnershipViolation.class);
        assertThatThrownBy(() -> fed.replicator(Table.PRIVATE)).isInstanceOf(IllegalArgumentException.class);
    }
}
