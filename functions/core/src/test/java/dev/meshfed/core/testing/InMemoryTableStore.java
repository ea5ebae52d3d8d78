package dev.meshfed.core.testing;

import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.error.NotFound;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.Page;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.TableStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A minimal in-memory {@link TableStore} for core's unit tests: one lock around a sorted map per
 * partition, with the port's conditional semantics (create only if absent with expected version 0,
 * replace only on the stored version, versions that must grow, delete on the stored version,
 * {@link NotFound} for an absent delete). Every read is consistent. It is a fake, not a substrate:
 * the embedded store and the DynamoDB adapter pass the full contract in the testkit; this one does
 * not model TTL deletion, item size, 1 MB pages or UTF-8 sort order (ids sort as Java strings).
 *
 * <p>For tests of concurrency it counts reads and successful writes per key, and runs an optional
 * hook before each put, outside the lock, so a test can slip a competing write in between a
 * caller's read and its conditional write.
 */
public final class InMemoryTableStore implements TableStore {
    private final Map<String, TreeMap<String, StoredItem>> partitions = new HashMap<>();
    private final Map<ItemKey, Integer> reads = new HashMap<>();
    private final Map<ItemKey, Integer> writes = new HashMap<>();
    private volatile Consumer<StoredItem> beforePut = item -> { };

    @Override
    public synchronized Optional<StoredItem> get(ItemKey key, boolean consistent) {
        reads.merge(key, 1, Integer::sum);
        return Optional.ofNullable(partition(key).get(key.sort()));
    }

    @Override
    public void put(StoredItem item, long expectedVersion) {
        TableStore.requireGrowingVersion(item, expectedVersion);
        beforePut.accept(item);
        synchronized (this) {
            StoredItem stored = partition(item.key()).get(item.key().sort());
            long storedVersion = stored == null ? 0 : stored.version();
            if (storedVersion != expectedVersion) {
                throw new Conflict("version of " + item.key() + " is " + storedVersion + ", not " + expectedVersion);
            }
            partition(item.key()).put(item.key().sort(), item);
            writes.merge(item.key(), 1, Integer::sum);
        }
    }

    @Override
    public synchronized void delete(ItemKey key, long expectedVersion) {
        StoredItem stored = partition(key).get(key.sort());
        if (stored == null) {
            throw new NotFound("no item " + key);
        }
        if (stored.version() != expectedVersion) {
            throw new Conflict("version of " + key + " is " + stored.version() + ", not " + expectedVersion);
        }
        partition(key).remove(key.sort());
        writes.merge(key, 1, Integer::sum);
    }

    @Override
    public synchronized Page query(String owner, String kind, String startAfter, int limit, boolean consistent) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        TreeMap<String, StoredItem> items = partitions.getOrDefault(owner + "#" + kind, new TreeMap<>());
        Map<String, StoredItem> tail = startAfter == null ? items : items.tailMap(startAfter, false);
        List<StoredItem> page = new ArrayList<>();
        String last = null;
        for (StoredItem item : tail.values()) {
            if (page.size() == limit) {
                return new Page(page, last);
            }
            page.add(item);
            last = item.key().sort();
        }
        return new Page(page, null);
    }

    /** Runs {@code hook} before every put (outside the lock); replaces any earlier hook. */
    public void beforePut(Consumer<StoredItem> hook) {
        this.beforePut = hook;
    }

    /** Gets of {@code key} so far. */
    public synchronized int reads(ItemKey key) {
        return reads.getOrDefault(key, 0);
    }

    /** Successful puts and deletes of {@code key} so far. */
    public synchronized int writes(ItemKey key) {
        return writes.getOrDefault(key, 0);
    }

    /** Successful puts and deletes of every key so far. */
    public synchronized int totalWrites() {
        return writes.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Gets of every key so far (queries not counted). */
    public synchronized int totalReads() {
        return reads.values().stream().mapToInt(Integer::intValue).sum();
    }

    private TreeMap<String, StoredItem> partition(ItemKey key) {
        return partitions.computeIfAbsent(key.partition(), p -> new TreeMap<>());
    }
}
