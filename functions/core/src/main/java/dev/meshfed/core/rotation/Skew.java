package dev.meshfed.core.rotation;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The clock skew meshfed allows between datacenters and their clients.
 *
 * <p>Every certificate meshfed makes (root, intermediate, cross-signed root, leaf) starts
 * {@link #DEFAULT} before the moment it is made, so a peer whose clock runs slightly behind does
 * not see it as not yet valid. The same margin is added to waits that compare instants recorded
 * by different datacenters (see {@link RootPruning}).
 */
public final class Skew {

    /** The allowed skew: one minute, as in Consul and certificates.md. */
    public static final Duration DEFAULT = Duration.ofMinutes(1);

    private Skew() {
    }

    /**
     * The NotBefore of a certificate made at {@code now}.
     *
     * @return exactly {@code now - DEFAULT}
     */
    public static Instant backdate(Instant now) {
        Objects.requireNonNull(now, "now must not be null");
        return now.minus(DEFAULT);
    }
}
