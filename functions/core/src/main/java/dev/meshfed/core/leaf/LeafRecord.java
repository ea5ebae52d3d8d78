package dev.meshfed.core.leaf;

import java.time.Instant;

/** The inventory record of one issued leaf (private table; expires by TTL after the leaf). */
public record LeafRecord(String serial, String spiffeId, String signingKeyId, Instant notBefore, Instant notAfter,
        String managedBy) {
}
