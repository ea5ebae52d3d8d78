package dev.meshfed.core.custody;

/** A stored key could not be unwrapped. The message never includes key material or ciphertext. */
public final class KeyUnwrapFailed extends RuntimeException {
    public KeyUnwrapFailed(String message) {
        super(message, null, false, false);
    }
}
