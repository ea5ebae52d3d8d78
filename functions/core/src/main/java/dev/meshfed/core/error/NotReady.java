package dev.meshfed.core.error;

import java.time.Duration;

/** The DC cannot serve this yet: no valid signer, primary unreachable (503 with {@code Retry-After}). */
public final class NotReady extends RetryLater {
    public NotReady(String message, Duration retryAfter) {
        super(message, retryAfter);
    }
}
