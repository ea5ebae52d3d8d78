package dev.meshfed.dev;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The clock every DC of {@code meshfed dev} shares: real time plus an offset that
 * {@code POST /v1/dev/clock?advance=} moves forward (expiry and renewal scenarios). It never goes
 * back, so certificates and versions stay ordered.
 */
public final class DevClock extends Clock {

    private final Clock base;
    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    public DevClock(Clock base) {
        this.base = base;
    }

    /** Moves the clock forward by {@code by} (positive). */
    public Instant advance(Duration by) {
        if (by.isNegative() || by.isZero()) {
            throw new IllegalArgumentException("the clock only moves forward");
        }
        offset.accumulateAndGet(by, Duration::plus);
        return instant();
    }

    public Duration offset() {
        return offset.get();
    }

    @Override
    public Instant instant() {
        return base.instant().plus(offset.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("meshfed dev runs in UTC");
    }
}
