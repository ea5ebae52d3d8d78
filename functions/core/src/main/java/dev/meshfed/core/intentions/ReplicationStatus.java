package dev.meshfed.core.intentions;

import java.time.Instant;

/**
 * What {@code replicate-intentions} persists about itself in the DC's private table
 * ({@code <dc>#replication-status#intentions}), shown by {@code GET /v1/operator/replication}.
 *
 * @param appliedVersion the highest primary version applied to the view (0: none yet)
 * @param lastAppliedAt when the view last took an item (null: never)
 * @param lagMillis the last apply's lag: its time minus the primary's {@code updatedAt} of the item
 *     (never negative; clocks of two regions may disagree by a little)
 * @param authorityViolations records of the intentions table whose key owner is not the primary
 * @param lastError the last failure's text (lower-case, names keys, never item content), or null
 * @param lastErrorAt when it happened, or null
 * @param lastReconcileAt when reconcile last finished, or null
 * @param repairs view entries reconcile changed, in total
 */
public record ReplicationStatus(long appliedVersion, Instant lastAppliedAt, long lagMillis, long authorityViolations,
        String lastError, Instant lastErrorAt, Instant lastReconcileAt, long repairs) {

    /** Longest stored error text. */
    public static final int MAX_ERROR_CHARS = 512;

    public ReplicationStatus {
        if (appliedVersion < 0 || lagMillis < 0 || authorityViolations < 0 || repairs < 0) {
            throw new IllegalArgumentException("replication status counters must not be negative");
        }
        if (lastError != null && lastError.length() > MAX_ERROR_CHARS) {
            lastError = lastError.substring(0, MAX_ERROR_CHARS - 3) + "...";
        }
    }

    /** Before the first record. */
    public static final ReplicationStatus NONE = new ReplicationStatus(0, null, 0, 0, null, null, null, 0);

    /** After applying {@code version} at {@code at} with {@code lagMillis}; the applied version only grows. */
    public ReplicationStatus applied(long version, Instant at, long lagMillis) {
        return new ReplicationStatus(Math.max(appliedVersion, version), at, Math.max(0, lagMillis), authorityViolations,
                lastError, lastErrorAt, lastReconcileAt, repairs);
    }

    /** The view already held {@code version} (applied elsewhere): only the applied version moves up. */
    public ReplicationStatus caughtUp(long version) {
        return new ReplicationStatus(Math.max(appliedVersion, version), lastAppliedAt, lagMillis, authorityViolations,
                lastError, lastErrorAt, lastReconcileAt, repairs);
    }

    public ReplicationStatus violation() {
        return new ReplicationStatus(appliedVersion, lastAppliedAt, lagMillis, authorityViolations + 1, lastError,
                lastErrorAt, lastReconcileAt, repairs);
    }

    public ReplicationStatus error(String text, Instant at) {
        return new ReplicationStatus(appliedVersion, lastAppliedAt, lagMillis, authorityViolations, text, at,
                lastReconcileAt, repairs);
    }

    public ReplicationStatus reconciled(Instant at, int repaired) {
        return new ReplicationStatus(appliedVersion, lastAppliedAt, lagMillis, authorityViolations, lastError,
                lastErrorAt, at, repairs + repaired);
    }
}
