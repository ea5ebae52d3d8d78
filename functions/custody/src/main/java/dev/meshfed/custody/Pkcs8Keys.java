package dev.meshfed.custody;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Set;

/** The plaintext both custodies encrypt: a private key's PKCS#8 encoding, EC or RSA only. */
final class Pkcs8Keys {
    /** The JCA algorithms meshfed signs with (certificates.md); the only ones a custody wraps. */
    static final Set<String> ALGORITHMS = Set.of("EC", "RSA");

    private Pkcs8Keys() {
    }

    /** A fresh copy of the key's PKCS#8 encoding; the caller zeroes it after use. */
    static byte[] encode(PrivateKey key) {
        String algorithm = key.getAlgorithm();
        if (!ALGORITHMS.contains(algorithm)) {
            throw new IllegalArgumentException("cannot wrap a " + algorithm + " key: only EC and RSA keys are wrapped");
        }
        byte[] encoded = "PKCS#8".equals(key.getFormat()) ? key.getEncoded() : null;
        if (encoded == null) {
            throw new IllegalArgumentException("cannot wrap a " + algorithm + " key that has no PKCS#8 encoding");
        }
        return encoded;
    }

    /**
     * The key of algorithm {@code algorithm} encoded in {@code pkcs8}, or null when {@code pkcs8} is
     * not such a key. The JDK key spec keeps its own copy of the bytes, which Java 17 offers no way
     * to clear; the caller still zeroes {@code pkcs8}.
     */
    static PrivateKey decode(String algorithm, byte[] pkcs8) {
        if (!ALGORITHMS.contains(algorithm)) {
            return null;
        }
        try {
            PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            return algorithm.equals(key.getAlgorithm()) ? key : null;
        } catch (GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }
}
