package dev.meshfed.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.store.Table;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The dimension bound: dc and table, names only; nothing else gets into a metric. */
class MetricsTest {

    @Test
    void the_dimensions_of_a_dc_and_a_table_pass() {
        Map<String, String> d = Metrics.dimensions("eu-west-1a", Table.INTENTIONS);
        assertThat(d).containsExactlyInAnyOrderEntriesOf(Map.of("dc", "eu-west-1a", "table", "INTENTIONS"));
        assertThatCode(() -> Metrics.checkDimensions(d)).doesNotThrowAnyException();
        assertThatCode(() -> Metrics.checkDimensions(Map.of())).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"token", "secretId", "keyId", "serial", "id", "key", "service"})
    void any_other_dimension_key_is_refused(String key) {
        assertThatThrownBy(() -> Metrics.checkDimensions(Map.of("dc", "dc1", key, "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "DC1", "dc1/../x", "dc1 secret", "-dc1", "s.8f3kQx+9/AbC==", "dc1#intention#a"})
    void a_dc_value_that_is_not_a_datacenter_name_is_refused_without_echoing_it(String value) {
        assertThatThrownBy(() -> Metrics.checkDimensions(Map.of("dc", value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("metric dimension dc is not a datacenter name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"intentions", "ACL", "c3d1e2f0-aaaa-bbbb-cccc-000000000000", "CA "})
    void a_table_value_that_is_not_a_table_name_is_refused(String value) {
        assertThatThrownBy(() -> Metrics.checkDimensions(Map.of("table", value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("metric dimension table is not a table name");
    }

    @Test
    void none_reports_nothing_and_never_throws() {
        assertThatCode(() -> {
            Metrics.NONE.count(Metrics.STREAM_QUARANTINED, 1, Map.of("bogus", "value"));
            Metrics.NONE.gauge(Metrics.INTENTIONS_REPLICATION_LAG_MS, 1, Metrics.MILLISECONDS, Map.of());
        }).doesNotThrowAnyException();
    }
}
