package dev.meshfed.core.intentions;

import java.time.Instant;

/**
 * An intention item of the intentions table or of a DC's view: the intention, or a tombstone
 * (intention null) that remembers a delete so that a replayed older upsert cannot bring it back.
 */
public record IntentionItem(String id, Intention intention, Instant deletedAt) {

    public static IntentionItem live(Intention i) {
        return new IntentionItem(i.id(), i, null);
    }

    public static IntentionItem tombstone(String id, Instant at) {
        return new IntentionItem(id, null, at);
    }

    public boolean deleted() {
        return intention == null;
    }
}
