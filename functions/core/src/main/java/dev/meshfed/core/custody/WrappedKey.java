package dev.meshfed.core.custody;

import java.util.Arrays;
import java.util.Objects;

/**
 * A private key as stored: never plaintext.
 *
 * @param scheme which custody made it ({@code local-aes-gcm-v1}, {@code kms-envelope-v1})
 * @param keyAlgorithm the JCA algorithm of the wrapped key ({@code EC}, {@code RSA})
 * @param encryptedDataKey the data key encrypted by KMS, or an empty array when the scheme has none
 * @param ciphertext nonce and AES-GCM ciphertext of the PKCS#8 key
 */
public record WrappedKey(String scheme, String keyAlgorithm, byte[] encryptedDataKey, byte[] ciphertext) {

    public WrappedKey {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(keyAlgorithm, "keyAlgorithm");
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
        return o instanceof WrappedKey w && scheme.equals(w.scheme) && keyAlgorithm.equals(w.keyAlgorithm)
                && Arrays.equals(encryptedDataKey, w.encryptedDataKey) && Arrays.equals(ciphertext, w.ciphertext);
    }

    @Override
    public int hashCode() {
        return Objects.hash(scheme, keyAlgorithm, Arrays.hashCode(encryptedDataKey), Arrays.hashCode(ciphertext));
    }

    @Override
    public String toString() {
        return "WrappedKey[" + scheme + ", " + keyAlgorithm + "]";
    }
}
