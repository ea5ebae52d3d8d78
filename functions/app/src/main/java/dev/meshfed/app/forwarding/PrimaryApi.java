package dev.meshfed.app.forwarding;

import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.core.error.NotPrimary;

/**
 * The primary DC's HTTP API as a secondary sees it: where writes owned by the primary go
 * (architecture.md flow 6). One implementation, {@link HttpPrimaryApi}; tests use fakes.
 */
public interface PrimaryApi {

    /** The request header carrying the idempotency key, from the client and to the primary. */
    String IDEMPOTENCY_KEY = "X-Meshfed-Idempotency-Key";
    /** The request header naming the secondary that forwarded a write (informational; never trusted for authorization). */
    String FORWARDED_FROM = "X-Meshfed-Forwarded-From";
    /** The response header set when the primary answered from its idempotency record instead of applying again. */
    String IDEMPOTENT_REPLAY = "X-Meshfed-Idempotent-Replay";

    /**
     * Sends {@code request} to the primary with {@code idempotencyKey} and returns the primary's
     * answer, whatever its status (a 403 or 409 from the primary is an answer, not a failure).
     * Guarantees: the caller's token goes along unchanged and is never logged; the call ends within
     * the implementation's timeout.
     *
     * @throws NotPrimary when the primary is unreachable, does not answer in time, or answers
     *     something that is not a usable response (a redirect, an oversized or undecodable body); the
     *     write's outcome is then unknown and a retry with the same key is safe
     */
    HttpResponse forward(HttpRequest request, String idempotencyKey);
}
