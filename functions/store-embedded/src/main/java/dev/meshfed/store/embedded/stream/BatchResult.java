package dev.meshfed.store.embedded.stream;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * What a stream function answers for one batch: the sequence numbers of the records that failed,
 * as in Lambda's {@link StreamsEventResponse} ({@code batchItemFailures[].itemIdentifier}).
 *
 * <p>Read as Lambda reads it with {@code ReportBatchItemFailures}: an empty list is full success;
 * otherwise the records before the lowest failed sequence number are done and the batch is
 * retried from that record. A null or empty identifier, or one that names no record of the
 * batch, fails the whole batch.
 *
 * @param failedSequenceNumbers the failed records' sequence numbers (may hold nulls, which Lambda
 *     treats as a failure of the whole batch)
 */
public record BatchResult(List<String> failedSequenceNumbers) {
    private static final BatchResult SUCCESS = new BatchResult(List.of());

    public BatchResult {
        failedSequenceNumbers = failedSequenceNumbers == null
                ? List.of()
                : Collections.unmodifiableList(new ArrayList<>(failedSequenceNumbers));
    }

    /** Every record of the batch succeeded. */
    public static BatchResult success() {
        return SUCCESS;
    }

    /** The records with these sequence numbers failed (the lowest one is where the retry starts). */
    public static BatchResult failed(String... sequenceNumbers) {
        return new BatchResult(Arrays.asList(sequenceNumbers));
    }

    /** A Lambda response as Lambda reads it: null, or a null or empty failure list, is success. */
    public static BatchResult from(StreamsEventResponse response) {
        if (response == null || response.getBatchItemFailures() == null) {
            return SUCCESS;
        }
        List<String> ids = new ArrayList<>(response.getBatchItemFailures().size());
        for (StreamsEventResponse.BatchItemFailure f : response.getBatchItemFailures()) {
            ids.add(f == null ? null : f.getItemIdentifier());
        }
        return new BatchResult(ids);
    }

    /** True when no record failed. */
    public boolean succeeded() {
        return failedSequenceNumbers.isEmpty();
    }
}
