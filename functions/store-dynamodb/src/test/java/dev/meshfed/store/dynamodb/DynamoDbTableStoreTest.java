package dev.meshfed.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.error.NotFound;
import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.Page;
import dev.meshfed.core.store.StoreUnavailable;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.UndecodableItem;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ThrottlingException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;

/**
 * The adapter at the SDK boundary, with a scripted {@link DynamoDbCalls}: the requests it builds
 * and how it translates what the SDK throws.
 */
class DynamoDbTableStoreTest {
    private static final String TABLE = "meshfed-ca";
    private static final String SECRET = "secret-body-3b1d";
    private static final ItemKey KEY = new ItemKey("dc1", "widget", "a#1");

    private final StubCalls calls = new StubCalls();
    private final DynamoDbTableStore store = new DynamoDbTableStore(calls, TABLE);

    // ---------------------------------------------------------------- requests

    @Test
    void getAsksForTheKeyWithTheReadConsistencyGiven() {
        calls.answer(GetItemResponse.builder().build()).answer(GetItemResponse.builder().build());

        assertThat(store.get(KEY, true)).isEmpty();
        assertThat(store.get(KEY, false)).isEmpty();

        GetItemRequest strong = calls.request(0, GetItemRequest.class);
        assertThat(strong.tableName()).isEqualTo(TABLE);
        assertThat(strong.key()).isEqualTo(Map.of("pk", AttributeValue.fromS("dc1#widget"), "sk", AttributeValue.fromS("a#1")));
        assertThat(strong.consistentRead()).isTrue();
        assertThat(calls.request(1, GetItemRequest.class).consistentRead()).isFalse();
    }

    @Test
    void aCreateIsConditionalOnAbsence() {
        calls.answer(PutItemResponse.builder().build());

        store.put(item(1), 0);

        PutItemRequest put = calls.request(0, PutItemRequest.class);
        assertThat(put.conditionExpression()).isEqualTo("attribute_not_exists(pk)");
        assertThat(put.hasExpressionAttributeValues()).isFalse();
        assertThat(put.item()).containsEntry("pk", AttributeValue.fromS("dc1#widget"))
                .containsEntry("sk", AttributeValue.fromS("a#1"))
                .containsEntry("version", AttributeValue.fromN("1"))
                .containsEntry("updatedAt", AttributeValue.fromS("2026-06-01T12:00:00Z"))
                .containsEntry("ttl", AttributeValue.fromN(Long.toString(Instant.parse("2031-01-01T00:00:00Z").getEpochSecond())))
                .containsEntry("name", AttributeValue.fromS(SECRET));
    }

    @Test
    void anUpdateIsConditionalOnTheExpectedVersion() {
        calls.answer(PutItemResponse.builder().build());

        store.put(item(8), 7);

        PutItemRequest put = calls.request(0, PutItemRequest.class);
        assertThat(put.conditionExpression()).isEqualTo("#version = :expected");
        assertThat(put.expressionAttributeNames()).isEqualTo(Map.of("#version", "version"));
        assertThat(put.expressionAttributeValues()).isEqualTo(Map.of(":expected", AttributeValue.fromN("7")));
    }

    @Test
    void aVersionThatDoesNotGrowNeverReachesDynamoDb() {
        assertThatThrownBy(() -> store.put(item(3), 3)).isInstanceOf(IllegalArgumentException.class);
        assertThat(calls.requests).isEmpty();
    }

    @Test
    void aFailedConditionOnPutIsAConflict() {
        calls.fail(ConditionalCheckFailedException.builder().message("The conditional request failed").build())
                .fail(ConditionalCheckFailedException.builder().message("The conditional request failed").build());

        assertThatThrownBy(() -> store.put(item(1), 0)).isInstanceOf(Conflict.class)
                .hasMessage("item dc1#widget#a#1 already exists");
        assertThatThrownBy(() -> store.put(item(5), 4)).isInstanceOf(Conflict.class)
                .hasMessage("item dc1#widget#a#1 has changed: expected version 4");
    }

