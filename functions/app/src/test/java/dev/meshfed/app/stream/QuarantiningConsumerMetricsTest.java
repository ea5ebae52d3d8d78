package dev.meshfed.app.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.metrics.Metrics;
import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.core.store.StoreUnavailable;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.Table;
import dev.meshfed.core.store.UndecodableItem;
import dev.meshfed.store.embedded.EmbeddedTable;
import dev.meshfed.stream.events.DecodedChange;
import dev.meshfed.stream.events.StreamRecords;
import dev.meshfed.stream.events.StreamSource;
import dev.meshfed.testkit.metrics.RecordingMetrics;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** One {@link Metrics#STREAM_QUARANTINED} count per quarantine written, with the DC and table; none otherwise. */
class QuarantiningConsumerMetricsTest {
    private static final Instant T = Instant.parse("2026-11-25T18:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T, ZoneOffset.UTC);
    private static final StreamSource SOURCE = StreamSource.of("eu-west-1", "meshfed-ca", T);

    private final PrivateStore privateStore = new PrivateStore(new EmbeddedTable(Table.PRIVATE, "dc2", CLOCK), "dc2",
            CLOCK);
    private final RecordingMetrics metrics = new RecordingMetrics();

    private static DynamodbEvent.DynamodbStreamRecord record(String id, String sequence) {
        StoredItem item = new StoredItem(new ItemKey("dc1", "signer", id), 1, T, null, Map.of("id", Attr.s(id)));
        return StreamRecords.record(SOURCE, sequence, null, item, T);
    }

    private QuarantiningConsumer consumer(Table table, Consumer<DecodedChange> function) {
        return new QuarantiningConsumer(table, function, privateStore, "dc2", CLOCK, metrics);
    }

    @Test
    void each_quarantined_record_is_counted_once_with_dc_and_table() {
        QuarantiningConsumer c = consumer(Table.CA, change -> {
            switch (change.key().id()) {
                case "undecodable" -> throw new UndecodableItem(change.key().toString(), "bad body (test)");
                case "invalid" -> throw new InvalidInput("invalid (test)");
                default -> {
                }
            }
        });
        c.onRecord(record("fine", "100000000000000000001"));
        c.onRecord(record("undecodable", "100000000000000000002"));
        c.onRecord(record("invalid", "100000000000000000003"));
        c.onRecord(null); // undecodable before the function runs

        assertThat(privateStore.quarantined()).hasSize(3);
        assertThat(metrics.events()).hasSize(3).allSatisfy(e -> {
            assertThat(e.name()).isEqualTo("meshfed.stream.quarantined");
            assertThat(e.unit()).isEqualTo("Count");
            assertThat(e.value()).isEqualTo(1.0);
            assertThat(e.dimensions()).isEqualTo(Map.of("dc", "dc2", "table", "CA"));
        });
    }

    @Test
    void a_retryable_failure_is_not_a_quarantine_and_is_not_counted() {
        QuarantiningConsumer c = consumer(Table.INTENTIONS, change -> {
            throw new StoreUnavailable("throttled (test)");
        });
        assertThatThrownBy(() -> c.onRecord(record("a", "100000000000000000001"))).isInstanceOf(StoreUnavailable.class);
        assertThat(privateStore.quarantined()).isEmpty();
        assertThat(metrics.events()).isEmpty();
    }

    @Test
    void the_table_dimension_is_the_consumers_table() {
        consumer(Table.INTENTIONS, change -> {
            throw new UndecodableItem(change.key().toString(), "bad (test)");
        }).onRecord(record("x", "100000000000000000001"));
        assertThat(metrics.total(Metrics.STREAM_QUARANTINED, Metrics.dimensions("dc2", Table.INTENTIONS))).isEqualTo(1);
        assertThat(metrics.total(Metrics.STREAM_QUARANTINED, Map.of("table", "CA"))).isZero();
    }
}
