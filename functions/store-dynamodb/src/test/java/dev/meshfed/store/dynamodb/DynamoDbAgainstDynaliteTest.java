package dev.meshfed.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.error.NotFound;
import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.StoreUnavailable;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.Table;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/** Adapter behaviour that only a real server shows: DynamoDB's paging, request shapes on the wire, failures. */
class DynamoDbAgainstDynaliteTest {

    @RegisterExtension
    static final Dynalite DYNALITE = new Dynalite();

    private final RecordingInterceptor recorder = new RecordingInterceptor();
    private DynamoDbClient client;
    private DynamoDbTableStore store;

    @BeforeEach
    void setUp() {
        client = DYNALITE.newClient(List.of(recorder));
        store = new DynamoDbTableStore(client, DYNALITE.createTable("adapter"));
        recorder.clear();
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    @Test
    void queryAllFollowsLastEvaluatedKeyPastOneMegabyte() {
        String filler = "f".repeat(4000);
        List<String> ids = IntStream.range(0, 300).mapToObj(i -> String.format("id-%03d", i)).toList();
        ids.forEach(id -> store.put(new StoredItem(new ItemKey("dc1", "widget", id), 1, Instant.EPOCH, null,
                Map.of("filler", Attr.s(filler))), 0));
        recorder.clear();

        List<StoredItem> all = store.queryAll("dc1", "widget", true);

        assertThat(all).extracting(i -> i.key().id()).containsExactlyElementsOf(ids);
        List<QueryRequest> queries = recorder.requestsOf(QueryRequest.class);
        List<QueryResponse> pages = recorder.responsesOf(QueryResponse.class);
        assertThat(queries).as("Query requests").hasSizeGreaterThan(1).hasSameSizeAs(pages);
        assertThat(queries.get(0).hasExclusiveStartKey()).isFalse();
        for (int i = 1; i < queries.size(); i++) {
            assertThat(pages.get(i - 1).lastEvaluatedKey()).as("page %d ended with a LastEvaluatedKey", i - 1).isNotEmpty();
            assertThat(queries.get(i).exclusiveStartKey()).as("query %d starts after page %d", i, i - 1)
                    .isEqualTo(pages.get(i - 1).lastEvaluatedKey());
        }
        assertThat(pages.get(0).count()).as("items on the first page (cut at 1 MB)").isLessThan(300);
        assertThat(pages.get(pages.size() - 1).hasLastEvaluatedKey()).isFalse();
        assertThat(queries).allSatisfy(q -> assertThat(q.limit()).isEqualTo(1001));
    }

    @Test
    void readConsistencyReachesTheWire() {
        ItemKey key = new ItemKey("dc1", "widget", "a");
        store.get(key, true);
        store.get(key, false);
        store.query("dc1", "widget", null, 5, false);

        assertThat(recorder.requestsOf(GetItemRequest.class)).extracting(GetItemRequest::consistentRead)
                .containsExactly(true, false);
        assertThat(recorder.requestsOf(QueryRequest.class)).extracting(QueryRequest::consistentRead).containsExactly(false);
    }

    @Test
    void deleteOfAnAbsentItemIsConfirmedByAConsistentRead() {
        assertThatThrownBy(() -> store.delete(new ItemKey("dc1", "widget", "none"), 1)).isInstanceOf(NotFound.class);

        assertThat(recorder.requestsOf(DeleteItemRequest.class)).hasSize(1);
        // dynalite ignores ReturnValuesOnConditionCheckFailure, so the adapter reads once to tell NotFound from Conflict
        assertThat(recorder.requestsOf(GetItemRequest.class)).singleElement()
                .satisfies(g -> assertThat(g.consistentRead()).isTrue());
    }

    @Test
    void aMissingTableIsNamed() {
        DynamoDbTableStore missing = new DynamoDbTableStore(client, "no-such-table");

        assertThatThrownBy(() -> missing.get(new ItemKey("dc1", "widget", "a"), true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("dynamodb table no-such-table does not exist or is not active in this region");
    }

    @Test
    void aServerThatIsNotThereIsUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (DynamoDbClient down = DynamoDbClients.create(Region.US_EAST_1,
                Optional.of(URI.create("http://127.0.0.1:" + closedPort)), List.of())) {
            DynamoDbTableStore unreachable = new DynamoDbTableStore(down, "meshfed-ca");

            assertThatThrownBy(() -> unreachable.get(new ItemKey("dc1", "widget", "a"), true))
                    .isInstanceOf(StoreUnavailable.class)
                    .hasMessageStartingWith("dynamodb unavailable for get of dc1#widget#a in table meshfed-ca: ");
        }
    }

    @Test
    void tableDefinitionsCreateTheThreeTablesWithMeshfedsLayout() {
        Map<Table, String> names = new EnumMap<>(Table.class);
        for (Table t : Table.values()) {
            names.put(t, "layout-" + t.name().toLowerCase());
        }

        TableDefinitions.createAll(client, names, Duration.ofSeconds(10));

        for (String name : names.values()) {
            TableDescription d = client.describeTable(b -> b.tableName(name)).table();
            assertThat(d.keySchema()).containsExactly(
                    KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                    KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build());
            assertThat(d.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
        }
        assertThatThrownBy(() -> TableDefinitions.createAll(client, Map.of(Table.CA, "only-one"), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void clientsTakeTheRegionAndEndpointGiven() {
        try (DynamoDbClient c = DynamoDbClients.create(Region.EU_WEST_1, Optional.of(DYNALITE.endpoint()), List.of())) {
            assertThat(c.serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_1);
            assertThat(c.serviceClientConfiguration().endpointOverride()).contains(DYNALITE.endpoint());
        }
        try (DynamoDbClient aws = DynamoDbClients.create(Region.EU_WEST_1, Optional.empty())) {
            assertThat(aws.serviceClientConfiguration().endpointOverride()).isEmpty();
        }
    }
}
