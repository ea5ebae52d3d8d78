package dev.meshfed.dev.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs a list of named steps in order and prints each with its evidence. A step that throws is
 * reported as failed with the exception's message and counted; a step whose {@code needs} did not
 * hold is skipped (and counted as failed) without running. Every printed line goes through the
 * redactor, so a secret can never reach the output, whatever a server echoes back.
 */
final class Walk {

    /** How a step ended. Only {@link #OK} counts as held. */
    enum Outcome {
        OK("ok"), FAILED("FAILED"), SKIPPED("skipped");

        final String label;

        Outcome(String label) {
            this.label = label;
        }
    }

    /** Collects a step's evidence lines ({@code   <key>: <value>}). */
    interface Evidence {
        void add(String key, Object value);
    }

    /** What a step does; it throws to fail (a {@link StepFailed} for an expected, explained failure). */
    @FunctionalInterface
    interface Action {
        void run(Evidence evidence) throws Exception;
    }

    /**
     * A named step. {@code key} identifies it for {@code needs}; {@code needs} are the keys of
     * earlier steps whose results it uses.
     */
    record Step(String key, String title, Set<String> needs, Action action) {
        Step {
            needs = Set.copyOf(needs);
        }
    }

    /** A step's result, for the summary. */
    record Result(Step step, Outcome outcome, String reason) {
    }

    /** A failure the step explains itself; its message is printed as is. */
    static final class StepFailed extends Exception {
        private static final long serialVersionUID = 1L;

        StepFailed(String message) {
            super(message);
        }
    }

    private final PrintStream out;
    private final Optional<String> secret;

    Walk(PrintStream out, Optional<String> secret) {
        this.out = out;
        this.secret = secret.filter(s -> !s.isEmpty());
    }

    /** Runs every step and prints the summary; returns the results in step order. */
    List<Result> run(List<Step> steps) {
        Map<String, Outcome> done = new LinkedHashMap<>();
        List<Result> results = new ArrayList<>();
        int total = steps.size();
        for (int k = 0; k < total; k++) {
            Step step = steps.get(k);
            print("demo [" + (k + 1) + "/" + total + "] " + step.title());
            Optional<String> missing = step.needs().stream()
                    .filter(n -> done.getOrDefault(n, Outcome.SKIPPED) != Outcome.OK)
                    .map(n -> titleOf(steps, n))
                    .sorted()
                    .reduce((a, b) -> a + ", " + b);
            Result result;
            if (missing.isPresent()) {
                result = new Result(step, Outcome.SKIPPED, "needs " + missing.get());
            } else {
                result = runOne(step);
            }
            done.put(step.key(), result.outcome());
            results.add(result);
            print("  result: " + result.outcome().label + (result.reason().isEmpty() ? "" : " (" + result.reason() + ")"));
        }
        long held = results.stream().filter(r -> r.outcome() == Outcome.OK).count();
        print("demo summary");
        for (int k = 0; k < results.size(); k++) {
            Result r = results.get(k);
            print("  " + (k + 1) + ". " + r.step().title() + ": " + r.outcome().label);
        }
        print("demo: " + held + " of " + total + " steps held");
        return results;
    }

    private Result runOne(Step step) {
        try {
            step.action().run((key, value) -> print("  " + key + ": " + value));
            return new Result(step, Outcome.OK, "");
        } catch (StepFailed e) {
            return new Result(step, Outcome.FAILED, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(step, Outcome.FAILED, "interrupted");
        } catch (Exception e) {
            return new Result(step, Outcome.FAILED, describe(e));
        }
    }

    /** An unexpected exception as one line: its class and message, and its first cause's. */
    static String describe(Throwable e) {
        StringBuilder s = new StringBuilder(e.getClass().getSimpleName());
        if (e.getMessage() != null) {
            s.append(": ").append(e.getMessage());
        }
        Throwable cause = e.getCause();
        // JSSE and the HTTP client repeat the cause's text in their own message: print it once
        if (cause != null && cause != e && (e.getMessage() == null || cause.getMessage() == null
                || !e.getMessage().contains(cause.getMessage()))) {
            s.append(" (caused by ").append(cause.getClass().getSimpleName());
            if (cause.getMessage() != null) {
                s.append(": ").append(cause.getMessage());
            }
            s.append(')');
        }
        return s.toString();
    }

    private static String titleOf(List<Step> steps, String key) {
        return steps.stream().filter(s -> s.key().equals(key)).map(Step::title).findFirst().orElse(key);
    }

    private void print(String line) {
        String safe = line.replace('\n', ' ').replace('\r', ' ');
        if (secret.isPresent()) {
            safe = safe.replace(secret.get(), "<redacted>");
        }
        out.println(safe);
    }
}
