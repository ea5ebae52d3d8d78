package dev.meshfed.core.store;

import java.util.Optional;

/**
 * A {@link TableStore} that refuses every write to a key whose prefix is not the local DC. Reads
 * pass through: every DC reads every item of the global tables.
 */
public final class OwnerGuard implements TableStore {
    private final String localDc;
    private final TableStore delegate;

    public OwnerGuard(String localDc, TableStore delegate) {
        this.localDc = localDc;
        this.delegate = delegate;
    }

    @Override
    public Optional<StoredItem> get(ItemKey key, boolean consistent) {
        return delegate.get(key, consistent);
    }

    @Override
    public void put(StoredItem item, long expectedVersion) {
        check(item.key());
        delegate.put(item, expectedVersion);
    }

    @Override
    public void delete(ItemKey key, long expectedVersion) {
        check(key);
        delegate.delete(key, expectedVersion);
    }

    @Override
    public Page query(String owner, String kind, String startAfter, int limit, boolean consistent) {
        return delegate.query(owner, kind, startAfter, limit, consistent);
    }

    private void check(ItemKey key) {
        if (!localDc.equals(key.owner())) {
            throw new OwnershipViolation(localDc, key);
        }
    }
}
