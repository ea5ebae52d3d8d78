package dev.meshfed.core.store;

import dev.meshfed.core.acl.AclPolicy;
import dev.meshfed.core.acl.AclToken;
import dev.meshfed.core.intentions.IntentionItem;
import dev.meshfed.core.store.codec.IntentionTableCodecs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The intentions table (global; streamed to {@code replicate-intentions}): intentions with
 * tombstones, ACL tokens and policies, all owned by the primary. A secondary reads its replica and
 * forwards writes; the owner guard refuses a secondary's write outright.
 */
public final class IntentionStore {
    public static final String INTENTION = "intention";
    public static final String TOKEN = "acl-token";
    public static final String POLICY = "acl-policy";
    /** Tombstones outlive the 24-hour stream retention by far, so a replay can never resurrect a delete. */
    public static final Duration TOMBSTONE_TTL = Duration.ofDays(7);

    public static final Map<String, ItemCodec<?>> CODECS = Map.of(INTENTION, IntentionTableCodecs.INTENTION, TOKEN,
            IntentionTableCodecs.TOKEN, POLICY, IntentionTableCodecs.POLICY);

    private final String primaryDc;
    private final Items<IntentionItem> intentions;
    private final Items<AclToken> tokens;
    private final Items<AclPolicy> policies;

    public IntentionStore(TableStore table, String localDc, String primaryDc, Clock clock) {
        TableStore guarded = new OwnerGuard(localDc, table);
        this.primaryDc = primaryDc;
        this.intentions = new Items<>(guarded, INTENTION, IntentionTableCodecs.INTENTION, clock);
        this.tokens = new Items<>(guarded, TOKEN, IntentionTableCodecs.TOKEN, clock);
        this.policies = new Items<>(guarded, POLICY, IntentionTableCodecs.POLICY, clock);
    }

    public Optional<Versioned<IntentionItem>> intention(String id, boolean consistent) {
        return intentions.get(primaryDc, id, consistent);
    }

    /**
     * Writes an intention or tombstone with the version from the primary's monotonic counter.
     * Tombstones expire after {@link #TOMBSTONE_TTL}.
     */
    public void putIntention(IntentionItem item, long expectedVersion, long newVersion) {
        Instant expires = item.deleted() ? item.deletedAt().plus(TOMBSTONE_TTL) : null;
        intentions.putVersion(primaryDc, item.id(), item, expectedVersion, newVersion, expires);
    }

    /** Every intention and unexpired tombstone (reconcile reads these with consistent reads). */
    public List<Versioned<IntentionItem>> intentions(boolean consistent) {
        return intentions.list(primaryDc, consistent);
    }

    public Optional<Versioned<AclToken>> token(String accessorId, boolean consistent) {
        return tokens.get(primaryDc, accessorId, consistent);
    }

    public long putToken(AclToken token, long expectedVersion) {
        return tokens.put(primaryDc, token.accessorId(), token, expectedVersion, null);
    }

    public void deleteToken(String accessorId, long expectedVersion) {
        tokens.delete(primaryDc, accessorId, expectedVersion);
    }

    public List<Versioned<AclToken>> tokens(boolean consistent) {
        return tokens.list(primaryDc, consistent);
    }

    public Optional<Versioned<AclPolicy>> policy(String id, boolean consistent) {
        return policies.get(primaryDc, id, consistent);
    }

    public long putPolicy(AclPolicy policy, long expectedVersion) {
        return policies.put(primaryDc, policy.id(), policy, expectedVersion, null);
    }

    public void deletePolicy(String id, long expectedVersion) {
        policies.delete(primaryDc, id, expectedVersion);
    }

    public List<Versioned<AclPolicy>> policies(boolean consistent) {
        return policies.list(primaryDc, consistent);
    }
}
