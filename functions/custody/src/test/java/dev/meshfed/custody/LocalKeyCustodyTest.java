package dev.meshfed.custody;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.custody.KeyContext;
import dev.meshfed.core.custody.KeyCustody;
import dev.meshfed.core.custody.KeyPurpose;
import dev.meshfed.core.custody.KeyUnwrapFailed;
import dev.meshfed.core.custody.WrappedKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalKeyCustodyTest extends KeyCustodyContract {
    private final LocalKeyCustody custody = new LocalKeyCustody(randomKek());

    @TempDir
    Path dir;

    @Override
    KeyCustody custody() {
        return custody;
    }

    @Override
    String scheme() {
        return "local-aes-gcm-v1";
    }

    static byte[] randomKek() {
        byte[] kek = new byte[32];
        new SecureRandom().nextBytes(kek);
        return kek;
    }

    @Test
    void aKeyWrappedUnderAnotherKekFailsToUnwrap() {
        TestKeys.Named key = TestKeys.EC_P256;
        WrappedKey wrapped = new LocalKeyCustody(randomKek()).wrap(key.pair().getPrivate(), contextFor(key));

        assertThatThrownBy(() -> custody.unwrap(wrapped, contextFor(key)))
                .isInstanceOf(KeyUnwrapFailed.class)
                .hasMessage("cannot unwrap intermediate key " + key.keyId() + " in dc1: authentication failed: the"
                        + " ciphertext was altered, belongs to another DC, key ID or purpose, or was wrapped under"
                        + " another key-encryption key");
    }

    @Test
    void theWrappedFormIsNonceCiphertextAndTagWithNoDataKey() {
        TestKeys.Named key = TestKeys.EC_P384;
        WrappedKey wrapped = custody.wrap(key.pair().getPrivate(), contextFor(key));

        assertThat(wrapped.encryptedDataKey()).isEmpty();
        assertThat(wrapped.ciphertext()).hasSize(12 + key.pair().getPrivate().getEncoded().length + 16);
    }

    @Test
    void aLocalKeyCarryingAnEncryptedDataKeyIsRefused() {
        TestKeys.Named key = TestKeys.EC_P256;
        WrappedKey wrapped = custody.wrap(key.pair().getPrivate(), contextFor(key));
        WrappedKey withDataKey = new WrappedKey(wrapped.scheme(), wrapped.keyAlgorithm(), new byte[] {1, 2, 3},
                wrapped.ciphertext());

        assertThatThrownBy(() -> custody.unwrap(withDataKey, contextFor(key))).isInstanceOf(KeyUnwrapFailed.class);
    }

    @Test
    void aKekOfTheWrongLengthIsRefused() {
        assertThatThrownBy(() -> new LocalKeyCustody(new byte[16]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the local key-encryption key must be 32 bytes, got 16");
    }

    @Test
    void aKekFromBase64ConfigurationUnwrapsWhatTheSameBytesWrapped() {
        byte[] kek = randomKek();
        TestKeys.Named key = TestKeys.EC_P256;
        WrappedKey wrapped = new LocalKeyCustody(kek).wrap(key.pair().getPrivate(), contextFor(key));

        LocalKeyCustody configured = LocalKeyCustody.fromBase64(Base64.getEncoder().encodeToString(kek) + "\n");

        assertThat(configured.unwrap(wrapped, contextFor(key)).getEncoded())
                .isEqualTo(key.pair().getPrivate().getEncoded());
    }

    @Test
    void aBadBase64KekIsRefusedWithoutRepeatingIt() {
        String bad = "c2VjcmV0LWtleS1tYXRlcmlhbA!!";
        assertThatThrownBy(() -> LocalKeyCustody.fromBase64(bad))
                .hasMessage("the local key-encryption key is not valid base64");
        String shortKey = Base64.getEncoder().encodeToString("secret-key-material".getBytes());
        assertThatThrownBy(() -> LocalKeyCustody.fromBase64(shortKey))
                .hasMessage("the local key-encryption key must be 32 bytes, got 19")
                .message().doesNotContain(shortKey);
    }

    @Test
    void aMissingKekFileIsCreatedOwnerOnlyWith32BytesAndReusedOnTheNextStart() throws Exception {
        Path file = dir.resolve("kek");
        TestKeys.Named key = TestKeys.RSA_2048;

        WrappedKey wrapped = LocalKeyCustody.fromFile(file).wrap(key.pair().getPrivate(), contextFor(key));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.size(file)).isEqualTo(32);
        assertThat(LocalKeyCustody.fromFile(file).unwrap(wrapped, contextFor(key)).getEncoded())
                .isEqualTo(key.pair().getPrivate().getEncoded());
        try (var listing = Files.list(dir)) {
            assertThat(listing).as("no temporary file is left behind").containsExactly(file);
        }
    }

    @Test
    void aMissingParentDirectoryIsCreatedOwnerOnly() throws Exception {
        Path file = dir.resolve("data/keys/kek");

        LocalKeyCustody.fromFile(file);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
    }

    @Test
    void twoCustodiesCreatedOverTheSameFileShareOneKek() {
        Path file = dir.resolve("kek");
        TestKeys.Named key = TestKeys.EC_P256;

        WrappedKey wrapped = LocalKeyCustody.fromFile(file).wrap(key.pair().getPrivate(), contextFor(key));

        assertThat(LocalKeyCustody.fromFile(file).unwrap(wrapped, contextFor(key))).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw-r--r--", "rw-r-----", "rw----r--", "rw-rw----", "rw-----w-"})
    void anExistingKekFileThatGroupOrOthersMayAccessIsRefusedNamingThePathNotTheContent(String perms)
            throws Exception {
        Path file = dir.resolve("kek");
        byte[] kek = randomKek();
        Files.write(file, kek);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(perms));

        assertThatThrownBy(() -> LocalKeyCustody.fromFile(file))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("refusing the key-encryption key file " + file + ": its permissions are " + perms
                        + ", group and others must have no access (chmod 600)")
                .message()
                .doesNotContain(HexFormat.of().formatHex(kek))
                .doesNotContain(Base64.getEncoder().encodeToString(kek));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 16, 31, 33, 44})
    void anExistingKekFileOfTheWrongLengthIsRefused(int length) throws Exception {
        Path file = dir.resolve("kek");
        Files.write(file, new byte[length]);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        assertThatThrownBy(() -> LocalKeyCustody.fromFile(file))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("refusing the key-encryption key file " + file + ": it holds " + length
                        + " bytes, a key-encryption key is exactly 32 random bytes");
    }

    @Test
    void aDirectoryInPlaceOfTheKekFileIsRefused() throws Exception {
        Path file = Files.createDirectory(dir.resolve("kek"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));

        assertThatThrownBy(() -> LocalKeyCustody.fromFile(file))
                .hasMessage("the key-encryption key file " + file + " is not a regular file");
    }

    @Test
    void anExistingOwnerOnlyKekFileIsUsedAsIs() throws Exception {
        Path file = dir.resolve("kek");
        byte[] kek = randomKek();
        Files.write(file, kek);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        TestKeys.Named key = TestKeys.EC_P256;
        KeyContext ctx = new KeyContext("dc1", key.keyId(), KeyPurpose.ENROLMENT);

        WrappedKey wrapped = new LocalKeyCustody(kek).wrap(key.pair().getPrivate(), ctx);

        assertThat(LocalKeyCustody.fromFile(file).unwrap(wrapped, ctx).getEncoded())
                .isEqualTo(key.pair().getPrivate().getEncoded());
    }
}
