package dev.meshfed.core.rotation;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A certificate's validity period, NotBefore..NotAfter, both ends inclusive as X.509 defines them
 * (RFC 5280, section 4.1.2.5).
 *
 * @param notBefore the first instant at which the certificate is valid
 * @param notAfter the last instant at which the certificate is valid; never before {@code notBefore}
 */
public record Validity(Instant notBefore, Instant notAfter) {

    /**
     * @throws IllegalArgumentException if {@code notAfter} is before {@code notBefore}: such a
     *     certificate is never valid and meshfed never makes or trusts one
     */
    public Validity {
        Objects.requireNonNull(notBefore, "not-before must not be null");
        Objects.requireNonNull(notAfter, "not-after must not be null");
        if (notAfter.isBefore(notBefore)) {
            throw new IllegalArgumentException("not-after " + notAfter + " is before not-before " + notBefore);
        }
    }

    /**
     * Whether a certificate with this period is valid at {@code now}: {@code notBefore <= now <=
     * notAfter}. This is the test behind "never sign with an expired or not-yet-valid signer".
     */
    public static boolean isValidAt(Instant notBefore, Instant notAfter, Instant now) {
        Objects.requireNonNull(notBefore, "not-before must not be null");
        Objects.requireNonNull(notAfter, "not-after must not be null");
        Objects.requireNonNull(now, "now must not be null");
        return !now.isBefore(notBefore) && !now.isAfter(notAfter);
    }

    /** {@link #isValidAt(Instant, Instant, Instant)} for this period. */
    public boolean isValidAt(Instant now) {
        return isValidAt(notBefore, notAfter, now);
    }

    /**
     * Whether the certificate has expired at {@code now}: {@code now} is strictly after NotAfter.
     * At NotAfter itself the certificate is still valid.
     */
    public boolean isExpiredAt(Instant now) {
        Objects.requireNonNull(now, "now must not be null");
        return now.isAfter(notAfter);
    }

    /** NotAfter − NotBefore, exact; zero or positive. */
    public Duration lifetime() {
        return Duration.between(notBefore, notAfter);
    }

    /** NotAfter − {@code now}, exact; negative once the certificate has expired. */
    public Duration remainingAt(Instant now) {
        Objects.requireNonNull(now, "now must not be null");
        return Duration.between(now, notAfter);
    }
}
