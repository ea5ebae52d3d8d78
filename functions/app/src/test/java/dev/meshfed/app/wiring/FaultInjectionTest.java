package dev.meshfed.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshfed.store.embedded.stream.BatchResult;
import java.util.List;
import java.util.function.UnaryOperator;
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
        try (FaultScenario s = new FaultScenario(seed, UnaryOperator.identity(), true)) {
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
        UnaryOperator<dev.meshfed.store.embedded.stream.StreamSubscriber> dropping = real -> batch -> BatchResult.success();
        try (FaultScenario s = new FaultScenario(seed, dropping, false)) {
            s.run(40);
            List<String> violations = s.healAndCheck();
            String report = s.report(violations);
            assertThat(violations).as("the broken build must be caught").anyMatch(v -> v.contains("intentions view"));
            assertThat(report).contains("seed=4242").contains("-Dmeshfed.fault.seed=4242").contains("operation log tail");
        }
    }
}
