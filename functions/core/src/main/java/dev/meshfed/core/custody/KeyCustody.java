package dev.meshfed.core.custody;

import java.security.PrivateKey;

/**
 * The one way private keys are stored: every code path that persists or loads key material goes
 * through this port. A wrapped key is bound to its context (DC, key ID, purpose) as additional
 * authenticated data / KMS encryption context, so a key copied to another item, another DC or
 * another purpose does not unwrap.
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
}
