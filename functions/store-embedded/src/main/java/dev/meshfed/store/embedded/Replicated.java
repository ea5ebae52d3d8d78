package dev.meshfed.store.embedded;

import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.StoredItem;

/** A committed write on its way to another replica: the new item (null for a delete) and its stamp. */
record Replicated(ItemKey key, StoredItem item, WriteStamp stamp) {
}
