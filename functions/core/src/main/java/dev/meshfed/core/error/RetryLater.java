package dev.meshfed.core.error;

import java.time.Duration;

/** A refusal that a client should retry after a while: the answer carries {@code Retry-After}. */
public abstract sealed class RetryLater extends MeshfedException permits RateLimited, NotReady {
    private final Duration retryAfter;

    protected RetryLater(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    /** How long the client should wait before trying again. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
