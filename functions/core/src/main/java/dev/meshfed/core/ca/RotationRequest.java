package dev.meshfed.core.ca;

import java.time.Instant;
import java.util.Objects;

/**
 * A root rotation, recorded by {@code ca-admin} (or by {@code rotate-leaves}' automatic trigger)
 * and carried out by {@code rotate-leaves} in the primary. Written conditionally: while one is
 * {@code PENDING} or {@code IN_PROGRESS}, another request is a conflict. States only move forward
 * ({@code PENDING → IN_PROGRESS → DONE}); a {@code DONE} item is replaced by the next request.
 *
 * @param fromRootId the root that was active when the request was recorded: the rotation replaces
 *     exactly that root, so a run that finds another root active knows the bundle has already
 *     been rotated for this request (the crash-safety marker of rotate-leaves)
 * @param suppliedRootSha256 the hash of a root supplied through the configuration, or null
 * @param doneAt when rotate-leaves finished (new root active, the primary's intermediate under it), or null
 */
public record RotationRequest(String id, Trigger trigger, State state, Instant requestedAt, String fromRootId,
        String privateKeyType, int privateKeyBits, String suppliedRootSha256, boolean forceWithoutCrossSigning,
        Instant doneAt) {

    public enum Trigger { CONFIGURATION, FORCED, AUTOMATIC }

    public enum State { PENDING, IN_PROGRESS, DONE }

    public RotationRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(requestedAt, "requestedAt");
        Objects.requireNonNull(fromRootId, "fromRootId");
        if ((state == State.DONE) != (doneAt != null)) {
            throw new IllegalArgumentException("a rotation request has a done time exactly when it is done");
        }
    }

    /** A new request, pending. */
    public static RotationRequest pending(String id, Trigger trigger, Instant requestedAt, String fromRootId,
            String privateKeyType, int privateKeyBits, String suppliedRootSha256, boolean forceWithoutCrossSigning) {
        return new RotationRequest(id, trigger, State.PENDING, requestedAt, fromRootId, privateKeyType, privateKeyBits,
                suppliedRootSha256, forceWithoutCrossSigning, null);
    }

    public boolean open() {
        return state != State.DONE;
    }

    /** This request, being carried out. */
    public RotationRequest inProgress() {
        return new RotationRequest(id, trigger, State.IN_PROGRESS, requestedAt, fromRootId, privateKeyType,
                privateKeyBits, suppliedRootSha256, forceWithoutCrossSigning, null);
    }

    /** This request, finished at {@code at}. */
    public RotationRequest done(Instant at) {
        return new RotationRequest(id, trigger, State.DONE, requestedAt, fromRootId, privateKeyType, privateKeyBits,
                suppliedRootSha256, forceWithoutCrossSigning, Objects.requireNonNull(at, "at"));
    }
}
