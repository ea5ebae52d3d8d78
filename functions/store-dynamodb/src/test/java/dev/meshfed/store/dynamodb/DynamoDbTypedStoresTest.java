package dev.meshfed.store.dynamodb;

import dev.meshfed.core.store.TableStore;
import dev.meshfed.testkit.store.TypedStoresContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The typed stores' contract (every item kind of the three tables) against dynalite. */
class DynamoDbTypedStoresTest extends TypedStoresContract {

    @RegisterExtension
    static final Dynalite DYNALITE = new Dynalite();

    @Override
    protected TableStore newTable() {
        return new DynamoDbTableStore(DYNALITE.client(), DYNALITE.createTable("typed"));
    }
}
