package dev.meshfed.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshfed.store.embedded.stream.BatchResult;
import java.util.List;
import dev.meshfed.core.store.codec.IntentionTableCodecs;
import dev.meshfed.stream.events.DecodedChange;
import dev.meshfed.stream.events.StreamRecords;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Randomised fault-injection scenarios ({@link FaultScenario}) over three whole DCs, each from a
 * fixed seed, and the proof that the check can fail: one scenario against a deliberately broken
 * build must be reported, with its seed. {@code -Dmeshfed.fault.seed=N} runs seed N alone (replay);
 * {@code -Dmeshfed.fault.seeds=K} runs K seeds from 1 (release runs), {@code -Dmeshfed.fault.steps=S}
 * lengthens each schedule. See docs/fault-injection.md.
 */
class FaultInjectionTest {
    static final String SEED_PROPERTY = "meshfed.fault.seed";
    static final long[] SUITE_SEEDS = {1, 2, 3, 4, 5, 6, 7, 8};
    static final int STEPS = Integer.getInteger("meshfed.fault.steps", 60);

    static Stream<Long> seeds() {
        String one = System.getProperty(SEED_PROPERTY);
        if (one != null && !one.isBlank()) {
            return Stream.of(Long.parseLong(one.strip()));
        }
        Integer many = Integer.getInteger("meshfed.fault.seeds");
        if (many != null) {
            return LongStream.rangeClosed(1, many).boxed();
        }
        return LongStream.of(SUITE_SEEDS).boxed();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void afterAnyScheduleOfFaultsAndHealingEveryInvariantHolds(long seed) {
        try (FaultScenario s = new FaultScenario(seed, (dc, real) -> real, true)) {
            List<String> violations = s.run(STEPS).healAndCheck();
            System.out.println("fault scenario " + s.summary());
            assertThat(violations).as(() -> s.report(violations)).isEmpty();
            // The scenario did exercise what it claims (else a quiet schedule would pass vacuously).
            assertThat(s.leaves).as(() -> s.report(List.of("no leaves"))).isNotEmpty();
        }
    }

    /**
     * A deliberately broken build: every DC's intentions consumer acknowledges records it drops (an
     * applier that loses deletes and updates), and no reconcile tick repairs it. The invariant
     * check must report it, naming the seed.
     */
    @Test
    void theInvariantCheckReportsABrokenReplicatorWithTheSeed() {
        long seed = 4242;
        try (FaultScenario s = new FaultScenario(seed, (dc, real) -> batch -> BatchResult.success(), false)) {
            s.run(40);
            List<String> violations = s.healAndCheck();
            String report = s.report(violations);
            assertThat(violations).as("the broken build must be caught").anyMatch(v -> v.contains("intentions view"));
            assertThat(report).contains("seed=4242").contains("-Dmeshfed.fault.seed=4242").contains("operation log tail");
        }
    }

    /**
     * A deliberately broken build that trusts a non-owner write: besides the real consumer, each
     * DC's stream applies any intention item under a non-primary prefix straight into its view.
     * The check must report the trusted write. (With the reconcile tick registered the real
     * reconcile removes such entries before the check: that repair is itself a finding worth keeping.)
     */
    @Test
    void theInvariantCheckReportsATrustedNonOwnerWrite() {
        long seed = 77;
        java.util.concurrent.atomic.AtomicReference<FaultScenario> scenario = new java.util.concurrent.atomic.AtomicReference<>();
        try (FaultScenario s = new FaultScenario(seed, (dc, real) -> batch -> {
            for (var r : batch) {
                DecodedChange c = StreamRecords.decode(r);
                if (!c.key().owner().equals("dc1") && c.newImage() != null) {
                    var item = IntentionTableCodecs.INTENTION.decode(c.key(), c.newImage().body());
                    var view = scenario.get().f.harness.dc(dc).privateStore();
                    long current = view.viewEntry(item.id()).map(v -> v.version()).orElse(0L);
                    view.putViewEntry(item, current, c.newImage().version());
                }
            }
            return real.handle(batch);
        }, false)) { // without reconcile: with it, the tick removes view entries the primary lacks (it self-heals)
            scenario.set(s);
            List<String> violations = s.run(60).healAndCheck();
            assertThat(s.rogueIds).as("the schedule made non-owner writes").isNotEmpty();
            assertThat(violations).as(s.report(violations)).anyMatch(v -> v.contains("trusted the non-owner write"));
        }
    }

    /**
     * A function failing mid-flow, deterministically: the primary's first intentions-table write of a
     * create throws {@code StoreUnavailable} (503), the client retries with the same idempotency key,
     * the create completes and every DC ends with it.
     */
    @Test
    void aWriteFailingMidFlowIsCompletedByTheClientRetryAndReplicated() {
        try (FaultScenario s = new FaultScenario(5, (dc, real) -> real, true)) {
            s.armWriteFailure("dc1", dev.meshfed.core.store.Table.INTENTIONS, 1);
            assertThat(s.createIntentionIn("dc2", "web", "db")).as(() -> String.join("\n", s.log)).isEqualTo(200);
            assertThat(s.writeFailuresFired).as(String.join("\n", s.log)).isEqualTo(1);
            s.armWriteFailure("dc3", dev.meshfed.core.store.Table.PRIVATE, 1); // dc3's stream apply fails once, the batch retry completes it
            assertThat(s.createIntentionIn("dc1", "api", "db")).isEqualTo(200);
            s.f.harness.settle(); // delivered (and retried) before the heal disarms anything
            List<String> violations = s.healAndCheck();
            assertThat(s.writeFailuresFired).as(String.join("\n", s.log)).isEqualTo(2);
            assertThat(violations).as(() -> s.report(violations)).isEmpty();
        }
    }
}
