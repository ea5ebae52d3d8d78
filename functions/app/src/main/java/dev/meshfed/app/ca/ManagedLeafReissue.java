package dev.meshfed.app.ca;

import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.error.NotFound;
import dev.meshfed.core.error.NotReady;
import dev.meshfed.core.error.RateLimited;
import dev.meshfed.core.leaf.ManagedLeaf;
import dev.meshfed.core.leaf.ManagedLeafPolicy;
import dev.meshfed.core.rotation.ReissueProgress;
import dev.meshfed.core.rotation.ReissueWindow;
import dev.meshfed.core.store.Versioned;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Re-issue of a DC's managed leaves after its signer changed (certificates.md, Rotation step 4),
 * run by {@code rotate-leaves} on every tick ({@link #run}).
 *
 * <p>Each run, in order:
 * <ol>
 *   <li><b>Drop.</b> Every managed leaf nobody asked for during {@link ManagedLeafPolicy#UNUSED_LIFETIME}
 *       (72 h, {@link ManagedLeafPolicy.Reason#UNUSED}) is deleted, conditionally on the version read
 *       (a request that touched it meanwhile wins and keeps it). Consul's agent forgets such a leaf
 *       after the same 72 h; a request after that gets a new one. This runs even in a DC without a
 *       valid signer, and before the slots, so no budget is planned for a leaf nobody uses.</li>
 *   <li><b>Slots.</b> Every managed leaf that an older signer issued and that has no slot yet
 *       ({@link ManagedLeafPolicy.Reason#SIGNER_CHANGED}: live, used within 72 h, before its
 *       {@code RotateAfter}) gets one: {@link ReissueWindow#plan} over those {@code N} leaves (sorted
 *       by service then accessor) with the DC's {@code CSRMaxPerSecond}, the slot written into the
 *       leaf's {@code reissueAt} conditionally on the version read. The window starts now, or after
 *       the last slot still pending from an earlier change, so two windows never overlap and the
 *       budget guarantee of {@link ReissueWindow} holds across them. From then on a
 *       {@code GET /v1/agent/connect/ca/leaf} serves the old leaf until its slot and a new one after
 *       ({@link ManagedLeafPolicy}).</li>
 *   <li><b>Drain.</b> The slots before the next tick ({@code reissueAt < now + interval}, overdue ones
 *       included) are taken in slot order; the run waits (through the {@link IndexPoller.Sleeper})
 *       until each slot, re-reads the leaf, and re-issues it if an older signer still holds it
 *       ({@link AgentLeaf#reissue}: new key, the current signer, a conditional write, so a blocked
 *       leaf query returns). Waiting for each slot keeps re-issue at most 80 % of
 *       {@code CSRMaxPerSecond} in every second, not only on average over the tick. A leaf a request
 *       replaced first is skipped; a refusal of the rate limiter (clients took the rest of the
 *       budget) ends the drain, and the overdue slots are taken by the next tick.</li>
 * </ol>
 * With the limit off ({@code CSRMaxPerSecond = 0}) the window is the 30 s minimum.
 *
 * <p>Progress ({@link #progress}) is kept in the DC's private table ({@code <dc>#reissue-progress#current},
 * {@link ReissueProgress}): the signing key ID re-issued to, the leaves of the current change, those no
 * longer pending and the last slot. The run writes it after planning the slots and after the drain,
 * each a read-modify-write conditional on the version read, retried on {@link Conflict}; a failure to
 * write it is logged and never fails the re-issue. So a cold container (and {@code ca-admin}) reports
 * the true re-issued / total.
 *
 * <p>The run lasts up to the tick interval when slots are due, so the function's timeout must exceed
 * it (the schedule may start the next run while one is still draining: both write conditionally, and a
 * leaf is re-issued once).
 */
public final class ManagedLeafReissue {

    /** Where re-issue after a signer change stands. */
    public record Progress(String signingKeyId, long reissued, long total, Instant lastSlot) {
        /** Nothing to re-issue: no change recorded and no leaf pending. */
        public static final Progress NONE = new Progress(null, 0, 0, null);

        public boolean done() {
            return reissued >= total;
        }

        static Progress of(ReissueProgress stored) {
            return stored.total() == 0 ? NONE
                    : new Progress(stored.signingKeyId(), stored.reissued(), stored.total(), stored.lastSlot());
        }
    }

    private static final Logger LOG = Logger.getLogger(ManagedLeafReissue.class.getName());
    /** Conditional writes of the progress item before giving up (the next run writes it again). */
    static final int PROGRESS_ATTEMPTS = 8;

    private static final Comparator<Versioned<ManagedLeaf>> BY_OWNER = Comparator
            .comparing((Versioned<ManagedLeaf> v) -> v.value().service())
            .thenComparing(v -> v.value().accessorId());

    private final SignCsr sign;
    private final AgentLeaf leaves;
    private final IndexPoller.Sleeper sleeper;

    ManagedLeafReissue(SignCsr sign, AgentLeaf leaves, IndexPoller.Sleeper sleeper) {
        this.sign = Objects.requireNonNull(sign, "sign");
        this.leaves = Objects.requireNonNull(leaves, "leaves");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /** The progress the last run stored in the private table (one item read; any container). */
    public Progress progress() {
        return Progress.of(stored());
    }

    private ReissueProgress stored() {
        return sign.privateStore().reissueProgress().map(Versioned::value).orElse(ReissueProgress.NONE);
    }

    /**
     * One tick: assigns slots to leaves an older signer issued, then re-issues those whose slots fall
     * before {@code now + interval}. A DC without a valid signer does nothing.
     *
     * @return the leaves this run re-issued
     */
    public int run(Duration interval) {
        Objects.requireNonNull(interval, "interval");
        dropUnused(sign.clock().instant());
        String keyId;
        try {
            keyId = sign.activeSigner().require().keyId();
        } catch (NotReady notYet) {
            return 0;
        }
        Instant now = sign.clock().instant();
        List<Versioned<ManagedLeaf>> all = sign.privateStore().managedLeaves();
        assignSlots(all, keyId, now);
        Instant until = now.plus(interval);
        List<Versioned<ManagedLeaf>> due = pending(sign.privateStore().managedLeaves(), keyId).stream()
                .filter(v -> v.value().reissueAt().isBefore(until))
                .sorted(Comparator.comparing((Versioned<ManagedLeaf> v) -> v.value().reissueAt()).thenComparing(BY_OWNER))
                .toList();
        int reissued = 0;
        try {
            for (Versioned<ManagedLeaf> v : due) {
                waitUntil(v.value().reissueAt());
                Optional<Versioned<ManagedLeaf>> current = sign.privateStore().managedLeaf(v.value().service(),
                        v.value().accessorId());
                if (current.isEmpty() || current.get().version() != v.version()) {
                    continue; // a request replaced or dropped it meanwhile
                }
                Instant at = sign.clock().instant();
                ManagedLeafPolicy.Reason reason = ManagedLeafPolicy.decide(current.get().value(), at, keyId).reason();
                if (reason == ManagedLeafPolicy.Reason.UNUSED || reason == ManagedLeafPolicy.Reason.EXPIRED) {
                    continue; // nobody uses it: no budget for it (a request would drop or replace it)
                }
                if (leaves.reissue(current.get(), at)) {
                    reissued++;
                }
            }
        } catch (RateLimited refused) {
            // clients used the rest of the budget: the overdue slots go to the next tick
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        updateProgress(keyId, 0, null);
        return reissued;
    }

    /**
     * Deletes the managed leaves unused for 72 h at {@code now}, each conditionally on the version
     * read; a leaf a request touched or replaced meanwhile stays.
     *
     * @return the leaves deleted
     */
    public int dropUnused(Instant now) {
        int dropped = 0;
        for (Versioned<ManagedLeaf> v : sign.privateStore().managedLeaves()) {
            ManagedLeaf l = v.value();
            if (now.isBefore(ManagedLeafPolicy.unusedSince(l))) {
                continue;
            }
            try {
                sign.privateStore().deleteManagedLeaf(l.service(), l.accessorId(), v.version());
                dropped++;
            } catch (Conflict | NotFound touchedOrGone) {
                // a request used, replaced or dropped it first
            }
        }
        return dropped;
    }

    /**
     * The progress recomputed now from the stored item and the leaves still pending, the same in any
     * container (in AWS, {@code ca-admin}'s): a leaf replaced by a request since the last run counts
     * as re-issued. Writes nothing. Reads every managed leaf of the DC: for the operator API, not for
     * a hot path. The stored progress while the DC has no valid signer.
     *
     * <p>The signing key ID comes from the signer item ({@link ActiveSigner#validKeyId}), never from
     * unwrapping the key: reporting needs no key custody, so {@code ca-admin} holds no KMS grant for
     * the intermediate key.
     */
    public Progress observe() {
        Optional<String> keyId = sign.activeSigner().validKeyId();
        if (keyId.isEmpty()) {
            return progress();
        }
        return Progress.of(next(stored(), keyId.get(), 0, null, pending(sign.privateStore().managedLeaves(),
                keyId.get())));
    }

    private void assignSlots(List<Versioned<ManagedLeaf>> all, String keyId, Instant now) {
        List<Versioned<ManagedLeaf>> unslotted = new ArrayList<>();
        Instant start = now;
        for (Versioned<ManagedLeaf> v : all) {
            ManagedLeaf l = v.value();
            if (ManagedLeafPolicy.decide(l, now, keyId).reason() == ManagedLeafPolicy.Reason.SIGNER_CHANGED) {
                unslotted.add(v);
            } else if (!keyId.equals(l.signingKeyId()) && l.reissueAt() != null && !l.reissueAt().isBefore(start)) {
                start = l.reissueAt().plusNanos(1); // after the last slot still pending
            }
        }
        if (unslotted.isEmpty()) {
            return;
        }
        unslotted.sort(BY_OWNER);
        ReissueWindow window = ReissueWindow.plan(start, unslotted.size(), sign.config().csrMaxPerSecond());
        long assigned = 0;
        for (int i = 0; i < unslotted.size(); i++) {
            Versioned<ManagedLeaf> v = unslotted.get(i);
            ManagedLeaf l = v.value();
            try {
                sign.privateStore().putManagedLeaf(new ManagedLeaf(l.service(), l.accessorId(), l.serial(),
                        l.certPem(), l.key(), l.signingKeyId(), l.notAfter(), l.rotateAfter(), window.slot(i),
                        l.lastUsedAt()), v.version());
                assigned++;
            } catch (Conflict raced) {
                // a request replaced or touched it; the next run looks again
            }
        }
        updateProgress(keyId, assigned, window.slot(unslotted.size() - 1));
    }

    /** Leaves an older signer issued that have a slot. */
    private static List<Versioned<ManagedLeaf>> pending(List<Versioned<ManagedLeaf>> all, String keyId) {
        return all.stream()
                .filter(v -> !keyId.equals(v.value().signingKeyId()) && v.value().reissueAt() != null)
                .toList();
    }

    /**
     * Stores the progress after planning {@code newlyAssigned} slots (the last at {@code newLastSlot})
     * or after a drain: read, recompute, write conditionally on the version read, retried on
     * {@link Conflict} (assigned slots add up: each leaf gets its slot from one run only). Unchanged
     * progress is not written. Never throws: the re-issue does not depend on it.
     */
    private void updateProgress(String keyId, long newlyAssigned, Instant newLastSlot) {
        try {
            List<Versioned<ManagedLeaf>> pending = pending(sign.privateStore().managedLeaves(), keyId);
            for (int attempt = 0; attempt < PROGRESS_ATTEMPTS; attempt++) {
                Optional<Versioned<ReissueProgress>> cur = sign.privateStore().reissueProgress();
                ReissueProgress before = cur.map(Versioned::value).orElse(ReissueProgress.NONE);
                ReissueProgress after = next(before, keyId, newlyAssigned, newLastSlot, pending);
                if (after.equals(before)) {
                    return;
                }
                try {
                    sign.privateStore().putReissueProgress(after, cur.map(Versioned::version).orElse(0L));
                    return;
                } catch (Conflict raced) {
                    // another run wrote it first: read again
                }
            }
            LOG.warning(() -> "re-issue progress not stored: too contended keyId=" + keyId);
        } catch (RuntimeException e) {
            LOG.warning(() -> "re-issue progress not stored keyId=" + keyId + ": " + e);
        }
    }

    /** The progress after {@code stored}: a new change (another key ID) starts from zero. */
    static ReissueProgress next(ReissueProgress stored, String keyId, long newlyAssigned, Instant newLastSlot,
            List<Versioned<ManagedLeaf>> pending) {
        boolean sameChange = keyId.equals(stored.signingKeyId());
        long total = (sameChange ? stored.total() : 0) + newlyAssigned;
        Instant lastSlot = sameChange ? stored.lastSlot() : null;
        if (newLastSlot != null && (lastSlot == null || newLastSlot.isAfter(lastSlot))) {
            lastSlot = newLastSlot;
        }
        for (Versioned<ManagedLeaf> v : pending) {
            if (lastSlot == null || v.value().reissueAt().isAfter(lastSlot)) {
                lastSlot = v.value().reissueAt();
            }
        }
        total = Math.max(total, pending.size());
        if (total == 0) {
            return ReissueProgress.NONE;
        }
        return new ReissueProgress(keyId, total, total - pending.size(), lastSlot);
    }

    private void waitUntil(Instant slot) throws InterruptedException {
        Duration wait = Duration.between(sign.clock().instant(), slot);
        if (!wait.isNegative() && !wait.isZero()) {
            sleeper.sleep(wait);
        }
    }
}
