package dev.meshfed.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.Table;
import dev.meshfed.store.embedded.stream.Change;
import dev.meshfed.core.clock.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Global-table behaviour of the embedded substrate: asynchronous, ordered per item, last writer wins. */
class GlobalTableReplicatorTest {
    private final MutableClock clock = MutableClock.atDefaultStart();
    private final GlobalTableReplicator replicator = new GlobalTableReplicator(Table.CA, clock);
    private final EmbeddedTable dc1 = new EmbeddedTable(Table.CA, "dc1", clock);
    private final EmbeddedTable dc2 = new EmbeddedTable(Table.CA, "dc2", clock);
    private final EmbeddedTable dc3 = new EmbeddedTable(Table.CA, "dc3", clock);
    private final List<Change> dc2Changes = new ArrayList<>();

    GlobalTableReplicatorTest() {
        replicator.addReplica(dc1);
        replicator.addReplica(dc2);
        replicator.addReplica(dc3);
        dc2.addSink(dc2Changes::add);
    }

    private StoredItem item(String owner, String id, long version, String value) {
        return new StoredItem(new ItemKey(owner, "thing", id), version, clock.instant(), null, Map.of("v", Attr.s(value)));
    }

    private static String value(EmbeddedTable t, ItemKey k) {
        return t.get(k, true).map(i -> ((Attr.S) i.body().get("v")).value()).orElse(null);
    }

    @Test
    void writesReachOtherReplicasOnlyWhenDelivered() {
        dc1.put(item("dc1", "a", 1, "one"), 0);
        assertThat(dc2.get(new ItemKey("dc1", "thing", "a"), true)).isEmpty();
        assertThat(replicator.deliverDue()).isEqualTo(2); // to dc2 and dc3
        assertThat(value(dc2, new ItemKey("dc1", "thing", "a"))).isEqualTo("one");
        assertThat(value(dc3, new ItemKey("dc1", "thing", "a"))).isEqualTo("one");
    }

    @Test
    void delayIsMeasuredOnTheInjectedClock() {
        replicator.setDelay(Duration.ofMillis(500));
        dc1.put(item("dc1", "a", 1, "one"), 0);
        assertThat(replicator.deliverDue()).isZero();
        clock.advance(Duration.ofMillis(499));
        assertThat(replicator.deliverDue()).isZero();
        clock.advance(Duration.ofMillis(1));
        assertThat(replicator.deliverDue()).isEqualTo(2);
    }

    @Test
    void twoWritersOnOneItemEndWithTheLaterStampEverywhere() {
        ItemKey k = new ItemKey("dc1", "thing", "a");
        // Below the owner check, two DCs write the same item; dc2's stamp is later.
        dc1.putWithStamp(item("dc1", "a", 5, "from-dc1"), new WriteStamp(1_000, "dc1"));
        dc2.putWithStamp(item("dc1", "a", 5, "from-dc2"), new WriteStamp(2_000, "dc2"));
        replicator.deliverDue();
        assertThat(List.of(value(dc1, k), value(dc2, k), value(dc3, k))).containsOnly("from-dc2");
    }

    @Test
    void equalStampsBreakTiesByWriterSoEveryReplicaAgrees() {
        ItemKey k = new ItemKey("dc1", "thing", "a");
        dc1.putWithStamp(item("dc1", "a", 5, "from-dc1"), new WriteStamp(1_000, "dc1"));
        dc3.putWithStamp(item("dc1", "a", 5, "from-dc3"), new WriteStamp(1_000, "dc3"));
        replicator.deliverDue();
        assertThat(List.of(value(dc1, k), value(dc2, k), value(dc3, k))).containsOnly("from-dc3");
    }

    @Test
    void pausedDcCatchesUpInOrderOnResume() {
        replicator.pause("dc2");
        dc1.put(item("dc1", "a", 1, "v1"), 0);
        dc1.put(item("dc1", "a", 2, "v2"), 1);
        dc1.put(item("dc1", "b", 1, "b1"), 0);
        dc1.put(item("dc1", "a", 3, "v3"), 2);
        replicator.deliverDue();
        assertThat(dc2Changes).isEmpty();
        assertThat(value(dc3, new ItemKey("dc1", "thing", "a"))).isEqualTo("v3");

        replicator.resume("dc2");
        replicator.deliverDue();
        assertThat(dc2Changes).extracting(c -> ((Attr.S) c.newImage().body().get("v")).value())
                .containsExactly("v1", "v2", "b1", "v3");
        assertThat(dc2Changes.get(1).oldImage().version()).isEqualTo(1);
    }

    @Test
    void aPausedDcsOwnWritesWaitToo() {
        replicator.pause("dc2");
        dc2.put(item("dc2", "x", 1, "x1"), 0);
        replicator.deliverDue();
        assertThat(dc1.get(new ItemKey("dc2", "thing", "x"), true)).isEmpty();
        replicator.resume("dc2");
        replicator.deliverDue();
        assertThat(value(dc1, new ItemKey("dc2", "thing", "x"))).isEqualTo("x1");
    }

    @Test
    void deletesReplicateAndALateOlderWriteCannotResurrectTheItem() {
        ItemKey k = new ItemKey("dc1", "thing", "a");
        dc1.putWithStamp(item("dc1", "a", 1, "old"), new WriteStamp(1_000, "dc1"));
        replicator.deliverDue();
        dc1.delete(k, 1);
        replicator.deliverDue();
        assertThat(dc2.get(k, true)).isEmpty();
        assertThat(dc2Changes).extracting(c -> c.newImage() == null ? "REMOVE" : "PUT").containsExactly("PUT", "REMOVE");
        // an older write (stamp before the delete) arriving late is discarded
        dc2.applyReplicated(new Replicated(k, item("dc1", "a", 1, "old"), new WriteStamp(1_000, "dc1")));
        assertThat(dc2.get(k, true)).isEmpty();
    }

    @Test
    void aReplicaAddedLaterIsSeededWithExistingItems() {
        dc1.put(item("dc1", "a", 1, "one"), 0);
        replicator.deliverDue();
        EmbeddedTable dc4 = new EmbeddedTable(Table.CA, "dc4", clock);
        replicator.addReplica(dc4);
        assertThat(value(dc4, new ItemKey("dc1", "thing", "a"))).isEqualTo("one");
        dc1.put(item("dc1", "a", 2, "two"), 1);
        replicator.deliverDue();
        assertThat(value(dc4, new ItemKey("dc1", "thing", "a"))).isEqualTo("two");
    }

    @Test
    void regionalTablesCannotBeReplicated() {
        assertThatThrownBy(() -> new GlobalTableReplicator(Table.PRIVATE, clock)).isInstanceOf(IllegalArgumentException.class);
    }
}
