package dev.meshfed.store.dynamodb;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * Builds the one {@link DynamoDbClient} a function uses: the url-connection HTTP client (no extra
 * threads, small, native-image friendly), an explicit region, bounded timeouts and the SDK's
 * standard retries, so that a call gives up well inside an API Gateway request (29 s) and a
 * throttled or failed call surfaces as {@link dev.meshfed.core.store.StoreUnavailable}.
 */
public final class DynamoDbClients {
    /** Establishing a TCP (and TLS) connection. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** Waiting for bytes on an open connection; a 1 MB query page arrives well within it. */
    public static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(5);
    /** One HTTP attempt, end to end. */
    public static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(5);
    /** One call, all attempts and back-off included. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(12);
    /** Attempts per call (the first one and two retries), with the SDK's standard jittered back-off. */
    public static final int MAX_ATTEMPTS = 3;

    /**
     * Credentials sent to a local DynamoDB-API server: such servers (dynalite) accept any signature,
     * and a real access key ID has no business in a local server's log.
     */
    private static final AwsCredentialsProvider LOCAL_CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("meshfed-local", "meshfed-local"));

    private DynamoDbClients() {
    }

    /**
     * A client for {@code region}.
     *
     * @param endpoint empty: the region's DynamoDB endpoint with the default AWS credentials chain (on
     *     Lambda, the function role's credentials from the environment); present: a local
     *     DynamoDB-API server such as dynalite, with fixed dummy credentials
     */
    public static DynamoDbClient create(Region region, Optional<URI> endpoint) {
        return create(region, endpoint, List.of());
    }

    /** As {@link #create(Region, Optional)}, with SDK interceptors (tests count requests with one). */
    public static DynamoDbClient create(Region region, Optional<URI> endpoint, List<ExecutionInterceptor> interceptors) {
        return configure(DynamoDbClient.builder(), region, endpoint, interceptors)
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(SOCKET_TIMEOUT))
                .build();
    }

    /**
     * Everything but the HTTP client: region, endpoint and credentials, timeouts, retries,
     * interceptors. Tests put a scripted HTTP client under the same configuration.
     */
    static DynamoDbClientBuilder configure(DynamoDbClientBuilder builder, Region region, Optional<URI> endpoint,
            List<ExecutionInterceptor> interceptors) {
        Objects.requireNonNull(region, "region");
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder()
                .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                .apiCallTimeout(CALL_TIMEOUT)
                .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(MAX_ATTEMPTS).build());
        interceptors.forEach(override::addExecutionInterceptor);
        builder.region(region).overrideConfiguration(override.build());
        if (endpoint.isPresent()) {
            builder.endpointOverride(endpoint.get()).credentialsProvider(LOCAL_CREDENTIALS);
        } else {
            builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        return builder;
    }
}
