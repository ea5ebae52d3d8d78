package dev.meshfed.store.embedded.stream;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/** {@link StreamSubscriber#perRecord}: one record at a time, stopping at the first failure. */
final class PerRecordSubscriber implements StreamSubscriber {
    private static final Logger LOG = Logger.getLogger(PerRecordSubscriber.class.getName());

    private final RecordHandler handler;

    PerRecordSubscriber(RecordHandler handler) {
        this.handler = handler;
    }

    @Override
    public BatchResult handle(List<DynamodbEvent.DynamodbStreamRecord> batch) {
        for (DynamodbEvent.DynamodbStreamRecord r : batch) {
            try {
                handler.handle(r);
            } catch (Exception e) {
                String seq = r.getDynamodb() == null ? null : r.getDynamodb().getSequenceNumber();
                LOG.log(Level.INFO, e, () -> "stream record failed seq=" + seq + " arn=" + r.getEventSourceARN()
                        + " error=" + e.getClass().getSimpleName());
                return BatchResult.failed(seq);
            }
        }
        return BatchResult.success();
    }
}
