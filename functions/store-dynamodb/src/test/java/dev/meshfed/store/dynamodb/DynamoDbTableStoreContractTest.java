package dev.meshfed.store.dynamodb;

import dev.meshfed.core.store.TableStore;
import dev.meshfed.testkit.store.TableStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The storage contract against a real DynamoDB-API server (dynalite), one fresh table per test. */
class DynamoDbTableStoreContractTest extends TableStoreContract {

    @RegisterExtension
    static final Dynalite DYNALITE = new Dynalite();

    @Override
    protected TableStore newStore() {
        return new DynamoDbTableStore(DYNALITE.client(), DYNALITE.createTable("contract"));
    }
}
