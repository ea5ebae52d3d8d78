package dev.meshfed.store.dynamodb;

import dev.meshfed.core.store.Table;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * Creates meshfed's tables, for tests and tooling: string partition key {@code pk}, string sort
 * key {@code sk}, on-demand capacity. The three tables of a region share this layout.
 *
 * <p>The real infrastructure (SAM and Terraform) owns everything else about the tables: streams
 * with new and old images on the CA and intentions tables, the TTL attribute {@code ttl}, the
 * global-table replicas, encryption and point-in-time recovery. This class sets none of it, and
 * dynalite would ignore stream and TTL settings anyway.
 */
public final class TableDefinitions {
    /** The partition key attribute, {@code <ownerDC>#<kind>}. */
    public static final String PARTITION_KEY = "pk";
    /** The sort key attribute, {@code <id>}. */
    public static final String SORT_KEY = "sk";
    /** The TTL attribute (epoch seconds) that the infrastructure enables on every table. */
    public static final String TTL_ATTRIBUTE = "ttl";

    private static final Duration POLL = Duration.ofMillis(50);

    private TableDefinitions() {
    }

    /** The create request for one table. */
    public static CreateTableRequest createRequest(String tableName) {
        return CreateTableRequest.builder()
                .tableName(tableName)
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName(PARTITION_KEY).attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName(SORT_KEY).attributeType(ScalarAttributeType.S).build())
                .keySchema(
                        KeySchemaElement.builder().attributeName(PARTITION_KEY).keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName(SORT_KEY).keyType(KeyType.RANGE).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .build();
    }

    /** Creates one table and waits until it is active. */
    public static void create(DynamoDbClient client, String tableName, Duration timeout) {
        client.createTable(createRequest(tableName));
        awaitActive(client, tableName, timeout);
    }

    /** Creates the three tables of a region, named by {@code names}, and waits until all are active. */
    public static void createAll(DynamoDbClient client, Map<Table, String> names, Duration timeout) {
        for (Table t : Table.values()) {
            if (!names.containsKey(t)) {
                throw new IllegalArgumentException("no name for the " + t + " table");
            }
        }
        names.values().forEach(n -> client.createTable(createRequest(n)));
        names.values().forEach(n -> awaitActive(client, n, timeout));
    }

    /**
     * Polls {@code DescribeTable} until the table is active. (The SDK's waiter polls every 20 s,
     * far too slowly for tests against a local server.)
     */
    public static void awaitActive(DynamoDbClient client, String tableName, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            try {
                if (client.describeTable(b -> b.tableName(tableName)).table().tableStatus() == TableStatus.ACTIVE) {
                    return;
                }
            } catch (ResourceNotFoundException e) {
                // not visible yet
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("table " + tableName + " did not become active within " + timeout);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for table " + tableName);
            }
        }
    }
}
