package dev.meshfed.testkit.federation;

import dev.meshfed.core.store.Table;
import dev.meshfed.core.store.UndecodableItem;
import dev.meshfed.store.embedded.EmbeddedFederation;
import dev.meshfed.store.embedded.stream.BatchResult;
import dev.meshfed.store.embedded.stream.FailedBatch;
import dev.meshfed.store.embedded.stream.StreamFeed;
import dev.meshfed.store.embedded.stream.StreamSubscriber;
import dev.meshfed.stream.events.DecodedChange;
import dev.meshfed.stream.events.StreamRecords;
import dev.meshfed.core.clock.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * N DCs on the embedded substrate for multi-DC tests: a {@link MutableClock} shared by every DC,
 * replication, stream feeds and ticks driven synchronously by {@link #settle()}, and the faults a
 * distributed test needs: partitions, replication delay, duplicate stream delivery, clock jumps.
 */
public final class MultiDcHarness {
    private final MutableClock clock;
    private final EmbeddedFederation federation;
    private final List<FailedBatch> failures = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean duplicateDelivery;
    private volatile int maximumRetryAttempts = 3;

    public MultiDcHarness(List<String> datacenters, String primary) {
        this.clock = MutableClock.atDefaultStart();
        this.federation = new EmbeddedFederation(datacenters, primary, clock);
    }

    /** dc1 (primary) and dc2. */
    public static MultiDcHarness twoDcs() {
        return new MultiDcHarness(List.of("dc1", "dc2"), "dc1");
    }

    public MutableClock clock() {
        return clock;
    }

    public EmbeddedFederation federation() {
        return federation;
    }

    public EmbeddedFederation.Dc dc(String name) {
        return federation.dc(name);
    }

    /** Feeds subscribed from now on deliver every batch twice (at-least-once delivery). */
    public MultiDcHarness duplicateDelivery(boolean on) {
        this.duplicateDelivery = on;
        return this;
    }

    /** Retries before a failing batch goes to the failure destination, for feeds subscribed from now on. */
    public MultiDcHarness maximumRetryAttempts(int n) {
        this.maximumRetryAttempts = n;
        return this;
    }

    /** Subscribes to a DC's stream of a table with the harness's delivery options; retries back off by zero. */
    public StreamFeed subscribe(String dc, Table table, StreamSubscriber subscriber) {
        return federation.subscribe(dc, table, subscriber, b -> b.duplicateDelivery(duplicateDelivery)
                .maximumRetryAttempts(maximumRetryAttempts).retryBackoff(Duration.ZERO, Duration.ZERO)
                .onFailure(failures::add));
    }

    /** A subscriber that decodes and keeps every record it is given, for assertions. */
    public Recorder record(String dc, Table table) {
        Recorder r = new Recorder();
        subscribe(dc, table, r);
        return r;
    }

    /** Batches that exhausted their retries, as the on-failure destination received them. */
    public List<FailedBatch> failures() {
        return List.copyOf(failures);
    }

    public int settle() {
        return federation.settle();
    }

    /** Moves every DC's clock forward, then settles. */
    public int advance(Duration d) {
        clock.advance(d);
        return settle();
    }

    public void partition(String dc) {
        federation.partition(dc);
    }

    public void heal() {
        federation.heal();
    }

    public void replicationDelay(Duration d) {
        federation.setReplicationDelay(d);
    }

    /** Keeps decoded records (and undecodable ones as errors) in delivery order. */
    public static final class Recorder implements StreamSubscriber {
        private final List<DecodedChange> changes = Collections.synchronizedList(new ArrayList<>());
        private final List<UndecodableItem> errors = Collections.synchronizedList(new ArrayList<>());

        @Override
        public BatchResult handle(List<com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord> batch) {
            for (var r : batch) {
                try {
                    changes.add(StreamRecords.decode(r));
                } catch (UndecodableItem e) {
                    errors.add(e);
                }
            }
            return BatchResult.success();
        }

        public List<DecodedChange> changes() {
            return List.copyOf(changes);
        }

        public List<UndecodableItem> errors() {
            return List.copyOf(errors);
        }
    }
}
