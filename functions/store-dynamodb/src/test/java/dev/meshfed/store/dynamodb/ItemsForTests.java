package dev.meshfed.store.dynamodb;

import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.StoredItem;
import java.time.Instant;
import java.util.Map;

/** Small items for adapter tests. */
final class ItemsForTests {
    private ItemsForTests() {
    }

    static StoredItem item(ItemKey key, long version) {
        return new StoredItem(key, version, Instant.parse("2026-06-01T12:00:00Z"), null, Map.of("name", Attr.s("n")));
    }
}
