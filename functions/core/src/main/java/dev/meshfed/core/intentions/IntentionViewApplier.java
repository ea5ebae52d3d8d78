package dev.meshfed.core.intentions;

import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.core.store.Versioned;

import java.util.Objects;
import java.util.Optional;

/**
 * The one rule by which a DC's intention view changes: an intention or tombstone is applied only
 * when its version (from the primary's monotonic counter) is greater than the view's for that ID.
 * So duplicates, replays and out-of-order delivery converge to the same view, and a replayed older
 * upsert of a deleted intention can never bring it back (the view keeps the tombstone). Used by
 * {@code replicate-intentions} (stream and reconcile) in every DC, and by the primary's own writes
 * so the primary reads its writes at once; the stream then finds them already applied.
 */
public final class IntentionViewApplier {

    /** What {@link #apply} did. */
    public enum Outcome {
        /** The view took the item; the DC's change index was bumped. */
        APPLIED,
        /** The view already held this version or a newer one: nothing changed. */
        STALE
    }

    /** Conditional-write attempts against concurrent appliers before giving up (a retryable conflict). */
    static final int ATTEMPTS = 3;

    private IntentionViewApplier() {
    }

    /**
     * Applies {@code item} at {@code version} to {@code view} if newer.
     *
     * @throws Conflict when concurrent appliers kept winning (the caller's retry re-reads)
     */
    public static Outcome apply(PrivateStore view, IntentionItem item, long version) {
        Objects.requireNonNull(item, "item");
        if (version <= 0) {
            throw new IllegalArgumentException("intention versions start at 1");
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<Versioned<IntentionItem>> current = view.viewEntry(item.id());
            long have = current.map(Versioned::version).orElse(0L);
            if (version <= have) {
                return Outcome.STALE;
            }
            try {
                view.putViewEntry(item, have, version);
            } catch (Conflict concurrent) {
                continue; // another applier moved the entry: re-read and compare again
            }
            view.bumpChangeIndex();
            return Outcome.APPLIED;
        }
        throw new Conflict("intention " + item.id() + " kept changing in the view; retry");
    }
}
