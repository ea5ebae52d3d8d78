package dev.meshfed.core.forwarding;

import dev.meshfed.core.custody.SealedData;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The primary's memory of a write owned by the primary, keyed by its idempotency key, so that a
 * retried request is applied once and answered with the first outcome (architecture.md flow 6).
 *
 * <p>Lifecycle: a request claims the key with a {@link State#PENDING} record (a conditional
 * create), runs, then either replaces it with a {@link State#DONE} record holding the outcome
 * (conditional on the claimed version) or deletes it when the outcome may change on a retry (5xx,
 * 429). A PENDING record older than the claim lease belongs to an attempt that died; a later
 * request may take it over.
 *
 * @param key the idempotency key: 1 to 64 characters of {@code [A-Za-z0-9._-]}
 * @param state PENDING while an attempt runs, DONE once its outcome is stored
 * @param fingerprint lower-case hex SHA-256 of the request and its caller (see
 *     {@code PrimaryWrites}), so a different request or caller reusing the key is refused
 * @param status the response's HTTP status; 0 while PENDING
 * @param contentType the response's {@code Content-Type}; null while PENDING or when it had none
 * @param body the response body sealed by key custody (it may carry a token's {@code SecretID});
 *     null while PENDING
 * @param createdAt when the key was first claimed; the record expires a TTL after it
 * @param claimedAt when the current claim was taken (the lease runs from here)
 */
public record IdempotencyRecord(String key, State state, String fingerprint, int status, String contentType,
                                SealedData body, Instant createdAt, Instant claimedAt) {

    /** Where the request holding the key stands. */
    public enum State {
        /** An attempt holds the key and is running (or died; see its claim time). */
        PENDING,
        /** The outcome is stored and is the answer to every retry with the same request. */
        DONE
    }

    /** An idempotency key as clients send it: short, safe in an item key, a log line and a KMS context. */
    public static final Pattern KEY = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public IdempotencyRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(claimedAt, "claimedAt");
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("idempotency key must be 1 to 64 characters of [A-Za-z0-9._-]");
        }
        if (!SHA256_HEX.matcher(fingerprint).matches()) {
            throw new IllegalArgumentException("fingerprint must be a lower-case hex SHA-256");
        }
        if (claimedAt.isBefore(createdAt)) {
            throw new IllegalArgumentException("claimedAt must not be before createdAt");
        }
        if (state == State.PENDING && (status != 0 || contentType != null || body != null)) {
            throw new IllegalArgumentException("a pending idempotency record holds no response");
        }
        if (state == State.DONE && (status < 100 || status > 599 || body == null)) {
            throw new IllegalArgumentException("a done idempotency record holds a status and a sealed body");
        }
    }

    /** A first claim of {@code key} at {@code now}. */
    public static IdempotencyRecord pending(String key, String fingerprint, Instant now) {
        return new IdempotencyRecord(key, State.PENDING, fingerprint, 0, null, null, now, now);
    }

    /** This record claimed again at {@code now} by a request with {@code fingerprint} (taking over a stale claim). */
    public IdempotencyRecord reclaimed(String fingerprint, Instant now) {
        return new IdempotencyRecord(key, State.PENDING, fingerprint, 0, null, null, createdAt, now);
    }

    /** This claim completed with a response. */
    public IdempotencyRecord done(int status, String contentType, SealedData body) {
        return new IdempotencyRecord(key, State.DONE, fingerprint, status, contentType, body, createdAt, claimedAt);
    }

    /** Whether this is a claim older than {@code lease} at {@code now}: its attempt is presumed dead. */
    public boolean staleClaim(Instant now, Duration lease) {
        return state == State.PENDING && !now.isBefore(claimedAt.plus(lease));
    }

    @Override
    public String toString() {
        return "IdempotencyRecord[" + key + ", " + state + ", " + status + "]";
    }
}
