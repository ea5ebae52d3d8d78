package dev.meshfed.core.rotation;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The validity periods of the certificate profiles in certificates.md.
 *
 * <p>Every period starts at {@link Skew#backdate(Instant) now − skew}. Every certificate except a
 * self-signed root ends no later than its issuer: nothing outlives the certificate that vouches
 * for it (meshfed). The functions refuse an issuer that is not valid at {@code now}, because an
 * expired or not-yet-valid signer never signs; callers are expected to have checked that with
 * {@link Validity#isValidAt(Instant)} first, so a refusal here is a programming error.
 */
public final class Lifetimes {

    private Lifetimes() {
    }

    /**
     * A requested NotAfter capped at the issuer's NotAfter.
     *
     * @return the earlier of the two instants (either one when they are equal)
     */
    public static Instant capNotAfter(Instant requestedNotAfter, Instant issuerNotAfter) {
        Objects.requireNonNull(requestedNotAfter, "requested not-after must not be null");
        Objects.requireNonNull(issuerNotAfter, "issuer not-after must not be null");
        return requestedNotAfter.isAfter(issuerNotAfter) ? issuerNotAfter : requestedNotAfter;
    }

    /**
     * The validity of a self-signed root made at {@code now}: {@code [now − skew, now + rootCertTtl]}.
     * meshfed backdates roots too (Consul does not).
     *
     * @throws IllegalArgumentException if {@code rootCertTtl} is not positive
     */
    public static Validity root(Instant now, Duration rootCertTtl) {
        Objects.requireNonNull(now, "now must not be null");
        requirePositive(rootCertTtl, "root cert ttl");
        return new Validity(Skew.backdate(now), now.plus(rootCertTtl));
    }

    /**
     * The validity of a certificate that {@code issuer} signs at {@code now} with time-to-live
     * {@code ttl}: an intermediate (ttl = the primary's {@code IntermediateCertTTL}, issuer = the
     * active root) or a leaf (ttl = the DC's {@code LeafCertTTL}, issuer = the DC's active
     * intermediate). The period is {@code [now − skew, min(now + ttl, issuer NotAfter)]}; it is
     * never empty, since the issuer is valid at {@code now}.
     *
     * @throws IllegalArgumentException if {@code ttl} is not positive, or {@code issuer} is not valid
     *     at {@code now}
     */
    public static Validity issued(Instant now, Duration ttl, Validity issuer) {
        Objects.requireNonNull(now, "now must not be null");
        requirePositive(ttl, "ttl");
        requireSignerValid(issuer, now, "issuer");
        return new Validity(Skew.backdate(now), capNotAfter(now.plus(ttl), issuer.notAfter()));
    }

    /**
     * The validity of the cross-signed new root that the old root signs at {@code now} during a
     * rotation: {@code [now − skew, old root's NotAfter]}. meshfed keeps the cross-signed
     * certificate as long as the old root that it chains to, so it cannot expire while the old
     * root is still trusted and not yet pruned (Consul fixes 7 days).
     *
     * @throws IllegalArgumentException if the old root is not valid at {@code now}, in particular if
     *     it has already expired: an expired root never signs, and a rotation away from an expired
     *     root needs no cross-signature because nothing under it is still valid
     */
    public static Validity crossSigned(Instant now, Validity oldRoot) {
        Objects.requireNonNull(now, "now must not be null");
        requireSignerValid(oldRoot, now, "old root");
        return new Validity(Skew.backdate(now), oldRoot.notAfter());
    }

    private static void requireSignerValid(Validity signer, Instant now, String role) {
        Objects.requireNonNull(signer, role + " must not be null");
        if (signer.isExpiredAt(now)) {
            throw new IllegalArgumentException(
                    role + " expired at " + signer.notAfter() + " and cannot sign at " + now);
        }
        if (now.isBefore(signer.notBefore())) {
            throw new IllegalArgumentException(
                    role + " is not valid before " + signer.notBefore() + " and cannot sign at " + now);
        }
    }

    static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name + " must not be null");
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
    }
}
