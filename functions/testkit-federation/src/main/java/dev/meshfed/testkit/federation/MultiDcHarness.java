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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * N DCs on the embedded substrate for multi-DC tests: a {@link MutableClock} shared by every DC,
 * replication, stream feeds and ticks driven synchronously by {@link #settle()}, and the faults a
 * distributed test needs: partitions, replication delay, duplicate stream delivery, clock jumps.
 *
 * <p>Built with a data directory the federation is durable ({@link EmbeddedFederation#open}, as
 * {@code meshfed dev --data-dir}) and can {@link #restartProcess()}: it is closed and reopened from
 * the directory as a stopped and restarted {@code meshfed dev} process would be (every in-memory
 * state gone: pending replication, undelivered stream records, feed positions, tick schedules).
 * The harness then subscribes the same subscribers and registers the same ticks
 * ({@link #tick}) again, as the new process's wiring does. Partitions and the replication delay
 * are the network's, not the process's: they are applied again.
 */
public final class MultiDcHarness implements AutoCloseable {
    private record Subscription(String dc, Table table, StreamSubscriber subscriber, boolean duplicates, int retries) {
    }

    private record Tick(String name, Duration interval, Duration firstDelay, Runnable action) {
    }

    private final List<String> datacenters;
    private final String primary;
    private final MutableClock clock = MutableClock.atDefaultStart();
    /** Null in memory. */
    private final Path dataDir;
    private final List<FailedBatch> failures = Collections.synchronizedList(new ArrayList<>());
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final List<Tick> ticks = new CopyOnWriteArrayList<>();
    private volatile EmbeddedFederation federation;
    private volatile boolean duplicateDelivery;
    private volatile int maximumRetryAttempts = 3;
    private volatile Duration replicationDelay = Duration.ZERO;
    private int restarts;
    /** Runs on the data directory between close and reopen (a harness test's deliberately broken restart). */
    private volatile Consumer<Path> betweenRestarts = dir -> { };

    /** In memory. */
    public MultiDcHarness(List<String> datacenters, String primary) {
        this(datacenters, primary, null);
    }

    /** Durable over {@code dataDir} when it is not null (created if missing), else in memory. */
    public MultiDcHarness(List<String> datacenters, String primary, Path dataDir) {
        this.datacenters = List.copyOf(datacenters);
        this.primary = primary;
        this.dataDir = dataDir;
        this.federation = open();
    }

    /** dc1 (primary) and dc2. */
    public static MultiDcHarness twoDcs() {
        return new MultiDcHarness(List.of("dc1", "dc2"), "dc1");
    }

    private EmbeddedFederation open() {
        return dataDir == null ? new EmbeddedFederation(datacenters, primary, clock)
                : EmbeddedFederation.open(datacenters, primary, clock, dataDir);
    }

    public MutableClock clock() {
        return clock;
    }

    /** The federation of the current process (a {@link #restartProcess()} replaces it). */
    public EmbeddedFederation federation() {
        return federation;
    }

    public EmbeddedFederation.Dc dc(String name) {
        return federation.dc(name);
    }

    /** The data directory of a durable harness. */
    public Optional<Path> dataDir() {
        return Optional.ofNullable(dataDir);
    }

    /** How many times {@link #restartProcess()} ran. */
    public int restarts() {
        return restarts;
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
        Subscription s = new Subscription(dc, table, subscriber, duplicateDelivery, maximumRetryAttempts);
        subscriptions.add(s);
        return subscribe(federation, s);
    }

    private StreamFeed subscribe(EmbeddedFederation fed, Subscription s) {
        return fed.subscribe(s.dc(), s.table(), s.subscriber(), b -> b.duplicateDelivery(s.duplicates())
                .maximumRetryAttempts(s.retries()).retryBackoff(Duration.ZERO, Duration.ZERO).onFailure(failures::add));
    }

    /** Registers a tick that a {@link #restartProcess()} registers again (as a new process's wiring does). */
    public void tick(String name, Duration interval, Duration firstDelay, Runnable action) {
        Tick t = new Tick(name, interval, firstDelay, action);
        ticks.add(t);
        federation.scheduler().register(t.name(), t.interval(), t.firstDelay(), t.action());
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
        replicationDelay = d;
        federation.setReplicationDelay(d);
    }

    /**
     * Stops the process and starts it again over the data directory: closes the federation (every
     * journal is forced and closed, the directory released), reopens it (each replica reloaded from
     * its journal, anti-entropy across the global tables), then subscribes and registers again.
     * Callers rebuild their functions over the new tables.
     *
     * @throws IllegalStateException in memory: there is nothing to restart from
     */
    public void restartProcess() {
        if (dataDir == null) {
            throw new IllegalStateException("an in-memory federation cannot be restarted");
        }
        List<String> partitioned = datacenters.stream().filter(federation::isPartitioned).toList();
        federation.close();
        betweenRestarts.accept(dataDir);
        EmbeddedFederation reopened = open();
        reopened.setReplicationDelay(replicationDelay);
        partitioned.forEach(reopened::partition);
        for (Subscription s : subscriptions) {
            subscribe(reopened, s);
        }
        for (Tick t : ticks) {
            reopened.scheduler().register(t.name(), t.interval(), t.firstDelay(), t.action());
        }
        federation = reopened;
        restarts++;
    }

    /**
     * Test-only: {@code action} runs on the data directory while the process is down, on every
     * {@link #restartProcess()} (a harness test breaks the restart with it to show the check fails).
     */
    public void betweenRestarts(Consumer<Path> action) {
        this.betweenRestarts = action;
    }

    /** Stops delivery and (durable) closes the journals and releases the directory. */
    @Override
    public void close() {
        federation.close();
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
