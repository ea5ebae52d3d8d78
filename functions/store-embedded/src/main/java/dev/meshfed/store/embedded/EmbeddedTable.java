package dev.meshfed.store.embedded;

import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.error.NotFound;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.Page;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.Table;
import dev.meshfed.core.store.TableStore;
import dev.meshfed.store.embedded.stream.Change;
import dev.meshfed.store.embedded.stream.ChangeSink;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One DC's replica of one table, in memory. Conditional writes are checked against this replica
 * only (as DynamoDB global tables evaluate conditions in the region that takes the write); each
 * committed change is stamped with a hidden write time, handed to the change sinks (stream feeds)
 * in commit order, and offered to the replicator. Replicated writes are applied only when their
 * stamp is later than what this replica holds: last writer wins, and every replica picks the same
 * winner. Deletes keep their stamp so an older write arriving late cannot resurrect an item.
 *
 * <p>A durable replica ({@link EmbeddedFederation#open}) also has a {@link ReplicaJournal}: every
 * change of a slot, local or replicated, deletion markers included, is appended and forced to
 * disk before it is applied in memory, so a write that returns is on disk; opening replays the
 * journal before the replica can be read. Stream records are not journaled.
 */
public final class EmbeddedTable implements TableStore {

    /** What a replica holds for a key: the item, or a deletion marker (item null), with its stamp. */
    private record Slot(StoredItem item, WriteStamp stamp) {
    }

    private final Table table;
    private final String datacenter;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final TreeMap<String, TreeMap<String, Slot>> partitions = new TreeMap<>();
    private final List<ChangeSink> sinks = new CopyOnWriteArrayList<>();
    private volatile Consumer<Replicated> replicator = r -> { };
    private long lastMicros;
    /** Null in memory: no disk I/O at all. */
    private ReplicaJournal journal;

    public EmbeddedTable(Table table, String datacenter, Clock clock) {
        this.table = table;
        this.datacenter = datacenter;
        this.clock = clock;
    }

    /**
     * A durable replica over the journal {@code file}: replays it (truncating a torn tail) before
     * returning, then journals every change.
     */
    static EmbeddedTable durable(Table table, String datacenter, Clock clock, java.nio.file.Path file,
            long compactAfterBytes) {
        EmbeddedTable t = new EmbeddedTable(table, datacenter, clock);
        t.lock.lock();
        try {
            t.journal = ReplicaJournal.open(file, compactAfterBytes, t::recover);
        } finally {
            t.lock.unlock();
        }
        return t;
    }

    private void recover(Replicated r) {
        storeInMemory(r.key(), new Slot(r.item(), r.stamp()));
        if (r.stamp().writer().equals(datacenter)) {
            // stamps stay strictly increasing across a restart, even on a clock that did not move
            lastMicros = Math.max(lastMicros, r.stamp().micros());
        }
    }

    /** This replica's journal, or null in memory. */
    ReplicaJournal journal() {
        return journal;
    }

    /** Forces and closes the journal (if any); later writes fail. Idempotent. */
    void closeJournal() {
        lock.lock();
        try {
            if (journal != null) {
                journal.close();
            }
        } finally {
            lock.unlock();
        }
    }

    public Table table() {
        return table;
    }

    public String datacenter() {
        return datacenter;
    }

    /** Stream feeds subscribe here. */
    public void addSink(ChangeSink sink) {
        sinks.add(sink);
    }

    /** The global-table replicator subscribes here (one per table). */
    void replicateTo(Consumer<Replicated> replicator) {
        this.replicator = replicator;
    }

    @Override
    public Optional<StoredItem> get(ItemKey key, boolean consistent) {
        lock.lock();
        try {
            Slot s = slot(key);
            return s == null ? Optional.empty() : Optional.ofNullable(s.item());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void put(StoredItem given, long expectedVersion) {
        TableStore.requireGrowingVersion(given, expectedVersion);
        if (ItemSize.of(given.toAttributes()) > ItemSize.MAX_ITEM_BYTES) {
            throw new IllegalArgumentException("item " + given.key() + " exceeds DynamoDB's 400 KB item size");
        }
        given.body().values().forEach(a -> refuseEmptySets(given.key(), a));
        // the ttl attribute holds whole seconds, as in DynamoDB
        StoredItem item = given.expiresAt() == null || given.expiresAt().getNano() == 0 ? given
                : new StoredItem(given.key(), given.version(), given.updatedAt(),
                        given.expiresAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), given.body());
        lock.lock();
        try {
            Slot s = slot(item.key());
            StoredItem current = s == null ? null : s.item();
            if (expectedVersion == 0 && current != null) {
                throw new Conflict("item " + item.key() + " already exists");
            }
            if (expectedVersion != 0 && (current == null || current.version() != expectedVersion)) {
                throw new Conflict("item " + item.key() + " has changed: expected version " + expectedVersion
                        + (current == null ? ", found none" : ", found " + current.version()));
            }
            commit(item.key(), current, item, nextStamp());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void delete(ItemKey key, long expectedVersion) {
        lock.lock();
        try {
            Slot s = slot(key);
            StoredItem current = s == null ? null : s.item();
            if (current == null) {
                throw new NotFound("item " + key + " not found");
            }
            if (current.version() != expectedVersion) {
                throw new Conflict("item " + key + " has changed: expected version " + expectedVersion + ", found "
                        + current.version());
            }
            commit(key, current, null, nextStamp());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Page query(String owner, String kind, String startAfter, int limit, boolean consistent) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive");
        }
        lock.lock();
        try {
            TreeMap<String, Slot> p = partitions.get(owner + "#" + kind);
            if (p == null) {
                return new Page(List.of(), null);
            }
            Map<String, Slot> tail = startAfter == null ? p : p.tailMap(startAfter, false);
            List<StoredItem> items = new ArrayList<>();
            long bytes = 0;
            String last = null;
            boolean more = false;
            for (Map.Entry<String, Slot> e : tail.entrySet()) {
                StoredItem it = e.getValue().item();
                if (it == null) {
                    continue;
                }
                if (items.size() >= limit || bytes >= ItemSize.MAX_PAGE_BYTES) {
                    more = true;
                    break;
                }
                items.add(it);
                bytes += ItemSize.of(it.toAttributes());
                last = e.getKey();
            }
            return new Page(items, more ? last : null);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Applies a write replicated from another DC if its stamp is later than this replica's (last
     * writer wins). Replicated writes skip conditions and the owner check, as in DynamoDB.
     *
     * @return true when applied
     */
    boolean applyReplicated(Replicated r) {
        lock.lock();
        try {
            Slot s = slot(r.key());
            if (s != null && !r.stamp().after(s.stamp())) {
                return false;
            }
            StoredItem current = s == null ? null : s.item();
            if (current == null && r.item() == null) {
                // a delete of something this replica never saw: remember the stamp, emit nothing
                store(r.key(), new Slot(null, r.stamp()));
                return true;
            }
            store(r.key(), new Slot(r.item(), r.stamp()));
            emit(current, r.item());
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Local write with a forced stamp: for replicator tests of two concurrent writers below the owner check. */
    void putWithStamp(StoredItem item, WriteStamp stamp) {
        lock.lock();
        try {
            Slot s = slot(item.key());
            commit(item.key(), s == null ? null : s.item(), item, stamp);
        } finally {
            lock.unlock();
        }
    }

    /** DynamoDB refuses empty string and number sets anywhere in an item. */
    private static void refuseEmptySets(ItemKey key, dev.meshfed.core.store.Attr a) {
        if ((a instanceof dev.meshfed.core.store.Attr.SS ss && ss.values().isEmpty())
                || (a instanceof dev.meshfed.core.store.Attr.NS ns && ns.values().isEmpty())) {
            throw new IllegalArgumentException("item " + key + " holds an empty set, which DynamoDB refuses");
        }
        if (a instanceof dev.meshfed.core.store.Attr.L l) {
            l.values().forEach(v -> refuseEmptySets(key, v));
        }
        if (a instanceof dev.meshfed.core.store.Attr.M m) {
            m.values().values().forEach(v -> refuseEmptySets(key, v));
        }
    }

    /** DynamoDB orders string sort keys by their UTF-8 bytes, which is code point order. */
    static final java.util.Comparator<String> UTF8_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    };

    private void commit(ItemKey key, StoredItem old, StoredItem next, WriteStamp stamp) {
        store(key, new Slot(next, stamp));
        emit(old, next);
        replicator.accept(new Replicated(key, next, stamp));
    }

    private void emit(StoredItem old, StoredItem next) {
        Change c = new Change(table, datacenter, old, next, clock.instant());
        for (ChangeSink sink : sinks) {
            sink.accept(c);
        }
    }

    private WriteStamp nextStamp() {
        Instant now = clock.instant();
        long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        // strictly increasing per replica, so two writes in one microsecond keep their order
        lastMicros = Math.max(micros, lastMicros + 1);
        return new WriteStamp(lastMicros, datacenter);
    }

    private Slot slot(ItemKey key) {
        TreeMap<String, Slot> p = partitions.get(key.partition());
        return p == null ? null : p.get(key.sort());
    }

    /** Every slot change goes through here: journaled first (durable), then applied in memory. */
    private void store(ItemKey key, Slot s) {
        if (journal == null) {
            storeInMemory(key, s);
            return;
        }
        journal.append(new Replicated(key, s.item(), s.stamp()));
        storeInMemory(key, s);
        if (journal.needsCompaction()) {
            try {
                journal.compact(slotsLocked());
            } catch (java.io.IOException | RuntimeException e) {
                // the write is already durable in the old journal; compaction is retried on the next write
                LOG.warning("dc=" + datacenter + " table=" + table + " journal compaction failed: " + e);
            }
        }
    }

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(EmbeddedTable.class.getName());

    private void storeInMemory(ItemKey key, Slot s) {
        partitions.computeIfAbsent(key.partition(), k -> new TreeMap<>(UTF8_ORDER)).put(key.sort(), s);
    }

    /** Every slot with its stamp, deletion markers included: what a new replica is seeded with. */
    List<Replicated> replicationSnapshot() {
        lock.lock();
        try {
            return slotsLocked();
        } finally {
            lock.unlock();
        }
    }

    private List<Replicated> slotsLocked() {
        List<Replicated> all = new ArrayList<>();
        partitions.forEach((pk, p) -> p.forEach((sk, s) -> all.add(new Replicated(
                s.item() != null ? s.item().key() : ItemKey.fromStored(pk, sk), s.item(), s.stamp()))));
        return all;
    }

    /** Every live item, for status and tests. */
    public List<StoredItem> snapshot() {
        lock.lock();
        try {
            List<StoredItem> all = new ArrayList<>();
            partitions.values().forEach(p -> p.values().forEach(s -> {
                if (s.item() != null) {
                    all.add(s.item());
                }
            }));
            return all;
        } finally {
            lock.unlock();
        }
    }
}
