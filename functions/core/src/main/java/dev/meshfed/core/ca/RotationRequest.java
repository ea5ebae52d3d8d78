package dev.meshfed.core.ca;

import java.time.Instant;

/**
 * A root rotation, recorded by {@code ca-admin} and carried out by {@code rotate-leaves} in the
 * primary. Written conditionally: while one is {@code PENDING} or {@code IN_PROGRESS}, another
 * request is a conflict.
 *
 * @param suppliedRootSha256 the hash of a root supplied through the configuration, or null
 */
public record RotationRequest(String id, Trigger trigger, State state, Instant requestedAt, String privateKeyType,
        int privateKeyBits, String suppliedRootSha256, boolean forceWithoutCrossSigning) {

    public enum Trigger { CONFIGURATION, FORCED, AUTOMATIC }

    public enum State { PENDING, IN_PROGRESS, DONE }

    public boolean open() {
        return state != State.DONE;
    }
}
