package dev.meshfed.core.store;

import java.time.Instant;

/** A domain value as read from a table, with the version a conditional update must name. */
public record Versioned<T>(ItemKey key, T value, long version, Instant updatedAt, Instant expiresAt) {
}
