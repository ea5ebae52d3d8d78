package dev.meshfed.core.identity;

import java.math.BigInteger;
import java.util.Random;

/**
 * Random, positive serial numbers with no shared counter (so no hot item in DynamoDB). CA
 * certificates get 63 bits so {@code CARoot.SerialNumber} fits an unsigned 64-bit JSON number;
 * leaves get 128 bits. Zero is never returned (RFC 5280 requires a positive serial).
 */
public final class SerialNumbers {
    public static final int CA_BITS = 63;
    public static final int LEAF_BITS = 128;

    private final Random random;

    /** @param random a cryptographically strong source in production ({@link java.security.SecureRandom}) */
    public SerialNumbers(Random random) {
        this.random = random;
    }

    public BigInteger nextCa() {
        return next(CA_BITS);
    }

    public BigInteger nextLeaf() {
        return next(LEAF_BITS);
    }

    private BigInteger next(int bits) {
        BigInteger v;
        do {
            v = new BigInteger(bits, random);
        } while (v.signum() == 0);
        return v;
    }
}
