package dev.meshfed.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.error.NotFound;
import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.Page;
import dev.meshfed.core.store.StoredItem;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fake keeps the port's conditional rules, or the tests built on it would prove nothing. */
class InMemoryTableStoreTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private final InMemoryTableStore table = new InMemoryTableStore();

    private static StoredItem item(String id, long version) {
        return new StoredItem(new ItemKey("dc1", "widget", id), version, NOW, null, Map.of("v", Attr.n(version)));
    }

    @Test
    void aCreateOfAnExistingItemConflictsAndKeepsTheFirst() {
        table.put(item("a", 1), 0);
        assertThatThrownBy(() -> table.put(item("a", 1), 0)).isInstanceOf(Conflict.class);
        assertThat(table.get(item("a", 1).key(), true)).contains(item("a", 1));
    }

    @Test
    void anUpdateNeedsTheStoredVersionAndAGrowingOne() {
        table.put(item("a", 1), 0);
        assertThatThrownBy(() -> table.put(item("a", 3), 2)).isInstanceOf(Conflict.class);
        assertThatThrownBy(() -> table.put(item("a", 1), 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> table.put(item("b", 2), 1)).isInstanceOf(Conflict.class);
        table.put(item("a", 2), 1);
        assertThat(table.get(item("a", 2).key(), true).orElseThrow().version()).isEqualTo(2);
        assertThat(table.writes(item("a", 2).key())).isEqualTo(2);
    }

    @Test
    void aDeleteNeedsTheStoredVersionAndAnExistingItem() {
        table.put(item("a", 1), 0);
        assertThatThrownBy(() -> table.delete(item("a", 1).key(), 2)).isInstanceOf(Conflict.class);
        assertThatThrownBy(() -> table.delete(item("b", 1).key(), 1)).isInstanceOf(NotFound.class);
        table.delete(item("a", 1).key(), 1);
        assertThat(table.get(item("a", 1).key(), true)).isEmpty();
    }

    @Test
    void queryPagesInIdOrder() {
        table.put(item("c", 1), 0);
        table.put(item("a", 1), 0);
        table.put(item("b", 1), 0);
        Page first = table.query("dc1", "widget", null, 2, true);
        assertThat(first.items()).extracting(i -> i.key().id()).containsExactly("a", "b");
        Page second = table.query("dc1", "widget", first.next(), 2, true);
        assertThat(second.items()).extracting(i -> i.key().id()).containsExactly("c");
        assertThat(second.next()).isNull();
        assertThat(table.queryAll("dc1", "other", true)).isEmpty();
    }
}
