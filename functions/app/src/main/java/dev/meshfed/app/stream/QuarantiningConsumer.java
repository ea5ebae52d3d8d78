package dev.meshfed.app.stream;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.metrics.Metrics;
import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.core.store.Table;
import dev.meshfed.core.store.UndecodableItem;
import dev.meshfed.core.stream.QuarantinedRecord;
import dev.meshfed.stream.events.DecodedChange;
import dev.meshfed.stream.events.StreamRecords;

import java.time.Clock;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * One table's stream consumer around a function that takes decoded changes, shared by the Lambda
 * stream deployables and the stream feeds of {@code meshfed dev} (architecture.md "Stream
 * handling"):
 * <ul>
 *   <li>a record that can never succeed (undecodable, or refused by the function as invalid) is
 *       quarantined in the DC's private table, counted ({@link Metrics#STREAM_QUARANTINED}, dims
 *       {@code dc}, {@code table}, once per quarantine written) and acknowledged, so its shard moves on;</li>
 *   <li>anything else that fails (a throttle, an item not arrived yet, a lost conditional write)
 *       propagates: a batch item failure, retried by the event source.</li>
 * </ul>
 */
public final class QuarantiningConsumer {

    private static final Logger LOG = Logger.getLogger(QuarantiningConsumer.class.getName());

    private final Table table;
    private final Consumer<DecodedChange> function;
    private final PrivateStore privateStore;
    private final String datacenter;
    private final Clock clock;
    private final Metrics metrics;

    /** Reports no metrics ({@link Metrics#NONE}). */
    public QuarantiningConsumer(Table table, Consumer<DecodedChange> function, PrivateStore privateStore,
            String datacenter, Clock clock) {
        this(table, function, privateStore, datacenter, clock, Metrics.NONE);
    }

    public QuarantiningConsumer(Table table, Consumer<DecodedChange> function, PrivateStore privateStore,
            String datacenter, Clock clock, Metrics metrics) {
        this.table = Objects.requireNonNull(table, "table");
        this.function = Objects.requireNonNull(function, "function");
        this.privateStore = Objects.requireNonNull(privateStore, "privateStore");
        this.datacenter = Objects.requireNonNull(datacenter, "datacenter");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** Handles one stream record; throws only for failures a retry may cure. */
    public void onRecord(DynamodbEvent.DynamodbStreamRecord record) {
        DecodedChange change;
        try {
            change = StreamRecords.decode(record);
        } catch (UndecodableItem e) {
            quarantine(record, e.key(), e.getMessage());
            return;
        }
        try {
            function.accept(change);
        } catch (UndecodableItem | InvalidInput e) {
            quarantine(record, change.key().toString(), e.getMessage());
        }
    }

    private void quarantine(DynamodbEvent.DynamodbStreamRecord record, String key, String reason) {
        String eventId = record == null || record.getEventID() == null ? "unknown" : record.getEventID();
        String sequence = record == null || record.getDynamodb() == null ? null : record.getDynamodb().getSequenceNumber();
        privateStore.quarantine(new QuarantinedRecord(table.name(), eventId, sequence, key, reason, clock.instant()));
        metrics.count(Metrics.STREAM_QUARANTINED, 1, Metrics.dimensions(datacenter, table));
        LOG.warning(() -> "quarantined stream record dc=" + datacenter + " table=" + table.name() + " eventId=" + eventId
                + " key=" + key + " reason=" + reason);
    }
}
