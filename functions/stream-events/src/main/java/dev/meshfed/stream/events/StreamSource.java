package dev.meshfed.stream.events;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * The stream a record comes from: one DC's replica of one table, as AWS names it. The stream
 * ARN has the real shape, {@code arn:aws:dynamodb:<region>:000000000000:table/<table>/stream/<label>},
 * with the all-zero account that local tools use, so code that parses or logs ARNs sees the
 * same text it sees in AWS.
 *
 * @param region the DC's AWS region (or the region a local DC pretends to be in)
 * @param tableName the DC's table name, as in the infrastructure
 * @param streamLabel the stream label: AWS uses the stream's creation time,
 *     {@code 2026-06-01T12:00:00.000}; see {@link #of}
 */
public record StreamSource(String region, String tableName, String streamLabel) {
    /** The account ID in local ARNs. */
    public static final String LOCAL_ACCOUNT = "000000000000";

    private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]{0,30}[a-z0-9]");
    private static final Pattern TABLE = Pattern.compile("[A-Za-z0-9_.-]{3,255}"); // DynamoDB's rule
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9:._-]{1,64}");
    private static final DateTimeFormatter LABEL_FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    public StreamSource {
        if (region == null || !REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("invalid region for a stream ARN: " + region);
        }
        if (tableName == null || !TABLE.matcher(tableName).matches()) {
            throw new IllegalArgumentException("invalid DynamoDB table name: " + tableName);
        }
        if (streamLabel == null || !LABEL.matcher(streamLabel).matches()) {
            throw new IllegalArgumentException("invalid stream label: " + streamLabel);
        }
    }

    /** A source whose label is {@code createdAt} formatted the way AWS labels streams. */
    public static StreamSource of(String region, String tableName, Instant createdAt) {
        return new StreamSource(region, tableName, LABEL_FORMAT.format(createdAt));
    }

    /** The stream ARN, as in a record's {@code eventSourceARN}. */
    public String arn() {
        return "arn:aws:dynamodb:" + region + ":" + LOCAL_ACCOUNT + ":table/" + tableName + "/stream/" + streamLabel;
    }
}
