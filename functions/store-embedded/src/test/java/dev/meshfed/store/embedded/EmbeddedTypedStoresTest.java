package dev.meshfed.store.embedded;

import dev.meshfed.core.store.Table;
import dev.meshfed.core.store.TableStore;
import dev.meshfed.testkit.store.TypedStoresContract;

/** The typed stores' contract on the embedded substrate. */
class EmbeddedTypedStoresTest extends TypedStoresContract {
    @Override
    protected TableStore newTable() {
        return new EmbeddedTable(Table.CA, "dc1", clock);
    }
}
