package dev.meshfed.custody;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.custody.CustodyUnavailable;
import dev.meshfed.core.custody.KeyContext;
import dev.meshfed.core.custody.KeyCustody;
import dev.meshfed.core.custody.KeyPurpose;
import dev.meshfed.core.custody.KeyUnwrapFailed;
import dev.meshfed.core.custody.WrappedKey;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** KMS envelope encryption against a fake KMS that enforces the encryption context like the real one. */
class KmsKeyCustodyTest extends KeyCustodyContract {
    private final FakeKms kms = new FakeKms();
    private final KmsKeyCustody custody = new KmsKeyCustody(kms, FakeKms.KEY_ARN);

    @Override
    KeyCustody custody() {
        return custody;
    }

    @Override
    String scheme() {
        return "kms-envelope-v1";
    }

    static KeyContext rootContext() {
        return new KeyContext("dc1", TestKeys.EC_P384.keyId(), KeyPurpose.ROOT);
    }

    @Test
    void theFakeKmsRefusesADecryptWhoseEncryptionContextDiffersFromGeneration() {
        Map<String, String> context = Map.of("meshfed:dc", "dc1", "meshfed:keyId", "aa", "meshfed:purpose", "root");
        GeneratedDataKey dataKey = kms.generateDataKey(FakeKms.KEY_ARN, context);

        assertThat(kms.decrypt(FakeKms.KEY_ARN, dataKey.encryptedKey(), Map.copyOf(context)))
                .isEqualTo(dataKey.plaintext());
        for (Map<String, String> other : java.util.List.of(
                Map.of("meshfed:dc", "dc2", "meshfed:keyId", "aa", "meshfed:purpose", "root"),
                Map.of("meshfed:dc", "dc1", "meshfed:keyId", "aa"),
                Map.of("meshfed:dc", "dc1", "meshfed:keyId", "aa", "meshfed:purpose", "root", "extra", "x"))) {
            assertThatThrownBy(() -> kms.decrypt(FakeKms.KEY_ARN, dataKey.encryptedKey(), other))
                    .isInstanceOf(KmsCallFailed.class)
                    .extracting(e -> ((KmsCallFailed) e).reason()).isEqualTo(KmsCallFailed.Reason.INVALID_CIPHERTEXT);
        }
    }

    @Test
    void wrapAsksKmsForAnAes256DataKeyBoundToTheKeyContext() {
        TestKeys.Named key = TestKeys.EC_P256;
        KeyContext ctx = contextFor(key);

        WrappedKey wrapped = custody.wrap(key.pair().getPrivate(), ctx);
        custody.unwrap(wrapped, ctx);

        assertThat(kms.calls()).containsExactly(
                new FakeKms.Call("GenerateDataKey", FakeKms.KEY_ARN, Map.of(
                        "meshfed:dc", "dc1", "meshfed:keyId", key.keyId(), "meshfed:purpose", "intermediate")),
                new FakeKms.Call("Decrypt", FakeKms.KEY_ARN, ctx.asEncryptionContext()));
        assertThat(wrapped.encryptedDataKey()).isNotEmpty();
    }

    @Test
    void everyPlaintextDataKeyIsZeroedAfterWrapAndUnwrap() {
        TestKeys.Named key = TestKeys.RSA_2048;
        WrappedKey wrapped = custody.wrap(key.pair().getPrivate(), contextFor(key));
        custody.unwrap(wrapped, contextFor(key));

        assertThat(kms.plaintextsHandedOut()).hasSize(2)
                .allSatisfy(dataKey -> assertThat(dataKey).hasSize(32).containsOnly(0));
    }

    @Test
    void theDataKeyIsZeroedEvenWhenTheCiphertextFailsToAuthenticate() {
        TestKeys.Named key = TestKeys.EC_P256;
        WrappedKey wrapped = custody.wrap(key.pair().getPrivate(), contextFor(key));
        byte[] ct = wrapped.ciphertext();
        ct[20] ^= 1;

        assertThatThrownBy(() -> custody.unwrap(new WrappedKey(wrapped.scheme(), wrapped.keyAlgorithm(),
                wrapped.encryptedDataKey(), ct), contextFor(key))).isInstanceOf(KeyUnwrapFailed.class);
        assertThat(kms.plaintextsHandedOut()).allSatisfy(dataKey -> assertThat(dataKey).containsOnly(0));
    }

    @Test
    void twoWrapsOfTheSameKeyUseDifferentDataKeys() {
        TestKeys.Named key = TestKeys.EC_P256;
        WrappedKey first = custody.wrap(key.pair().getPrivate(), contextFor(key));
        WrappedKey second = custody.wrap(key.pair().getPrivate(), contextFor(key));

        assertThat(second.encryptedDataKey()).isNotEqualTo(first.encryptedDataKey());
    }

