package dev.meshfed.custody;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.custody.KeyContext;
import dev.meshfed.core.custody.KeyCustody;
import dev.meshfed.core.custody.KeyPurpose;
import dev.meshfed.core.custody.KeyUnwrapFailed;
import dev.meshfed.core.custody.SealedData;
import dev.meshfed.core.custody.WrappedKey;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every {@link KeyCustody} must do, run against each implementation: round trips over the
 * key-type matrix, binding to the DC, key ID and purpose, tamper detection, fresh nonces, and no
 * plaintext key bytes in what is stored or said.
 */
abstract class KeyCustodyContract {
    /** A window this long of the PKCS#8 encoding appearing anywhere would be a leak. */
    static final int LEAK_WINDOW = 12;

    abstract KeyCustody custody();

    abstract String scheme();

    static List<TestKeys.Named> keys() {
        return TestKeys.all();
    }

    static KeyContext contextFor(TestKeys.Named key) {
        return new KeyContext("dc1", key.keyId(), KeyPurpose.INTERMEDIATE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void unwrapReturnsTheKeyThatWasWrapped(TestKeys.Named key) {
        PrivateKey original = key.pair().getPrivate();
        WrappedKey wrapped = custody().wrap(original, contextFor(key));

        PrivateKey unwrapped = custody().unwrap(wrapped, contextFor(key));

        assertThat(wrapped.scheme()).isEqualTo(scheme());
        assertThat(wrapped.keyAlgorithm()).isEqualTo(original.getAlgorithm());
        assertThat(unwrapped.getAlgorithm()).isEqualTo(original.getAlgorithm());
        assertThat(unwrapped.getEncoded()).isEqualTo(original.getEncoded());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void everyPurposeRoundTripsUnderItsOwnContext(TestKeys.Named key) {
        for (KeyPurpose purpose : KeyPurpose.values()) {
            KeyContext ctx = new KeyContext("dc2", key.keyId(), purpose);
            WrappedKey wrapped = custody().wrap(key.pair().getPrivate(), ctx);
            assertThat(custody().unwrap(wrapped, ctx).getEncoded()).isEqualTo(key.pair().getPrivate().getEncoded());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void aFlippedByteAnywhereInTheCiphertextFailsToUnwrap(TestKeys.Named key) {
        WrappedKey wrapped = custody().wrap(key.pair().getPrivate(), contextFor(key));
        byte[] ct = wrapped.ciphertext();
        // nonce (first, last byte), first ciphertext byte, middle, first and last tag byte
        int[] positions = {0, AesGcm.NONCE_BYTES - 1, AesGcm.NONCE_BYTES, ct.length / 2,
            ct.length - AesGcm.TAG_BYTES, ct.length - 1};
        for (int pos : positions) {
            for (int mask : new int[] {0x01, 0x80}) {
                byte[] altered = ct.clone();
                altered[pos] ^= (byte) mask;
                WrappedKey tampered = new WrappedKey(wrapped.scheme(), wrapped.keyAlgorithm(),
                        wrapped.encryptedDataKey(), altered);
                assertThatThrownBy(() -> custody().unwrap(tampered, contextFor(key)))
                        .as("byte %d flipped with %02x", pos, mask)
                        .isInstanceOf(KeyUnwrapFailed.class)
                        .hasMessageStartingWith("cannot unwrap intermediate key " + key.keyId() + " in dc1: ");
            }
        }
    }

    @Test
    void aWrongDatacenterFailsToUnwrap() {
        TestKeys.Named key = TestKeys.EC_P256;
        WrappedKey wrapped = custody().wrap(key.pair().getPrivate(), contextFor(key));
        KeyContext other = new KeyContext("dc2", key.keyId(), KeyPurpose.INTERMEDIATE);

        assertThatThrownBy(() -> custody().unwrap(wrapped, other))
                .isInstanceOf(KeyUnwrapFailed.class)
                .hasMessageContaining("intermediate key " + key.keyId() + " in dc2");
    }

    @Test
    void aWrongKeyIdFailsToUnwrap() {
        TestKeys.Named key = TestKeys.EC_P256;
        WrappedKey wrapped = custody().wrap(key.pair().getPrivate(), contextFor(key));
        KeyContext other = new KeyContext("dc1", TestKeys.EC_P384.keyId(), KeyPurpose.INTERMEDIATE);

        assertThatThrownBy(() -> custody().unwrap(wrapped, other))
                .isInstanceOf(KeyUnwrapFailed.class)
                .hasMessageContaining(TestKeys.EC_P384.keyId());
    }

    @Test
    void aWrongPurposeFailsToUnwrap() {
        TestKeys.Named key = TestKeys.EC_P256;
        WrappedKey wrapped = custody().wrap(key.pair().getPrivate(), contextFor(key));
        KeyContext other = new KeyContext("dc1", key.keyId(), KeyPurpose.ROOT);

        assertThatThrownBy(() -> custody().unwrap(wrapped, other))
                .isInstanceOf(KeyUnwrapFailed.class)
                .hasMessageContaining("root key " + key.keyId() + " in dc1");
    }

    @Test
    void aWrongSchemeFailsToUnwrapAndSaysWhichSchemeIsExpected() {
        TestKeys.Named key = TestKeys.EC_P256;
        WrappedKey wrapped = custody().wrap(key.pair().getPrivate(), contextFor(key));
        WrappedKey relabelled = new WrappedKey("some-other-v1", wrapped.keyAlgorithm(), wrapped.encryptedDataKey(),
                wrapped.ciphertext());

        assertThatThrownBy(() -> custody().unwrap(relabelled, contextFor(key)))
                .isInstanceOf(KeyUnwrapFailed.class)
                .hasMessage("cannot unwrap intermediate key " + key.keyId() + " in dc1: it was not wrapped by "
                        + scheme());
    }

    @Test
    void aTruncatedCiphertextFailsToUnwrap() {
        TestKeys.Named key = TestKeys.EC_P256;
        WrappedKey wrapped = custody().wrap(key.pair().getPrivate(), contextFor(key));
        byte[] ct = wrapped.ciphertext();
        for (int length : new int[] {0, 1, AesGcm.NONCE_BYTES, AesGcm.NONCE_BYTES + AesGcm.TAG_BYTES - 1,
            AesGcm.NONCE_BYTES + AesGcm.TAG_BYTES, ct.length - AesGcm.TAG_BYTES, ct.length - 1}) {
            WrappedKey truncated = new WrappedKey(wrapped.scheme(), wrapped.keyAlgorithm(),
                    wrapped.encryptedDataKey(), Arrays.copyOf(ct, length));
            assertThatThrownBy(() -> custody().unwrap(truncated, contextFor(key)))
                    .as("truncated to %d bytes", length)
                    .isInstanceOf(KeyUnwrapFailed.class);
        }
        WrappedKey tiny = new WrappedKey(wrapped.scheme(), wrapped.keyAlgorithm(), wrapped.encryptedDataKey(),
                Arrays.copyOf(ct, 5));
        assertThatThrownBy(() -> custody().unwrap(tiny, contextFor(key)))
                .hasMessage("cannot unwrap intermediate key " + key.keyId()
                        + " in dc1: the ciphertext is shorter than a nonce and a tag");
    }

    @Test
    void aRelabelledKeyAlgorithmFailsToUnwrap() {
        TestKeys.Named key = TestKeys.EC_P256;
        WrappedKey wrapped = custody().wrap(key.pair().getPrivate(), contextFor(key));
        for (String label : new String[] {"RSA", "DSA", ""}) {
            WrappedKey relabelled = new WrappedKey(wrapped.scheme(), label, wrapped.encryptedDataKey(),
                    wrapped.ciphertext());
            assertThatThrownBy(() -> custody().unwrap(relabelled, contextFor(key)))
                    .as("labelled %s", label)
                    .isInstanceOf(KeyUnwrapFailed.class);
        }
    }

    @Test
    void twoWrapsOfTheSameKeyUseDifferentNonces() {
        TestKeys.Named key = TestKeys.EC_P256;
        WrappedKey first = custody().wrap(key.pair().getPrivate(), contextFor(key));
        WrappedKey second = custody().wrap(key.pair().getPrivate(), contextFor(key));

        assertThat(Arrays.copyOf(second.ciphertext(), AesGcm.NONCE_BYTES))
                .isNotEqualTo(Arrays.copyOf(first.ciphertext(), AesGcm.NONCE_BYTES));
        assertThat(second.ciphertext()).isNotEqualTo(first.ciphertext());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void noPlaintextKeyBytesAppearInTheWrappedKeyOrItsText(TestKeys.Named key) {
        byte[] pkcs8 = key.pair().getPrivate().getEncoded();
        WrappedKey wrapped = custody().wrap(key.pair().getPrivate(), contextFor(key));

        assertNoWindowOf(pkcs8, wrapped.ciphertext(), "ciphertext");
        assertNoWindowOf(pkcs8, wrapped.encryptedDataKey(), "encryptedDataKey");
        assertNoWindowOf(pkcs8, wrapped.toString().getBytes(StandardCharsets.UTF_8), "toString");
        assertNoWindowOf(pkcs8, wrapped.scheme().getBytes(StandardCharsets.UTF_8), "scheme");
        assertNoWindowOf(pkcs8, wrapped.keyAlgorithm().getBytes(StandardCharsets.UTF_8), "keyAlgorithm");
        assertThat(wrapped.toString()).isEqualTo("WrappedKey[" + scheme() + ", " + key.pair().getPrivate().getAlgorithm() + "]");
        assertNoTextualForm(pkcs8, wrapped.toString());
    }

    @Test
    void failureTextsCarryNoBytesOfTheWrappedKey() {
        TestKeys.Named key = TestKeys.RSA_2048;
        WrappedKey wrapped = custody().wrap(key.pair().getPrivate(), contextFor(key));
        byte[] ct = wrapped.ciphertext();
        ct[ct.length - 1] ^= 1;
        WrappedKey tampered = new WrappedKey(wrapped.scheme(), wrapped.keyAlgorithm(), wrapped.encryptedDataKey(), ct);

        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                () -> custody().unwrap(tampered, contextFor(key)));

        assertThat(thrown).isInstanceOf(KeyUnwrapFailed.class).hasNoCause();
        assertThat(thrown.getStackTrace()).isEmpty();
        assertNoTextualForm(key.pair().getPrivate().getEncoded(), thrown.getMessage());
        assertNoTextualForm(wrapped.ciphertext(), thrown.getMessage());
        if (wrapped.encryptedDataKey().length > 0) {
            assertNoTextualForm(wrapped.encryptedDataKey(), thrown.getMessage());
        }
    }

    @Test
    void aKeyOfAnUnsupportedAlgorithmIsNotWrapped() throws Exception {
        PrivateKey ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate();
        KeyContext ctx = new KeyContext("dc1", "00:11", KeyPurpose.MANAGED_LEAF);

        assertThatThrownBy(() -> custody().wrap(ed25519, ctx))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot wrap a EdDSA key: only EC and RSA keys are wrapped");
    }

    // seal / open: data that is not a key (a forwarded write's response), bound like a wrapped key

    static final KeyContext RESPONSE = new KeyContext("dc1", "idem-key-1", KeyPurpose.FORWARDED_RESPONSE);
    static final byte[] SECRET_RESPONSE =
            "{\"AccessorID\":\"a1\",\"SecretID\":\"5e7a1c2d-0000-4000-8000-00000000beef\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void openReturnsWhatWasSealedAndTheSealHoldsNoPlaintext() {
        SealedData sealed = custody().seal(SECRET_RESPONSE, RESPONSE);

        assertThat(sealed.scheme()).isEqualTo(scheme());
        assertThat(custody().open(sealed, RESPONSE)).isEqualTo(SECRET_RESPONSE);
        assertNoWindowOf(SECRET_RESPONSE, sealed.ciphertext(), "ciphertext");
        assertNoWindowOf(SECRET_RESPONSE, sealed.encryptedDataKey(), "encrypted data key");
        assertThat(sealed.toString()).doesNotContain("SecretID").doesNotContain("beef");
    }

    @Test
    void anEmptyPlaintextRoundTrips() {
        assertThat(custody().open(custody().seal(new byte[0], RESPONSE), RESPONSE)).isEmpty();
    }

    @Test
    void sealedDataOpensUnderNoOtherContext() {
        SealedData sealed = custody().seal(SECRET_RESPONSE, RESPONSE);
        for (KeyContext other : List.of(
                new KeyContext("dc2", RESPONSE.keyId(), KeyPurpose.FORWARDED_RESPONSE),
                new KeyContext("dc1", "idem-key-2", KeyPurpose.FORWARDED_RESPONSE),
                new KeyContext("dc1", RESPONSE.keyId(), KeyPurpose.MANAGED_LEAF))) {
            assertThatThrownBy(() -> custody().open(sealed, other))
                    .as(other.toString())
                    .isInstanceOf(KeyUnwrapFailed.class)
                    .hasMessageStartingWith("cannot open sealed ")
                    .hasMessageNotContaining("SecretID");
        }
    }

    @Test
    void aFlippedByteOfTheSealedCiphertextFailsToOpen() {
        SealedData sealed = custody().seal(SECRET_RESPONSE, RESPONSE);
        byte[] ct = sealed.ciphertext();
        for (int pos : new int[] {0, AesGcm.NONCE_BYTES, ct.length / 2, ct.length - 1}) {
            byte[] altered = ct.clone();
            altered[pos] ^= 0x01;
            SealedData tampered = new SealedData(sealed.scheme(), sealed.encryptedDataKey(), altered);
            assertThatThrownBy(() -> custody().open(tampered, RESPONSE)).as("byte " + pos)
                    .isInstanceOf(KeyUnwrapFailed.class);
        }
        SealedData truncated = new SealedData(sealed.scheme(), sealed.encryptedDataKey(), Arrays.copyOf(ct, 10));
        assertThatThrownBy(() -> custody().open(truncated, RESPONSE)).isInstanceOf(KeyUnwrapFailed.class);
        SealedData relabelled = new SealedData("other-scheme-v1", sealed.encryptedDataKey(), ct);
        assertThatThrownBy(() -> custody().open(relabelled, RESPONSE)).isInstanceOf(KeyUnwrapFailed.class)
                .hasMessageContaining("it was not sealed by " + scheme());
    }

    @Test
    void twoSealsOfTheSameDataDiffer() {
        assertThat(custody().seal(SECRET_RESPONSE, RESPONSE).ciphertext())
                .isNotEqualTo(custody().seal(SECRET_RESPONSE, RESPONSE).ciphertext());
    }

    static void assertNoWindowOf(byte[] secret, byte[] haystack, String where) {
        IntStream.rangeClosed(0, secret.length - LEAK_WINDOW).forEach(i -> {
            byte[] window = Arrays.copyOfRange(secret, i, i + LEAK_WINDOW);
            assertThat(indexOf(haystack, window)).as("%s holds key bytes %d..%d", where, i, i + LEAK_WINDOW)
                    .isEqualTo(-1);
        });
    }

    /** Neither hex nor base64 of any 12-byte window of {@code secret} appears in {@code text}. */
    static void assertNoTextualForm(byte[] secret, String text) {
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        for (int i = 0; i + LEAK_WINDOW <= secret.length; i++) {
            byte[] window = Arrays.copyOfRange(secret, i, i + LEAK_WINDOW);
            assertThat(lower).doesNotContain(HexFormat.of().formatHex(window));
            // 12 bytes encode to 16 base64 characters without padding; trying every offset covers
            // every alignment of a base64 text of the whole secret
            assertThat(text).doesNotContain(Base64.getEncoder().encodeToString(window));
        }
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
