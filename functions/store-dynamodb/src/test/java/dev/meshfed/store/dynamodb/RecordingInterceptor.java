package dev.meshfed.store.dynamodb;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/** Records every request the SDK executes and every response it returns, in order. */
final class RecordingInterceptor implements ExecutionInterceptor {
    final List<SdkRequest> requests = new CopyOnWriteArrayList<>();
    final List<SdkResponse> responses = new CopyOnWriteArrayList<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        requests.add(context.request());
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        responses.add(context.response());
    }

    <T> List<T> requestsOf(Class<T> type) {
        return requests.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T> List<T> responsesOf(Class<T> type) {
        return responses.stream().filter(type::isInstance).map(type::cast).toList();
    }

    void clear() {
        requests.clear();
        responses.clear();
    }
}
