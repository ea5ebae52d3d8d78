package dev.meshfed.app.intentions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshfed.core.intentions.IntentionItem;
import dev.meshfed.core.metrics.Metrics;
import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.IntentionStore;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.Table;
import dev.meshfed.core.store.codec.IntentionTableCodecs;
import dev.meshfed.store.embedded.EmbeddedTable;
import dev.meshfed.testkit.metrics.RecordingMetrics;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What {@code replicate-intentions} reports as metrics, on the {@link ReplicationFederation}
 * fixtures: one applied count and one lag per apply that changed the view (none for a duplicate
 * or a stale record), one violation per record another DC owns, one quarantine per poison record,
 * one repairs count per reconcile; every event with the DC's name and table INTENTIONS only.
 */
class ReplicateIntentionsMetricsTest {
    private static final Map<String, String> DC2 = Metrics.dimensions("dc2", Table.INTENTIONS);

    @Test
    void each_apply_is_counted_once_with_its_lag_and_duplicates_count_nothing() {
        ReplicationFederation fed = new ReplicationFederation("dc1", "dc2");
        fed.harness.duplicateDelivery(true);
        ReplicateIntentions f = fed.start("dc2");
        fed.harness.replicationDelay(Duration.ofMillis(1500));
        fed.upsert("a", "allow");
        fed.upsert("b", "allow");
        fed.harness.advance(Duration.ofMillis(1500));
        fed.harness.replicationDelay(Duration.ofSeconds(4));
        fed.delete("b");
        fed.harness.advance(Duration.ofSeconds(4));

        RecordingMetrics m = fed.metrics;
        assertThat(m.total(Metrics.INTENTIONS_APPLIED, DC2)).as("3 versions, each delivered twice").isEqualTo(3);
        assertThat(m.events(Metrics.INTENTIONS_REPLICATION_LAG_MS)).extracting(RecordingMetrics.Event::value)
                .containsExactly(1500.0, 1500.0, 4000.0);
        assertThat(m.events(Metrics.INTENTIONS_REPLICATION_LAG_MS)).allSatisfy(e -> {
            assertThat(e.unit()).isEqualTo("Milliseconds");
            assertThat(e.dimensions()).isEqualTo(DC2);
        });
        // the last gauge is the lag the status reports
        assertThat(f.status().lagMillis()).isEqualTo(4000);
        assertThat(m.events(Metrics.INTENTIONS_AUTHORITY_VIOLATIONS)).isEmpty();
        assertThat(m.events(Metrics.STREAM_QUARANTINED)).isEmpty();
    }

    @Test
    void a_record_owned_by_another_dc_is_counted_as_a_violation_and_nothing_else() {
        ReplicationFederation fed = new ReplicationFederation("dc1", "dc2");
        ReplicateIntentions f = fed.start("dc2");
        fed.upsert("a", "allow");
        EmbeddedTable raw = fed.dc("dc2").table(Table.INTENTIONS);
        raw.put(new StoredItem(new ItemKey("dc2", IntentionStore.INTENTION, "evil"), 99, fed.harness.clock().instant(),
                null, IntentionTableCodecs.INTENTION.encode(IntentionItem.live(
                        ReplicationFederation.intention("evil", "allow", fed.harness.clock().instant())))), 0);
        raw.put(new StoredItem(new ItemKey("dc2", IntentionStore.INTENTION, "evil-poison"), 1,
                fed.harness.clock().instant(), null, Map.of("garbage", Attr.s("x"))), 0);
        fed.harness.settle();

        RecordingMetrics m = fed.metrics;
        assertThat(m.total(Metrics.INTENTIONS_AUTHORITY_VIOLATIONS, DC2)).isEqualTo(2)
                .isEqualTo(f.status().authorityViolations());
        assertThat(m.total(Metrics.INTENTIONS_APPLIED, DC2)).isEqualTo(1);
        assertThat(m.events(Metrics.STREAM_QUARANTINED)).isEmpty();
    }

    @Test
    void poison_records_are_counted_as_quarantined_once_each() {
        ReplicationFederation fed = new ReplicationFederation("dc1", "dc2");
        ReplicateIntentions f = fed.start("dc2");
        fed.upsert("a", "allow");
        fed.dc("dc1").table(Table.INTENTIONS).put(new StoredItem(new ItemKey("dc1", IntentionStore.INTENTION, "poison"), 2,
                fed.harness.clock().instant(), null, Map.of("id", Attr.n(5), "deleted", Attr.s("maybe"))), 0);
        fed.upsert("b", "deny");
        fed.harness.settle();

        RecordingMetrics m = fed.metrics;
        assertThat(m.total(Metrics.STREAM_QUARANTINED, DC2)).isEqualTo(1).isEqualTo(f.status().quarantinedRecords());
        assertThat(m.total(Metrics.INTENTIONS_APPLIED, DC2)).isEqualTo(2);
    }

    @Test
    void each_reconcile_reports_its_repairs_zero_included() {
        ReplicationFederation fed = new ReplicationFederation("dc1", "dc2");
        ReplicateIntentions f = fed.function("dc2");
        fed.upsert("a", "allow");
        fed.upsert("b", "allow");
        fed.delete("b");
        fed.harness.settle();
        ReplicateIntentions.ReconcileResult first = f.reconcile();
        ReplicateIntentions.ReconcileResult second = f.reconcile();

        assertThat(fed.metrics.events(Metrics.INTENTIONS_RECONCILE_REPAIRS)).extracting(RecordingMetrics.Event::value)
                .containsExactly((double) first.repairs(), 0.0);
        assertThat(first.repairs()).isEqualTo(2);
        assertThat(fed.metrics.events(Metrics.INTENTIONS_RECONCILE_REPAIRS))
                .allSatisfy(e -> assertThat(e.dimensions()).isEqualTo(DC2));
        assertThat(fed.metrics.events(Metrics.INTENTIONS_APPLIED)).as("reconcile upserts are repairs, not applies")
                .isEmpty();
    }

    @Test
    void no_event_carries_anything_but_the_dc_name_and_the_table() {
        ReplicationFederation fed = new ReplicationFederation("dc1", "dc2", "dc3");
        fed.startWithTick("dc2");
        fed.startWithTick("dc3");
        fed.upsert("a", "allow");
        fed.dc("dc1").table(Table.INTENTIONS).put(new StoredItem(new ItemKey("dc1", IntentionStore.INTENTION, "poison"), 2,
                fed.harness.clock().instant(), null, Map.of("id", Attr.n(5))), 0);
        fed.dc("dc3").table(Table.INTENTIONS).put(new StoredItem(new ItemKey("dc3", IntentionStore.INTENTION, "evil"), 1,
                fed.harness.clock().instant(), null, Map.of("garbage", Attr.s("x"))), 0);
        fed.harness.advance(ReplicateIntentions.RECONCILE_INTERVAL.plusSeconds(1));

        assertThat(fed.metrics.events()).isNotEmpty().allSatisfy(e -> {
            assertThat(e.dimensions().keySet()).containsExactlyInAnyOrder("dc", "table");
            assertThat(e.dimensions().get("dc")).isIn("dc2", "dc3");
            assertThat(e.dimensions().get("table")).isEqualTo("INTENTIONS");
        });
        assertThat(fed.metrics.events()).extracting(RecordingMetrics.Event::name).contains(
                Metrics.INTENTIONS_APPLIED, Metrics.INTENTIONS_REPLICATION_LAG_MS, Metrics.STREAM_QUARANTINED,
                Metrics.INTENTIONS_AUTHORITY_VIOLATIONS, Metrics.INTENTIONS_RECONCILE_REPAIRS);
    }
}
