package dev.meshfed.core.custody;

import java.security.PrivateKey;

/**
 * The one way private keys are stored: every code path that persists or loads key material goes
 * through this port. A wrapped key is bound to its context (DC, key ID, purpose) as additional
 * authenticated data / KMS encryption context, so a key copied to another item, another DC or
 * another purpose does not unwrap. The few other secrets meshfed must store (a forwarded write's
 * response) go through the same port ({@link #seal}, {@link #open}).
 */
public interface KeyCustody {

    /** Encrypts {@code key} for storage in the private table. */
    WrappedKey wrap(PrivateKey key, KeyContext context);

    /**
     * Decrypts a stored key.
     *
     * @throws KeyUnwrapFailed when the ciphertext was altered, or the context differs from the one
     *     it was wrapped with, or the custody backend refuses (for example a KMS key policy that lets
     *     only {@code rotate-leaves} decrypt the root key)
     */
    PrivateKey unwrap(WrappedKey wrapped, KeyContext context);

    /**
     * Encrypts data that is not a key but must not be stored in plain text (a forwarded write's
     * response, which may carry a secret), bound to {@code context} exactly as {@link #wrap} binds a
     * key: sealed under one context, it opens under no other.
     *
     * @throws CustodyUnavailable when the custody backend cannot answer now
     */
    SealedData seal(byte[] plaintext, KeyContext context);

    /**
     * Decrypts what {@link #seal} made; the caller owns the returned array.
     *
     * @throws KeyUnwrapFailed when the ciphertext was altered, the context differs from the one it
     *     was sealed with, or the custody backend refuses
     * @throws CustodyUnavailable when the custody backend cannot answer now
     */
    byte[] open(SealedData sealed, KeyContext context);
}
