package dev.meshfed.core.rotation;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Objects;

/**
 * Renewal of a datacenter's intermediate at half-life (certificates.md, Expiry guards). The
 * primary signs its own renewal; secondaries use the intermediate CSR exchange. Renewing at
 * half-life leaves the other half to ride out a primary outage.
 */
public final class IntermediateRenewal {

    private IntermediateRenewal() {
    }

    /**
     * The instant from which renewal is due: the first nanosecond at which at least half of
     * NotBefore..NotAfter has passed, {@code NotBefore + ceil(lifetime / 2)}.
     */
    public static Instant halfLife(Validity intermediate) {
        Objects.requireNonNull(intermediate, "intermediate validity must not be null");
        BigInteger half = Nanos.ceilDiv(Nanos.of(intermediate.lifetime()), BigInteger.TWO);
        return Nanos.plus(intermediate.notBefore(), half);
    }

    /** Whether renewal is due at {@code now}: {@code now >= halfLife(intermediate)}. */
    public static boolean isDue(Validity intermediate, Instant now) {
        Objects.requireNonNull(now, "now must not be null");
        return !now.isBefore(halfLife(intermediate));
    }
}
