package dev.meshfed.custody;

import dev.meshfed.core.custody.KeyContext;
import dev.meshfed.core.custody.KeyCustody;
import dev.meshfed.core.custody.SealedData;
import dev.meshfed.core.custody.WrappedKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

/**
 * Key custody for {@code meshfed dev}: AES-256-GCM under one local key-encryption key (KEK).
 *
 * <p>A wrapped key is {@code nonce (12 bytes) || AES-GCM(PKCS#8 of the key) || tag (16 bytes)},
 * with {@link KeyContext#asAad()} as additional authenticated data, so a ciphertext copied to
 * another key ID, DC or purpose does not open. Scheme {@value #SCHEME}; no encrypted data key.
 *
 * <p>The KEK comes from configuration ({@link #LocalKeyCustody(byte[])}, {@link #fromBase64}) or a
 * file ({@link #fromFile}) that holds exactly 32 random bytes and that only its owner may read.
 * Thread-safe.
 */
public final class LocalKeyCustody implements KeyCustody {
    /** The scheme name stored in every {@link WrappedKey} this custody makes. */
    public static final String SCHEME = "local-aes-gcm-v1";
    /** The length of a key-encryption key: AES-256. */
    public static final int KEK_BYTES = AesGcm.KEY_BYTES;

    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final byte[] kek;

    /** A custody over {@code kek}, which must be 32 bytes; the array is copied. */
    public LocalKeyCustody(byte[] kek) {
        if (kek.length != KEK_BYTES) {
            throw new IllegalArgumentException(
                    "the local key-encryption key must be " + KEK_BYTES + " bytes, got " + kek.length);
        }
        this.kek = kek.clone();
    }

    /**
     * A custody over a KEK given in configuration as base64 of 32 bytes. The error text never
     * repeats the value.
     */
    public static LocalKeyCustody fromBase64(String kekBase64) {
        byte[] kek;
        try {
            kek = Base64.getDecoder().decode(kekBase64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the local key-encryption key is not valid base64");
        }
        try {
            return new LocalKeyCustody(kek);
        } finally {
            Arrays.fill(kek, (byte) 0);
        }
    }

    /**
     * A custody over the KEK in {@code file}. A missing file is created with 32 fresh random bytes,
     * owner-only permissions (0600) and no window in which another process sees it partly written
     * or replaces it; a missing parent directory is created 0700. An existing file is used only if it
     * is a regular file that neither group nor others may access and holds exactly 32 bytes. Error
     * texts name the path, never the content.
     *
     * @throws IllegalStateException when the file may not or cannot be used
     */
    public static LocalKeyCustody fromFile(Path file) {
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            return load(file);
        } catch (UnsupportedOperationException e) {
            throw new IllegalStateException("cannot keep the key-encryption key in " + file
                    + ": its file system has no POSIX permissions; give the key by configuration instead");
        } catch (IOException e) {
            throw new IllegalStateException("cannot use the key-encryption key file " + file + ": "
                    + e.getClass().getSimpleName());
        }
    }

