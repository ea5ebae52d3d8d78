package dev.meshfed.core.acl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How token secrets are kept: only their SHA-256 is stored, and hashes are compared in constant
 * time. A secret is a random UUID (122 bits), so a plain hash is enough: there is nothing to
 * brute-force that a salt or a slow hash would protect.
 */
public final class Secrets {

    private Secrets() {
    }

    /** The lower-case hex SHA-256 of {@code secret}'s UTF-8 bytes. */
    public static String sha256Hex(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** Whether two hashes are equal, in time independent of where they differ. */
    public static boolean hashesEqual(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }
}
