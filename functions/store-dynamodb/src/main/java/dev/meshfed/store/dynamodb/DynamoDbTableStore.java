package dev.meshfed.store.dynamodb;

import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.error.NotFound;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.Page;
import dev.meshfed.core.store.StoreUnavailable;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.TableStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * One DynamoDB table as a {@link TableStore}: partition key {@code pk} = {@code <ownerDC>#<kind>},
 * sort key {@code sk} = {@code <id>}, bookkeeping in {@code version}, {@code updatedAt} and the TTL
 * attribute {@code ttl}, the body beside them ({@link StoredItem#toAttributes()}).
 *
 * <ul>
 *   <li>{@code put} is one conditional {@code PutItem}: {@code attribute_not_exists(pk)} for a
 *       create, {@code #version = :expected} for an update; a failed condition is a
 *       {@link Conflict}.</li>
 *   <li>{@code delete} is one conditional {@code DeleteItem} asking DynamoDB to return the item that
 *       failed the condition ({@code ReturnValuesOnConditionCheckFailure=ALL_OLD}): an item returned
 *       means {@link Conflict}; none means the item is absent, confirmed by one strongly consistent
 *       read (servers such as dynalite ignore the parameter), then {@link NotFound}.</li>
 *   <li>{@code query} follows DynamoDB's pages: a page ends at {@code limit} items or at 1 MB read,
 *       and {@link Page#next()} is the last id when more may remain. It asks for one item more than
 *       {@code limit} to know whether a full page was the last one.</li>
 *   <li>Throttling, 5xx, timeouts and I/O errors become {@link StoreUnavailable}; a missing table an
 *       {@link IllegalStateException} naming it (see {@link DynamoDbErrors}).</li>
 * </ul>
 *
 * Ownership is not checked here: wrap the store in {@link dev.meshfed.core.store.OwnerGuard}.
 */
public final class DynamoDbTableStore implements TableStore {
    static final String PK = "pk";
    static final String SK = "sk";
    static final String CREATE_CONDITION = "attribute_not_exists(pk)";
    static final String VERSION_CONDITION = "#version = :expected";
    static final String KEY_CONDITION = "#pk = :pk";

    private final DynamoDbCalls calls;
    private final String tableName;

    public DynamoDbTableStore(DynamoDbClient client, String tableName) {
        this(DynamoDbCalls.of(client), tableName);
    }

    public DynamoDbTableStore(DynamoDbCalls calls, String tableName) {
        this.calls = Objects.requireNonNull(calls, "calls");
        this.tableName = Objects.requireNonNull(tableName, "tableName");
    }

    public String tableName() {
        return tableName;
    }

    @Override
    public Optional<StoredItem> get(ItemKey key, boolean consistent) {
        GetItemRequest request = GetItemRequest.builder()
                .tableName(tableName)
                .key(keyOf(key.partition(), key.sort()))
                .consistentRead(consistent)
                .build();
        GetItemResponse response = call("get", key.toString(), () -> calls.getItem(request));
        if (!response.hasItem() || response.item().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(StoredItem.fromAttributes(SdkAttributes.fromSdk(response.item())));
    }

    @Override
    public void put(StoredItem item, long expectedVersion) {
        TableStore.requireGrowingVersion(item, expectedVersion);
        PutItemRequest.Builder request = PutItemRequest.builder()
                .tableName(tableName)
                .item(SdkAttributes.toSdk(item.toAttributes()));
        if (expectedVersion == 0) {
            request.conditionExpression(CREATE_CONDITION);
        } else {
            request.conditionExpression(VERSION_CONDITION)
                    .expressionAttributeNames(Map.of("#version", "version"))
                    .expressionAttributeValues(Map.of(":expected", number(expectedVersion)));
        }
        PutItemRequest built = request.build();
        try {
            call("put", item.key().toString(), () -> calls.putItem(built));
        } catch (ConditionalCheckFailedException e) {
            throw expectedVersion == 0
                    ? new Conflict("item " + item.key() + " already exists")
                    : new Conflict("item " + item.key() + " has changed: expected version " + expectedVersion);
        }
    }

    @Override
    public void delete(ItemKey key, long expectedVersion) {
        DeleteItemRequest request = DeleteItemRequest.builder()
                .tableName(tableName)
                .key(keyOf(key.partition(), key.sort()))
                .conditionExpression(VERSION_CONDITION)
                .expressionAttributeNames(Map.of("#version", "version"))
                .expressionAttributeValues(Map.of(":expected", number(expectedVersion)))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
        try {
            call("delete", key.toString(), () -> calls.deleteItem(request));
        } catch (ConditionalCheckFailedException e) {
            if (e.hasItem() && !e.item().isEmpty()) {
                throw conflict(key, expectedVersion, storedVersion(e.item()));
            }
            Optional<StoredItem> now = get(key, true);
            if (now.isEmpty()) {
                throw new NotFound("item " + key + " not found");
            }
            throw conflict(key, expectedVersion, Long.toString(now.get().version()));
        }
    }

    @Override
    public Page query(String owner, String kind, String startAfter, int limit, boolean consistent) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive");
        }
        String partition = partition(owner, kind);
        // one item more than asked: tells whether a full page was the last one
        int ask = limit == Integer.MAX_VALUE ? limit : limit + 1;
        QueryRequest.Builder request = QueryRequest.builder()
                .tableName(tableName)
                .keyConditionExpression(KEY_CONDITION)
                .expressionAttributeNames(Map.of("#pk", PK))
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(partition)))
                .consistentRead(consistent)
                .scanIndexForward(true)
                .limit(ask);
        if (startAfter != null) {
            request.exclusiveStartKey(keyOf(partition, startAfter));
        }
        QueryRequest built = request.build();
        QueryResponse response = call("query", partition, () -> calls.query(built));

        List<StoredItem> items = new ArrayList<>(Math.min(response.items().size(), limit));
        for (Map<String, AttributeValue> raw : response.items()) {
            if (items.size() == limit) {
                // the extra item exists: more remain after the last one kept
                return new Page(items, items.get(limit - 1).key().sort());
            }
            items.add(StoredItem.fromAttributes(SdkAttributes.fromSdk(raw)));
        }
        String next = null;
        if (response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()) {
            // DynamoDB stopped at 1 MB (or at the extra item's limit): more may remain
            AttributeValue sk = response.lastEvaluatedKey().get(SK);
            next = sk != null ? sk.s() : null;
        }
        return new Page(items, next);
    }

    private <T> T call(String operation, String target, Supplier<T> request) {
        try {
            return request.get();
        } catch (ConditionalCheckFailedException e) {
            throw e;
        } catch (SdkException e) {
            throw DynamoDbErrors.translate(tableName, operation, target, e);
        }
    }

    /** {@code <owner>#<kind>}, with the owner and kind checked as {@link ItemKey} checks them. */
    private static String partition(String owner, String kind) {
        return new ItemKey(owner, kind, "-").partition();
    }

    private static Map<String, AttributeValue> keyOf(String partition, String sort) {
        return Map.of(PK, AttributeValue.fromS(partition), SK, AttributeValue.fromS(sort));
    }

    private static AttributeValue number(long n) {
        return AttributeValue.fromN(Long.toString(n));
    }

    private static Conflict conflict(ItemKey key, long expected, String found) {
        return new Conflict("item " + key + " has changed: expected version " + expected
                + (found != null ? ", found " + found : ""));
    }

    /** The version of an item returned with a failed condition, if readable. */
    private static String storedVersion(Map<String, AttributeValue> item) {
        AttributeValue v = item.get("version");
        return v != null && v.type() == AttributeValue.Type.N ? v.n() : null;
    }
}
