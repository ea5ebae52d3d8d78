package dev.meshfed.app.ca;

import dev.meshfed.app.http.BlockingQuery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Waits for a DC's change index to move past a blocking read's {@code index}, by polling it: the
 * change index lives in the private table (architecture.md flow 9) and DynamoDB has no watch, so a
 * waiting read polls with a short pause that doubles from {@link #FIRST_PAUSE} to
 * {@link #MAX_PAUSE} (about 45 consistent reads over a 10 s wait). The deadline is measured on the
 * injected clock and the pause goes through the injected {@link Sleeper}, so tests neither sleep
 * nor depend on real time.
 */
public final class IndexPoller {

    /** The first pause between two reads of the change index. */
    public static final Duration FIRST_PAUSE = Duration.ofMillis(25);
    /** The longest pause between two reads. */
    public static final Duration MAX_PAUSE = Duration.ofMillis(250);

    /** How the poller pauses; production passes {@code Thread::sleep}, tests advance a clock instead. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration pause) throws InterruptedException;

        /** Real sleeping. */
        Sleeper THREAD = d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
    }

    private final Clock clock;
    private final Sleeper sleeper;
    private final RandomGenerator random;

    public IndexPoller(Clock clock, Sleeper sleeper, RandomGenerator random) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * The change index to answer with: at once when the read does not block or the index has
     * already moved; otherwise the first index read after it moved, or the last one read when the
     * wait (with Consul's jitter, capped) ends. An interrupt ends the wait early.
     */
    public long await(BlockingQuery query, LongSupplier changeIndex) {
        long index = changeIndex.getAsLong();
        if (query.answersAt(index)) {
            return index;
        }
        Instant deadline = clock.instant().plus(query.waitWithJitter(random));
        Duration pause = FIRST_PAUSE;
        while (!query.answersAt(index)) {
            Instant now = clock.instant();
            if (!now.isBefore(deadline)) {
                break;
            }
            Duration left = Duration.between(now, deadline);
            try {
                sleeper.sleep(pause.compareTo(left) < 0 ? pause : left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return changeIndex.getAsLong();
            }
            pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) < 0 ? pause.multipliedBy(2) : MAX_PAUSE;
            index = changeIndex.getAsLong();
        }
        return index;
    }
}
