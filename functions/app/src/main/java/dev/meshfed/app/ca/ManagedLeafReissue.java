package dev.meshfed.app.ca;

import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.error.NotFound;
import dev.meshfed.core.error.NotReady;
import dev.meshfed.core.error.RateLimited;
import dev.meshfed.core.leaf.ManagedLeaf;
import dev.meshfed.core.leaf.ManagedLeafPolicy;
import dev.meshfed.core.rotation.ReissueWindow;
import dev.meshfed.core.store.Versioned;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
 * <p>Progress ({@link #progress}) is kept per container: the leaves of the current change and the
 * last slot; a fresh container counts the leaves still pending as the total.
 *
 * <p>The run lasts up to the tick interval when slots are due, so the function's timeout must exceed
 * it (the schedule may start the next run while one is still draining: both write conditionally, and a
 * leaf is re-issued once).
 */
public final class ManagedLeafReissue {

    /** Where re-issue after a signer change stands. */
    public record Progress(String signingKeyId, long reissued, long total, Instant lastSlot) {
        /** Nothing to re-issue: no change seen by this container and no leaf pending. */
        public static final Progress NONE = new Progress(null, 0, 0, null);

        public boolean done() {
            return reissued >= total;
        }
    }

    private static final Comparator<Versioned<ManagedLeaf>> BY_OWNER = Comparator
            .comparing((Versioned<ManagedLeaf> v) -> v.value().service())
            .thenComparing(v -> v.value().accessorId());

    private final SignCsr sign;
    private final AgentLeaf leaves;
    private final IndexPoller.Sleeper sleeper;
    private volatile Progress progress = Progress.NONE;

    ManagedLeafReissue(SignCsr sign, AgentLeaf leaves, IndexPoller.Sleeper sleeper) {
        this.sign = Objects.requireNonNull(sign, "sign");
        this.leaves = Objects.requireNonNull(leaves, "leaves");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /** The progress after the last run. */
    public Progress progress() {
        return progress;
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
     * The progress recomputed from the store now: what {@link #progress} says in the container that
     * runs the ticks, and in any other container (in AWS, {@code ca-admin}'s) the leaves still
     * pending as the total, with 0 re-issued. Reads every managed leaf of the DC: for the operator
     * API, not for a hot path. {@link Progress#NONE} while the DC has no valid signer.
     */
    public Progress observe() {
        String keyId;
        try {
            keyId = sign.activeSigner().require().keyId();
        } catch (NotReady notYet) {
            return progress;
        }
        updateProgress(keyId, 0, null);
        return progress;
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

    private void updateProgress(String keyId, long newlyAssigned, Instant newLastSlot) {
        List<Versioned<ManagedLeaf>> pending = pending(sign.privateStore().managedLeaves(), keyId);
        Progress p = progress;
        boolean sameChange = keyId.equals(p.signingKeyId());
        long total = (sameChange ? p.total() : 0) + newlyAssigned;
        Instant lastSlot = sameChange ? p.lastSlot() : null;
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
            progress = Progress.NONE;
            return;
        }
        progress = new Progress(keyId, total - pending.size(), total, lastSlot);
    }

    private void waitUntil(Instant slot) throws InterruptedException {
        Duration wait = Duration.between(sign.clock().instant(), slot);
        if (!wait.isNegative() && !wait.isZero()) {
            sleeper.sleep(wait);
        }
    }
}
