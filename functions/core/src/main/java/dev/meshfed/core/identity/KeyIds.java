package dev.meshfed.core.identity;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;

/**
 * Key IDs and root IDs. A key ID (SubjectKeyIdentifier / AuthorityKeyIdentifier) is the SHA-256 of
 * the DER SubjectPublicKeyInfo, 32 bytes; a root ID is the SHA-1 fingerprint of the root
 * certificate's DER. Both are shown as colon-hex.
 */
public final class KeyIds {
    private KeyIds() {
    }

    /** SHA-256 of {@code spkiDer}: the 32-byte key identifier meshfed puts in SKID and AKID. */
    public static byte[] keyId(byte[] spkiDer) {
        return digest("SHA-256", spkiDer);
    }

    /** The key identifier of a public key ({@link PublicKey#getEncoded()} is its X.509 SPKI DER). */
    public static byte[] keyId(PublicKey key) {
        return keyId(key.getEncoded());
    }

    public static String keyIdHex(PublicKey key) {
        return ColonHex.of(keyId(key));
    }

    /** The root ID: SHA-1 fingerprint of the certificate DER, colon-hex. */
    public static String rootId(byte[] certificateDer) {
        return ColonHex.of(digest("SHA-1", certificateDer));
    }

    private static byte[] digest(String alg, byte[] data) {
        try {
            return MessageDigest.getInstance(alg).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(alg + " is required by every Java runtime", e);
        }
    }
}
