package dev.meshfed.core.custody;

import java.util.Arrays;
import java.util.Objects;

/**
 * Data that is not a key but must not be stored in plain text (a forwarded write's response, which
 * may carry a token's {@code SecretID}), sealed by {@link KeyCustody#seal}. The same shape as a
 * {@link WrappedKey} without the key algorithm.
 *
 * @param scheme which custody made it ({@code local-aes-gcm-v1}, {@code kms-envelope-v1})
 * @param encryptedDataKey the data key encrypted by KMS, or an empty array when the scheme has none
 * @param ciphertext nonce, AES-GCM ciphertext and tag of the data
 */
public record SealedData(String scheme, byte[] encryptedDataKey, byte[] ciphertext) {

    public SealedData {
        Objects.requireNonNull(scheme, "scheme");
        encryptedDataKey = encryptedDataKey == null ? new byte[0] : encryptedDataKey.clone();
        ciphertext = ciphertext.clone();
    }

    @Override
    public byte[] encryptedDataKey() {
        return encryptedDataKey.clone();
    }

    @Override
    public byte[] ciphertext() {
        return ciphertext.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SealedData d && scheme.equals(d.scheme)
                && Arrays.equals(encryptedDataKey, d.encryptedDataKey) && Arrays.equals(ciphertext, d.ciphertext);
    }

    @Override
    public int hashCode() {
        return Objects.hash(scheme, Arrays.hashCode(encryptedDataKey), Arrays.hashCode(ciphertext));
    }

    @Override
    public String toString() {
        return "SealedData[" + scheme + ", " + ciphertext.length + " bytes]";
    }
}
