package dev.meshfed.custody;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;

/**
 * {@link KmsOperations} over the AWS SDK's {@link KmsClient}: {@code GenerateDataKey} with key spec
 * {@code AES_256} and {@code Decrypt} naming the KMS key, both with the encryption context. SDK
 * exceptions become {@link KmsCallFailed} classified by KMS error code; the SDK has already retried
 * what its retry policy retries (throttling, 5xx, I/O) by the time one arrives here.
 *
 * <p>The SDK's copies of a plaintext data key in the response object are zeroed after they are
 * taken; the copies inside the HTTP client and JSON parser are out of reach.
 */
public final class SdkKmsOperations implements KmsOperations {
    private static final Pattern SAFE_CODE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Set<String> KEY_UNUSABLE = Set.of(
            "DisabledException", "KMSInvalidStateException", "NotFoundException", "InvalidKeyUsageException");
    private static final Set<String> UNAVAILABLE = Set.of(
            "KMSInternalException", "DependencyTimeoutException", "KeyUnavailableException");

    private final KmsClient client;

    public SdkKmsOperations(KmsClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    public GeneratedDataKey generateDataKey(String keyId, Map<String, String> encryptionContext) {
        GenerateDataKeyResponse response;
        try {
            response = client.generateDataKey(r -> r.keyId(keyId).keySpec(DataKeySpec.AES_256)
                    .encryptionContext(encryptionContext));
        } catch (SdkException e) {
            throw classify(e);
        }
        if (response.plaintext() == null || response.ciphertextBlob() == null) {
            throw new KmsCallFailed(KmsCallFailed.Reason.REFUSED, "incomplete GenerateDataKey response");
        }
        byte[] plaintext = takeAndZero(response.plaintext());
        return new GeneratedDataKey(plaintext, response.ciphertextBlob().asByteArray());
    }

    @Override
    public byte[] decrypt(String keyId, byte[] encryptedDataKey, Map<String, String> encryptionContext) {
        DecryptResponse response;
        try {
            response = client.decrypt(r -> r.keyId(keyId).ciphertextBlob(SdkBytes.fromByteArray(encryptedDataKey))
                    .encryptionContext(encryptionContext));
        } catch (SdkException e) {
            throw classify(e);
        }
        if (response.plaintext() == null) {
            throw new KmsCallFailed(KmsCallFailed.Reason.REFUSED, "Decrypt response without plaintext");
        }
        return takeAndZero(response.plaintext());
    }

    /** A copy of the bytes, and the SDK's own array zeroed. */
    private static byte[] takeAndZero(SdkBytes bytes) {
        byte[] own = bytes.asByteArrayUnsafe();
        byte[] copy = own.clone();
        Arrays.fill(own, (byte) 0);
        return copy;
    }

    /** The SDK exception as a {@link KmsCallFailed}; its message never passes through. */
    static KmsCallFailed classify(SdkException e) {
        if (e instanceof SdkServiceException service) {
            String code = e instanceof AwsServiceException aws && aws.awsErrorDetails() != null
                    ? aws.awsErrorDetails().errorCode() : null;
            String detail = code != null && SAFE_CODE.matcher(code).matches() ? code : "HTTP " + service.statusCode();
            if ("AccessDeniedException".equals(code)) {
                return new KmsCallFailed(KmsCallFailed.Reason.ACCESS_DENIED, detail);
            }
            if ("InvalidCiphertextException".equals(code)) {
                return new KmsCallFailed(KmsCallFailed.Reason.INVALID_CIPHERTEXT, detail);
            }
            if ("IncorrectKeyException".equals(code)) {
                return new KmsCallFailed(KmsCallFailed.Reason.INCORRECT_KEY, detail);
            }
            if (code != null && KEY_UNUSABLE.contains(code)) {
                return new KmsCallFailed(KmsCallFailed.Reason.KEY_UNUSABLE, detail);
            }
            if (service.isThrottlingException()) {
                return new KmsCallFailed(KmsCallFailed.Reason.THROTTLED, detail);
            }
            if (service.statusCode() >= 500 || (code != null && UNAVAILABLE.contains(code))) {
                return new KmsCallFailed(KmsCallFailed.Reason.UNAVAILABLE, detail);
            }
            return new KmsCallFailed(KmsCallFailed.Reason.REFUSED, detail);
        }
        // SdkClientException and the rest: I/O, timeouts, an unreachable endpoint; nothing was refused
        return new KmsCallFailed(KmsCallFailed.Reason.UNAVAILABLE, e.getClass().getSimpleName());
    }
}
