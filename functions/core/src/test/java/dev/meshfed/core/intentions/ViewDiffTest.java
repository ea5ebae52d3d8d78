package dev.meshfed.core.intentions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ViewDiffTest {
    private static final Instant T = Instant.parse("2026-06-01T12:00:00Z");

    static IntentionItem live(String id, String action) {
        return IntentionItem.live(new Intention(id, "default", "web-" + id, "default", "db", null, null, "consul", action,
                null, null, Map.of(), 9, T, T));
    }

    static ViewDiff.Entry e(long version, IntentionItem item) {
        return new ViewDiff.Entry(version, item);
    }

    @Test
    void an_empty_replica_and_view_need_nothing() {
        assertThat(ViewDiff.diff(Map.of(), Map.of())).isEmpty();
    }

    @Test
    void equal_versions_are_left_untouched_whatever_the_items_say() {
        // the version is the truth: equal versions are the same write
        assertThat(ViewDiff.diff(Map.of("a", e(3, live("a", "allow"))), Map.of("a", e(3, live("a", "deny"))))).isEmpty();
        assertThat(ViewDiff.diff(Map.of("a", e(3, IntentionItem.tombstone("a", T))), Map.of("a", e(3, IntentionItem.tombstone("a", T)))))
                .isEmpty();
    }

    @Test
    void a_view_newer_than_the_replica_never_moves_back() {
        assertThat(ViewDiff.diff(Map.of("a", e(3, live("a", "allow"))), Map.of("a", e(5, live("a", "deny"))))).isEmpty();
    }

    @Test
    void newer_replica_items_are_upserted_tombstones_included() {
        IntentionItem tomb = IntentionItem.tombstone("b", T);
        List<ViewDiff.Op> ops = ViewDiff.diff(
                Map.of("a", e(4, live("a", "deny")), "b", e(6, tomb), "c", e(1, live("c", "allow"))),
                Map.of("a", e(3, live("a", "allow")), "b", e(5, live("b", "allow"))));
        assertThat(ops).containsExactly(new ViewDiff.Upsert("a", 4, live("a", "deny")), new ViewDiff.Upsert("b", 6, tomb),
                new ViewDiff.Upsert("c", 1, live("c", "allow")));
    }

    @Test
    void a_live_view_entry_the_replica_does_not_hold_is_deleted_at_the_version_read() {
        assertThat(ViewDiff.diff(Map.of(), Map.of("a", e(7, live("a", "allow")))))
                .containsExactly(new ViewDiff.Delete("a", 7));
    }

    @Test
    void a_view_tombstone_the_replica_does_not_hold_is_left_to_expire() {
        assertThat(ViewDiff.diff(Map.of(), Map.of("a", e(7, IntentionItem.tombstone("a", T))))).isEmpty();
    }

    @Test
    void deletes_come_first_then_upserts_each_in_id_order() {
        Map<String, ViewDiff.Entry> replica = new HashMap<>();
        Map<String, ViewDiff.Entry> view = new HashMap<>();
        replica.put("z", e(9, live("z", "allow")));
        replica.put("b", e(2, live("b", "allow")));
        view.put("y", e(4, live("y", "allow")));
        view.put("c", e(4, live("c", "allow")));
        List<ViewDiff.Op> ops = ViewDiff.diff(replica, view);
        assertThat(ops).extracting(ViewDiff.Op::id).containsExactly("c", "y", "b", "z");
        assertThat(ops.subList(0, 2)).allMatch(o -> o instanceof ViewDiff.Delete);
        assertThat(ops.subList(2, 4)).allMatch(o -> o instanceof ViewDiff.Upsert);
    }

    @Test
    void applying_the_diff_makes_the_view_equal_the_replica() {
        Map<String, ViewDiff.Entry> replica = Map.of("a", e(4, live("a", "deny")), "b", e(6, IntentionItem.tombstone("b", T)));
        Map<String, ViewDiff.Entry> view = new HashMap<>(Map.of("a", e(3, live("a", "allow")), "x", e(2, live("x", "allow"))));
        for (ViewDiff.Op op : ViewDiff.diff(replica, view)) {
            if (op instanceof ViewDiff.Delete d) {
                view.remove(d.id());
            } else if (op instanceof ViewDiff.Upsert u) {
                view.put(u.id(), e(u.version(), u.item()));
            }
        }
        assertThat(view).isEqualTo(replica);
        assertThat(ViewDiff.diff(replica, view)).isEmpty();
    }

    @Test
    void versions_start_at_one() {
        assertThatThrownBy(() -> e(0, live("a", "allow"))).isInstanceOf(IllegalArgumentException.class);
    }
}
