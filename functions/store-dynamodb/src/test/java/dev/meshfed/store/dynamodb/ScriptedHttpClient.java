package dev.meshfed.store.dynamodb;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * An HTTP client under the real SDK that answers every request with one canned DynamoDB response,
 * so tests see exactly the exceptions the SDK builds from DynamoDB's wire errors (and its retries).
 */
final class ScriptedHttpClient implements SdkHttpClient {
    /** The {@code X-Amz-Target} of every request, in order (one per attempt). */
    final List<String> targets = new CopyOnWriteArrayList<>();
    private final int status;
    private final String body;

    ScriptedHttpClient(int status, String body) {
        this.status = status;
        this.body = body;
    }

    /** A DynamoDB JSON error body. */
    static String error(String type, String message) {
        return "{\"__type\":\"com.amazonaws.dynamodb.v20120810#" + type + "\",\"message\":\"" + message + "\"}";
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() {
                targets.add(request.httpRequest().firstMatchingHeader("X-Amz-Target").orElse("?"));
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                return HttpExecuteResponse.builder()
                        .response(SdkHttpResponse.builder()
                                .statusCode(status)
                                .putHeader("Content-Type", "application/x-amz-json-1.0")
                                .putHeader("Content-Length", Integer.toString(bytes.length))
                                .putHeader("x-amzn-RequestId", "req-wire")
                                .build())
                        .responseBody(AbortableInputStream.create(new ByteArrayInputStream(bytes)))
                        .build();
            }

            @Override
            public void abort() {
            }
        };
    }

    @Override
    public void close() {
    }
}
