package dev.meshfed.core.error;

import java.time.Duration;

/** The DC's CSR rate limit refused the request (429 with {@code Retry-After}). */
public final class RateLimited extends RetryLater {
    public RateLimited(String message, Duration retryAfter) {
        super(message, retryAfter);
    }
}
