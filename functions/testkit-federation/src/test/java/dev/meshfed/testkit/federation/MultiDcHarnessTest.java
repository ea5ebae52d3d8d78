package dev.meshfed.testkit.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.models.dynamodb.OperationType;
import dev.meshfed.core.ca.Membership;
import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.Table;
import dev.meshfed.store.embedded.stream.BatchResult;
import dev.meshfed.core.store.CaStore;
import dev.meshfed.core.store.UndecodableItem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What later issues' multi-DC tests rely on: streams in every DC, in order, at least once, with faults on demand. */
class MultiDcHarnessTest {
    private final MultiDcHarness h = MultiDcHarness.twoDcs();

    private void writeMembership(long expected, String... members) {
        List<Membership.Member> m = new ArrayList<>();
        for (String dc : members) {
            m.add(new Membership.Member(dc, "k-" + dc));
        }
        h.dc("dc1").caStore().putMembership(new Membership(m), expected);
    }

    @Test
    void aSecondarysStreamSeesThePrimarysChangesInOrderWithOldAndNewImages() {
        MultiDcHarness.Recorder dc2 = h.record("dc2", Table.CA);
        MultiDcHarness.Recorder dc1 = h.record("dc1", Table.CA);
        writeMembership(0);
        writeMembership(1, "dc2");
        writeMembership(2, "dc2", "dc3");
        h.settle();
        assertThat(dc2.changes()).extracting(c -> c.eventName())
                .containsExactly(OperationType.INSERT, OperationType.MODIFY, OperationType.MODIFY);
        assertThat(dc2.changes()).extracting(c -> c.newImage().version()).containsExactly(1L, 2L, 3L);
        assertThat(dc2.changes().get(2).oldImage().version()).isEqualTo(2);
        // the writer's own replica streams its writes too
        assertThat(dc1.changes()).hasSize(3);
    }

    @Test
    void duplicateDeliveryGivesEveryRecordAtLeastTwice() {
        h.duplicateDelivery(true);
        MultiDcHarness.Recorder dc2 = h.record("dc2", Table.CA);
        writeMembership(0);
        h.settle();
        assertThat(dc2.changes()).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(c -> assertThat(c.key()).isEqualTo(new ItemKey("dc1", "membership", "current")));
    }

    @Test
    void aReportedFailureIsRetriedAndExhaustedRetriesReachTheFailureDestination() {
        AtomicInteger calls = new AtomicInteger();
        h.maximumRetryAttempts(2);
        h.subscribe("dc2", Table.CA, batch -> {
            calls.incrementAndGet();
            return BatchResult.failed(batch.get(0).getDynamodb().getSequenceNumber());
        });
        writeMembership(0);
        h.settle();
        assertThat(calls.get()).isEqualTo(3); // first try and two retries
        assertThat(h.failures()).singleElement().satisfies(f -> assertThat(f.toJson()).doesNotContain("k-"));
    }

    @Test
    void aPartitionedSecondaryStreamsNothingUntilHealedThenCatchesUpInOrder() {
        MultiDcHarness.Recorder dc2 = h.record("dc2", Table.CA);
        h.partition("dc2");
        writeMembership(0);
        writeMembership(1, "dc2");
        h.settle();
        assertThat(dc2.changes()).isEmpty();
        h.heal();
        h.settle();
        assertThat(dc2.changes()).extracting(c -> c.newImage().version()).containsExactly(1L, 2L);
    }

    @Test
    void replicationDelayIsMeasuredOnTheSharedClock() {
        MultiDcHarness.Recorder dc2 = h.record("dc2", Table.CA);
        h.replicationDelay(Duration.ofMillis(250));
        writeMembership(0);
        h.settle();
        assertThat(dc2.changes()).isEmpty();
        h.advance(Duration.ofMillis(250));
        assertThat(dc2.changes()).hasSize(1);
    }

    @Test
    void anItemWhoseBodyDoesNotDecodeIsReportedWithItsKeyAndTheRecordsBehindItStillArrive() {
        MultiDcHarness.Recorder dc2 = h.record("dc2", Table.CA);
        // below the typed stores: a raw membership item whose body no codec can read
        h.dc("dc1").table(Table.CA).put(new StoredItem(new ItemKey("dc1", "membership", "current"), 1, h.clock().instant(),
                null, Map.of("members", Attr.s("SECRET-LOOKING not a list"))), 0);
        writeMembership(1, "dc2");
        h.settle();

        assertThat(dc2.changes()).hasSize(2);
        var poison = dc2.changes().get(0);
        var codec = CaStore.CODECS.get(poison.key().kind());
        assertThatThrownBy(() -> codec.decode(poison.key(), poison.newImage().body()))
                .isInstanceOfSatisfying(UndecodableItem.class, e -> {
                    assertThat(e.key()).isEqualTo("dc1#membership#current");
                    assertThat(e.getMessage()).doesNotContain("SECRET-LOOKING");
                });
        var next = dc2.changes().get(1);
        assertThat(codec.decode(next.key(), next.newImage().body())).isEqualTo(
                new Membership(List.of(new Membership.Member("dc2", "k-dc2"))));
    }

    @Test
    void ticksRunOnTheSharedClock() {
        AtomicInteger ticks = new AtomicInteger();
        h.federation().scheduler().register("rotate-leaves-tick", Duration.ofMinutes(1), ticks::incrementAndGet);
        h.advance(Duration.ofSeconds(59));
        int before = ticks.get();
        h.advance(Duration.ofSeconds(1));
        assertThat(ticks.get()).isEqualTo(before + 1);
    }
}
