package dev.meshfed.custody;

import dev.meshfed.core.custody.CustodyUnavailable;
import dev.meshfed.core.custody.KeyContext;
import dev.meshfed.core.custody.KeyCustody;
import dev.meshfed.core.custody.KeyUnwrapFailed;
import dev.meshfed.core.custody.SealedData;
import dev.meshfed.core.custody.WrappedKey;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * Key custody in AWS: envelope encryption under the region's KMS key.
 *
 * <p>Wrapping asks KMS for a fresh AES-256 data key bound to {@link KeyContext#asEncryptionContext()}
 * ({@code meshfed:dc}, {@code meshfed:keyId}, {@code meshfed:purpose}), encrypts the key's PKCS#8
 * encoding with it (AES-256-GCM, random nonce, {@link KeyContext#asAad()} as AAD), stores the
 * KMS-encrypted data key beside the ciphertext and zeroes the plaintext data key. Unwrapping asks
 * KMS to decrypt the data key with the same context, which KMS refuses if the context differs, and
 * which a key policy condition on {@code kms:EncryptionContext:meshfed:purpose} can refuse for
 * {@code root} to every function but {@code rotate-leaves} (docs/key-custody.md).
 *
 * <p>Failures: a refusal to decrypt ({@code AccessDeniedException}, {@code
 * InvalidCiphertextException}, {@code IncorrectKeyException}, a disabled key) and any altered
 * ciphertext are {@link KeyUnwrapFailed}; throttling, KMS 5xx and network failures are {@link
 * CustodyUnavailable}. A refusal to generate a data key is a deployment fault (key policy, disabled
 * key), not something a caller can act on, and is an {@link IllegalStateException}. Thread-safe
 * when its {@link KmsOperations} is.
 */
public final class KmsKeyCustody implements KeyCustody {
    /** The scheme name stored in every {@link WrappedKey} this custody makes. */
    public static final String SCHEME = "kms-envelope-v1";

    private final KmsOperations kms;
    private final String kmsKeyId;

    /**
     * @param kmsKeyId the region's KMS key (ID, ARN or alias) that data keys are generated under and
     *     that {@code Decrypt} is told to use
     */
    public KmsKeyCustody(KmsOperations kms, String kmsKeyId) {
        this.kms = Objects.requireNonNull(kms, "kms");
        this.kmsKeyId = Objects.requireNonNull(kmsKeyId, "kmsKeyId");
    }

    @Override
    public WrappedKey wrap(PrivateKey key, KeyContext context) {
        byte[] pkcs8 = Pkcs8Keys.encode(key);
        try {
            GeneratedDataKey dataKey = generate(context);
            try (dataKey) {
                if (dataKey.plaintext().length != AesGcm.KEY_BYTES) {
                    throw new IllegalStateException("KMS returned a data key of " + dataKey.plaintext().length
                            + " bytes for " + UnwrapTexts.subject(context) + ", expected " + AesGcm.KEY_BYTES);
                }
                byte[] sealed = AesGcm.seal(dataKey.plaintext(), pkcs8, context.asAad());
                return new WrappedKey(SCHEME, key.getAlgorithm(), dataKey.encryptedKey(), sealed);
            }
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    private GeneratedDataKey generate(KeyContext context) {
        Map<String, String> encryptionContext = context.asEncryptionContext();
        try {
            return kms.generateDataKey(kmsKeyId, encryptionContext);
        } catch (KmsCallFailed e) {
            if (e.reason().isTransient()) {
                throw new CustodyUnavailable("KMS could not generate a data key for " + UnwrapTexts.subject(context)
                        + " now: " + e.getMessage());
            }
            throw new IllegalStateException("KMS refused to generate a data key for " + UnwrapTexts.subject(context)
                    + ": " + e.getMessage());
        }
    }

    @Override
    public PrivateKey unwrap(WrappedKey wrapped, KeyContext context) {
        if (!SCHEME.equals(wrapped.scheme())) {
            throw UnwrapTexts.wrongScheme(context, SCHEME);
        }
        byte[] encryptedDataKey = wrapped.encryptedDataKey();
        if (encryptedDataKey.length == 0) {
            throw UnwrapTexts.failed(context, "it has no encrypted data key");
        }
        byte[] sealed = wrapped.ciphertext();
        if (AesGcm.tooShort(sealed)) {
            throw UnwrapTexts.truncated(context);
        }
        byte[] dataKey = decrypt(encryptedDataKey, context);
        byte[] pkcs8 = null;
        try {
            if (dataKey.length != AesGcm.KEY_BYTES) {
                throw UnwrapTexts.failed(context, "KMS returned a data key that is not " + AesGcm.KEY_BYTES + " bytes");
            }
            try {
                pkcs8 = AesGcm.open(dataKey, sealed, context.asAad());
            } catch (AesGcm.NotAuthentic e) {
                throw UnwrapTexts.failed(context, "authentication failed: the ciphertext was altered or belongs to"
                        + " another DC, key ID or purpose");
            }
            PrivateKey key = Pkcs8Keys.decode(wrapped.keyAlgorithm(), pkcs8);
            if (key == null) {
                throw UnwrapTexts.notAKey(context, wrapped.keyAlgorithm());
            }
            return key;
        } finally {
            Arrays.fill(dataKey, (byte) 0);
            if (pkcs8 != null) {
                Arrays.fill(pkcs8, (byte) 0);
            }
        }
    }

    /**
     * Seals {@code plaintext} as {@link #wrap} seals a key: a fresh KMS data key bound to the
     * context's encryption context, AES-256-GCM with the context as AAD, the data key zeroed after.
     */
    @Override
    public SealedData seal(byte[] plaintext, KeyContext context) {
        GeneratedDataKey dataKey = generate(context);
        try (dataKey) {
            if (dataKey.plaintext().length != AesGcm.KEY_BYTES) {
                throw new IllegalStateException("KMS returned a data key of " + dataKey.plaintext().length
                        + " bytes for " + UnwrapTexts.sealedSubject(context) + ", expected " + AesGcm.KEY_BYTES);
            }
            return new SealedData(SCHEME, dataKey.encryptedKey(), AesGcm.seal(dataKey.plaintext(), plaintext,
                    context.asAad()));
        }
    }

    @Override
    public byte[] open(SealedData sealed, KeyContext context) {
        if (!SCHEME.equals(sealed.scheme())) {
            throw UnwrapTexts.openFailed(context, "it was not sealed by " + SCHEME);
        }
        byte[] encryptedDataKey = sealed.encryptedDataKey();
        if (encryptedDataKey.length == 0) {
            throw UnwrapTexts.openFailed(context, "it has no encrypted data key");
        }
        byte[] ciphertext = sealed.ciphertext();
        if (AesGcm.tooShort(ciphertext)) {
            throw UnwrapTexts.openFailed(context, "the ciphertext is shorter than a nonce and a tag");
        }
        byte[] dataKey;
        try {
            dataKey = decrypt(encryptedDataKey, context);
        } catch (KeyUnwrapFailed e) {
            throw UnwrapTexts.openFailed(context, e.getMessage());
        }
        try {
            if (dataKey.length != AesGcm.KEY_BYTES) {
                throw UnwrapTexts.openFailed(context, "KMS returned a data key that is not " + AesGcm.KEY_BYTES + " bytes");
            }
            return AesGcm.open(dataKey, ciphertext, context.asAad());
        } catch (AesGcm.NotAuthentic e) {
            throw UnwrapTexts.openFailed(context, "authentication failed: the ciphertext was altered or belongs to"
                    + " another DC, ID or purpose");
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    private byte[] decrypt(byte[] encryptedDataKey, KeyContext context) {
        try {
            return kms.decrypt(kmsKeyId, encryptedDataKey, context.asEncryptionContext());
        } catch (KmsCallFailed e) {
            if (e.reason().isTransient()) {
                throw new CustodyUnavailable("KMS could not decrypt the data key for " + UnwrapTexts.subject(context)
                        + " now: " + e.getMessage());
            }
            throw new KeyUnwrapFailed("KMS refused to decrypt the data key for " + UnwrapTexts.subject(context)
                    + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "KmsKeyCustody[" + SCHEME + ", " + kmsKeyId + "]";
    }
}
