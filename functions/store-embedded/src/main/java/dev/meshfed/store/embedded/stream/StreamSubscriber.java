package dev.meshfed.store.embedded.stream;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import java.util.List;
import java.util.Objects;

/**
 * The one consumer of a {@link StreamFeed}: in AWS, the function behind the table's event source
 * mapping. It gets batches in stream order and answers which records failed; a thrown exception
 * fails the whole batch, as a function error does in Lambda.
 */
@FunctionalInterface
public interface StreamSubscriber {

    /**
     * Handles one batch.
     *
     * @param batch records in stream order, fresh objects on every delivery (changing them
     *     changes nothing in the feed); the list is read-only
     * @return which records failed ({@link BatchResult#success()} when none did)
     */
    BatchResult handle(List<DynamodbEvent.DynamodbStreamRecord> batch);

    /** Handles one record; throws when it failed. */
    @FunctionalInterface
    interface RecordHandler {
        void handle(DynamodbEvent.DynamodbStreamRecord record) throws Exception;
    }

    /**
     * A subscriber that hands records one at a time to {@code handler} (meshfed's stream
     * deployables take one record per call) and reports the first one that throws. It stops
     * there: the feed re-delivers from that record, so nothing after it runs ahead of it and the
     * records of one item keep their order.
     */
    static StreamSubscriber perRecord(RecordHandler handler) {
        return new PerRecordSubscriber(Objects.requireNonNull(handler, "handler"));
    }
}