    @Test
    void aKeyPolicyDenyingRootDecryptFailsTheRootKeyButNotOthers() {
        kms.denyDecrypt(ctx -> "root".equals(ctx.get("meshfed:purpose")));
        TestKeys.Named key = TestKeys.EC_P384;
        WrappedKey root = custody.wrap(key.pair().getPrivate(), rootContext());
        WrappedKey intermediate = custody.wrap(key.pair().getPrivate(), contextFor(key));

        assertThatThrownBy(() -> custody.unwrap(root, rootContext()))
                .isInstanceOf(KeyUnwrapFailed.class)
                .hasMessage("KMS refused to decrypt the data key for root key " + key.keyId()
                        + " in dc1: access denied (AccessDeniedException)");
        assertThat(custody.unwrap(intermediate, contextFor(key)).getEncoded())
                .isEqualTo(key.pair().getPrivate().getEncoded());
    }

    @Test
    void aRootKeyRelabelledAsAnotherPurposeIsRefusedByKmsNotDecrypted() {
        // the way around a purpose=root policy would be to ask for the root key under another purpose
        kms.denyDecrypt(ctx -> "root".equals(ctx.get("meshfed:purpose")));
        WrappedKey root = custody.wrap(TestKeys.EC_P384.pair().getPrivate(), rootContext());
        KeyContext disguised = new KeyContext("dc1", TestKeys.EC_P384.keyId(), KeyPurpose.INTERMEDIATE);

        assertThatThrownBy(() -> custody.unwrap(root, disguised))
                .isInstanceOf(KeyUnwrapFailed.class)
                .hasMessage("KMS refused to decrypt the data key for intermediate key " + TestKeys.EC_P384.keyId()
                        + " in dc1: invalid ciphertext or encryption context (InvalidCiphertextException)");
    }

    @Test
    void aFlippedByteInTheEncryptedDataKeyFailsToUnwrap() {
        TestKeys.Named key = TestKeys.EC_P256;
        WrappedKey wrapped = custody.wrap(key.pair().getPrivate(), contextFor(key));
        byte[] edk = wrapped.encryptedDataKey();
        for (int pos : new int[] {0, 5, edk.length / 2, edk.length - 1}) {
            byte[] altered = edk.clone();
            altered[pos] ^= 0x01;
            WrappedKey tampered = new WrappedKey(wrapped.scheme(), wrapped.keyAlgorithm(), altered,
                    wrapped.ciphertext());
            assertThatThrownBy(() -> custody.unwrap(tampered, contextFor(key)))
                    .as("data key byte %d flipped", pos)
                    .isInstanceOf(KeyUnwrapFailed.class)
                    .hasMessageStartingWith("KMS refused to decrypt the data key for intermediate key ");
        }
    }

    @Test
    void aDataKeySwappedInFromAnotherWrappedKeyFailsToUnwrap() {
        TestKeys.Named key = TestKeys.EC_P256;
        WrappedKey mine = custody.wrap(key.pair().getPrivate(), contextFor(key));
        WrappedKey other = custody.wrap(key.pair().getPrivate(), contextFor(key));
        WrappedKey mixed = new WrappedKey(mine.scheme(), mine.keyAlgorithm(), other.encryptedDataKey(),
                mine.ciphertext());

        assertThatThrownBy(() -> custody.unwrap(mixed, contextFor(key)))
                .isInstanceOf(KeyUnwrapFailed.class)
                .hasMessage("cannot unwrap intermediate key " + key.keyId() + " in dc1: authentication failed: the"
                        + " ciphertext was altered or belongs to another DC, key ID or purpose");
    }

    @Test
    void aKeyWithoutEncryptedDataKeyIsRefusedWithoutAskingKms() {
        TestKeys.Named key = TestKeys.EC_P256;
        WrappedKey wrapped = custody.wrap(key.pair().getPrivate(), contextFor(key));

        assertThatThrownBy(() -> custody.unwrap(new WrappedKey(wrapped.scheme(), wrapped.keyAlgorithm(), new byte[0],
                wrapped.ciphertext()), contextFor(key)))
                .hasMessage("cannot unwrap intermediate key " + key.keyId() + " in dc1: it has no encrypted data key");
        assertThat(kms.calls()).extracting(FakeKms.Call::operation).containsExactly("GenerateDataKey");
    }

    @Test
    void aDataKeyMadeUnderAnotherKmsKeyIsIncorrectKey() {
        FakeKms otherRegion = new FakeKms("arn:aws:kms:us-east-1:111122223333:key/other");
        TestKeys.Named key = TestKeys.EC_P256;
        WrappedKey wrapped = new KmsKeyCustody(otherRegion, otherRegion.keyArn())
                .wrap(key.pair().getPrivate(), contextFor(key));

        assertThatThrownBy(() -> custody.unwrap(wrapped, contextFor(key)))
                .isInstanceOf(KeyUnwrapFailed.class)
                .hasMessageEndingWith(": encrypted under another KMS key (IncorrectKeyException)");
    }

