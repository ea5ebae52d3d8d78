package dev.meshfed.store.dynamodb;

import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * A scripted {@link DynamoDbCalls}: each call takes the next scripted answer (a response or an SDK
 * exception) and records its request. An unscripted call fails the test.
 */
final class StubCalls implements DynamoDbCalls {
    final List<SdkRequest> requests = new ArrayList<>();
    private final Deque<Supplier<Object>> answers = new ArrayDeque<>();

    StubCalls answer(Object response) {
        answers.add(() -> response);
        return this;
    }

    StubCalls fail(RuntimeException e) {
        answers.add(() -> {
            throw e;
        });
        return this;
    }

    /** The same failure for every call. */
    StubCalls alwaysFail(RuntimeException e) {
        for (int i = 0; i < 10; i++) {
            fail(e);
        }
        return this;
    }

    @SuppressWarnings("unchecked")
    private <T> T next(SdkRequest request, Class<T> type) {
        requests.add(request);
        Supplier<Object> a = answers.poll();
        if (a == null) {
            throw new AssertionError("unexpected call: " + request.getClass().getSimpleName());
        }
        return type.cast(a.get());
    }

    @Override
    public GetItemResponse getItem(GetItemRequest request) {
        return next(request, GetItemResponse.class);
    }

    @Override
    public PutItemResponse putItem(PutItemRequest request) {
        return next(request, PutItemResponse.class);
    }

    @Override
    public DeleteItemResponse deleteItem(DeleteItemRequest request) {
        return next(request, DeleteItemResponse.class);
    }

    @Override
    public QueryResponse query(QueryRequest request) {
        return next(request, QueryResponse.class);
    }

    <T extends SdkRequest> T request(int i, Class<T> type) {
        return type.cast(requests.get(i));
    }
}
