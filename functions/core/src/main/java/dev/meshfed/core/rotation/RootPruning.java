package dev.meshfed.core.rotation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The pruning rule for an inactive root (primary only; certificates.md, Rotation step 6).
 *
 * <p>A rotated-out root R1 stays in the trust bundle while anything that chains to it may still be
 * valid. It may leave when every datacenter has stopped signing under it and, for each datacenter,
 * the instant it stopped plus its {@code LeafCertTTL} plus {@link Skew#DEFAULT skew} has passed.
 * It never leaves while a datacenter still signs under it: Consul prunes at twice the leaf TTL
 * after the rotation, which a slow datacenter can outrun; meshfed waits for the slowest one. A
 * root that has expired may always leave, since nothing it vouches for is valid any more.
 */
public final class RootPruning {

    private RootPruning() {
    }

    /**
     * Decides whether {@code root} may be pruned at {@code now}.
     *
     * <p>Guarantees, in this order:
     * <ol>
     *   <li>if the root has expired at {@code now} ({@code now} after its NotAfter):
     *       {@link PruneDecision.Prune} with basis {@code EXPIRED};
     *   <li>else if any datacenter in {@code datacenters} has no entry in {@code stoppedSigning}:
     *       {@link PruneDecision.StillSigning} naming every such datacenter;
     *   <li>else, with {@code drainedAt} = the latest of {@code stop + LeafCertTTL + skew} over
     *       {@code datacenters}: {@link PruneDecision.Prune} with basis {@code DRAINED} if
     *       {@code drainedAt <= now}, otherwise {@link PruneDecision.Draining}.
     * </ol>
     * Entries of the two maps for datacenters outside {@code datacenters} are ignored (a datacenter
     * that left the federation has no say in what the federation trusts). A stop instant later
     * than {@code now}, as clocks between datacenters disagree, is accepted and simply waits longer.
     *
     * @param root the validity of the inactive root (the caller makes sure it is not the active one)
     * @param datacenters every datacenter that signs leaves in the federation, the primary included;
     *     a datacenter that never signed under this root (it joined later) must be given a stop
     *     instant by the caller, e.g. when it joined, since absence means "still signs"
     * @param stoppedSigning for each datacenter, the instant it recorded in its signer item when it
     *     stopped signing under this root; absent when it has not stopped
     * @param leafCertTtl each datacenter's {@code LeafCertTTL}
     * @param now the current instant
     * @throws IllegalArgumentException if {@code datacenters} is empty, or a datacenter in it has no
     *     or a non-positive {@code LeafCertTTL}
     */
    public static PruneDecision decide(
            Validity root,
            Set<String> datacenters,
            Map<String, Instant> stoppedSigning,
            Map<String, Duration> leafCertTtl,
            Instant now) {
        Objects.requireNonNull(root, "root must not be null");
        Objects.requireNonNull(datacenters, "datacenters must not be null");
        Objects.requireNonNull(stoppedSigning, "stopped-signing map must not be null");
        Objects.requireNonNull(leafCertTtl, "leaf cert ttl map must not be null");
        Objects.requireNonNull(now, "now must not be null");
        if (datacenters.isEmpty()) {
            throw new IllegalArgumentException("datacenters must not be empty: the primary always signs");
        }
        // Validate every datacenter before deciding anything, so a wiring bug shows up even on
        // the days the root happens to be expired.
        TreeSet<String> sorted = new TreeSet<>();
        for (String dc : datacenters) {
            Objects.requireNonNull(dc, "datacenter name must not be null");
            Duration ttl = leafCertTtl.get(dc);
            if (ttl == null) {
                throw new IllegalArgumentException("no leaf cert ttl for datacenter " + dc);
            }
            Lifetimes.requirePositive(ttl, "leaf cert ttl of datacenter " + dc);
            sorted.add(dc);
        }

        Instant expiredFrom = root.notAfter().plusNanos(1);
        if (root.isExpiredAt(now)) {
            return new PruneDecision.Prune(PruneDecision.Basis.EXPIRED, expiredFrom);
        }

        ArrayList<String> stillSigning = new ArrayList<>();
        String slowest = null;
        Instant drainedAt = null;
        for (String dc : sorted) {
            Instant stop = stoppedSigning.get(dc);
            if (stop == null) {
                stillSigning.add(dc);
                continue;
            }
            Instant dcDrainedAt = stop.plus(leafCertTtl.get(dc)).plus(Skew.DEFAULT);
            if (drainedAt == null || dcDrainedAt.isAfter(drainedAt)) {
                drainedAt = dcDrainedAt;
                slowest = dc;
            }
        }
        if (!stillSigning.isEmpty()) {
            return new PruneDecision.StillSigning(stillSigning, expiredFrom);
        }
        if (!drainedAt.isAfter(now)) {
            return new PruneDecision.Prune(PruneDecision.Basis.DRAINED, drainedAt);
        }
        Instant prunableAt = drainedAt.isBefore(expiredFrom) ? drainedAt : expiredFrom;
        return new PruneDecision.Draining(slowest, drainedAt, prunableAt);
    }
}
