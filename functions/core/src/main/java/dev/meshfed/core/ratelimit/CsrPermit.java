package dev.meshfed.core.ratelimit;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Leave to sign one leaf, from {@link CsrRateLimiter#acquire}. Close it when the signing is done,
 * successful or not (try-with-resources): under the concurrency limit that gives the slot back;
 * for a rate-limit token or no limit at all, closing does nothing, since a spent token is not
 * returned (as in Consul).
 *
 * <p>{@link #close()} is idempotent and never throws: a failed release must not turn a signed
 * leaf into an error, and the slot frees itself when its lease expires.
 */
public final class CsrPermit implements AutoCloseable {

    /** Which limit granted the permit. */
    public enum Kind {
        /** Both {@code CSRMaxPerSecond} and {@code CSRMaxConcurrent} are 0. */
        UNLIMITED,
        /** A token of the {@code CSRMaxPerSecond} bucket. */
        RATE,
        /** A slot of {@code CSRMaxConcurrent}, held until {@link #close()}. */
        CONCURRENCY
    }

    private static final CsrPermit UNLIMITED_PERMIT = new CsrPermit(Kind.UNLIMITED, null);
    private static final CsrPermit RATE_PERMIT = new CsrPermit(Kind.RATE, null);

    private final Kind kind;
    private final Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();

    private CsrPermit(Kind kind, Runnable release) {
        this.kind = kind;
        this.release = release;
    }

    static CsrPermit unlimited() {
        return UNLIMITED_PERMIT;
    }

    static CsrPermit rate() {
        return RATE_PERMIT;
    }

    static CsrPermit lease(Runnable release) {
        return new CsrPermit(Kind.CONCURRENCY, release);
    }

    public Kind kind() {
        return kind;
    }

    /** Gives a concurrency slot back (once); nothing for the other kinds. */
    @Override
    public void close() {
        if (release != null && closed.compareAndSet(false, true)) {
            release.run();
        }
    }

    @Override
    public String toString() {
        return "CsrPermit[" + kind + "]";
    }
}
