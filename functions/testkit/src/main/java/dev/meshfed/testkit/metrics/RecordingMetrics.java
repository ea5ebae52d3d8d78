package dev.meshfed.testkit.metrics;

import dev.meshfed.core.metrics.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An in-memory {@link Metrics}: every event kept in order, for tests to read back. Thread-safe.
 * Unlike the deployed implementations it throws on dimensions {@link Metrics#checkDimensions}
 * refuses, so a test fails where a deployable would drop the event.
 */
public final class RecordingMetrics implements Metrics {

    /** One reported event: a count ({@code unit} {@link Metrics#COUNT}) or a gauge. */
    public record Event(String name, double value, String unit, Map<String, String> dimensions) {
        public Event {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(unit, "unit");
            dimensions = Map.copyOf(dimensions);
        }
    }

    private final List<Event> events = new ArrayList<>();

    @Override
    public synchronized void count(String name, long n, Map<String, String> dimensions) {
        Metrics.checkDimensions(dimensions);
        events.add(new Event(name, n, COUNT, dimensions));
    }

    @Override
    public synchronized void gauge(String name, double value, String unit, Map<String, String> dimensions) {
        Metrics.checkDimensions(dimensions);
        events.add(new Event(name, value, unit, dimensions));
    }

    /** Every event so far, in order. */
    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** The events named {@code name}, in order. */
    public synchronized List<Event> events(String name) {
        return events.stream().filter(e -> e.name().equals(name)).toList();
    }

    /** The sum of the counts named {@code name} whose dimensions include {@code dimensions}. */
    public synchronized long total(String name, Map<String, String> dimensions) {
        return Math.round(events.stream().filter(e -> e.name().equals(name) && e.unit().equals(COUNT))
                .filter(e -> e.dimensions().entrySet().containsAll(dimensions.entrySet()))
                .mapToDouble(Event::value).sum());
    }

    public synchronized void clear() {
        events.clear();
    }
}
