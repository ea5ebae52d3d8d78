package dev.meshfed.core.store;

import dev.meshfed.core.ca.EnrolmentKey;
import dev.meshfed.core.custody.WrappedKey;
import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.forwarding.IdempotencyRecord;
import dev.meshfed.core.intentions.IntentionItem;
import dev.meshfed.core.intentions.ReplicationStatus;
import dev.meshfed.core.leaf.LeafRecord;
import dev.meshfed.core.leaf.ManagedLeaf;
import dev.meshfed.core.ratelimit.CsrLease;
import dev.meshfed.core.ratelimit.TokenBucket;
import dev.meshfed.core.rotation.ReissueProgress;
import dev.meshfed.core.store.codec.IntentionTableCodecs;
import dev.meshfed.core.store.codec.PrivateTableCodecs;
import dev.meshfed.core.stream.QuarantinedRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A DC's private table (regional, never replicated): wrapped keys, the leaf inventory, managed
 * leaves, the intention view with tombstones, the change index, rate-limit buckets, quarantined
 * stream records, idempotency records, {@code replicate-intentions}' status and the managed leaves'
 * re-issue progress. Every key carries the local DC's prefix.
 */
public final class PrivateStore {
    public static final String SIGNER_KEY = "signer-key";
    public static final String ENROLMENT_KEY = "enrolment-key";
    /** Inventory kinds are sharded ({@code leaf.00} to {@code leaf.ff}) so no partition key gets hot. */
    public static final String LEAF = "leaf";
    public static final String MANAGED_LEAF = "managed-leaf";
    public static final String INTENTION_VIEW = "intention-view";
    public static final String INDEX = "index";
    public static final String CSR_BUCKET = "csr-bucket";
    /** Slots of the CSR concurrency limit (used only when {@code CSRMaxPerSecond} is 0). */
    public static final String CSR_LEASE = "csr-lease";
    public static final String QUARANTINE = "quarantine";
    public static final String IDEMPOTENCY = "idempotency";
    /** {@code replicate-intentions}' status ({@link ReplicationStatus}), one item per replicated table. */
    public static final String REPLICATION_STATUS = "replication-status";
    /** The ID of the intentions table's replication status. */
    public static final String INTENTIONS_STATUS_ID = "intentions";
    /** {@code rotate-leaves}' re-issue progress ({@link ReissueProgress}), one item per DC ({@code current}). */
    public static final String REISSUE_PROGRESS = "reissue-progress";
    /** An inventory record outlives its leaf by this much, then DynamoDB's TTL removes it. */
    public static final Duration INVENTORY_GRACE = Duration.ofDays(1);
    /** How long a forwarded write's outcome is remembered. */
    public static final Duration IDEMPOTENCY_TTL = Duration.ofHours(24);
    /** View tombstones are kept at least as long as the table's. */
    public static final Duration VIEW_TOMBSTONE_TTL = IntentionStore.TOMBSTONE_TTL;

    private final String dc;
    private final TableStore table;
    private final Clock clock;
    private final Items<WrappedKey> signerKeys;
    private final Items<EnrolmentKey> enrolmentKeys;
    private final Items<ManagedLeaf> managedLeaves;
    private final Items<IntentionItem> view;
    private final Items<Long> index;
    private final Items<TokenBucket> buckets;
    private final Items<CsrLease> leases;
    private final Items<QuarantinedRecord> quarantine;
    private final Items<IdempotencyRecord> idempotency;
    private final Items<ReplicationStatus> replicationStatus;
    private final Items<ReissueProgress> reissueProgress;

