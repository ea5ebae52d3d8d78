package dev.meshfed.app.deploy;

import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.Page;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.Table;
import dev.meshfed.core.store.TableStore;
import dev.meshfed.testkit.store.DelegatingTableStore;
import java.util.Objects;
import java.util.Optional;

/**
 * A DC's raw table (below the typed stores' owner guard: what reaches DynamoDB) recording each
 * call as the DynamoDB access it needs, before passing it on. A call is recorded even when it then
 * fails (a conditional write that loses still needs the permission).
 */
public final class RecordingTableStore extends DelegatingTableStore {

    private final Table table;
    private final UseRecorder recorder;

    public RecordingTableStore(TableStore delegate, Table table, UseRecorder recorder) {
        super(delegate);
        this.table = Objects.requireNonNull(table, "table");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
    }

    @Override
    public Optional<StoredItem> get(ItemKey key, boolean consistent) {
        recorder.record(new Use.TableCall(table, TableAccess.READ, key.owner()));
        return super.get(key, consistent);
    }

    @Override
    public void put(StoredItem item, long expectedVersion) {
        recorder.record(new Use.TableCall(table, TableAccess.WRITE_OWN_KEYS, item.key().owner()));
        super.put(item, expectedVersion);
    }

    @Override
    public void delete(ItemKey key, long expectedVersion) {
        recorder.record(new Use.TableCall(table, TableAccess.WRITE_OWN_KEYS, key.owner()));
        super.delete(key, expectedVersion);
    }

    @Override
    public Page query(String owner, String kind, String startAfter, int limit, boolean consistent) {
        recorder.record(new Use.TableCall(table, TableAccess.READ, owner));
        return super.query(owner, kind, startAfter, limit, consistent);
    }
}
