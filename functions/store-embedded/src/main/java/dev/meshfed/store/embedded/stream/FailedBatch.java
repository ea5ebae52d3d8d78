package dev.meshfed.store.embedded.stream;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * What AWS sends an event source mapping's on-failure destination when it gives up on records:
 * where they are in the stream, never what they hold. Someone who needs the items reads them
 * again (from the stream while it keeps them, or from the table).
 *
 * @param condition why the records were given up
 * @param shardId the shard the records came from
 * @param streamArn the stream
 * @param startSequenceNumber the first record given up
 * @param endSequenceNumber the last record given up
 * @param batchSize how many records were given up
 * @param approximateArrivalOfFirstRecord the first record's creation time, to the second
 * @param approximateArrivalOfLastRecord the last record's creation time, to the second
 * @param approximateInvokeCount how many times the function was invoked with the first record
 * @param timestamp when the feed gave up
 */
public record FailedBatch(Condition condition, String shardId, String streamArn, String startSequenceNumber,
        String endSequenceNumber, int batchSize, Instant approximateArrivalOfFirstRecord,
        Instant approximateArrivalOfLastRecord, int approximateInvokeCount, Instant timestamp) {

    /** The {@code requestContext.condition} values AWS uses for stream sources. */
    public enum Condition {
        /** {@code maximumRetryAttempts} failed retries. */
        RETRY_ATTEMPTS_EXHAUSTED("RetryAttemptsExhausted"),
        /** The records were older than {@code maximumRecordAge}. */
        RECORD_AGE_EXCEEDED("RecordAgeExceeded");

        private final String wireName;

        Condition(String wireName) {
            this.wireName = wireName;
        }

        /** The name as AWS writes it. */
        public String wireName() {
            return wireName;
        }
    }

    public FailedBatch {
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(startSequenceNumber, "startSequenceNumber");
        Objects.requireNonNull(endSequenceNumber, "endSequenceNumber");
        if (batchSize < 1) {
            throw new IllegalArgumentException("a failed batch holds at least one record");
        }
    }

    /**
     * The document in AWS's shape for a DynamoDB stream source: {@code requestContext}
     * ({@code condition}, {@code approximateInvokeCount}), {@code version}, {@code timestamp} and
     * {@code DDBStreamBatchInfo}. The Lambda-specific {@code requestId}, {@code functionArn} and
     * {@code responseContext} are left out: nothing local has them.
     */
    public String toJson() {
        return "{\"requestContext\":{\"condition\":" + quote(condition.wireName())
                + ",\"approximateInvokeCount\":" + approximateInvokeCount + "},"
                + "\"version\":\"1.0\","
                + "\"timestamp\":" + quote(timestamp.truncatedTo(ChronoUnit.MILLIS).toString()) + ","
                + "\"DDBStreamBatchInfo\":{"
                + "\"shardId\":" + quote(shardId)
                + ",\"startSequenceNumber\":" + quote(startSequenceNumber)
                + ",\"endSequenceNumber\":" + quote(endSequenceNumber)
                + ",\"approximateArrivalOfFirstRecord\":" + quote(approximateArrivalOfFirstRecord.toString())
                + ",\"approximateArrivalOfLastRecord\":" + quote(approximateArrivalOfLastRecord.toString())
                + ",\"batchSize\":" + batchSize
                + ",\"streamArn\":" + quote(streamArn) + "}}";
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
