package dev.meshfed.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The fuzz setup fails the build when a crash input exists: a committed crash input of a fuzz
 * test is replayed on every run and its exception fails the test. Runs {@link PlantedBugFuzzTarget}
 * (a broken parser with the crash input the fuzzer found for it) in regression mode, on its own
 * JUnit launcher, and expects exactly that failure.
 */
class FuzzSetupFailsOnCrashTest {

    @Test
    void aCommittedCrashInputFailsTheFuzzTest() {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(PlantedBugFuzzTarget.class)).build(), listener);
        TestExecutionSummary summary = listener.getSummary();
        assertThat(summary.getTotalFailureCount()).as("the planted crash input fails").isEqualTo(1);
        Throwable failure = summary.getFailures().get(0).getException();
        assertThat(failure).hasStackTraceContaining("unexpected implicit primitive encoding (planted)");
        assertThat(summary.getTestsSucceededCount()).as("the seed that does not crash passes").isPositive();
    }
}