    @Test
    void deleteIsConditionalOnTheVersionAndAsksForTheItemThatFailedIt() {
        calls.answer(software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse.builder().build());

        store.delete(KEY, 3);

        DeleteItemRequest delete = calls.request(0, DeleteItemRequest.class);
        assertThat(delete.conditionExpression()).isEqualTo("#version = :expected");
        assertThat(delete.expressionAttributeValues()).isEqualTo(Map.of(":expected", AttributeValue.fromN("3")));
        assertThat(delete.returnValuesOnConditionCheckFailure()).isEqualTo(ReturnValuesOnConditionCheckFailure.ALL_OLD);
    }

    @Test
    void aFailedDeleteThatReturnsTheItemIsAConflictWithoutAnotherRead() {
        calls.fail(ConditionalCheckFailedException.builder().item(storedAttributes(5)).build());

        Throwable t = catchThrowable(() -> store.delete(KEY, 3));

        assertThat(t).isInstanceOf(Conflict.class).hasMessage("item dc1#widget#a#1 has changed: expected version 3, found 5");
        assertThat(calls.requests).hasSize(1);
    }

    @Test
    void aFailedDeleteWithoutAnItemIsNotFoundOnceAConsistentReadConfirmsIt() {
        calls.fail(ConditionalCheckFailedException.builder().build()).answer(GetItemResponse.builder().build());

        assertThatThrownBy(() -> store.delete(KEY, 3)).isInstanceOf(NotFound.class).hasMessage("item dc1#widget#a#1 not found");
        assertThat(calls.request(1, GetItemRequest.class).consistentRead()).isTrue();
    }

    @Test
    void aFailedDeleteWithoutAnItemIsAConflictWhenTheReadFindsOne() {
        // a server that ignores ReturnValuesOnConditionCheckFailure (dynalite) sends no item
        calls.fail(ConditionalCheckFailedException.builder().build())
                .answer(GetItemResponse.builder().item(storedAttributes(4)).build());

        assertThatThrownBy(() -> store.delete(KEY, 3)).isInstanceOf(Conflict.class)
                .hasMessage("item dc1#widget#a#1 has changed: expected version 3, found 4");
    }

    @Test
    void queryAsksForOneMoreThanTheLimitFromAfterTheGivenId() {
        calls.answer(QueryResponse.builder().items(List.of()).build());

        store.query("dc1", "widget", "a#0", 25, true);

        QueryRequest q = calls.request(0, QueryRequest.class);
        assertThat(q.keyConditionExpression()).isEqualTo("#pk = :pk");
        assertThat(q.expressionAttributeNames()).isEqualTo(Map.of("#pk", "pk"));
        assertThat(q.expressionAttributeValues()).isEqualTo(Map.of(":pk", AttributeValue.fromS("dc1#widget")));
        assertThat(q.limit()).isEqualTo(26);
        assertThat(q.consistentRead()).isTrue();
        assertThat(q.scanIndexForward()).isTrue();
        assertThat(q.exclusiveStartKey()).isEqualTo(Map.of("pk", AttributeValue.fromS("dc1#widget"), "sk", AttributeValue.fromS("a#0")));
    }

    @Test
    void theExtraItemMeansMoreRemain() {
        calls.answer(QueryResponse.builder().items(List.of(stored("a"), stored("b"), stored("c")))
                .lastEvaluatedKey(keyAttributes("c")).build());

        Page page = store.query("dc1", "widget", null, 2, false);

        assertThat(page.items()).extracting(i -> i.key().id()).containsExactly("a", "b");
        assertThat(page.next()).isEqualTo("b");
        assertThat(calls.request(0, QueryRequest.class).hasExclusiveStartKey()).isFalse();
    }

    @Test
    void aFullPageWithoutTheExtraItemIsTheLast() {
        calls.answer(QueryResponse.builder().items(List.of(stored("a"), stored("b"))).build());

        Page page = store.query("dc1", "widget", null, 2, false);

        assertThat(page.items()).hasSize(2);
        assertThat(page.next()).isNull();
    }

