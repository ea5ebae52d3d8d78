package dev.meshfed.core.store;

/**
 * A table could not answer now: the substrate throttled the call, failed on its side (5xx), timed
 * out, or could not be reached. Nothing is known to be wrong with the request, so the same call may
 * succeed later: a stream handler reports the record as a batch item failure (the event source
 * mapping retries it), an HTTP handler answers 503 with {@code Retry-After}.
 *
 * <p>For a write, the outcome is unknown: a put that timed out may have been applied. Retrying the
 * same conditional write is safe, since it then fails with {@link dev.meshfed.core.error.Conflict}
 * (or {@link dev.meshfed.core.error.NotFound} for a delete) and the caller re-reads.
 *
 * <p>The message names the table, the operation and the item key or partition, and the vendor's
 * error code; never item contents or the vendor's own error text. There is no cause, so nothing
 * from the vendor reaches a log through a stack trace.
 */
public final class StoreUnavailable extends RuntimeException {
    public StoreUnavailable(String message) {
        super(message, null, false, false);
    }
}
