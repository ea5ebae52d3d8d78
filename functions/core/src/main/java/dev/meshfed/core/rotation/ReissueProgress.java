package dev.meshfed.core.rotation;

import java.time.Instant;

/**
 * Where re-issue of a DC's managed leaves after its last signer change stands, as stored in the
 * DC's private table ({@code <dc>#reissue-progress#current}) by {@code rotate-leaves}' tick, so a
 * cold container and {@code ca-admin} report it too.
 *
 * @param signingKeyId the key ID of the signer the leaves are re-issued to (null: no change seen)
 * @param total the leaves of this change that got a slot
 * @param reissued of those, the leaves no longer pending (re-issued by the tick or a request, or dropped)
 * @param lastSlot the last slot of the change (null: none)
 */
public record ReissueProgress(String signingKeyId, long total, long reissued, Instant lastSlot) {

    /** Nothing to re-issue. */
    public static final ReissueProgress NONE = new ReissueProgress(null, 0, 0, null);

    public ReissueProgress {
        if (total < 0 || reissued < 0 || reissued > total) {
            throw new IllegalArgumentException("re-issue progress needs 0 <= reissued <= total");
        }
    }
}
