package dev.meshfed.core.intentions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The pure difference between a DC's replica of the intentions table and its intention view, the
 * core of {@code replicate-intentions}' reconcile (Consul's {@code diffIntentions}): what must be
 * done to the view so it shows what the replica holds. No I/O; the caller reads both sides with
 * consistent reads (the view first, then the replica) and applies the operations in order.
 *
 * <p>Rules, per intention ID:
 * <ul>
 *   <li>replica version greater than the view's (or the view has none): {@link Upsert} the replica's
 *       item, tombstones included (the view must remember a delete);</li>
 *   <li>equal versions, or a view newer than the replica: nothing (the view never moves back; the
 *       apply-if-newer rule of {@link IntentionViewApplier} would refuse it anyway);</li>
 *   <li>a <em>live</em> view entry whose ID the replica does not hold at all: {@link Delete} it. The
 *       replica lost the item only when its tombstone expired ({@code TOMBSTONE_TTL}, far beyond the
 *       stream's retention) or never held it (an entry no primary wrote). A view tombstone with no
 *       replica item is left to expire by its own TTL.</li>
 * </ul>
 * Deletes come first, then upserts, each group in ID order, so the result is deterministic.
 */
public final class ViewDiff {

    /** One side's entry for an ID: the version from the primary's counter and the item. */
    public record Entry(long version, IntentionItem item) {
        public Entry {
            Objects.requireNonNull(item, "item");
            if (version <= 0) {
                throw new IllegalArgumentException("intention versions start at 1");
            }
        }
    }

    /** One change to make to the view. */
    public sealed interface Op permits Delete, Upsert {
        String id();
    }

    /**
     * Remove the live view entry {@code id}, on the condition that the view still holds
     * {@code viewVersion} (a concurrent apply of a newer item wins).
     */
    public record Delete(String id, long viewVersion) implements Op {
    }

    /** Apply {@code item} at {@code version} through the apply-if-newer rule. */
    public record Upsert(String id, long version, IntentionItem item) implements Op {
    }

    private ViewDiff() {
    }

    /**
     * @param replica intention ID → the replica's item (live or tombstone)
     * @param view intention ID → the view's entry (live or tombstone)
     * @return deletes (ID order), then upserts (ID order); empty when the view is in step
     */
    public static List<Op> diff(Map<String, Entry> replica, Map<String, Entry> view) {
        Objects.requireNonNull(replica, "replica");
        Objects.requireNonNull(view, "view");
        List<Op> deletes = new ArrayList<>();
        List<Op> upserts = new ArrayList<>();
        for (Map.Entry<String, Entry> v : new TreeMap<>(view).entrySet()) {
            if (!replica.containsKey(v.getKey()) && !v.getValue().item().deleted()) {
                deletes.add(new Delete(v.getKey(), v.getValue().version()));
            }
        }
        for (Map.Entry<String, Entry> r : new TreeMap<>(replica).entrySet()) {
            Entry have = view.get(r.getKey());
            if (have == null || r.getValue().version() > have.version()) {
                upserts.add(new Upsert(r.getKey(), r.getValue().version(), r.getValue().item()));
            }
        }
        List<Op> all = new ArrayList<>(deletes.size() + upserts.size());
        all.addAll(deletes);
        all.addAll(upserts);
        return List.copyOf(all);
    }
}