    public PrivateStore(TableStore table, String localDc, Clock clock) {
        this.dc = localDc;
        this.table = new OwnerGuard(localDc, table);
        this.clock = clock;
        this.signerKeys = new Items<>(this.table, SIGNER_KEY, PrivateTableCodecs.WRAPPED_KEY, clock);
        this.enrolmentKeys = new Items<>(this.table, ENROLMENT_KEY, PrivateTableCodecs.ENROLMENT_KEY, clock);
        this.managedLeaves = new Items<>(this.table, MANAGED_LEAF, PrivateTableCodecs.MANAGED_LEAF, clock);
        this.view = new Items<>(this.table, INTENTION_VIEW, IntentionTableCodecs.INTENTION, clock);
        this.index = new Items<>(this.table, INDEX, PrivateTableCodecs.CHANGE_INDEX, clock);
        this.buckets = new Items<>(this.table, CSR_BUCKET, PrivateTableCodecs.BUCKET, clock);
        this.leases = new Items<>(this.table, CSR_LEASE, PrivateTableCodecs.LEASE, clock);
        this.quarantine = new Items<>(this.table, QUARANTINE, PrivateTableCodecs.QUARANTINE, clock);
        this.idempotency = new Items<>(this.table, IDEMPOTENCY, PrivateTableCodecs.IDEMPOTENCY, clock);
        this.replicationStatus = new Items<>(this.table, REPLICATION_STATUS, PrivateTableCodecs.REPLICATION_STATUS, clock);
        this.reissueProgress = new Items<>(this.table, REISSUE_PROGRESS, PrivateTableCodecs.REISSUE_PROGRESS, clock);
    }

    public Optional<Versioned<WrappedKey>> signerKey(String keyId) {
        return signerKeys.get(dc, keyId, true);
    }

    /** Stores a wrapped key once; a key ID is never overwritten. */
    public void putSignerKey(String keyId, WrappedKey key) {
        signerKeys.put(dc, keyId, key, 0, null);
    }

    public Optional<Versioned<EnrolmentKey>> enrolmentKey() {
        return enrolmentKeys.get(dc, "current", true);
    }

    public void putEnrolmentKey(EnrolmentKey key) {
        enrolmentKeys.put(dc, "current", key, 0, null);
    }

    /** Records an issued leaf; the record expires {@link #INVENTORY_GRACE} after the leaf. */
    public void recordLeaf(LeafRecord leaf) {
        inventory(leaf.serial()).put(dc, leaf.serial(), leaf, 0, leaf.notAfter().plus(INVENTORY_GRACE));
    }

    public Optional<Versioned<LeafRecord>> leaf(String serial) {
        return inventory(serial).get(dc, serial, true);
    }

    /** The inventory shard of a serial; one typed view per shard, made once (this is on the signing path). */
    private Items<LeafRecord> inventory(String serial) {
        return inventoryShards.computeIfAbsent(shardOf(serial),
                s -> new Items<>(table, LEAF + "." + s, PrivateTableCodecs.LEAF, clock));
    }

    private final java.util.Map<String, Items<LeafRecord>> inventoryShards = new java.util.concurrent.ConcurrentHashMap<>();

    /** Two hex digits from the serial's last byte: serials are random, so shards fill evenly. */
    static String shardOf(String serialColonHex) {
        String hex = serialColonHex.replace(":", "");
        return hex.length() >= 2 ? hex.substring(hex.length() - 2).toLowerCase(java.util.Locale.ROOT) : "00";
    }

    public Optional<Versioned<ManagedLeaf>> managedLeaf(String service, String accessorId) {
        return managedLeaves.get(dc, managedId(service, accessorId), true);
    }

    public long putManagedLeaf(ManagedLeaf leaf, long expectedVersion) {
        return managedLeaves.put(dc, managedId(leaf.service(), leaf.accessorId()), leaf, expectedVersion, null);
    }

    public void deleteManagedLeaf(String service, String accessorId, long expectedVersion) {
        managedLeaves.delete(dc, managedId(service, accessorId), expectedVersion);
    }

    public List<Versioned<ManagedLeaf>> managedLeaves() {
        return managedLeaves.list(dc, true);
    }

    private static String managedId(String service, String accessorId) {
        return service + "/" + accessorId;
    }

