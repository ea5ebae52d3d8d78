package dev.meshfed.lambda;

import dev.meshfed.app.wiring.DcFunctions;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.store.Table;
import dev.meshfed.core.store.UndecodableItem;
import dev.meshfed.core.stream.QuarantinedRecord;
import dev.meshfed.stream.events.DecodedChange;
import dev.meshfed.stream.events.StreamRecords;
import io.quarkus.funqy.Funq;
import jakarta.inject.Inject;
import java.util.logging.Logger;

/**
 * Deployable {@code rotate-leaves-stream}: one record of the DC's CA-table stream per call.
 * Funqy's advanced event handling ({@code quarkus.funqy.amazon-lambda.advanced-event-handling})
 * splits the batch and reports each record that throws as a batch item failure, so Lambda
 * retries from it (Powertools' partial batch response, without Powertools).
 *
 * <ul>
 *   <li>A record that can never succeed (undecodable, or refused as invalid by the function) is
 *       quarantined in the private table and acknowledged: its shard moves on.</li>
 *   <li>Anything else that fails ({@code StoreUnavailable}, {@code CustodyUnavailable}, a lost
 *       conditional write) propagates: a batch item failure, retried.</li>
 * </ul>
 */
public class RotateLeavesStream {

    private static final Logger LOG = Logger.getLogger(RotateLeavesStream.class.getName());

    @Inject
    Wiring wiring;

    @Funq("rotate-leaves-stream")
    public void onRecord(DynamodbEvent.DynamodbStreamRecord record) {
        DcFunctions f = wiring.functions();
        DecodedChange change;
        try {
            change = StreamRecords.decode(record);
        } catch (UndecodableItem e) {
            quarantine(f, record, e.key(), e.getMessage());
            return;
        }
        try {
            f.rotateLeaves().onRecord(change);
        } catch (UndecodableItem | InvalidInput e) {
            quarantine(f, record, change.key().toString(), e.getMessage());
        }
    }

    private static void quarantine(DcFunctions f, DynamodbEvent.DynamodbStreamRecord record, String key, String reason) {
        String eventId = record == null || record.getEventID() == null ? "unknown" : record.getEventID();
        String sequence = record == null || record.getDynamodb() == null ? null : record.getDynamodb().getSequenceNumber();
        f.privateStore().quarantine(new QuarantinedRecord(Table.CA.name(), eventId, sequence, key, reason,
                f.clock().instant()));
        LOG.warning(() -> "quarantined stream record dc=" + f.ca().localDc() + " eventId=" + eventId + " key=" + key
                + " reason=" + reason);
    }
}
