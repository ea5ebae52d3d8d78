package dev.meshfed.app.ca.lifecycle;

import dev.meshfed.app.ca.ManagedLeafReissue;
import dev.meshfed.core.ca.RotationRequest;
import dev.meshfed.core.rotation.PruneDecision;
import java.util.Map;
import java.util.Objects;

/**
 * Where root rotation stands as seen from one DC (issue 8 item 6): what {@code GET
 * /v1/operator/replication} shows as its {@code Rotation} part.
 *
 * @param request the primary's current rotation request (replicated: a secondary sees its copy), or
 *     null before the first one
 * @param toRootId the root the request made active: the bundle's active root once it is no longer
 *     the request's {@code fromRootId}; null while the bundle is not rotated yet (or no request)
 * @param reissue this DC's managed-leaf re-issue after its last signer change
 * @param pruning in the primary, the prune decision of each inactive root of the bundle (root ID →
 *     decision, in bundle order); null in a secondary, which never prunes
 */
public record RotationStatus(RotationRequest request, String toRootId, ManagedLeafReissue.Progress reissue,
        Map<String, PruneDecision> pruning) {

    public RotationStatus {
        Objects.requireNonNull(reissue, "reissue");
        pruning = pruning == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(pruning));
    }

    /** Whether a rotation is open (pending or in progress) or this DC still has leaves to re-issue. */
    public boolean relevant() {
        return (request != null && request.open()) || !reissue.done();
    }
}
