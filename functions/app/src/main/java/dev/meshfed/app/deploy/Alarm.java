package dev.meshfed.app.deploy;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One CloudWatch alarm every DC deploys. Dimension values may be placeholders the templates fill
 * in: {@link #OWN_DC} (the DC's name), {@code {function:<deployable>}} (that deployable's Lambda
 * function name) and {@link #FAILURE_QUEUE} (the stream on-failure queue's name).
 *
 * @param id                 a stable name, part of the alarm's name in both templates
 * @param namespace          {@code meshfed} for the functions' EMF metrics, or an AWS namespace
 * @param metric             the metric name, for meshfed's own one of {@code core.metrics.Metrics}
 * @param statistic          {@code Maximum}, {@code Minimum} or {@code Sum}
 * @param comparison         CloudWatch's comparison operator name
 * @param treatMissingData   CloudWatch's {@code TreatMissingData}
 */
public record Alarm(String id, String namespace, String metric, Map<String, String> dimensions, String statistic,
                    int periodSeconds, int evaluationPeriods, String comparison, long threshold,
                    String treatMissingData, String why) {

    /** Placeholder for the DC's name. */
    public static final String OWN_DC = "{dc}";
    /** Placeholder for the stream on-failure queue's name. */
    public static final String FAILURE_QUEUE = "{queue:stream-failures}";

    public Alarm {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(metric, "metric");
        dimensions = Map.copyOf(dimensions);
        Objects.requireNonNull(why, "why");
    }

    /** Placeholder for the Lambda function name of {@code deployable}. */
    public static String function(String deployable) {
        return "{function:" + deployable + "}";
    }

    /** The alarm as one comparable line of {@link Deployment#facts}. */
    public String fact() {
        StringBuilder dims = new StringBuilder();
        new TreeMap<>(dimensions).forEach((k, v) -> dims.append(dims.isEmpty() ? "" : ",").append(k).append('=').append(v));
        return "alarm " + id + " " + namespace + "/" + metric + " dims=" + dims + " stat=" + statistic + " period="
                + periodSeconds + " evaluations=" + evaluationPeriods + " " + comparison + " " + threshold
                + " missing=" + treatMissingData;
    }
}
