package dev.meshfed.custody;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A KMS that behaves like the real one where meshfed depends on it: data keys are really encrypted
 * under a key of its own, the ciphertext names the KMS key that made it, and {@code Decrypt}
 * refuses ({@code InvalidCiphertextException}) unless the encryption context is exactly the one
 * given to {@code GenerateDataKey}, or ({@code IncorrectKeyException}) when the named key is not
 * the one that made the ciphertext. A key policy can be simulated ({@link #denyDecrypt}), and so
 * can faults ({@link #failWith}). It records every call and every plaintext it hands out, so tests
 * can check what was asked and that the caller zeroed what it got.
 */
final class FakeKms implements KmsOperations {
    record Call(String operation, String keyId, Map<String, String> encryptionContext) {
    }

    static final String KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

    private final String keyArn;
    private final byte[] masterKey = new byte[32];
    private final SecureRandom random = new SecureRandom();
    private final List<Call> calls = new ArrayList<>();
    private final List<byte[]> plaintextsHandedOut = new ArrayList<>();
    /** A fake key policy and fault injection: the reason a call fails, or null to let it through. */
    private Function<Call, KmsCallFailed.Reason> policy = call -> null;
    private Function<Call, KmsCallFailed.Reason> faults = call -> null;

    FakeKms() {
        this(KEY_ARN);
    }

    FakeKms(String keyArn) {
        this.keyArn = keyArn;
        random.nextBytes(masterKey);
    }

    String keyArn() {
        return keyArn;
    }

    /** Like a key policy statement: deny {@code Decrypt} for every call this rule matches. */
    FakeKms denyDecrypt(Predicate<Map<String, String>> whenContext) {
        this.policy = call -> call.operation().equals("Decrypt") && whenContext.test(call.encryptionContext())
                ? KmsCallFailed.Reason.ACCESS_DENIED : null;
        return this;
    }

    /** Fail every call of {@code operation} with {@code reason} (null: stop failing). */
    FakeKms failWith(String operation, KmsCallFailed.Reason reason) {
        this.faults = reason == null ? call -> null : call -> call.operation().equals(operation) ? reason : null;
        return this;
    }

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The plaintext data-key arrays given to callers, as they are now (zeroed if the caller did). */
    synchronized List<byte[]> plaintextsHandedOut() {
        return List.copyOf(plaintextsHandedOut);
    }

    @Override
    public synchronized GeneratedDataKey generateDataKey(String keyId, Map<String, String> encryptionContext) {
        Call call = record("GenerateDataKey", keyId, encryptionContext);
        check(call);
        if (!keyArn.equals(keyId)) {
            throw new KmsCallFailed(KmsCallFailed.Reason.KEY_UNUSABLE, "NotFoundException");
        }
        byte[] dataKey = new byte[32];
        random.nextBytes(dataKey);
        byte[] blob = seal(dataKey, encryptionContext);
        byte[] handedOut = dataKey.clone();
        plaintextsHandedOut.add(handedOut);
        return new GeneratedDataKey(handedOut, blob);
    }

    @Override
    public synchronized byte[] decrypt(String keyId, byte[] encryptedDataKey, Map<String, String> encryptionContext) {
        Call call = record("Decrypt", keyId, encryptionContext);
        check(call);
        ByteBuffer in = ByteBuffer.wrap(encryptedDataKey);
        if (!in.hasRemaining()) {
            throw new KmsCallFailed(KmsCallFailed.Reason.INVALID_CIPHERTEXT, "InvalidCiphertextException");
        }
        int arnLength = in.get() & 0xff;
        if (in.remaining() < arnLength) {
            throw new KmsCallFailed(KmsCallFailed.Reason.INVALID_CIPHERTEXT, "InvalidCiphertextException");
        }
        byte[] arn = new byte[arnLength];
        in.get(arn);
        if (!keyArn.equals(new String(arn, StandardCharsets.UTF_8))) {
            // the real KMS answers IncorrectKeyException when the named key did not make the ciphertext
            throw new KmsCallFailed(KmsCallFailed.Reason.INCORRECT_KEY, "IncorrectKeyException");
        }
        if (keyId != null && !keyArn.equals(keyId)) {
            throw new KmsCallFailed(KmsCallFailed.Reason.INCORRECT_KEY, "IncorrectKeyException");
        }
        byte[] sealed = new byte[in.remaining()];
        in.get(sealed);
        byte[] plaintext = open(sealed, encryptionContext);
        byte[] handedOut = plaintext.clone();
        plaintextsHandedOut.add(handedOut);
        return handedOut;
    }

    private Call record(String operation, String keyId, Map<String, String> encryptionContext) {
        Call call = new Call(operation, keyId, Map.copyOf(encryptionContext));
        calls.add(call);
        return call;
    }

    private void check(Call call) {
        KmsCallFailed.Reason fault = faults.apply(call);
        if (fault != null) {
            throw new KmsCallFailed(fault, null);
        }
        if (policy.apply(call) != null) {
            throw new KmsCallFailed(KmsCallFailed.Reason.ACCESS_DENIED, "AccessDeniedException");
        }
    }

    private byte[] seal(byte[] plaintext, Map<String, String> encryptionContext) {
        try {
            byte[] nonce = new byte[12];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(masterKey, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(canonical(encryptionContext));
            byte[] ct = c.doFinal(plaintext);
            byte[] arn = keyArn.getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(1 + arn.length + nonce.length + ct.length)
                    .put((byte) arn.length).put(arn).put(nonce).put(ct).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] open(byte[] sealed, Map<String, String> encryptionContext) {
        if (sealed.length < 12 + 16) {
            throw new KmsCallFailed(KmsCallFailed.Reason.INVALID_CIPHERTEXT, "InvalidCiphertextException");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(masterKey, "AES"),
                    new GCMParameterSpec(128, Arrays.copyOf(sealed, 12)));
            c.updateAAD(canonical(encryptionContext));
            return c.doFinal(sealed, 12, sealed.length - 12);
        } catch (AEADBadTagException e) {
            throw new KmsCallFailed(KmsCallFailed.Reason.INVALID_CIPHERTEXT, "InvalidCiphertextException");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The context as KMS treats it: an unordered set of pairs, every one of which must match. */
    private static byte[] canonical(Map<String, String> encryptionContext) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(encryptionContext).forEach((k, v) ->
                sb.append(k.length()).append(':').append(k).append(v.length()).append(':').append(v));
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
