package dev.meshfed.store.embedded;

import dev.meshfed.core.store.Table;
import dev.meshfed.core.store.TableStore;
import dev.meshfed.testkit.store.TableStoreContract;

/** The table contract on the embedded substrate: the same tests the DynamoDB adapter passes against dynalite. */
class EmbeddedTableContractTest extends TableStoreContract {
    @Override
    protected TableStore newStore() {
        return new EmbeddedTable(Table.PRIVATE, "dc1", clock());
    }
}