    private static void create(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
        }
        byte[] kek = new byte[KEK_BYTES];
        new SecureRandom().nextBytes(kek);
        // Written in full to a private temporary file, then published under the final name with a
        // hard link, which fails instead of replacing a file another process created meanwhile
        // (a rename would silently replace it, and the keys wrapped under it would be lost).
        Path tmp = Files.createTempFile(dir, ".kek-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(kek);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.createLink(file, tmp);
            } catch (FileAlreadyExistsException e) {
                // another process created it first: use theirs
            }
            syncDirectory(dir);
        } finally {
            Arrays.fill(kek, (byte) 0);
            Files.deleteIfExists(tmp);
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // not every platform can sync a directory; the file itself is already synced
        }
    }

    private static LocalKeyCustody load(Path file) throws IOException {
        PosixFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, PosixFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("the key-encryption key file " + file + " does not exist");
        }
        if (!attrs.isRegularFile()) {
            throw new IllegalStateException("the key-encryption key file " + file + " is not a regular file");
        }
        Set<PosixFilePermission> open = EnumSet.copyOf(attrs.permissions());
        open.retainAll(GROUP_OR_OTHERS);
        if (!open.isEmpty()) {
            throw new IllegalStateException("refusing the key-encryption key file " + file + ": its permissions are "
                    + PosixFilePermissions.toString(attrs.permissions())
                    + ", group and others must have no access (chmod 600)");
        }
        if (attrs.size() != KEK_BYTES) {
            throw new IllegalStateException("refusing the key-encryption key file " + file + ": it holds "
                    + attrs.size() + " bytes, a key-encryption key is exactly " + KEK_BYTES + " random bytes");
        }
        byte[] kek = Files.readAllBytes(file);
        try {
            if (kek.length != KEK_BYTES) { // changed since the attributes were read
                throw new IllegalStateException("refusing the key-encryption key file " + file + ": it holds "
                        + kek.length + " bytes, a key-encryption key is exactly " + KEK_BYTES + " random bytes");
            }
            return new LocalKeyCustody(kek);
        } finally {
            Arrays.fill(kek, (byte) 0);
        }
    }

    @Override
    public WrappedKey wrap(PrivateKey key, KeyContext context) {
        byte[] pkcs8 = Pkcs8Keys.encode(key);
        try {
            return new WrappedKey(SCHEME, key.getAlgorithm(), new byte[0], AesGcm.seal(kek, pkcs8, context.asAad()));
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    @Override
    public PrivateKey unwrap(WrappedKey wrapped, KeyContext context) {
        if (!SCHEME.equals(wrapped.scheme())) {
            throw UnwrapTexts.wrongScheme(context, SCHEME);
        }
        if (wrapped.encryptedDataKey().length != 0) {
            throw UnwrapTexts.failed(context, "a " + SCHEME + " key carries no encrypted data key");
        }
        byte[] sealed = wrapped.ciphertext();
        if (AesGcm.tooShort(sealed)) {
            throw UnwrapTexts.truncated(context);
        }
        byte[] pkcs8;
        try {
            pkcs8 = AesGcm.open(kek, sealed, context.asAad());
        } catch (AesGcm.NotAuthentic e) {
            throw UnwrapTexts.failed(context, "authentication failed: the ciphertext was altered, belongs to another"
                    + " DC, key ID or purpose, or was wrapped under another key-encryption key");
        }
        try {
            PrivateKey key = Pkcs8Keys.decode(wrapped.keyAlgorithm(), pkcs8);
            if (key == null) {
                throw UnwrapTexts.notAKey(context, wrapped.keyAlgorithm());
            }
            return key;
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /** Seals {@code plaintext} as {@link #wrap} seals a key: AES-256-GCM under the KEK, the context as AAD. */
    @Override
    public SealedData seal(byte[] plaintext, KeyContext context) {
        return new SealedData(SCHEME, new byte[0], AesGcm.seal(kek, plaintext, context.asAad()));
    }

    @Override
    public byte[] open(SealedData sealed, KeyContext context) {
        if (!SCHEME.equals(sealed.scheme())) {
            throw UnwrapTexts.openFailed(context, "it was not sealed by " + SCHEME);
        }
        if (sealed.encryptedDataKey().length != 0) {
            throw UnwrapTexts.openFailed(context, "a " + SCHEME + " seal carries no encrypted data key");
        }
        try {
            return AesGcm.open(kek, sealed.ciphertext(), context.asAad());
        } catch (AesGcm.NotAuthentic e) {
            throw UnwrapTexts.openFailed(context, "authentication failed: the ciphertext was altered, belongs to another"
                    + " DC, ID or purpose, or was sealed under another key-encryption key");
        }
    }

    @Override
    public String toString() {
        return "LocalKeyCustody[" + SCHEME + "]";
    }
}
