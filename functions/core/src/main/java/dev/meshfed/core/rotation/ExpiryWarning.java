package dev.meshfed.core.rotation;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Expiry metrics and warnings for the active root and each datacenter's signer
 * (certificates.md, Expiry guards): seconds until expiry are published as a metric, and a warning
 * is logged when less than {@code min(28 days, 40 % of the lifetime)} remains.
 */
public final class ExpiryWarning {

    /** The warning threshold for long-lived certificates. */
    public static final Duration MAXIMUM_THRESHOLD = Duration.ofDays(28);

    /** The warning threshold for short-lived certificates, as a share of the lifetime: 40 %, i.e. 2/5. */
    private static final BigInteger SHARE_NUMERATOR = BigInteger.TWO;
    private static final BigInteger SHARE_DENOMINATOR = BigInteger.valueOf(5);

    private ExpiryWarning() {
    }

    /**
     * The threshold under which remaining validity earns a warning: the smaller of 28 days and
     * 40 % of NotBefore..NotAfter. 40 % is rounded up to the nanosecond so that, for whole
     * nanoseconds, {@code remaining < threshold} holds exactly when {@code remaining < 0.4 × lifetime}.
     */
    public static Duration threshold(Validity certificate) {
        Objects.requireNonNull(certificate, "certificate validity must not be null");
        BigInteger share = Nanos.ceilDiv(Nanos.of(certificate.lifetime()).multiply(SHARE_NUMERATOR), SHARE_DENOMINATOR);
        Duration shareOfLifetime = Nanos.toDuration(share);
        return shareOfLifetime.compareTo(MAXIMUM_THRESHOLD) < 0 ? shareOfLifetime : MAXIMUM_THRESHOLD;
    }

    /**
     * Whether to warn at {@code now}: remaining validity ({@code NotAfter − now}) is strictly less
     * than {@link #threshold}. An expired certificate always warns.
     */
    public static boolean shouldWarn(Validity certificate, Instant now) {
        return certificate.remainingAt(now).compareTo(threshold(certificate)) < 0;
    }

    /**
     * Whole seconds until {@code notAfter} for the expiry metric: {@code floor((notAfter − now) / 1 s)}.
     * It is 0 at NotAfter itself (the certificate is still valid), and negative once it has expired.
     */
    public static long secondsUntilExpiry(Instant notAfter, Instant now) {
        Objects.requireNonNull(notAfter, "not-after must not be null");
        Objects.requireNonNull(now, "now must not be null");
        BigInteger seconds = Nanos.floorDiv(Nanos.between(now, notAfter), Nanos.PER_SECOND);
        return seconds.longValueExact();
    }
}
