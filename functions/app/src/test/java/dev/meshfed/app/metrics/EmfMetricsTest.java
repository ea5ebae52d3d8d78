package dev.meshfed.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshfed.core.metrics.Metrics;
import dev.meshfed.core.store.Table;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The CloudWatch embedded metric format lines, parsed back as CloudWatch Logs would read them. */
class EmfMetricsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T = Instant.parse("2026-11-25T18:00:00.123Z");
    private static final Clock CLOCK = Clock.fixed(T, ZoneOffset.UTC);

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final EmfMetrics metrics = new EmfMetrics(new PrintStream(bytes, true, StandardCharsets.UTF_8), CLOCK);

    private List<String> lines() {
        String out = bytes.toString(StandardCharsets.UTF_8);
        return out.isEmpty() ? List.of() : List.of(out.split("\\R"));
    }

    @Test
    void a_count_is_one_line_with_namespace_dimension_set_metric_and_the_clocks_timestamp() throws Exception {
        metrics.count(Metrics.STREAM_QUARANTINED, 1, Metrics.dimensions("dc2", Table.INTENTIONS));

        assertThat(lines()).hasSize(1);
        JsonNode line = JSON.readTree(lines().get(0));
        JsonNode aws = line.get("_aws");
        assertThat(aws.get("Timestamp").isIntegralNumber()).isTrue();
        assertThat(aws.get("Timestamp").asLong()).isEqualTo(T.toEpochMilli());
        assertThat(aws.get("CloudWatchMetrics")).hasSize(1);
        JsonNode directive = aws.get("CloudWatchMetrics").get(0);
        assertThat(directive.get("Namespace").asText()).isEqualTo("meshfed");
        assertThat(JSON.writeValueAsString(directive.get("Dimensions"))).isEqualTo("[[\"dc\",\"table\"]]");
        assertThat(JSON.writeValueAsString(directive.get("Metrics")))
                .isEqualTo("[{\"Name\":\"meshfed.stream.quarantined\",\"Unit\":\"Count\"}]");
        assertThat(line.get("dc").asText()).isEqualTo("dc2");
        assertThat(line.get("table").asText()).isEqualTo("INTENTIONS");
        assertThat(line.get(Metrics.STREAM_QUARANTINED).isIntegralNumber()).isTrue();
        assertThat(line.get(Metrics.STREAM_QUARANTINED).asLong()).isEqualTo(1);
        // the root holds the metadata, the dimensions and the metric: nothing else
        List<String> members = new ArrayList<>();
        line.fieldNames().forEachRemaining(members::add);
        assertThat(members).containsExactly("_aws", "dc", "table", Metrics.STREAM_QUARANTINED);
    }

    @Test
    void a_gauge_carries_its_unit_and_value_and_each_event_is_its_own_line() throws Exception {
        metrics.gauge(Metrics.INTENTIONS_REPLICATION_LAG_MS, 1500, Metrics.MILLISECONDS,
                Metrics.dimensions("dc3", Table.INTENTIONS));
        metrics.count(Metrics.INTENTIONS_RECONCILE_REPAIRS, 0, Metrics.dimensions("dc3", Table.INTENTIONS));

        assertThat(lines()).hasSize(2);
        JsonNode lag = JSON.readTree(lines().get(0));
        JsonNode def = lag.get("_aws").get("CloudWatchMetrics").get(0).get("Metrics").get(0);
        assertThat(def.get("Name").asText()).isEqualTo("meshfed.intentions.replication_lag_ms");
        assertThat(def.get("Unit").asText()).isEqualTo("Milliseconds");
        assertThat(lag.get(Metrics.INTENTIONS_REPLICATION_LAG_MS).asDouble()).isEqualTo(1500.0);
        assertThat(lag.get("dc").asText()).isEqualTo("dc3");
        JsonNode repairs = JSON.readTree(lines().get(1));
        assertThat(repairs.get(Metrics.INTENTIONS_RECONCILE_REPAIRS).asLong()).isZero();
        assertThat(repairs.get("_aws").get("CloudWatchMetrics").get(0).get("Metrics").get(0).get("Unit").asText())
                .isEqualTo("Count");
    }

    @Test
    void an_event_with_a_dimension_outside_the_bound_is_dropped_never_thrown_and_never_written() {
        String secret = "b7e3c1f2-1111-2222-3333-444455556666";
        assertThatCode(() -> {
            metrics.count(Metrics.STREAM_QUARANTINED, 1, Map.of("dc", "dc1", "token", secret));
            metrics.count(Metrics.STREAM_QUARANTINED, 1, Map.of("dc", "dc1", "table", secret));
            metrics.gauge(Metrics.INTENTIONS_REPLICATION_LAG_MS, Double.NaN, Metrics.MILLISECONDS,
                    Metrics.dimensions("dc1", Table.INTENTIONS));
        }).doesNotThrowAnyException();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void to_logger_writes_the_same_line_as_one_info_record() throws Exception {
        Logger logger = Logger.getLogger("meshfed.metrics.test");
        logger.setUseParentHandlers(false);
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        try {
            EmfMetrics.toLogger(logger, CLOCK).count(Metrics.INTENTIONS_APPLIED, 1,
                    Metrics.dimensions("dc1", Table.INTENTIONS));
            metrics.count(Metrics.INTENTIONS_APPLIED, 1, Metrics.dimensions("dc1", Table.INTENTIONS));
        } finally {
            logger.removeHandler(capture);
        }
        assertThat(records).hasSize(1);
        assertThat(records.get(0).getLevel()).isEqualTo(Level.INFO);
        assertThat(records.get(0).getMessage()).isEqualTo(lines().get(0));
        assertThat(JSON.readTree(records.get(0).getMessage()).get(Metrics.INTENTIONS_APPLIED).asLong()).isEqualTo(1);
    }
}
