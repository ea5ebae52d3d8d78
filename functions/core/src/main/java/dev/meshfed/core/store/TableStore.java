package dev.meshfed.core.store;

import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.error.NotFound;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One table of one DC, as every substrate (DynamoDB, the embedded store) provides it. Items are
 * versioned and every write is conditional, so concurrent writers never overwrite each other
 * silently. Implementations do not check ownership: wrap them in {@link OwnerGuard}.
 */
public interface TableStore {

    /**
     * Reads one item.
     *
     * @param consistent a strongly consistent read (DynamoDB {@code ConsistentRead}); eventually
     *     consistent reads may miss a write made a moment ago
     */
    Optional<StoredItem> get(ItemKey key, boolean consistent);

    /**
     * Writes {@code item} if the stored version is {@code expectedVersion} ({@code 0}: the item
     * must not exist). The new version must be greater than the expected one.
     *
     * @throws Conflict when the stored version differs (another writer won)
     * @throws IllegalArgumentException when the new version does not grow
     */
    void put(StoredItem item, long expectedVersion);

    /**
     * Deletes the item if its stored version is {@code expectedVersion}.
     *
     * @throws NotFound when there is no such item
     * @throws Conflict when the stored version differs
     */
    void delete(ItemKey key, long expectedVersion);

    /**
     * One page of the items of {@code owner}'s {@code kind}, in id order, starting after
     * {@code startAfter} (null: from the first). A page holds at most {@code limit} items and may
     * hold fewer (DynamoDB stops a page at 1 MB); continue while {@link Page#next()} is not null.
     */
    Page query(String owner, String kind, String startAfter, int limit, boolean consistent);

    /** Every item of {@code owner}'s {@code kind}, following pages to the end. */
    default List<StoredItem> queryAll(String owner, String kind, boolean consistent) {
        List<StoredItem> all = new ArrayList<>();
        String next = null;
        do {
            Page p = query(owner, kind, next, 1000, consistent);
            all.addAll(p.items());
            next = p.next();
        } while (next != null);
        return all;
    }

    /** Checks the write preconditions every implementation shares; returns nothing, throws on misuse. */
    static void requireGrowingVersion(StoredItem item, long expectedVersion) {
        if (expectedVersion < 0 || item.version() <= expectedVersion) {
            throw new IllegalArgumentException("version of " + item.key() + " must grow: " + expectedVersion + " -> "
                    + item.version());
        }
    }
}
