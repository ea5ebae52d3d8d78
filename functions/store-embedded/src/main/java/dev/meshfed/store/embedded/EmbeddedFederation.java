package dev.meshfed.store.embedded;

import dev.meshfed.core.store.CaStore;
import dev.meshfed.core.store.IntentionStore;
import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.core.store.Table;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import dev.meshfed.store.embedded.schedule.TickScheduler;
import dev.meshfed.store.embedded.stream.StreamFeed;
import dev.meshfed.store.embedded.stream.StreamSubscriber;
import dev.meshfed.stream.events.StreamSource;

/**
 * Several DCs' storage on one machine, behaving like AWS: per DC a replica of the CA and
 * intentions tables (global, replicated by a {@link GlobalTableReplicator} each) and a private
 * table (regional). It is the substrate of {@code meshfed dev} and of multi-DC tests, with the
 * controls both need: partition and heal a DC, replication delay, stream subscriptions (one
 * {@link StreamFeed} per DC and global table, as one event source mapping per table), a
 * {@link TickScheduler} on the same clock, and {@link #settle()} to run replication, feeds and
 * due ticks until nothing more is due.
 */
public final class EmbeddedFederation {

    /** One DC's tables and typed stores. */
    public static final class Dc {
        private final String name;
        private final EmbeddedTable ca;
        private final EmbeddedTable intentions;
        private final EmbeddedTable privateTable;
        private final CaStore caStore;
        private final IntentionStore intentionStore;
        private final PrivateStore privateStore;

        Dc(String name, String primary, Clock clock) {
            this.name = name;
            this.ca = new EmbeddedTable(Table.CA, name, clock);
            this.intentions = new EmbeddedTable(Table.INTENTIONS, name, clock);
            this.privateTable = new EmbeddedTable(Table.PRIVATE, name, clock);
            this.caStore = new CaStore(ca, name, primary, clock);
            this.intentionStore = new IntentionStore(intentions, name, primary, clock);
            this.privateStore = new PrivateStore(privateTable, name, clock);
        }

        public String name() {
            return name;
        }

        /** This DC's replica of a table (raw: no owner guard; use the typed stores to write). */
        public EmbeddedTable table(Table t) {
            return switch (t) {
                case CA -> ca;
                case INTENTIONS -> intentions;
                case PRIVATE -> privateTable;
            };
        }

        public CaStore caStore() {
            return caStore;
        }

        public IntentionStore intentionStore() {
            return intentionStore;
        }

        public PrivateStore privateStore() {
            return privateStore;
        }
    }

    private final Clock clock;
    private final String primary;
    private final Map<String, Dc> dcs = new LinkedHashMap<>();
    private final GlobalTableReplicator caReplicator;
    private final GlobalTableReplicator intentionsReplicator;
    private final Set<String> partitioned = ConcurrentHashMap.newKeySet();
    private final List<StreamFeed> feeds = new CopyOnWriteArrayList<>();
    private final TickScheduler scheduler;

    /**
     * @param datacenters DC names, the primary among them
     */
    public EmbeddedFederation(List<String> datacenters, String primary, Clock clock) {
        if (!datacenters.contains(primary)) {
            throw new IllegalArgumentException("the primary " + primary + " is not one of the datacenters");
        }
        this.clock = clock;
        this.primary = primary;
        this.caReplicator = new GlobalTableReplicator(Table.CA, clock);
        this.intentionsReplicator = new GlobalTableReplicator(Table.INTENTIONS, clock);
        this.scheduler = new TickScheduler(clock);
        datacenters.forEach(this::addDatacenter);
    }

    /** Adds a DC (a late joiner): its global replicas are seeded from the others, as adding a replica region does. */
    public Dc addDatacenter(String name) {
        if (dcs.containsKey(name)) {
            throw new IllegalArgumentException("datacenter " + name + " exists");
        }
        Dc dc = new Dc(name, primary, clock);
        caReplicator.addReplica(dc.ca);
        intentionsReplicator.addReplica(dc.intentions);
        dcs.put(name, dc);
        return dc;
    }

    public Clock clock() {
        return clock;
    }

