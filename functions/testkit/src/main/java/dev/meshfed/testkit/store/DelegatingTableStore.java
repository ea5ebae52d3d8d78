package dev.meshfed.testkit.store;

import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.Page;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.TableStore;

import java.util.Objects;
import java.util.Optional;

/**
 * A table store that passes every call to another: tests extend it and override only the call
 * they bend (a write that fails after N puts, a read that hides an item, a table switched off).
 */
public abstract class DelegatingTableStore implements TableStore {

    protected final TableStore delegate;

    protected DelegatingTableStore(TableStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public Optional<StoredItem> get(ItemKey key, boolean consistent) {
        return delegate.get(key, consistent);
    }

    @Override
    public void put(StoredItem item, long expectedVersion) {
        delegate.put(item, expectedVersion);
    }

    @Override
    public void delete(ItemKey key, long expectedVersion) {
        delegate.delete(key, expectedVersion);
    }

    @Override
    public Page query(String owner, String kind, String startAfter, int limit, boolean consistent) {
        return delegate.query(owner, kind, startAfter, limit, consistent);
    }
}
