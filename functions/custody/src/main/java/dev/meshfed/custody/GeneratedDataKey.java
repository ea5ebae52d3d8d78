package dev.meshfed.custody;

import java.util.Arrays;
import java.util.Objects;

/**
 * A data key as {@code GenerateDataKey} returns it: the plaintext, to encrypt with once and forget,
 * and the KMS-encrypted copy, to store. This object owns the plaintext array (no copies are made)
 * and {@link #close()} zeroes it; use it in a try-with-resources block.
 */
public final class GeneratedDataKey implements AutoCloseable {
    private final byte[] plaintext;
    private final byte[] encryptedKey;

    /** Takes ownership of {@code plaintext}; copies {@code encryptedKey}. */
    public GeneratedDataKey(byte[] plaintext, byte[] encryptedKey) {
        this.plaintext = Objects.requireNonNull(plaintext, "plaintext");
        this.encryptedKey = Objects.requireNonNull(encryptedKey, "encryptedKey").clone();
    }

    /** The plaintext data key itself (not a copy): valid until {@link #close()}. */
    public byte[] plaintext() {
        return plaintext;
    }

    /** The data key encrypted under the KMS key (the {@code CiphertextBlob}). */
    public byte[] encryptedKey() {
        return encryptedKey.clone();
    }

    /** Zeroes the plaintext. */
    @Override
    public void close() {
        Arrays.fill(plaintext, (byte) 0);
    }

    @Override
    public String toString() {
        return "GeneratedDataKey[" + plaintext.length + "-byte plaintext, " + encryptedKey.length + "-byte encrypted]";
    }
}
