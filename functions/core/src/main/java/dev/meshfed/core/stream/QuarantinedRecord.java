package dev.meshfed.core.stream;

import java.time.Instant;

/**
 * A stream record that can never succeed (undecodable, invalid), kept in the private table so
 * that its shard moves on. Names the record and the item key; never the item's content.
 */
public record QuarantinedRecord(String table, String eventId, String sequenceNumber, String itemKey, String reason,
        Instant quarantinedAt) {
}
