package dev.meshfed.app.http;

import dev.meshfed.core.custody.CustodyUnavailable;
import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.error.InvalidCsr;
import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.error.MeshfedException;
import dev.meshfed.core.error.NotAuthorized;
import dev.meshfed.core.error.NotFound;
import dev.meshfed.core.error.NotPrimary;
import dev.meshfed.core.error.NotReady;
import dev.meshfed.core.error.RateLimited;
import dev.meshfed.core.error.RetryLater;
import dev.meshfed.core.store.StoreUnavailable;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Turns whatever a handler throws into a response: the one place where meshfed's error vocabulary
 * meets HTTP statuses (api.md, "Common rules").
 *
 * <table>
 *   <caption>status per error</caption>
 *   <tr><th>thrown</th><th>status</th><th>body</th></tr>
 *   <tr><td>{@link HttpRefusal}</td><td>its own (404, 405, 413)</td><td>its own</td></tr>
 *   <tr><td>{@link InvalidInput}, {@link InvalidCsr}</td><td>400</td><td>the message</td></tr>
 *   <tr><td>{@link NotAuthorized}</td><td>403</td><td>the message</td></tr>
 *   <tr><td>{@link NotFound}</td><td>404</td><td>the message</td></tr>
 *   <tr><td>{@link Conflict}</td><td>409</td><td>the message</td></tr>
 *   <tr><td>{@link RateLimited}</td><td>429 + {@code Retry-After}</td><td>the message</td></tr>
 *   <tr><td>{@link NotReady}</td><td>503 + {@code Retry-After}</td><td>the message</td></tr>
 *   <tr><td>{@link NotPrimary} (a primary-owned write that could not be forwarded)</td>
 *       <td>503 + {@code Retry-After: 5}</td><td>the message</td></tr>
 *   <tr><td>{@link StoreUnavailable}, {@link CustodyUnavailable}</td><td>503 + {@code Retry-After: 1}</td>
 *       <td>a fixed text and an error ID</td></tr>
 *   <tr><td>anything else: a real fault</td><td>500</td><td>a fixed text and an error ID</td></tr>
 * </table>
 *
 * <p>Bodies are one line of plain text ({@code text/plain; charset=utf-8}), without a trailing
 * newline, as Consul writes its errors. A core message is safe to show (the core bounds the
 * untrusted text in it); the mapper still replaces control characters with spaces and cuts it at
 * {@value #MAX_MESSAGE_LENGTH} characters, so no body can become two lines. A transient failure's
 * or a fault's message is never shown: it is logged with the exception under a fresh error ID, and
 * the body carries only that ID, so an operator can find the log line and a client learns nothing
 * about the inside (no stack trace, class name or exception message).
 *
 * <p>{@code Retry-After} is in whole seconds, rounded up, at least 1.
 */
public final class ErrorMapper {

    /** The longest message shown in a body. */
    public static final int MAX_MESSAGE_LENGTH = 1024;
    /** {@code Retry-After} for storage and key custody failures: the SDK has already retried. */
    public static final Duration TRANSIENT_RETRY_AFTER = Duration.ofSeconds(1);
    /** {@code Retry-After} when a primary-owned write could not reach the primary. */
    public static final Duration NOT_PRIMARY_RETRY_AFTER = Duration.ofSeconds(5);
    /** The body of a 500, before its error ID. */
    public static final String INTERNAL_ERROR = "internal error";
    /** The body of a 503 for a storage failure, before its error ID. */
    public static final String STORE_UNAVAILABLE = "storage is temporarily unavailable";
    /** The body of a 503 for a key custody failure, before its error ID. */
    public static final String CUSTODY_UNAVAILABLE = "key custody is temporarily unavailable";

    private final System.Logger log;
    private final Supplier<String> errorIds;

    /** A mapper that logs to {@code dev.meshfed.app.http.ErrorMapper} and draws random UUIDs as error IDs. */
    public ErrorMapper() {
        this(System.getLogger(ErrorMapper.class.getName()), () -> UUID.randomUUID().toString());
    }

    /** A mapper logging to {@code log}, with error IDs from {@code errorIds} (tests pass fixed ones). */
    public ErrorMapper(System.Logger log, Supplier<String> errorIds) {
        this.log = Objects.requireNonNull(log, "log");
        this.errorIds = Objects.requireNonNull(errorIds, "errorIds");
    }

    /** The response for {@code failure}; never throws. */
    public HttpResponse toResponse(Throwable failure) {
        if (failure instanceof HttpRefusal refusal) {
            return refusal.response();
        }
        if (failure instanceof MeshfedException e) {
            return domain(e);
        }
        if (failure instanceof StoreUnavailable) {
            return transientFailure(STORE_UNAVAILABLE, failure);
        }
        if (failure instanceof CustodyUnavailable) {
            return transientFailure(CUSTODY_UNAVAILABLE, failure);
        }
        String id = errorIds.get();
        log.log(System.Logger.Level.ERROR, "unexpected error, errorId=" + id, failure);
        return HttpResponse.text(500, INTERNAL_ERROR + ", error ID " + id);
    }

    private HttpResponse domain(MeshfedException e) {
        if (e instanceof InvalidInput || e instanceof InvalidCsr) {
            return text(400, e, "invalid request");
        }
        if (e instanceof NotAuthorized) {
            return text(403, e, "Permission denied");
        }
        if (e instanceof NotFound) {
            return text(404, e, "not found");
        }
        if (e instanceof Conflict) {
            return text(409, e, "conflicting change");
        }
        if (e instanceof RateLimited r) {
            return text(429, e, "rate limit exceeded").withHeader("Retry-After", retryAfterSeconds(r.retryAfter()));
        }
        if (e instanceof RetryLater r) { // NotReady
            return text(503, e, "not ready").withHeader("Retry-After", retryAfterSeconds(r.retryAfter()));
        }
        if (e instanceof NotPrimary) {
            return text(503, e, "the primary datacenter is unreachable")
                    .withHeader("Retry-After", retryAfterSeconds(NOT_PRIMARY_RETRY_AFTER));
        }
        // MeshfedException is sealed; a new subclass must be mapped above. Until then, a fault.
        String id = errorIds.get();
        log.log(System.Logger.Level.ERROR, "unmapped meshfed error, errorId=" + id, e);
        return HttpResponse.text(500, INTERNAL_ERROR + ", error ID " + id);
    }

    private HttpResponse transientFailure(String text, Throwable failure) {
        String id = errorIds.get();
        // The message names table, operation, key and vendor code, never contents: fit for a log line.
        log.log(System.Logger.Level.WARNING, text + ", errorId=" + id + ": " + failure.getMessage());
        return HttpResponse.text(503, text + ", error ID " + id)
                .withHeader("Retry-After", retryAfterSeconds(TRANSIENT_RETRY_AFTER));
    }

    private static HttpResponse text(int status, MeshfedException e, String fallback) {
        String message = e.getMessage();
        String line = message == null || message.isBlank() ? fallback : Texts.oneLine(message.strip(), MAX_MESSAGE_LENGTH);
        return HttpResponse.text(status, line);
    }

    /** {@code Retry-After} for {@code d}: whole seconds rounded up, at least 1 ({@code null} counts as 1 s). */
    public static String retryAfterSeconds(Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            return "1";
        }
        long seconds = d.getSeconds();
        if (d.getNano() > 0 && seconds < Long.MAX_VALUE) {
            seconds++;
        }
        return Long.toString(Math.max(1, seconds));
    }
}
