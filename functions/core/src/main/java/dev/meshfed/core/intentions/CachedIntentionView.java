package dev.meshfed.core.intentions;

import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.core.store.Versioned;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@link IntentionView} over a DC's private table: each call reads the DC's change index once and
 * returns the cached index when it has not moved; otherwise it lists the view, builds a new index
 * and caches it. The change index is read before the view, so the index handed out is never older
 * than the change index it is labelled with (it may hold later changes, which only makes a client
 * see one change twice).
 *
 * <p>Thread-safe: the cached index is immutable and swapped as one reference; two threads seeing
 * the same move both rebuild, harmlessly.
 */
public final class CachedIntentionView implements IntentionView {

    private final PrivateStore store;
    private volatile IntentionIndex cached;

    public CachedIntentionView(PrivateStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public IntentionIndex index() {
        long changeIndex = store.changeIndex();
        IntentionIndex current = cached;
        if (current != null && current.changeIndex() == changeIndex) {
            return current;
        }
        List<Versioned<Intention>> live = new ArrayList<>();
        for (Versioned<IntentionItem> entry : store.view()) {
            IntentionItem item = entry.value();
            if (!item.deleted()) {
                live.add(new Versioned<>(entry.key(), item.intention(), entry.version(), entry.updatedAt(),
                        entry.expiresAt()));
            }
        }
        IntentionIndex built = IntentionIndex.of(live, changeIndex);
        cached = built;
        return built;
    }
}
