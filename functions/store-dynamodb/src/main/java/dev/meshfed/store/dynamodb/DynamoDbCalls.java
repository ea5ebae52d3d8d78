package dev.meshfed.store.dynamodb;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The DynamoDB data-plane calls a {@link DynamoDbTableStore} makes, and nothing else: what IAM
 * must allow ({@code GetItem}, {@code PutItem}, {@code DeleteItem}, {@code Query}) and what a test
 * stub must answer. The methods have the SDK's signatures and throw the SDK's exceptions, so a stub
 * exercises the adapter's error translation exactly as the real client would.
 */
public interface DynamoDbCalls {

    GetItemResponse getItem(GetItemRequest request);

    PutItemResponse putItem(PutItemRequest request);

    DeleteItemResponse deleteItem(DeleteItemRequest request);

    QueryResponse query(QueryRequest request);

    /** The calls of a real client. */
    static DynamoDbCalls of(DynamoDbClient client) {
        return new DynamoDbCalls() {
            @Override
            public GetItemResponse getItem(GetItemRequest request) {
                return client.getItem(request);
            }

            @Override
            public PutItemResponse putItem(PutItemRequest request) {
                return client.putItem(request);
            }

            @Override
            public DeleteItemResponse deleteItem(DeleteItemRequest request) {
                return client.deleteItem(request);
            }

            @Override
            public QueryResponse query(QueryRequest request) {
                return client.query(request);
            }
        };
    }
}
