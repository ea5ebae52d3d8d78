package dev.meshfed.store.embedded.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.clock.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TickSchedulerTest {
    final MutableClock clock = MutableClock.atDefaultStart();
    final TickScheduler scheduler = new TickScheduler(clock);
    final Instant start = clock.instant();

    @AfterEach
    void close() {
        scheduler.close();
    }

    TickScheduler.TickStatus status(String name) {
        return scheduler.ticks().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aTickIsDueOnceItsIntervalHasPassed() {
        AtomicInteger runs = new AtomicInteger();
        scheduler.register("rotate-leaves", Duration.ofMinutes(1), runs::incrementAndGet);

        assertThat(scheduler.runDue()).isZero();
        clock.advance(Duration.ofSeconds(59));
        assertThat(scheduler.runDue()).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(scheduler.runDue()).isEqualTo(1);
        assertThat(scheduler.runDue()).isZero();
        assertThat(runs).hasValue(1);
        assertThat(status("rotate-leaves").nextRun()).isEqualTo(start.plus(Duration.ofMinutes(2)));
        assertThat(status("rotate-leaves").lastStarted()).isEqualTo(start.plus(Duration.ofMinutes(1)));
    }

    @Test
    void missedPeriodsRunOnceAndTheNextRunIsOneIntervalFromNow() {
        AtomicInteger runs = new AtomicInteger();
        scheduler.register("reconcile", Duration.ofMinutes(5), runs::incrementAndGet);
        clock.advance(Duration.ofMinutes(47)); // nine periods missed
        assertThat(scheduler.runDue()).isEqualTo(1);
        assertThat(scheduler.runDue()).isZero();
        assertThat(runs).hasValue(1);
        assertThat(status("reconcile").nextRun()).isEqualTo(start.plus(Duration.ofMinutes(52)));
        clock.advance(Duration.ofMinutes(4));
        assertThat(scheduler.runDue()).isZero();
        clock.advance(Duration.ofMinutes(1));
        assertThat(scheduler.runDue()).isEqualTo(1);
    }

    @Test
    void aFirstDelayOfZeroRunsAtTheNextCall() {
        AtomicInteger runs = new AtomicInteger();
        scheduler.register("bootstrap", Duration.ofMinutes(1), Duration.ZERO, runs::incrementAndGet);
        assertThat(scheduler.runDue()).isEqualTo(1);
        assertThat(status("bootstrap").nextRun()).isEqualTo(start.plus(Duration.ofMinutes(1)));
    }

    @Test
    void aThrowingTickIsLoggedAndRescheduledAndDoesNotStopTheOthers() {
        AtomicInteger good = new AtomicInteger();
        AtomicInteger badRuns = new AtomicInteger();
        scheduler.register("bad", Duration.ofMinutes(1), () -> {
            if (badRuns.incrementAndGet() == 1) {
                throw new IllegalStateException("boom\nsecond line");
            }
        });
        scheduler.register("worse", Duration.ofMinutes(1), () -> {
            throw new AssertionError("an Error, not an Exception");
        });
        scheduler.register("good", Duration.ofMinutes(1), good::incrementAndGet);

        clock.advance(Duration.ofMinutes(1));
        assertThat(scheduler.runDue()).isEqualTo(3);
        assertThat(good).hasValue(1);
        assertThat(status("bad").failures()).isEqualTo(1);
        assertThat(status("bad").lastError()).isEqualTo("IllegalStateException: boom second line");
        assertThat(status("bad").running()).isFalse();
        assertThat(status("bad").nextRun()).isEqualTo(start.plus(Duration.ofMinutes(2)));
        assertThat(status("worse").lastError()).startsWith("AssertionError");

        clock.advance(Duration.ofMinutes(1));
        assertThat(scheduler.runDue()).isEqualTo(3);
        assertThat(good).hasValue(2);
        assertThat(status("bad").runs()).isEqualTo(2);
        assertThat(status("bad").failures()).isEqualTo(1);
        assertThat(status("bad").lastError()).isNull(); // the last run succeeded
        assertThat(status("worse").failures()).isEqualTo(2);
    }

    @Test
    void dueTicksRunEarliestDueFirst() {
        List<String> order = new CopyOnWriteArrayList<>();
        scheduler.register("b-minute", Duration.ofMinutes(1), () -> order.add("b-minute"));
        scheduler.register("a-minute", Duration.ofMinutes(1), () -> order.add("a-minute"));
        scheduler.register("early", Duration.ofMinutes(5), Duration.ofSeconds(10), () -> order.add("early"));
        clock.advance(Duration.ofMinutes(1));
        scheduler.runDue();
        assertThat(order).containsExactly("early", "a-minute", "b-minute");
    }

    @Test
    void registrationIsCheckedAndTicksCanBeCancelled() {
        scheduler.register("t", Duration.ofMinutes(1), () -> { });
        assertThatThrownBy(() -> scheduler.register("t", Duration.ofMinutes(1), () -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already registered");
        assertThatThrownBy(() -> scheduler.register("z", Duration.ZERO, () -> { })).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> scheduler.register(" ", Duration.ofMinutes(1), () -> { })).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> scheduler.register("n", Duration.ofMinutes(1), Duration.ofSeconds(-1), () -> { }))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(scheduler.cancel("t")).isTrue();
        assertThat(scheduler.cancel("t")).isFalse();
        clock.advance(Duration.ofMinutes(1));
        assertThat(scheduler.runDue()).isZero();
        assertThat(scheduler.ticks()).isEmpty();
    }

    @Test
    void theBackgroundModeRunsDueTicksAndASlowTickHoldsUpNoOther() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch slowStarted = new CountDownLatch(1);
        AtomicInteger fast = new AtomicInteger();
        scheduler.register("slow", Duration.ofMinutes(1), () -> {
            slowStarted.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        scheduler.register("fast", Duration.ofMinutes(1), fast::incrementAndGet);
        scheduler.start(Duration.ofMillis(2));
        assertThatThrownBy(() -> scheduler.start(Duration.ofMillis(2))).isInstanceOf(IllegalStateException.class);

        clock.advance(Duration.ofMinutes(1));
        assertThat(slowStarted.await(30, TimeUnit.SECONDS)).isTrue();
        waitUntil(() -> fast.get() == 1);

        clock.advance(Duration.ofMinutes(1)); // slow is still running: this occurrence is skipped
        waitUntil(() -> fast.get() == 2);
        waitUntil(() -> status("slow").skipped() == 1);
        assertThat(status("slow").running()).isTrue();
        assertThat(status("slow").runs()).isEqualTo(1);

        release.countDown();
        waitUntil(() -> !status("slow").running());
        scheduler.close();
        scheduler.close(); // idempotent
        clock.advance(Duration.ofMinutes(1));
        assertThat(scheduler.runDue()).isEqualTo(2); // synchronous use still works
    }

    @Test
    void theBackgroundModeWorksOnARealClock() throws Exception {
        try (TickScheduler real = new TickScheduler(java.time.Clock.systemUTC())) {
            CountDownLatch ran = new CountDownLatch(3);
            real.register("quick", Duration.ofMillis(5), Duration.ZERO, ran::countDown);
            real.start(Duration.ofMillis(1));
            assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    static void waitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached in 30 s");
            }
            Thread.sleep(1);
        }
    }
}
