package dev.meshfed.custody;

import dev.meshfed.core.custody.KeyContext;
import dev.meshfed.core.custody.KeyUnwrapFailed;

/**
 * The failure texts of both custodies, in one place so they stay alike: lower-case, naming the
 * purpose, key ID and DC (none of them secret) and the reason, never bytes of the wrapped key or
 * text from the JDK or KMS.
 */
final class UnwrapTexts {
    private UnwrapTexts() {
    }

    /** {@code root key <keyId> in <dc>}. */
    static String subject(KeyContext context) {
        return context.purpose().wireName() + " key " + context.keyId() + " in " + context.datacenter();
    }

    static KeyUnwrapFailed failed(KeyContext context, String reason) {
        return new KeyUnwrapFailed("cannot unwrap " + subject(context) + ": " + reason);
    }

    static KeyUnwrapFailed wrongScheme(KeyContext context, String expected) {
        return failed(context, "it was not wrapped by " + expected);
    }

    static KeyUnwrapFailed truncated(KeyContext context) {
        return failed(context, "the ciphertext is shorter than a nonce and a tag");
    }

    /** The stored algorithm label is not authenticated, so it is named only when it is one we know. */
    static KeyUnwrapFailed notAKey(KeyContext context, String keyAlgorithm) {
        return Pkcs8Keys.ALGORITHMS.contains(keyAlgorithm)
                ? failed(context, "the decrypted bytes are not a PKCS#8 " + keyAlgorithm + " key")
                : failed(context, "the stored key algorithm is not EC or RSA");
    }

    /** {@code forwarded-response <id> in <dc>}: what sealed data is, for the texts of {@code open}. */
    static String sealedSubject(KeyContext context) {
        return context.purpose().wireName() + " " + context.keyId() + " in " + context.datacenter();
    }

    static KeyUnwrapFailed openFailed(KeyContext context, String reason) {
        return new KeyUnwrapFailed("cannot open sealed " + sealedSubject(context) + ": " + reason);
    }
}
