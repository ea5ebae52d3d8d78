package dev.meshfed.core.rotation;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Automatic root rotation (meshfed; Consul never renews a root): the primary rotates its active
 * root when less than {@code RootRenewBefore} of it remains.
 */
public final class RootRenewal {

    /** {@code RootRenewBefore} defaults to this fraction of {@code RootCertTTL}: one fifth. */
    public static final int DEFAULT_RENEW_BEFORE_DIVISOR = 5;

    private RootRenewal() {
    }

    /**
     * The default {@code RootRenewBefore}: {@code rootCertTtl / 5}, truncated to the nanosecond
     * (17520h for the default 87600h).
     *
     * @throws IllegalArgumentException if {@code rootCertTtl} is not positive
     */
    public static Duration defaultRenewBefore(Duration rootCertTtl) {
        Lifetimes.requirePositive(rootCertTtl, "root cert ttl");
        return rootCertTtl.dividedBy(DEFAULT_RENEW_BEFORE_DIVISOR);
    }

    /**
     * Whether automatic rotation is due at {@code now}: {@code rootNotAfter − now < renewBefore},
     * strictly; with exactly {@code renewBefore} left it is not yet due. An expired root is due.
     *
     * @throws IllegalArgumentException if {@code renewBefore} is not positive
     */
    public static boolean isDue(Instant rootNotAfter, Duration renewBefore, Instant now) {
        Objects.requireNonNull(rootNotAfter, "root not-after must not be null");
        Objects.requireNonNull(now, "now must not be null");
        Lifetimes.requirePositive(renewBefore, "root renew-before");
        // rootNotAfter − now < renewBefore  ⇔  rootNotAfter < now + renewBefore; no overflow in the comparison.
        return Duration.between(now, rootNotAfter).compareTo(renewBefore) < 0;
    }
}
