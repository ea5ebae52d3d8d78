package dev.meshfed.core.store;

import dev.meshfed.core.acl.AclLink;
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
    /** A secret's SHA-256 to its token's accessor ({@link AclLink}). */
    public static final String SECRET_LINK = "acl-secret";
    /** A policy name to its ID ({@link AclLink}): keeps names unique. */
    public static final String POLICY_NAME_LINK = "acl-policy-name";
    /** The one bootstrap marker ({@link AclLink} to the first management token). */
    public static final String BOOTSTRAP = "acl-bootstrap";
    /**
     * An intention's canonical key ({@code IntentionRules.canonicalKey}) to its ID ({@link AclLink}):
     * keeps one intention per key under concurrent creates, through a conditional create.
     * Not an intention item: {@code replicate-intentions} applies only {@link #INTENTION} items.
     */
    public static final String INTENTION_KEY_LINK = "intention-key";
    /** The bootstrap marker's ID. */
    public static final String BOOTSTRAP_ID = "done";
    /** Tombstones outlive the 24-hour stream retention by far, so a replay can never resurrect a delete. */
    public static final Duration TOMBSTONE_TTL = Duration.ofDays(7);

    public static final Map<String, ItemCodec<?>> CODECS = Map.of(INTENTION, IntentionTableCodecs.INTENTION, TOKEN,
            IntentionTableCodecs.TOKEN, POLICY, IntentionTableCodecs.POLICY, SECRET_LINK, IntentionTableCodecs.LINK,
            POLICY_NAME_LINK, IntentionTableCodecs.LINK, BOOTSTRAP, IntentionTableCodecs.LINK, INTENTION_KEY_LINK,
            IntentionTableCodecs.LINK);

    private final String primaryDc;
    private final Items<IntentionItem> intentions;
    private final Items<AclToken> tokens;
    private final Items<AclPolicy> policies;
    private final Items<AclLink> secretLinks;
    private final Items<AclLink> policyNames;
    private final Items<AclLink> bootstrap;
    private final Items<AclLink> intentionKeys;

    public IntentionStore(TableStore table, String localDc, String primaryDc, Clock clock) {
        TableStore guarded = new OwnerGuard(localDc, table);
        this.primaryDc = primaryDc;
        this.intentions = new Items<>(guarded, INTENTION, IntentionTableCodecs.INTENTION, clock);
        this.tokens = new Items<>(guarded, TOKEN, IntentionTableCodecs.TOKEN, clock);
        this.policies = new Items<>(guarded, POLICY, IntentionTableCodecs.POLICY, clock);
        this.secretLinks = new Items<>(guarded, SECRET_LINK, IntentionTableCodecs.LINK, clock);
        this.policyNames = new Items<>(guarded, POLICY_NAME_LINK, IntentionTableCodecs.LINK, clock);
        this.bootstrap = new Items<>(guarded, BOOTSTRAP, IntentionTableCodecs.LINK, clock);
        this.intentionKeys = new Items<>(guarded, INTENTION_KEY_LINK, IntentionTableCodecs.LINK, clock);
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

    /**
     * As {@link #intentions(boolean)}, but an undecodable item is handed to {@code undecodable} and
     * skipped, so one poison item cannot stop a reconcile of all the others.
     */
    public List<Versioned<IntentionItem>> intentions(boolean consistent,
            java.util.function.Consumer<UndecodableItem> undecodable) {
        return intentions.listDecodable(primaryDc, consistent, undecodable);
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

    /** The accessor whose secret hashes to {@code secretSha256}, if any. */
    public Optional<Versioned<AclLink>> secretLink(String secretSha256, boolean consistent) {
        return secretLinks.get(primaryDc, secretSha256, consistent);
    }

    /**
     * Creates the link from a secret's hash to its accessor; a {@code Conflict} if the hash is
     * linked already (the same secret twice).
     */
    public void createSecretLink(String secretSha256, AclLink link) {
        secretLinks.put(primaryDc, secretSha256, link, 0, null);
    }

    public void deleteSecretLink(String secretSha256, long expectedVersion) {
        secretLinks.delete(primaryDc, secretSha256, expectedVersion);
    }

    /** The ID of the policy named {@code name}, if the name is taken. */
    public Optional<Versioned<AclLink>> policyNameLink(String name, boolean consistent) {
        return policyNames.get(primaryDc, name, consistent);
    }

    /** Takes {@code name}; a {@code Conflict} if it is taken. */
    public void createPolicyNameLink(String name, AclLink link) {
        policyNames.put(primaryDc, name, link, 0, null);
    }

    public void deletePolicyNameLink(String name, long expectedVersion) {
        policyNames.delete(primaryDc, name, expectedVersion);
    }

    /** The bootstrap marker, once the first management token was made. */
    public Optional<Versioned<AclLink>> bootstrapMarker(boolean consistent) {
        return bootstrap.get(primaryDc, BOOTSTRAP_ID, consistent);
    }

    /** Writes the bootstrap marker; a {@code Conflict} if there is one: bootstrap happens once. */
    public void createBootstrapMarker(AclLink link) {
        bootstrap.put(primaryDc, BOOTSTRAP_ID, link, 0, null);
    }

    /** The ID of the intention holding canonical key {@code key}, if the key is taken. */
    public Optional<Versioned<AclLink>> intentionKeyLink(String key, boolean consistent) {
        return intentionKeys.get(primaryDc, key, consistent);
    }

    /** Takes canonical key {@code key} for an intention; a {@code Conflict} if it is taken. */
    public void createIntentionKeyLink(String key, AclLink link) {
        intentionKeys.put(primaryDc, key, link, 0, null);
    }

    /** Frees canonical key {@code key}; a {@code Conflict} if the link changed since read. */
    public void deleteIntentionKeyLink(String key, long expectedVersion) {
        intentionKeys.delete(primaryDc, key, expectedVersion);
    }
}
