package dev.meshfed.custody;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/** Builds the {@link KmsClient} that {@link SdkKmsOperations} wraps. */
public final class KmsClients {
    /**
     * Connect timeout: KMS is a regional endpoint reached in milliseconds; a connect that takes longer
     * is a network fault, better retried by the SDK than waited out in a Lambda invocation.
     */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** Read timeout of one attempt; KMS answers {@code GenerateDataKey} and {@code Decrypt} in milliseconds. */
    public static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(5);

    private KmsClients() {
    }

    /**
     * A client for {@code region} using the default credential chain (the Lambda role's environment
     * credentials in AWS), the URL-connection HTTP client and the SDK's default retry policy.
     *
     * @param endpoint an endpoint override (a VPC endpoint, a local test server), or empty
     */
    public static KmsClient create(Region region, Optional<URI> endpoint) {
        return create(region, endpoint, DefaultCredentialsProvider.builder().build());
    }

    /** As {@link #create(Region, Optional)} with explicit credentials (tests, tools). */
    public static KmsClient create(Region region, Optional<URI> endpoint, AwsCredentialsProvider credentials) {
        var builder = KmsClient.builder()
                .region(region)
                .credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(SOCKET_TIMEOUT));
        endpoint.ifPresent(builder::endpointOverride);
        return builder.build();
    }
}
