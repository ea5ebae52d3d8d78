package dev.meshfed.core.error;

import java.time.Duration;

/** The DC cannot serve this yet: no valid signer, primary unreachable (503 with {@code Retry-After}). */
public final class NotReady extends MeshfedException {
    private final Duration retryAfter;

    public NotReady(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
