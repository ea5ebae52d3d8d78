package dev.meshfed.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.StoreUnavailable;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Error translation at the SDK boundary: DynamoDB's wire errors, unmarshalled and retried by the
 * real SDK configured as {@link DynamoDbClients} configures it, then translated by the adapter.
 */
class SdkWireErrorsTest {
    private static final ItemKey KEY = new ItemKey("dc1", "widget", "a");

    private static DynamoDbClient clientOver(ScriptedHttpClient http) {
        return DynamoDbClients.configure(DynamoDbClient.builder(), Region.US_EAST_1,
                Optional.of(URI.create("http://127.0.0.1:1")), List.of()).httpClient(http).build();
    }

    @Test
    void throttlingIsRetriedThenStoreUnavailable() {
        ScriptedHttpClient http = new ScriptedHttpClient(400,
                ScriptedHttpClient.error("ProvisionedThroughputExceededException", "The level of configured provisioned throughput for the table was exceeded."));
        try (DynamoDbClient client = clientOver(http)) {
            DynamoDbTableStore store = new DynamoDbTableStore(client, "meshfed-ca");

            assertThatThrownBy(() -> store.get(KEY, true)).isInstanceOf(StoreUnavailable.class)
                    .hasMessage("dynamodb unavailable for get of dc1#widget#a in table meshfed-ca: "
                            + "ProvisionedThroughputExceededException (status 400, request id req-wire)");
        }
        assertThat(http.targets).hasSize(DynamoDbClients.MAX_ATTEMPTS).allMatch(t -> t.endsWith(".GetItem"));
    }

    @Test
    void aServerErrorIsRetriedThenStoreUnavailable() {
        ScriptedHttpClient http = new ScriptedHttpClient(500, ScriptedHttpClient.error("InternalServerError", "Internal server error"));
        try (DynamoDbClient client = clientOver(http)) {
            DynamoDbTableStore store = new DynamoDbTableStore(client, "meshfed-ca");

            assertThatThrownBy(() -> store.query("dc1", "widget", null, 10, false)).isInstanceOf(StoreUnavailable.class)
                    .hasMessageContaining("InternalServerError (status 500");
        }
        assertThat(http.targets).hasSize(DynamoDbClients.MAX_ATTEMPTS);
    }

    @Test
    void aMissingTableIsNotRetried() {
        ScriptedHttpClient http = new ScriptedHttpClient(400,
                ScriptedHttpClient.error("ResourceNotFoundException", "Requested resource not found"));
        try (DynamoDbClient client = clientOver(http)) {
            DynamoDbTableStore store = new DynamoDbTableStore(client, "meshfed-ca");

            assertThatThrownBy(() -> store.put(ItemsForTests.item(KEY, 1), 0)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("table meshfed-ca does not exist");
        }
        assertThat(http.targets).hasSize(1);
    }

    @Test
    void aFailedDeleteCarryingTheOldItemIsAConflictWithoutAnotherRead() {
        // what DynamoDB sends for ReturnValuesOnConditionCheckFailure=ALL_OLD (dynalite cannot show this)
        String body = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\","
                + "\"message\":\"The conditional request failed\",\"Item\":{\"pk\":{\"S\":\"dc1#widget\"},"
                + "\"sk\":{\"S\":\"a\"},\"version\":{\"N\":\"5\"},\"updatedAt\":{\"S\":\"2026-06-01T12:00:00Z\"}}}";
        ScriptedHttpClient http = new ScriptedHttpClient(400, body);
        try (DynamoDbClient client = clientOver(http)) {
            DynamoDbTableStore store = new DynamoDbTableStore(client, "meshfed-ca");

            assertThatThrownBy(() -> store.delete(KEY, 3)).isInstanceOf(Conflict.class)
                    .hasMessage("item dc1#widget#a has changed: expected version 3, found 5");
        }
        assertThat(http.targets).singleElement().satisfies(t -> assertThat(t).endsWith(".DeleteItem"));
    }
}