    public Optional<Versioned<IntentionItem>> viewEntry(String intentionId) {
        return view.get(dc, intentionId, true);
    }

    /**
     * Applies an intention or tombstone to the view with the replicated item's version;
     * {@code expectedVersion} is the view's current version (0 when absent).
     */
    public void putViewEntry(IntentionItem item, long expectedVersion, long version) {
        Instant expires = item.deleted() ? item.deletedAt().plus(VIEW_TOMBSTONE_TTL) : null;
        view.putVersion(dc, item.id(), item, expectedVersion, version, expires);
    }

    public List<Versioned<IntentionItem>> view() {
        return view.list(dc, true);
    }

    /**
     * Removes a view entry if its version is still {@code expectedVersion}: only reconcile does
     * this, for a live entry whose intention the replica no longer holds at all (its tombstone
     * expired, or no primary ever wrote it). See {@code ViewDiff}.
     *
     * @throws Conflict when the entry changed since it was read (a newer apply wins)
     * @throws dev.meshfed.core.error.NotFound when it is gone already
     */
    public void deleteViewEntry(String intentionId, long expectedVersion) {
        view.delete(dc, intentionId, expectedVersion);
    }

    /** {@code replicate-intentions}' status for the intentions table, read consistently; empty before its first write. */
    public Optional<Versioned<ReplicationStatus>> intentionReplicationStatus() {
        return replicationStatus.get(dc, INTENTIONS_STATUS_ID, true);
    }

    /**
     * Writes {@code replicate-intentions}' status if its version is still {@code expectedVersion}
     * (0: none yet).
     *
     * @return the new version
     * @throws Conflict when another instance wrote it first (re-read and retry)
     */
    public long putIntentionReplicationStatus(ReplicationStatus status, long expectedVersion) {
        return replicationStatus.put(dc, INTENTIONS_STATUS_ID, status, expectedVersion, null);
    }

    /** {@code rotate-leaves}' re-issue progress, read consistently; empty before its first write. */
    public Optional<Versioned<ReissueProgress>> reissueProgress() {
        return reissueProgress.get(dc, "current", true);
    }

    /**
     * Writes the re-issue progress if its version is still {@code expectedVersion} (0: none yet).
     *
     * @return the new version
     * @throws Conflict when another tick wrote it first (re-read and retry)
     */
    public long putReissueProgress(ReissueProgress progress, long expectedVersion) {
        return reissueProgress.put(dc, "current", progress, expectedVersion, null);
    }

    /** The DC's change index (0 before the first change). */
    public long changeIndex() {
        return index.get(dc, "current", true).map(Versioned::value).orElse(0L);
    }

    /** Bumps the change index by one with a conditional write, retrying on contention; returns the new value. */
    public long bumpChangeIndex() {
        for (int attempt = 0; attempt < 64; attempt++) {
            Optional<Versioned<Long>> cur = index.get(dc, "current", true);
            long value = cur.map(Versioned::value).orElse(0L) + 1;
            try {
                index.put(dc, "current", value, cur.map(Versioned::version).orElse(0L), null);
                return value;
            } catch (Conflict e) {
                // another writer bumped it first: read again
            }
        }
        throw new Conflict("change index of " + dc + " is too contended");
    }

    /** One shard of the DC's CSR token bucket, read consistently; empty before its first write. */
    public Optional<Versioned<TokenBucket>> bucket(int shard) {
        return buckets.get(dc, Integer.toString(shard), true);
    }

    /**
     * Writes a shard of the CSR token bucket if its version is still {@code expectedVersion} (0: it
     * must not exist yet).
     *
     * @return the new version
     * @throws dev.meshfed.core.error.Conflict when another writer changed the shard first
     */
    public long putBucket(int shard, TokenBucket bucket, long expectedVersion) {
        return buckets.put(dc, Integer.toString(shard), bucket, expectedVersion, null);
    }

