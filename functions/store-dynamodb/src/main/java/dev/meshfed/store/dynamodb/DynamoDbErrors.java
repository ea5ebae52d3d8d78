package dev.meshfed.store.dynamodb;

import dev.meshfed.core.store.StoreUnavailable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ReplicatedWriteConflictException;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ThrottlingException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;

/**
 * Translates the SDK's exceptions into meshfed's vocabulary (conditional-check failures are
 * handled by the store itself, which knows the expected version):
 * <ul>
 *   <li>throttling, service-side failures (5xx), timeouts and I/O errors: {@link StoreUnavailable},
 *       which callers retry;</li>
 *   <li>a missing table: {@link IllegalStateException} naming the table (a deployment fault);</li>
 *   <li>a request DynamoDB refuses as invalid (an item over 400 KB): {@link IllegalArgumentException};</li>
 *   <li>anything else: {@link IllegalStateException}.</li>
 * </ul>
 * Messages carry the table, the operation, the item key or partition, and DynamoDB's error code,
 * status and request ID; never the vendor's message text, which may quote attribute values, and
 * no cause, so that none reaches a log through a stack trace.
 */
final class DynamoDbErrors {

    /** Error codes that mean "try again later" whether or not this SDK version models them. */
    private static final Set<String> TRANSIENT_CODES = Set.of("ProvisionedThroughputExceededException",
            "RequestLimitExceeded", "ThrottlingException", "Throttling", "InternalServerError",
            "ServiceUnavailable", "TransactionConflictException", "ReplicatedWriteConflictException");

    private DynamoDbErrors() {
    }

    /**
     * The meshfed exception for a failed call.
     *
     * @param operation {@code get}, {@code put}, {@code delete} or {@code query}
     * @param target the item key or the partition queried
     */
    static RuntimeException translate(String table, String operation, String target, SdkException e) {
        String where = operation + " of " + target + " in table " + table;
        if (e instanceof ResourceNotFoundException) {
            return new IllegalStateException("dynamodb table " + table + " does not exist or is not active in this region");
        }
        if (isTransient(e)) {
            return new StoreUnavailable("dynamodb unavailable for " + where + ": " + describe(e));
        }
        if (e instanceof AwsServiceException s) {
            String code = code(s);
            if ("ValidationException".equals(code)) {
                String why = s.awsErrorDetails() != null && s.awsErrorDetails().errorMessage() != null
                        && s.awsErrorDetails().errorMessage().startsWith("Item size") ? " (item larger than 400 KB)" : "";
                return new IllegalArgumentException("dynamodb refused " + where + ": " + describe(e) + why);
            }
            return new IllegalStateException("dynamodb refused " + where + ": " + describe(e));
        }
        return new IllegalStateException("dynamodb client failed for " + where + ": " + describe(e));
    }

    /** Throttling, a service-side failure, a timeout or a broken connection. */
    static boolean isTransient(SdkException e) {
        if (e instanceof ProvisionedThroughputExceededException || e instanceof RequestLimitExceededException
                || e instanceof ThrottlingException || e instanceof InternalServerErrorException
                || e instanceof TransactionConflictException || e instanceof ReplicatedWriteConflictException) {
            return true;
        }
        if (e instanceof AwsServiceException s) {
            return s.isThrottlingException() || s.statusCode() >= 500 || TRANSIENT_CODES.contains(code(s));
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return true;
        }
        return e instanceof SdkClientException && ioCause(e) != null;
    }

    private static String describe(SdkException e) {
        if (e instanceof AwsServiceException s) {
            String code = code(s);
            return (code != null ? code : s.getClass().getSimpleName()) + " (status " + s.statusCode()
                    + (s.requestId() != null ? ", request id " + s.requestId() : "") + ")";
        }
        Throwable io = ioCause(e);
        return e.getClass().getSimpleName() + (io != null ? " caused by " + io.getClass().getSimpleName() : "");
    }

    private static String code(AwsServiceException s) {
        return s.awsErrorDetails() != null ? s.awsErrorDetails().errorCode() : null;
    }

    private static Throwable ioCause(Throwable e) {
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof IOException || t instanceof UncheckedIOException) {
                return t;
            }
        }
        return null;
    }
}