    @Test
    void aThrottledOrFailingDecryptIsCustodyUnavailableNotAnUnwrapFailure() {
        TestKeys.Named key = TestKeys.EC_P256;
        WrappedKey wrapped = custody.wrap(key.pair().getPrivate(), contextFor(key));

        kms.failWith("Decrypt", KmsCallFailed.Reason.THROTTLED);
        assertThatThrownBy(() -> custody.unwrap(wrapped, contextFor(key)))
                .isInstanceOf(CustodyUnavailable.class)
                .hasMessage("KMS could not decrypt the data key for intermediate key " + key.keyId()
                        + " in dc1 now: throttled");
        kms.failWith("Decrypt", KmsCallFailed.Reason.UNAVAILABLE);
        assertThatThrownBy(() -> custody.unwrap(wrapped, contextFor(key)))
                .isInstanceOf(CustodyUnavailable.class)
                .hasMessageEndingWith(" now: unavailable");
        kms.failWith("Decrypt", null);
        assertThat(custody.unwrap(wrapped, contextFor(key))).isNotNull();
    }

    @Test
    void aThrottledGenerateDataKeyIsCustodyUnavailable() {
        kms.failWith("GenerateDataKey", KmsCallFailed.Reason.THROTTLED);

        assertThatThrownBy(() -> custody.wrap(TestKeys.EC_P256.pair().getPrivate(), contextFor(TestKeys.EC_P256)))
                .isInstanceOf(CustodyUnavailable.class)
                .hasMessage("KMS could not generate a data key for intermediate key " + TestKeys.EC_P256.keyId()
                        + " in dc1 now: throttled");
    }

    @Test
    void aRefusedGenerateDataKeyIsADeploymentFault() {
        kms.failWith("GenerateDataKey", KmsCallFailed.Reason.ACCESS_DENIED);

        assertThatThrownBy(() -> custody.wrap(TestKeys.EC_P256.pair().getPrivate(), rootContext()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("KMS refused to generate a data key for root key " + TestKeys.EC_P384.keyId()
                        + " in dc1: access denied");
    }

    @Test
    void aLocallyWrappedKeyIsNotUnwrappedByKms() {
        TestKeys.Named key = TestKeys.EC_P256;
        WrappedKey local = new LocalKeyCustody(LocalKeyCustodyTest.randomKek())
                .wrap(key.pair().getPrivate(), contextFor(key));

        assertThatThrownBy(() -> custody.unwrap(local, contextFor(key)))
                .hasMessageEndingWith("it was not wrapped by kms-envelope-v1");
        assertThat(kms.calls()).isEmpty();
    }

    @Test
    void sealAsksKmsForADataKeyBoundToTheResponseContextAndZeroesIt() {
        dev.meshfed.core.custody.SealedData sealed = custody.seal(SECRET_RESPONSE, RESPONSE);
        assertThat(custody.open(sealed, RESPONSE)).isEqualTo(SECRET_RESPONSE);

        assertThat(kms.calls()).containsExactly(
                new FakeKms.Call("GenerateDataKey", FakeKms.KEY_ARN, Map.of(
                        "meshfed:dc", "dc1", "meshfed:keyId", "idem-key-1", "meshfed:purpose", "forwarded-response")),
                new FakeKms.Call("Decrypt", FakeKms.KEY_ARN, RESPONSE.asEncryptionContext()));
        assertThat(sealed.encryptedDataKey()).isNotEmpty();
        assertThat(kms.plaintextsHandedOut()).hasSize(2)
                .allSatisfy(dataKey -> assertThat(dataKey).hasSize(32).containsOnly(0));
    }

    @Test
    void aThrottledKmsIsCustodyUnavailableForSealAndOpen() {
        dev.meshfed.core.custody.SealedData sealed = custody.seal(SECRET_RESPONSE, RESPONSE);
        kms.failWith("Decrypt", KmsCallFailed.Reason.THROTTLED);
        assertThatThrownBy(() -> custody.open(sealed, RESPONSE)).isInstanceOf(CustodyUnavailable.class);
        kms.failWith("GenerateDataKey", KmsCallFailed.Reason.THROTTLED);
        assertThatThrownBy(() -> custody.seal(SECRET_RESPONSE, RESPONSE)).isInstanceOf(CustodyUnavailable.class);
    }

    @Test
    void aSealWithoutEncryptedDataKeyIsRefused() {
        dev.meshfed.core.custody.SealedData sealed = custody.seal(SECRET_RESPONSE, RESPONSE);
        var stripped = new dev.meshfed.core.custody.SealedData(sealed.scheme(), new byte[0], sealed.ciphertext());
        assertThatThrownBy(() -> custody.open(stripped, RESPONSE)).isInstanceOf(KeyUnwrapFailed.class)
                .hasMessageContaining("no encrypted data key");
    }
}
