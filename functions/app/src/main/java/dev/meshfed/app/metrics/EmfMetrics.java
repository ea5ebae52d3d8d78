package dev.meshfed.app.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshfed.core.metrics.Metrics;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@link Metrics} as CloudWatch embedded metric format (EMF): one JSON document per event, on one
 * line, which CloudWatch Logs turns into a metric when the line reaches a log group (a Lambda's
 * stdout does). No SDK call and no {@code cloudwatch:PutMetricData} permission; the event stays
 * readable in the log beside the lines around it.
 *
 * <pre>{@code
 * {"_aws":{"Timestamp":1764094137000,"CloudWatchMetrics":[{"Namespace":"meshfed",
 *   "Dimensions":[["dc","table"]],"Metrics":[{"Name":"meshfed.stream.quarantined","Unit":"Count"}]}]},
 *  "dc":"dc2","table":"INTENTIONS","meshfed.stream.quarantined":1}
 * }</pre>
 * (one line in fact). Per the EMF specification: {@code Timestamp} is milliseconds since the epoch
 * (from the injected clock), {@code Dimensions} one dimension set naming root members whose values
 * are strings, each metric's value a root member named as the metric, a number. Dimension keys are
 * written in sorted order, so one metric always lands in one dimension set.
 *
 * <p>Never throws: an event with dimensions {@link Metrics#checkDimensions} refuses, or a line
 * that cannot be written, is dropped with a warning naming the metric (not the values).
 */
public final class EmfMetrics implements Metrics {
    /** The CloudWatch namespace of every meshfed metric. */
    public static final String NAMESPACE = "meshfed";

    private static final Logger LOG = Logger.getLogger(EmfMetrics.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Consumer<String> sink;
    private final Clock clock;

    /** Writes each event as one line to {@code out} (a Lambda: {@code System.out}). */
    public EmfMetrics(PrintStream out, Clock clock) {
        this(Objects.requireNonNull(out, "out")::println, clock);
    }

    private EmfMetrics(Consumer<String> sink, Clock clock) {
        this.sink = sink;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Writes each event as one INFO record of {@code logger}, the same line a Lambda writes to
     * stdout: for {@code meshfed dev}, whose terminal shows a status line and whose log file holds
     * everything else.
     */
    public static EmfMetrics toLogger(Logger logger, Clock clock) {
        Objects.requireNonNull(logger, "logger");
        return new EmfMetrics(line -> logger.info(line), clock);
    }

    @Override
    public void count(String name, long n, Map<String, String> dimensions) {
        emit(name, COUNT, JSON.getNodeFactory().numberNode(n), dimensions);
    }

    @Override
    public void gauge(String name, double value, String unit, Map<String, String> dimensions) {
        if (!Double.isFinite(value)) {
            LOG.warning(() -> "metric dropped: value not finite name=" + name);
            return;
        }
        emit(name, unit, JSON.getNodeFactory().numberNode(value), dimensions);
    }

    private void emit(String name, String unit, com.fasterxml.jackson.databind.JsonNode value,
            Map<String, String> dimensions) {
        try {
            sink.accept(line(name, unit, value, dimensions));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "metric dropped name=" + name + ": " + e.getMessage());
        }
    }

    private String line(String name, String unit, com.fasterxml.jackson.databind.JsonNode value,
            Map<String, String> dimensions) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unit, "unit");
        Metrics.checkDimensions(dimensions);
        Map<String, String> sorted = new TreeMap<>(dimensions);
        if (sorted.containsKey(name) || name.equals("_aws")) {
            throw new IllegalArgumentException("metric name collides with a member");
        }
        ObjectNode root = JSON.createObjectNode();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", clock.millis());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        ArrayNode set = directive.putArray("Dimensions").addArray();
        sorted.keySet().forEach(set::add);
        directive.putArray("Metrics").addObject().put("Name", name).put("Unit", unit);
        sorted.forEach(root::put);
        root.set(name, value);
        try {
            return JSON.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write an emf line", e);
        }
    }
}
