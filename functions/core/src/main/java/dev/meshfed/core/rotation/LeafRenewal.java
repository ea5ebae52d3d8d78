package dev.meshfed.core.rotation;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Routine renewal of a leaf (certificates.md, Rotation step 5): a random point between 60 % and
 * 90 % of the leaf's lifetime, reported as {@code RotateAfter} in the leaf response (meshfed).
 * Randomness spreads the renewals of leaves issued together, so they do not all come back at once.
 */
public final class LeafRenewal {

    /** The earliest renewal point, as a share of the lifetime. */
    public static final BigDecimal EARLIEST_SHARE = new BigDecimal("0.6");

    /** The latest renewal point (exclusive), as a share of the lifetime. */
    public static final BigDecimal LATEST_SHARE = new BigDecimal("0.9");

    private static final BigDecimal SPREAD = LATEST_SHARE.subtract(EARLIEST_SHARE);

    private LeafRenewal() {
    }

    /**
     * {@link #rotateAfter(Validity, double)} with a fraction drawn from {@code random.nextDouble()},
     * which is uniform in {@code [0, 1)}.
     */
    public static Instant rotateAfter(Validity leaf, RandomGenerator random) {
        Objects.requireNonNull(random, "random generator must not be null");
        return rotateAfter(leaf, random.nextDouble());
    }

    /**
     * The leaf's {@code RotateAfter}: {@code NotBefore + p × lifetime} with
     * {@code p = 0.6 + 0.3 × fraction}, computed exactly and truncated to the nanosecond.
     *
     * <p>Guarantee: {@code NotBefore + floor(0.6 × lifetime) <= RotateAfter < NotBefore + 0.9 × lifetime}
     * (lifetime in nanoseconds); a larger fraction never gives an earlier instant.
     *
     * @param fraction where in the 60–90 % band to land, in {@code [0, 1)}
     * @throws IllegalArgumentException if {@code fraction} is not in {@code [0, 1)} (NaN included)
     */
    public static Instant rotateAfter(Validity leaf, double fraction) {
        Objects.requireNonNull(leaf, "leaf validity must not be null");
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("renewal fraction must be in [0, 1): " + fraction);
        }
        BigDecimal share = EARLIEST_SHARE.add(SPREAD.multiply(new BigDecimal(fraction)));
        BigInteger offset = new BigDecimal(Nanos.of(leaf.lifetime()))
                .multiply(share)
                .setScale(0, RoundingMode.FLOOR)
                .toBigIntegerExact();
        return Nanos.plus(leaf.notBefore(), offset);
    }

    /** Whether routine renewal is due at {@code now}: {@code now >= rotateAfter}. */
    public static boolean isDue(Instant rotateAfter, Instant now) {
        Objects.requireNonNull(rotateAfter, "rotate-after must not be null");
        Objects.requireNonNull(now, "now must not be null");
        return !now.isBefore(rotateAfter);
    }
}
