package dev.meshfed.app.intentions;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import dev.meshfed.app.stream.QuarantiningConsumer;
import dev.meshfed.core.intentions.Intention;
import dev.meshfed.core.intentions.IntentionItem;
import dev.meshfed.core.store.IntentionStore;
import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.core.store.Table;
import dev.meshfed.core.store.Versioned;
import dev.meshfed.store.embedded.EmbeddedFederation;
import dev.meshfed.store.embedded.stream.BatchResult;
import dev.meshfed.store.embedded.stream.StreamSubscriber;
import dev.meshfed.testkit.federation.MultiDcHarness;
import dev.meshfed.testkit.metrics.RecordingMetrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A multi-DC harness with a {@link ReplicateIntentions} per started DC, behind the
 * {@link QuarantiningConsumer} the stream deployable uses, subscribed one record at a time to its
 * DC's intentions-table stream; the reconcile tick registered on the federation's scheduler only
 * when asked. Writes intention items as the primary's IntentionService would: versions from one
 * counter, tombstones on delete. Every function and consumer it builds reports to one
 * {@link RecordingMetrics}, which refuses dimensions outside the bound: every test here checks that.
 */
final class ReplicationFederation {
    final MultiDcHarness harness;
    final RecordingMetrics metrics = new RecordingMetrics();
    private long counter;

    ReplicationFederation(String... dcs) {
        this.harness = new MultiDcHarness(List.of(dcs), dcs[0]);
    }

    String primary() {
        return harness.federation().primary();
    }

    EmbeddedFederation.Dc dc(String name) {
        return harness.dc(name);
    }

    ReplicateIntentions function(String dc) {
        return new ReplicateIntentions(dc(dc).intentionStore(), dc(dc).privateStore(), dc, primary(), harness.clock(),
                metrics);
    }

    QuarantiningConsumer consumer(String dc, ReplicateIntentions f) {
        return new QuarantiningConsumer(Table.INTENTIONS, f::onRecord, dc(dc).privateStore(), dc, harness.clock(),
                metrics);
    }

    /** Subscribes {@code dc}'s function to its intentions stream (no tick). */
    ReplicateIntentions start(String dc) {
        ReplicateIntentions f = function(dc);
        QuarantiningConsumer c = consumer(dc, f);
        harness.subscribe(dc, Table.INTENTIONS, StreamSubscriber.perRecord(c::onRecord));
        return f;
    }

    /** As {@link #start}, plus the reconcile tick every {@link ReplicateIntentions#RECONCILE_INTERVAL}. */
    ReplicateIntentions startWithTick(String dc) {
        ReplicateIntentions f = start(dc);
        harness.federation().scheduler().register("replicate-intentions-" + dc, ReplicateIntentions.RECONCILE_INTERVAL,
                f::reconcile);
        return f;
    }

    /** A subscriber keeping every raw record of {@code dc}'s intentions stream, to deliver by hand. */
    List<DynamodbEvent.DynamodbStreamRecord> collect(String dc) {
        List<DynamodbEvent.DynamodbStreamRecord> records = Collections.synchronizedList(new ArrayList<>());
        harness.subscribe(dc, Table.INTENTIONS, batch -> {
            records.addAll(batch);
            return BatchResult.success();
        });
        return records;
    }

    static Intention intention(String id, String action, Instant at) {
        return new Intention(id, "default", "web-" + id, "default", "db", null, null, "consul", action, null, null,
                Map.of(), 9, at, at);
    }

    IntentionStore primaryStore() {
        return dc(primary()).intentionStore();
    }

    /** Creates or updates {@code id} in the primary with the next version; returns it. */
    long upsert(String id, String action) {
        long expected = primaryStore().intention(id, true).map(Versioned::version).orElse(0L);
        long v = ++counter;
        primaryStore().putIntention(IntentionItem.live(intention(id, action, harness.clock().instant())), expected, v);
        return v;
    }

    /** Deletes {@code id} in the primary: a tombstone with the next version. */
    long delete(String id) {
        long expected = primaryStore().intention(id, true).orElseThrow().version();
        long v = ++counter;
        primaryStore().putIntention(IntentionItem.tombstone(id, harness.clock().instant()), expected, v);
        return v;
    }

    /** ID → (version, item) of a DC's view. */
    static Map<String, Object> viewOf(PrivateStore p) {
        Map<String, Object> m = new TreeMap<>();
        p.view().forEach(v -> m.put(v.key().id(), List.of(v.version(), v.value())));
        return m;
    }

    /** ID → (version, item) of a DC's replica. */
    static Map<String, Object> replicaOf(IntentionStore s) {
        Map<String, Object> m = new TreeMap<>();
        s.intentions(true).forEach(v -> m.put(v.key().id(), List.of(v.version(), v.value())));
        return m;
    }
}
