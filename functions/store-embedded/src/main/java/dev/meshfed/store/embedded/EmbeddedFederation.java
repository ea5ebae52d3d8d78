package dev.meshfed.store.embedded;

import dev.meshfed.core.store.CaStore;
import dev.meshfed.core.store.IntentionStore;
import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.core.store.Table;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 *
 * <p>Built with {@link #open(List, String, Clock, Path)} it is durable: every replica journals
 * its changes under the data directory ({@link ReplicaJournal}, {@link DataDirectory}) and is
 * reloaded from its journal on open, before anything can read it; an anti-entropy pass then
 * brings every global replica to the latest version of every key, so a write acknowledged in one
 * DC but still queued for replication when the process died reaches the others. Stream records
 * are not replayed after a restart: functions re-drive from their ticks, as they must after
 * DynamoDB's 24-hour stream retention. Built with the plain constructor it lives in memory only
 * and touches no disk.
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
            this(name, primary, clock, t -> new EmbeddedTable(t, name, clock));
        }

        Dc(String name, String primary, Clock clock, java.util.function.Function<Table, EmbeddedTable> tables) {
            this.name = name;
            this.ca = tables.apply(Table.CA);
            this.intentions = tables.apply(Table.INTENTIONS);
            this.privateTable = tables.apply(Table.PRIVATE);
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
    /** Null in memory. */
    private final DataDirectory dataDir;
    private final long compactAfterBytes;

    /**
     * @param datacenters DC names, the primary among them
     */
    public EmbeddedFederation(List<String> datacenters, String primary, Clock clock) {
        this(requirePrimary(datacenters, primary), clock, null, 0);
        datacenters.forEach(this::addDatacenter);
    }

    private static String requirePrimary(List<String> datacenters, String primary) {
        if (!datacenters.contains(primary)) {
            throw new IllegalArgumentException("the primary " + primary + " is not one of the datacenters");
        }
        return primary;
    }

    /** No DCs yet: the callers add them. */
    private EmbeddedFederation(String primary, Clock clock, DataDirectory dataDir, long compactAfterBytes) {
        this.clock = clock;
        this.primary = primary;
        this.dataDir = dataDir;
        this.compactAfterBytes = compactAfterBytes;
        this.caReplicator = new GlobalTableReplicator(Table.CA, clock);
        this.intentionsReplicator = new GlobalTableReplicator(Table.INTENTIONS, clock);
        this.scheduler = new TickScheduler(clock);
    }

    /**
     * A durable federation over {@code dataDir} ({@code meshfed dev --data-dir}): creates the
     * directory owner-only if missing, locks it against a second process, checks the recorded
     * datacenters and primary, reloads every replica from its journal and runs
     * {@link GlobalTableReplicator#antiEntropy()} on both global tables. Every write that returns
     * is on disk. {@link #close()} releases the directory.
     *
     * @throws IllegalArgumentException when {@code primary} differs from the recorded one, a
     *     recorded datacenter is missing from {@code datacenters} (adding is allowed), or a name
     *     cannot be a directory name
     * @throws IllegalStateException when another process holds the directory, or a journal is not
     *     a meshfed journal of a format this build reads
     */
    public static EmbeddedFederation open(List<String> datacenters, String primary, Clock clock, Path dataDir) {
        return open(datacenters, primary, clock, dataDir, ReplicaJournal.COMPACT_AFTER_BYTES);
    }

    /** {@link #open(List, String, Clock, Path)} with another compaction threshold (tests). */
    static EmbeddedFederation open(List<String> datacenters, String primary, Clock clock, Path dataDir,
            long compactAfterBytes) {
        requirePrimary(datacenters, primary);
        datacenters.forEach(DataDirectory::requireDcName);
        DataDirectory dir = DataDirectory.lock(dataDir);
        EmbeddedFederation fed = new EmbeddedFederation(primary, clock, dir, compactAfterBytes);
        try {
            dir.checkAndRecord(datacenters, primary);
            datacenters.forEach(fed::addDatacenter);
            fed.caReplicator.antiEntropy();
            fed.intentionsReplicator.antiEntropy();
            return fed;
        } catch (RuntimeException e) {
            try {
                fed.close(); // the journals opened so far, and the lock
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The data directory of a durable federation; empty in memory. */
    public Optional<Path> dataDir() {
        return Optional.ofNullable(dataDir).map(DataDirectory::root);
    }

    /** Adds a DC (a late joiner): its global replicas are seeded from the others, as adding a replica region does. */
    public Dc addDatacenter(String name) {
        if (dcs.containsKey(name)) {
            throw new IllegalArgumentException("datacenter " + name + " exists");
        }
        if (dataDir != null && closed.get()) {
            throw new IllegalStateException("the federation over " + dataDir.root() + " is closed");
        }
        Dc dc;
        if (dataDir == null) {
            dc = new Dc(name, primary, clock);
        } else {
            DataDirectory.requireDcName(name);
            dataDir.recordDatacenter(name, primary);
            Path dir = dataDir.datacenter(name);
            List<EmbeddedTable> opened = new ArrayList<>();
            try {
                dc = new Dc(name, primary, clock, t -> {
                    EmbeddedTable et = EmbeddedTable.durable(t, name, clock,
                            dir.resolve(t.name().toLowerCase(java.util.Locale.ROOT) + ".log"), compactAfterBytes);
                    opened.add(et);
                    return et;
                });
            } catch (RuntimeException e) {
                opened.forEach(EmbeddedTable::closeJournal);
                throw e;
            }
        }
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

    /**
     * Stops background delivery and every feed, then (durable) forces and closes every journal and
     * releases the data directory. Idempotent; writes after it fail on a durable federation.
     */
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        Thread t = replicatorThread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(1_000); // so that no replicated write is applied to a closed journal
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        feeds.forEach(StreamFeed::close);
        scheduler.close();
        if (dataDir != null) {
            RuntimeException failure = null;
            for (Dc dc : dcs.values()) {
                for (Table table : Table.values()) {
                    try {
                        dc.table(table).closeJournal();
                    } catch (RuntimeException e) {
                        failure = failure == null ? e : failure;
                    }
                }
            }
            dataDir.close();
            if (failure != null) {
                throw failure;
            }
        }
    }

    private volatile Thread replicatorThread;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
}