    @Test
    void aPageCutAtOneMegabyteContinuesAfterDynamoDbsLastEvaluatedKey() {
        calls.answer(QueryResponse.builder().items(List.of(stored("a"), stored("b"))).lastEvaluatedKey(keyAttributes("b")).build());

        Page page = store.query("dc1", "widget", null, 1000, false);

        assertThat(page.items()).hasSize(2);
        assertThat(page.next()).isEqualTo("b");
    }

    @Test
    void queryChecksItsArgumentsBeforeCallingDynamoDb() {
        assertThatThrownBy(() -> store.query("dc1", "widget", null, 0, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.query("DC#1", "widget", null, 10, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.query("dc1", "wid#get", null, 10, true)).isInstanceOf(IllegalArgumentException.class);
        assertThat(calls.requests).isEmpty();
    }

    @Test
    void aStoredItemOfATypeMeshfedDoesNotUseIsUndecodableNamingItsKey() {
        Map<String, AttributeValue> item = new java.util.HashMap<>(storedAttributes(1));
        item.put("blobs", AttributeValue.fromBs(List.of(SdkBytes.fromUtf8String(SECRET))));
        calls.answer(GetItemResponse.builder().item(item).build());

        Throwable t = catchThrowable(() -> store.get(KEY, true));

        assertThat(t).isInstanceOf(UndecodableItem.class);
        assertThat(((UndecodableItem) t).key()).isEqualTo("dc1#widget#a#1");
        assertThat(t.getMessage()).doesNotContain(SECRET);
    }

    // ---------------------------------------------------------------- error translation

    static Stream<SdkException> transientFailures() {
        return Stream.of(
                service(ProvisionedThroughputExceededException.builder(), "ProvisionedThroughputExceededException", 400),
                service(RequestLimitExceededException.builder(), "RequestLimitExceeded", 400),
                service(ThrottlingException.builder(), "ThrottlingException", 400),
                service(InternalServerErrorException.builder(), "InternalServerError", 500),
                service(TransactionConflictException.builder(), "TransactionConflictException", 400),
                service(DynamoDbException.builder(), "ServiceUnavailable", 503),
                service(DynamoDbException.builder(), "Throttling", 400),
                service(DynamoDbException.builder(), null, 502),
                SdkClientException.builder().message("Unable to execute HTTP request: " + SECRET)
                        .cause(new ConnectException("Connection refused")).build(),
                SdkClientException.builder().message("Unable to execute HTTP request")
                        .cause(new IOException("stream closed")).build(),
                ApiCallAttemptTimeoutException.builder().message("attempt timed out").build(),
                ApiCallTimeoutException.builder().message("call timed out").build());
    }

    @ParameterizedTest
    @MethodSource("transientFailures")
    void transientFailuresAreStoreUnavailableOnEveryOperation(SdkException failure) {
        calls.alwaysFail(failure);

        for (Runnable op : List.<Runnable>of(() -> store.get(KEY, true), () -> store.put(item(1), 0),
                () -> store.delete(KEY, 1), () -> store.query("dc1", "widget", null, 10, true))) {
            Throwable t = catchThrowable(op::run);
            assertThat(t).isInstanceOf(StoreUnavailable.class);
            assertThat(t.getMessage()).startsWith("dynamodb unavailable for ").contains(TABLE).doesNotContain(SECRET);
            assertThat(t.getCause()).isNull();
        }
    }

    @Test
    void unavailabilityNamesTheOperationKeyAndErrorCode() {
        calls.fail(service(ProvisionedThroughputExceededException.builder(), "ProvisionedThroughputExceededException", 400));

        assertThatThrownBy(() -> store.put(item(1), 0)).isInstanceOf(StoreUnavailable.class)
                .hasMessage("dynamodb unavailable for put of dc1#widget#a#1 in table meshfed-ca: "
                        + "ProvisionedThroughputExceededException (status 400, request id req-1)");
    }

    @Test
    void anIoFailureNamesItsKindOnly() {
        calls.fail(SdkClientException.builder().message("Unable to execute HTTP request: " + SECRET)
                .cause(new ConnectException("Connection refused: " + SECRET)).build());

        assertThatThrownBy(() -> store.query("dc1", "widget", null, 10, true)).isInstanceOf(StoreUnavailable.class)
                .hasMessage("dynamodb unavailable for query of dc1#widget in table meshfed-ca: "
                        + "SdkClientException caused by ConnectException");
    }

    @Test
    void aMissingTableIsADeploymentFaultNamingTheTable() {
        calls.fail(service(ResourceNotFoundException.builder(), "ResourceNotFoundException", 400));

        assertThatThrownBy(() -> store.get(KEY, true)).isInstanceOf(IllegalStateException.class)
                .hasMessage("dynamodb table meshfed-ca does not exist or is not active in this region");
    }

    @Test
    void anItemTooLargeIsAnIllegalArgumentWithoutDynamoDbsText() {
        calls.fail(DynamoDbException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                .errorCode("ValidationException").errorMessage("Item size has exceeded the maximum allowed size").build())
                .build());

        assertThatThrownBy(() -> store.put(item(1), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dynamodb refused put of dc1#widget#a#1 in table meshfed-ca: ValidationException (status 400)"
                        + " (item larger than 400 KB)");
    }

    @Test
    void otherRefusalsCarryTheCodeButNeverTheVendorText() {
        calls.fail(DynamoDbException.builder().statusCode(400).requestId("req-9").awsErrorDetails(AwsErrorDetails.builder()
                .errorCode("AccessDeniedException").errorMessage("not authorized for " + SECRET).build()).build())
                .fail(DynamoDbException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("ValidationException").errorMessage("One or more parameter values were invalid: " + SECRET)
                        .build()).build());

        Throwable denied = catchThrowable(() -> store.get(KEY, false));
        Throwable invalid = catchThrowable(() -> store.put(item(1), 0));

        assertThat(denied).isInstanceOf(IllegalStateException.class)
                .hasMessage("dynamodb refused get of dc1#widget#a#1 in table meshfed-ca: AccessDeniedException (status 400, request id req-9)");
        assertThat(denied.getCause()).isNull();
        assertThat(invalid).isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(SECRET);
    }

    @Test
    void aClientFailureThatIsNotIoIsAFaultNotUnavailability() {
        calls.fail(SdkClientException.builder().message("Unable to load credentials from any of the providers").build());

        assertThatThrownBy(() -> store.get(KEY, true)).isInstanceOf(IllegalStateException.class)
                .hasMessage("dynamodb client failed for get of dc1#widget#a#1 in table meshfed-ca: SdkClientException");
    }

    // ---------------------------------------------------------------- helpers

    private static StoredItem item(long version) {
        return new StoredItem(KEY, version, Instant.parse("2026-06-01T12:00:00Z"), Instant.parse("2031-01-01T00:00:00Z"),
                Map.of("name", Attr.s(SECRET)));
    }

    private static Map<String, AttributeValue> storedAttributes(long version) {
        return SdkAttributes.toSdk(item(version).toAttributes());
    }

    private static Map<String, AttributeValue> stored(String id) {
        return SdkAttributes.toSdk(new StoredItem(new ItemKey("dc1", "widget", id), 1, Instant.parse("2026-06-01T12:00:00Z"),
                null, Map.of()).toAttributes());
    }

    private static Map<String, AttributeValue> keyAttributes(String id) {
        return Map.of("pk", AttributeValue.fromS("dc1#widget"), "sk", AttributeValue.fromS(id));
    }

    private static AwsServiceException service(AwsServiceException.Builder builder, String code, int status) {
        return builder.statusCode(status).requestId("req-1")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("vendor text " + SECRET).build())
                .build();
    }
}
