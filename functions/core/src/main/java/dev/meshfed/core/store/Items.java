package dev.meshfed.core.store;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Typed access to one kind of item: encode and decode through one {@link ItemCodec}, skip items
 * whose TTL has passed (DynamoDB deletes them lazily, up to days later), and write conditionally
 * on the version read.
 */
public final class Items<T> {
    private final TableStore table;
    private final String kind;
    private final ItemCodec<T> codec;
    private final Clock clock;

    public Items(TableStore table, String kind, ItemCodec<T> codec, Clock clock) {
        this.table = table;
        this.kind = kind;
        this.codec = codec;
        this.clock = clock;
    }

    public String kind() {
        return kind;
    }

    public ItemCodec<T> codec() {
        return codec;
    }

    public ItemKey key(String owner, String id) {
        return new ItemKey(owner, kind, id);
    }

    public Optional<Versioned<T>> get(String owner, String id, boolean consistent) {
        return table.get(key(owner, id), consistent).filter(i -> !i.expiredAt(clock.instant())).map(this::decode);
    }

    /**
     * Creates ({@code expectedVersion == 0}) or replaces the item, with version
     * {@code expectedVersion + 1} unless {@code version} says otherwise.
     *
     * @return the stored version
     */
    public long put(String owner, String id, T value, long expectedVersion, Instant expiresAt) {
        return putVersion(owner, id, value, expectedVersion, expectedVersion + 1, expiresAt);
    }

    /** As {@link #put} with an explicit new version (e.g. from the primary's monotonic counter). */
    public long putVersion(String owner, String id, T value, long expectedVersion, long newVersion, Instant expiresAt) {
        table.put(new StoredItem(key(owner, id), newVersion, clock.instant(), expiresAt, codec.encode(value)),
                expectedVersion);
        return newVersion;
    }

    public void delete(String owner, String id, long expectedVersion) {
        table.delete(key(owner, id), expectedVersion);
    }

    public List<Versioned<T>> list(String owner, boolean consistent) {
        Instant now = clock.instant();
        return table.queryAll(owner, kind, consistent).stream().filter(i -> !i.expiredAt(now)).map(this::decode).toList();
    }

    /**
     * As {@link #list}, but an item that does not decode is handed to {@code undecodable} and
     * skipped instead of failing the whole listing (a reader that must see everything else, such as
     * reconcile, keeps going past one poison item).
     */
    public List<Versioned<T>> listDecodable(String owner, boolean consistent,
            java.util.function.Consumer<UndecodableItem> undecodable) {
        Instant now = clock.instant();
        List<Versioned<T>> out = new java.util.ArrayList<>();
        for (StoredItem i : table.queryAll(owner, kind, consistent)) {
            if (i.expiredAt(now)) {
                continue;
            }
            try {
                out.add(decode(i));
            } catch (UndecodableItem e) {
                undecodable.accept(e);
            }
        }
        return out;
    }

    public Versioned<T> decode(StoredItem item) {
        return new Versioned<>(item.key(), codec.decode(item.key(), item.body()), item.version(), item.updatedAt(),
                item.expiresAt());
    }
}
