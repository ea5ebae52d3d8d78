package dev.meshfed.store.embedded.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The periodic triggers of {@code meshfed dev}: what EventBridge rate schedules do in AWS (for
 * example {@code rotate-leaves} every minute, {@code replicate-intentions} reconcile every five).
 *
 * <p>Each tick has a name, an interval and an action. A tick is due when its next time has
 * passed on the injected clock. A run, however late, counts once: a tick that missed several
 * periods (a paused process, a clock moved forward by {@code /v1/dev/clock}) runs once and is
 * then scheduled one interval after the time it was started, never in a burst to catch up. A
 * tick that throws is logged and rescheduled like any other; it never stops the scheduler or
 * the other ticks. A tick never overlaps itself: if it is still running when due again, that
 * occurrence is skipped.
 *
 * <p>Tests call {@link #runDue()} with a controllable clock and get every due tick run in the
 * calling thread. {@code meshfed dev} calls {@link #start(Duration)}: a thread polls the clock
 * and runs each due tick on a worker thread of its own, so one slow tick (a paced rotation run)
 * does not hold up the others.
 */
public final class TickScheduler implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TickScheduler.class.getName());
    private static final int MAX_ERROR_TEXT = 200;

    private final Clock clock;
    private final Map<String, Tick> ticks = new LinkedHashMap<>();
    private Thread poller;
    private ExecutorService workers;
    private boolean running;

    /** One registered tick; mutable state guarded by the scheduler's monitor. */
    private static final class Tick {
        final String name;
        final Duration interval;
        final Runnable action;
        Instant nextRun;
        Instant lastStarted;
        Instant lastFinished;
        long runs;
        long failures;
        long skipped;
        String lastError;
        boolean inFlight;

        Tick(String name, Duration interval, Runnable action, Instant nextRun) {
            this.name = name;
            this.interval = interval;
            this.action = action;
            this.nextRun = nextRun;
        }

        TickStatus status() {
            return new TickStatus(name, interval, nextRun, lastStarted, lastFinished, runs, failures, skipped, lastError, inFlight);
        }
    }

    /**
     * A tick as the scheduler sees it.
     *
     * @param nextRun when it is next due
     * @param lastStarted when its last run started, or null
     * @param lastFinished when its last run ended, or null
     * @param runs runs started
     * @param failures runs that threw
     * @param skipped times it was due while its previous run was still going
     * @param lastError the last failure ({@code ExceptionClass: message}, bounded), or null after a
     *     success
     * @param running whether a run is going on now
     */
    public record TickStatus(String name, Duration interval, Instant nextRun, Instant lastStarted, Instant lastFinished,
            long runs, long failures, long skipped, String lastError, boolean running) {
    }

    public TickScheduler(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Registers a tick first due one interval from now. */
    public void register(String name, Duration interval, Runnable action) {
        register(name, interval, interval, action);
    }

    /**
     * Registers a tick first due {@code firstDelay} from now ({@link Duration#ZERO}: at the next
     * {@link #runDue()}).
     *
     * @throws IllegalArgumentException when the name is taken or blank, the interval is not
     *     positive or the delay negative
     */
    public synchronized void register(String name, Duration interval, Duration firstDelay, Runnable action) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a tick needs a name");
        }
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval of tick " + name + " must be positive");
        }
        if (firstDelay == null || firstDelay.isNegative()) {
            throw new IllegalArgumentException("first delay of tick " + name + " must not be negative");
        }
        Objects.requireNonNull(action, "action");
        if (ticks.containsKey(name)) {
            throw new IllegalArgumentException("tick already registered: " + name);
        }
        ticks.put(name, new Tick(name, interval, action, clock.instant().plus(firstDelay)));
        notifyAll();
    }

    /** Removes a tick (a run in progress finishes). Returns whether it existed. */
    public synchronized boolean cancel(String name) {
        return ticks.remove(name) != null;
    }

    /**
     * Runs every due tick once, in the calling thread, earliest due first (then by name), and
     * schedules each one interval after the time this call read the clock.
     *
     * @return how many ticks ran (including ones that threw)
     */
    public int runDue() {
        List<Tick> due = claimDue();
        for (Tick t : due) {
            execute(t);
        }
        return due.size();
    }

    /** Marks the due ticks as running and schedules their next time; skips ticks still running. */
    private synchronized List<Tick> claimDue() {
        Instant now = clock.instant();
        List<Tick> due = new ArrayList<>();
        Map<Tick, Instant> dueAt = new java.util.IdentityHashMap<>();
        for (Tick t : ticks.values()) {
            if (t.nextRun.isAfter(now)) {
                continue;
            }
            dueAt.put(t, t.nextRun);
            t.nextRun = now.plus(t.interval);
            if (t.inFlight) {
                t.skipped++;
                LOG.fine(() -> "tick skipped, previous run still going name=" + t.name);
                continue;
            }
            t.inFlight = true;
            t.runs++;
            t.lastStarted = now;
            due.add(t);
        }
        due.sort(Comparator.comparing((Tick t) -> dueAt.get(t)).thenComparing(t -> t.name));
        return due;
    }

    private void execute(Tick t) {
        String error = null;
        try {
            t.action.run();
        } catch (OutOfMemoryError e) {
            finish(t, "OutOfMemoryError");
            throw e;
        } catch (Throwable e) {
            error = bounded(e.getClass().getSimpleName() + ": " + e.getMessage());
            LOG.log(Level.WARNING, e, () -> "tick failed name=" + t.name + " error=" + e.getClass().getSimpleName());
        }
        finish(t, error);
    }

    private synchronized void finish(Tick t, String error) {
        t.inFlight = false;
        t.lastFinished = clock.instant();
        if (error != null) {
            t.failures++;
        }
        t.lastError = error;
    }

    private static String bounded(String s) {
        String oneLine = s.replaceAll("[\\r\\n]+", " ");
        return oneLine.length() > MAX_ERROR_TEXT ? oneLine.substring(0, MAX_ERROR_TEXT) + "..." : oneLine;
    }

    /** Every tick's status, in registration order. */
    public synchronized List<TickStatus> ticks() {
        return ticks.values().stream().map(Tick::status).toList();
    }

    /**
     * Runs ticks in the background: a thread reads the clock every {@code pollInterval} and runs
     * each due tick on its own worker thread, until {@link #close()}.
     *
     * @throws IllegalStateException when already started
     */
    public synchronized void start(Duration pollInterval) {
        if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("poll interval must be positive");
        }
        if (poller != null) {
            throw new IllegalStateException("tick scheduler already started");
        }
        running = true;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread th = new Thread(r, "tick-" + n.incrementAndGet());
            th.setDaemon(true);
            return th;
        };
        workers = Executors.newCachedThreadPool(factory);
        ExecutorService pool = workers;
        poller = new Thread(() -> poll(pollInterval, pool), "tick-scheduler");
        poller.setDaemon(true);
        poller.start();
    }

    private void poll(Duration pollInterval, ExecutorService pool) {
        long waitMillis = Math.max(1, pollInterval.toMillis());
        while (true) {
            synchronized (this) {
                if (!running) {
                    return;
                }
            }
            for (Tick t : claimDue()) {
                try {
                    pool.execute(() -> execute(t));
                } catch (RejectedExecutionException closing) {
                    finish(t, null);
                }
            }
            synchronized (this) {
                if (!running) {
                    return;
                }
                try {
                    wait(waitMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Stops the background thread and waits up to five seconds for running ticks to end.
     * Idempotent; {@link #runDue()} still works afterwards.
     */
    @Override
    public void close() {
        Thread p;
        ExecutorService pool;
        synchronized (this) {
            running = false;
            notifyAll();
            p = poller;
            pool = workers;
            poller = null;
            workers = null;
        }
        if (p != null) {
            try {
                p.join(5_000);
                if (pool != null) {
                    pool.shutdown();
                    if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                        LOG.warning("ticks still running after close");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
