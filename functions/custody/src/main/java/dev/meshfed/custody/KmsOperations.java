package dev.meshfed.custody;

import java.util.Map;

/**
 * The two KMS calls meshfed makes, and nothing else of the SDK: {@link SdkKmsOperations} in AWS, a
 * fake in tests. Implementations report failures only as {@link KmsCallFailed}, classified, with
 * no text from KMS.
 */
public interface KmsOperations {

    /**
     * A fresh AES-256 data key under the KMS key {@code keyId}, bound to {@code encryptionContext}
     * (KMS {@code GenerateDataKey}, key spec {@code AES_256}).
     *
     * @param keyId the KMS key: ID, ARN or alias
     * @throws KmsCallFailed when KMS refuses or cannot answer
     */
    GeneratedDataKey generateDataKey(String keyId, Map<String, String> encryptionContext);

    /**
     * The plaintext of a data key that {@link #generateDataKey} made (KMS {@code Decrypt}). KMS
     * refuses unless {@code encryptionContext} is exactly the one given at generation and {@code
     * keyId} is the KMS key that encrypted it. The caller owns the returned array and zeroes it.
     *
     * <p>Deviation from the first sketch of this interface, which had no {@code keyId} here: naming
     * the KMS key on {@code Decrypt} is what AWS recommends for symmetric keys, so a ciphertext that
     * names some other key (one an attacker controls) is refused instead of decrypted.
     *
     * @throws KmsCallFailed when KMS refuses or cannot answer
     */
    byte[] decrypt(String keyId, byte[] encryptedDataKey, Map<String, String> encryptionContext);
}
