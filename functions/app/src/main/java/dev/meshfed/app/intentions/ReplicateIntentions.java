package dev.meshfed.app.intentions;

import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.error.NotFound;
import dev.meshfed.core.intentions.IntentionItem;
import dev.meshfed.core.intentions.IntentionViewApplier;
import dev.meshfed.core.intentions.ReplicationStatus;
import dev.meshfed.core.intentions.ViewDiff;
import dev.meshfed.core.metrics.Metrics;
import dev.meshfed.core.store.IntentionStore;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.core.store.Table;
import dev.meshfed.core.store.UndecodableItem;
import dev.meshfed.core.store.Versioned;
import dev.meshfed.stream.events.DecodedChange;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The {@code replicate-intentions} function of one DC (intentions.md "Replication"), for both of
 * its triggers: {@link #onRecord} for a record of the DC's intentions-table stream and
 * {@link #reconcile} for the tick every {@link #RECONCILE_INTERVAL}.
 *
 * <ul>
 *   <li><b>Authority.</b> A record whose key owner is not the primary is never applied and never
 *       quarantined: it is counted ({@link ReplicationStatus#authorityViolations()}) and logged with
 *       the key, the owner and this DC. IAM's leading-key condition should make it impossible; seeing
 *       one means a bug or a compromised region.</li>
 *   <li><b>Order.</b> The record's image is not trusted: the item is re-read from the local replica
 *       with a consistent read and applied through {@link IntentionViewApplier}, whose
 *       apply-if-newer rule makes duplicates, replays and any delivery order converge. A record of an
 *       item overwritten since applies the current item; a record of an item gone from the replica
 *       (its tombstone expired) does nothing.</li>
 *   <li><b>Poison.</b> An item that does not decode, or whose body names another ID than its key,
 *       throws {@link UndecodableItem}: the {@code QuarantiningConsumer} around this function
 *       quarantines the record and acknowledges it. Anything else that fails propagates and is
 *       retried. Both are recorded as the status's last error.</li>
 *   <li><b>Repair.</b> {@link #reconcile} diffs the replica against the view ({@link ViewDiff}) and
 *       applies the difference, so a lost record is repaired within one interval.</li>
 *   <li><b>ACLs.</b> Token and policy records only bump the DC's change index (architecture.md flow
 *       9: ACL reads show them); link items and unknown kinds are ignored.</li>
 * </ul>
 * Status is one item in the private table, written with a version-conditional write (retried on
 * {@link Conflict}) after each apply, violation, error and reconcile. The same events are reported
 * as metrics (dims {@code dc}, {@code table=INTENTIONS}): {@link Metrics#INTENTIONS_APPLIED} and
 * {@link Metrics#INTENTIONS_REPLICATION_LAG_MS} per stream apply that changed the view,
 * {@link Metrics#INTENTIONS_AUTHORITY_VIOLATIONS} per violation, {@link Metrics#INTENTIONS_RECONCILE_REPAIRS}
 * per finished reconcile (zero included); quarantines are counted by the {@code QuarantiningConsumer}.
 */
public final class ReplicateIntentions {
    /** The reconcile tick's interval. */
    public static final Duration RECONCILE_INTERVAL = Duration.ofMinutes(5);
    /** How long {@link #lag()} reuses the status it read: it is asked on every read response. */
    public static final Duration LAG_CACHE = Duration.ofSeconds(5);
    /** Conditional-write attempts on the status item before giving up on one update. */
    static final int STATUS_ATTEMPTS = 8;

    private static final System.Logger LOG = System.getLogger(ReplicateIntentions.class.getName());

    private final IntentionStore replica;
    private final PrivateStore privateStore;
    private final String dc;
    private final String primaryDc;
    private final Clock clock;
    private final Metrics metrics;
    private final Map<String, String> dimensions;
    private volatile CachedLag cachedLag;

    /** The status as {@code GET /v1/operator/replication} shows it. */
    public record Status(long appliedVersion, Instant lastAppliedAt, long lagMillis, long authorityViolations,
            long quarantinedRecords, String lastError, Instant lastErrorAt, Instant lastReconcileAt, long repairs) {
    }

    /** What one reconcile run did. */
    public record ReconcileResult(int deleted, int upserted) {
        public int repairs() {
            return deleted + upserted;
        }
    }

    private record CachedLag(Duration lag, Instant readAt) {
    }

    /** As {@link #ReplicateIntentions(IntentionStore, PrivateStore, String, String, Clock, Metrics)}, reporting no metrics. */
    public ReplicateIntentions(IntentionStore replica, PrivateStore privateStore, String dc, String primaryDc,
            Clock clock) {
        this(replica, privateStore, dc, primaryDc, clock, Metrics.NONE);
    }

    /**
     * @param replica this DC's replica of the intentions table
     * @param privateStore this DC's private table (the view, the change index, the status)
     * @param metrics where applies, lags, violations and repairs are reported
     */
    public ReplicateIntentions(IntentionStore replica, PrivateStore privateStore, String dc, String primaryDc,
            Clock clock, Metrics metrics) {
        this.replica = Objects.requireNonNull(replica, "replica");
        this.privateStore = Objects.requireNonNull(privateStore, "privateStore");
        this.dc = Objects.requireNonNull(dc, "dc");
        this.primaryDc = Objects.requireNonNull(primaryDc, "primaryDc");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.dimensions = Metrics.dimensions(dc, Table.INTENTIONS);
    }

    /**
     * One record of this DC's intentions-table stream. Only the record's key is used.
     *
     * @throws UndecodableItem when the item it names cannot be read (a poison record: quarantine it)
     */
    public void onRecord(DecodedChange change) {
        ItemKey key = change.key();
        if (!primaryDc.equals(key.owner())) {
            LOG.log(System.Logger.Level.WARNING, () -> "authority violation: intentions-table record not owned by the"
                    + " primary, skipped key=" + key + " owner=" + key.owner() + " primary=" + primaryDc + " dc=" + dc);
            updateStatus(ReplicationStatus::violation);
            metrics.count(Metrics.INTENTIONS_AUTHORITY_VIOLATIONS, 1, dimensions);
            return;
        }
        switch (key.kind()) {
            case IntentionStore.INTENTION -> {
                try {
                    applyCurrent(key);
                } catch (RuntimeException e) {
                    recordError("record " + change.sequenceNumber() + " of " + key + ": " + e.getMessage());
                    throw e;
                }
            }
            case IntentionStore.TOKEN, IntentionStore.POLICY -> privateStore.bumpChangeIndex();
            default -> {
                // links (secret, policy name, bootstrap marker, intention key) change with the item they link
            }
        }
    }

    private void applyCurrent(ItemKey key) {
        Optional<Versioned<IntentionItem>> current = replica.intention(key.id(), true);
        if (current.isEmpty()) {
            return; // gone from the replica (expired tombstone): nothing to apply
        }
        Versioned<IntentionItem> item = current.get();
        if (!item.value().id().equals(key.id())) {
            throw new UndecodableItem(key.toString(), "intention id in the body differs from the key");
        }
        if (IntentionViewApplier.apply(privateStore, item.value(), item.version()) == IntentionViewApplier.Outcome.APPLIED) {
            Instant now = clock.instant();
            long lag = Math.max(0, Duration.between(item.updatedAt(), now).toMillis());
            // reported before the status write: the apply happened, and a retry finds it stale
            metrics.count(Metrics.INTENTIONS_APPLIED, 1, dimensions);
            metrics.gauge(Metrics.INTENTIONS_REPLICATION_LAG_MS, lag, Metrics.MILLISECONDS, dimensions);
            updateStatus(s -> s.applied(item.version(), now, lag));
        } else if (privateStore.intentionReplicationStatus().map(v -> v.value().appliedVersion()).orElse(0L)
                < item.version()) {
            // the view had it already without this function's status knowing: in the primary,
            // IntentionService applies its own writes (or an update here was lost). Catch the
            // applied version up; the lag stays that of the last apply made here.
            updateStatus(s -> s.caughtUp(item.version()));
        }
    }

    /**
     * The tick: reads the view, then the replica (both consistent), diffs them and applies the
     * difference. The view is read first: an entry written to the view after its item was written
     * to the table (the primary's own writes) is then always found in the replica read after it.
     *
     * @throws RuntimeException when a read fails (the next tick runs again); an operation that loses
     *     to a concurrent apply is skipped, the newer apply having done its work
     */
    public ReconcileResult reconcile() {
        try {
            List<Versioned<IntentionItem>> viewItems = privateStore.view();
            List<String> poison = new ArrayList<>();
            List<Versioned<IntentionItem>> replicaItems = replica.intentions(true, e -> poison.add(e.key()));
            Map<String, ViewDiff.Entry> view = new HashMap<>();
            viewItems.forEach(v -> view.put(v.key().id(), new ViewDiff.Entry(v.version(), v.value())));
            Map<String, ViewDiff.Entry> rep = new HashMap<>();
            for (Versioned<IntentionItem> r : replicaItems) {
                if (r.value().id().equals(r.key().id())) {
                    rep.put(r.key().id(), new ViewDiff.Entry(r.version(), r.value()));
                } else {
                    poison.add(r.key().toString());
                }
            }
            // a poison replica item is neither applied nor taken as absent: its view entry stays
            for (String p : poison) {
                ItemKey k = parse(p);
                if (k != null && view.containsKey(k.id())) {
                    rep.put(k.id(), view.get(k.id()));
                }
            }
            int deleted = 0;
            int upserted = 0;
            long highest = 0;
            for (ViewDiff.Op op : ViewDiff.diff(rep, view)) {
                if (op instanceof ViewDiff.Delete d) {
                    try {
                        privateStore.deleteViewEntry(d.id(), d.viewVersion());
                        privateStore.bumpChangeIndex();
                        deleted++;
                        LOG.log(System.Logger.Level.INFO, () -> "reconcile removed a view entry the replica does not"
                                + " hold dc=" + dc + " id=" + d.id() + " version=" + d.viewVersion());
                    } catch (Conflict | NotFound moved) {
                        // a newer apply changed the entry since it was read: it is right
                    }
                } else if (op instanceof ViewDiff.Upsert u) {
                    if (IntentionViewApplier.apply(privateStore, u.item(), u.version())
                            == IntentionViewApplier.Outcome.APPLIED) {
                        upserted++;
                        highest = Math.max(highest, u.version());
                    }
                }
            }
            if (!poison.isEmpty()) {
                String text = "reconcile skipped " + poison.size() + " undecodable replica item(s), first " + poison.get(0);
                LOG.log(System.Logger.Level.WARNING, () -> text + " dc=" + dc);
                recordError(text);
            }
            ReconcileResult result = new ReconcileResult(deleted, upserted);
            Instant now = clock.instant();
            long appliedUpTo = highest;
            updateStatus(s -> {
                ReplicationStatus r = s.reconciled(now, result.repairs());
                return appliedUpTo > r.appliedVersion() ? new ReplicationStatus(appliedUpTo, r.lastAppliedAt(),
                        r.lagMillis(), r.authorityViolations(), r.lastError(), r.lastErrorAt(), r.lastReconcileAt(),
                        r.repairs()) : r;
            });
            metrics.count(Metrics.INTENTIONS_RECONCILE_REPAIRS, result.repairs(), dimensions);
            if (result.repairs() > 0) {
                LOG.log(System.Logger.Level.INFO, () -> "reconcile repaired the intention view dc=" + dc + " deleted="
                        + result.deleted() + " upserted=" + result.upserted());
            }
            return result;
        } catch (RuntimeException e) {
            recordError("reconcile: " + e.getMessage());
            throw e;
        }
    }

    private static ItemKey parse(String key) {
        String[] parts = key.split("#", 3);
        if (parts.length != 3) {
            return null;
        }
        return ItemKey.fromStored(parts[0] + "#" + parts[1], parts[2]);
    }

    /** The persisted status plus the intention records quarantined in this DC. */
    public Status status() {
        ReplicationStatus s = privateStore.intentionReplicationStatus().map(Versioned::value)
                .orElse(ReplicationStatus.NONE);
        long quarantined = privateStore.quarantined().stream()
                .filter(q -> Table.INTENTIONS.name().equalsIgnoreCase(q.value().table())).count();
        return new Status(s.appliedVersion(), s.lastAppliedAt(), s.lagMillis(), s.authorityViolations(), quarantined,
                s.lastError(), s.lastErrorAt(), s.lastReconcileAt(), s.repairs());
    }

    /**
     * The DC's current replication lag, what {@code X-Consul-LastContact} reports: the last apply's
     * lag, or zero before any. Read from the status item at most once per {@link #LAG_CACHE} (it is
     * asked on every read response, in whichever function serves it); a failed read reports the
     * last value known, never fails the response.
     */
    public Duration lag() {
        Instant now = clock.instant();
        CachedLag c = cachedLag;
        if (c != null && now.isBefore(c.readAt().plus(LAG_CACHE)) && !now.isBefore(c.readAt())) {
            return c.lag();
        }
        try {
            Duration lag = Duration.ofMillis(privateStore.intentionReplicationStatus().map(v -> v.value().lagMillis())
                    .orElse(0L));
            cachedLag = new CachedLag(lag, now);
            return lag;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, () -> "replication lag unreadable dc=" + dc + ": " + e.getMessage());
            return c == null ? Duration.ZERO : c.lag();
        }
    }

    private void recordError(String text) {
        Instant now = clock.instant();
        try {
            updateStatus(s -> s.error(text, now));
        } catch (RuntimeException e) {
            // the status is best effort while the store fails: the original failure is what matters
            LOG.log(System.Logger.Level.WARNING, () -> "replication status not written dc=" + dc + ": " + e.getMessage());
        }
    }

    /** One read-modify-write of the status item, conditional on its version, retried on conflict. */
    private void updateStatus(UnaryOperator<ReplicationStatus> change) {
        for (int attempt = 0; attempt < STATUS_ATTEMPTS; attempt++) {
            Optional<Versioned<ReplicationStatus>> cur = privateStore.intentionReplicationStatus();
            ReplicationStatus next = change.apply(cur.map(Versioned::value).orElse(ReplicationStatus.NONE));
            try {
                privateStore.putIntentionReplicationStatus(next, cur.map(Versioned::version).orElse(0L));
                return;
            } catch (Conflict concurrent) {
                // another instance wrote the status first: read again
            }
        }
        LOG.log(System.Logger.Level.WARNING, () -> "replication status too contended, one update dropped dc=" + dc);
    }
}
