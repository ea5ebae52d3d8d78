package dev.meshfed.custody;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM as both custodies use it: a fresh random 96-bit nonce per seal, a 128-bit tag, the
 * key context as additional authenticated data. A sealed value is {@code nonce || ciphertext ||
 * tag}.
 *
 * <p>Random nonces keep a single key safe for about 2^32 seals (NIST SP 800-38D); the local
 * key-encryption key of a development machine and the one-use KMS data keys stay far below that.
 */
final class AesGcm {
    static final int KEY_BYTES = 32;
    static final int NONCE_BYTES = 12;
    static final int TAG_BITS = 128;
    static final int TAG_BYTES = TAG_BITS / 8;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final SecureRandom RANDOM = new SecureRandom();

    private AesGcm() {
    }

    /** A sealed value cannot be authenticated: altered, truncated, another key or another AAD. */
    static final class NotAuthentic extends Exception {
        NotAuthentic() {
            super(null, null, false, false);
        }
    }

    static byte[] seal(byte[] key, byte[] plaintext, byte[] aad) {
        checkKey(key);
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            byte[] sealed = new byte[NONCE_BYTES + cipher.getOutputSize(plaintext.length)];
            System.arraycopy(nonce, 0, sealed, 0, NONCE_BYTES);
            cipher.doFinal(plaintext, 0, plaintext.length, sealed, NONCE_BYTES);
            return sealed;
        } catch (GeneralSecurityException e) {
            // Only an unusable JVM gets here (no AES-GCM); the JDK's text is left out on purpose.
            throw new IllegalStateException("AES-GCM encryption failed: " + e.getClass().getSimpleName());
        }
    }

    /** The plaintext of {@code sealed}; the caller owns it and should zero it after use. */
    static byte[] open(byte[] key, byte[] sealed, byte[] aad) throws NotAuthentic {
        checkKey(key);
        if (sealed.length < NONCE_BYTES + TAG_BYTES) {
            throw new NotAuthentic();
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
                    new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            cipher.updateAAD(aad);
            return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new NotAuthentic();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed: " + e.getClass().getSimpleName());
        }
    }

    /** True when {@code sealed} is too short to hold a nonce and a tag. */
    static boolean tooShort(byte[] sealed) {
        return sealed.length < NONCE_BYTES + TAG_BYTES;
    }

    private static void checkKey(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("an AES-256 key is 32 bytes, got " + key.length);
        }
    }
}
