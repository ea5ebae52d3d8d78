package dev.meshfed.store.embedded.stream;

import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.Table;
import java.time.Instant;

/** One committed change of one DC's replica of a table (local write or applied replication). */
public record Change(Table table, String datacenter, StoredItem oldImage /* null on insert */,
        StoredItem newImage /* null on remove */, Instant at) {
}