    public String primary() {
        return primary;
    }

    public Dc dc(String name) {
        Dc dc = dcs.get(name);
        if (dc == null) {
            throw new IllegalArgumentException("no datacenter " + name);
        }
        return dc;
    }

    public List<Dc> datacenters() {
        return Collections.unmodifiableList(new ArrayList<>(dcs.values()));
    }

    public GlobalTableReplicator replicator(Table table) {
        return switch (table) {
            case CA -> caReplicator;
            case INTENTIONS -> intentionsReplicator;
            case PRIVATE -> throw new IllegalArgumentException("the private table is not replicated");
        };
    }

    /** Cuts {@code dc} off: no replication to or from it until {@link #heal()}. */
    public void partition(String dc) {
        dc(dc);
        partitioned.add(dc);
        caReplicator.pause(dc);
        intentionsReplicator.pause(dc);
    }

    /** Ends every partition; queued changes flow in order on the next delivery. */
    public void heal() {
        for (String dc : List.copyOf(partitioned)) {
            caReplicator.resume(dc);
            intentionsReplicator.resume(dc);
            partitioned.remove(dc);
        }
    }

    public boolean isPartitioned(String dc) {
        return partitioned.contains(dc);
    }

    /** The periodic triggers of every DC, on the federation's clock. */
    public TickScheduler scheduler() {
        return scheduler;
    }

    /**
     * Subscribes {@code subscriber} to the stream of {@code dc}'s replica of {@code table}: every
     * change of that replica, local or replicated, becomes a stream record delivered to it.
     *
     * @param options adjusts the feed (batch size, retries, duplicate delivery, failure destination)
     */
    public StreamFeed subscribe(String dc, Table table, StreamSubscriber subscriber,
            UnaryOperator<StreamFeed.Builder> options) {
        Dc d = dc(dc);
        StreamSource source = StreamSource.of("local-" + dc, "meshfed-" + table.name().toLowerCase(java.util.Locale.ROOT),
                java.time.Instant.EPOCH);
        StreamFeed feed = options.apply(StreamFeed.builder(table, dc, source, subscriber).clock(clock)).build();
        d.table(table).addSink(feed);
        feeds.add(feed);
        return feed;
    }

    public List<StreamFeed> feeds() {
        return List.copyOf(feeds);
    }

    public void setReplicationDelay(Duration delay) {
        caReplicator.setDelay(delay);
        intentionsReplicator.setDelay(delay);
    }

    /**
     * Delivers replication, stream records and due ticks until nothing more is due now (each step
     * can make more work due, e.g. a stream handler that writes); bounded so that a feedback loop
     * fails loudly instead of spinning.
     *
     * @return how many replicated changes and stream records were delivered
     */
    public int settle() {
        int total = 0;
        for (int round = 0; round < 10_000; round++) {
            scheduler.runDue();
            int n = caReplicator.deliverDue() + intentionsReplicator.deliverDue();
            boolean retried = false;
            for (StreamFeed feed : feeds) {
                long before = feed.status().invocations();
                n += feed.deliverAvailable();
                // a failed batch delivers nothing but is progress: its retry may be due at once
                retried |= feed.status().invocations() > before;
            }
            if (n == 0 && !retried) {
                return total;
            }
            total += n;
        }
        throw new IllegalStateException("the federation did not settle: replication or stream handlers keep making work");
    }

    /** Starts background delivery for {@code meshfed dev}: replication, feeds and ticks on real time. */
    public void startBackground(Duration pollInterval) {
        feeds.forEach(StreamFeed::start);
        scheduler.start(pollInterval);
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                caReplicator.deliverDue();
                intentionsReplicator.deliverDue();
                try {
                    Thread.sleep(Math.max(1, pollInterval.toMillis()));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "meshfed-replicator");
        t.setDaemon(true);
        replicatorThread = t;
        t.start();
    }

    /** Stops background delivery and every feed. */
    public void close() {
        if (replicatorThread != null) {
            replicatorThread.interrupt();
        }
        feeds.forEach(StreamFeed::close);
        scheduler.close();
    }

    private volatile Thread replicatorThread;
}