    /** Every slot of the CSR concurrency limit ever used, read consistently, in id order. */
    public List<Versioned<CsrLease>> csrLeases() {
        return leases.list(dc, true);
    }

    /**
     * Writes slot {@code slot} of the CSR concurrency limit if its version is still
     * {@code expectedVersion} (0: the slot was never used). Slots are never deleted, so versions only
     * grow and a stale writer always conflicts.
     *
     * @return the new version
     * @throws dev.meshfed.core.error.Conflict when another writer changed the slot first
     */
    public long putCsrLease(int slot, CsrLease lease, long expectedVersion) {
        return leases.put(dc, Integer.toString(slot), lease, expectedVersion, null);
    }

    /** Quarantines a poison record; a second quarantine of the same event is a no-op. */
    public void quarantine(QuarantinedRecord record) {
        try {
            quarantine.put(dc, record.eventId(), record, 0, null);
        } catch (Conflict alreadyQuarantined) {
            // at-least-once delivery: the same poison record may arrive twice
        }
    }

    public List<Versioned<QuarantinedRecord>> quarantined() {
        return quarantine.list(dc, true);
    }

    /**
     * The live idempotency record of {@code key}, read consistently; empty when there is none or it
     * has expired ({@link #IDEMPOTENCY_TTL} after its creation).
     */
    public Optional<Versioned<IdempotencyRecord>> idempotency(String key) {
        return idempotency.get(dc, key, true);
    }

    /**
     * Claims idempotency key {@code claim.key()} for one attempt: writes the PENDING record if the
     * stored version is still {@code expectedVersion}. {@code 0} means no live record: an expired
     * record DynamoDB's TTL has not removed yet counts as absent and is replaced. A stale claim is
     * taken over by passing the version read with it. The record expires {@link #IDEMPOTENCY_TTL}
     * after {@code claim.createdAt()}.
     *
     * @return the claimed version, which {@link #completeIdempotency} and {@link #releaseIdempotency} name
     * @throws Conflict when another attempt claimed or completed the key first
     */
    public long claimIdempotency(IdempotencyRecord claim, long expectedVersion) {
        if (claim.state() != IdempotencyRecord.State.PENDING) {
            throw new IllegalArgumentException("a claim is a PENDING record");
        }
        long expected = expectedVersion;
        if (expected == 0) {
            // Items.get hides expired items, but they still occupy the key until TTL deletion.
            Optional<StoredItem> leftover = table.get(idempotency.key(dc, claim.key()), true);
            if (leftover.isPresent()) {
                if (!leftover.get().expiredAt(clock.instant())) {
                    throw new Conflict("idempotency key " + claim.key() + " is already claimed");
                }
                expected = leftover.get().version();
            }
        }
        return idempotency.put(dc, claim.key(), claim, expected, claim.createdAt().plus(IDEMPOTENCY_TTL));
    }

    /**
     * Stores the outcome of the attempt that claimed the key at {@code claimedVersion}.
     *
     * @return the new version
     * @throws Conflict when the claim was lost (a later attempt took over a claim presumed stale)
     */
    public long completeIdempotency(IdempotencyRecord done, long claimedVersion) {
        if (done.state() != IdempotencyRecord.State.DONE) {
            throw new IllegalArgumentException("a completion is a DONE record");
        }
        return idempotency.put(dc, done.key(), done, claimedVersion, done.createdAt().plus(IDEMPOTENCY_TTL));
    }

    /**
     * Gives up the claim taken at {@code claimedVersion} (deletes it), so that a retry runs again.
     *
     * @return false when there was nothing to release: the record is gone or another attempt holds it now
     */
    public boolean releaseIdempotency(String key, long claimedVersion) {
        try {
            idempotency.delete(dc, key, claimedVersion);
            return true;
        } catch (Conflict | dev.meshfed.core.error.NotFound gone) {
            return false;
        }
    }
}
