package dev.meshfed.core.rotation;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Whether an inactive root may leave the trust bundle now, and why not when it may not. Made by
 * {@link RootPruning#decide}; shown to operators in logs and in {@code GET /v1/operator/replication}.
 */
public sealed interface PruneDecision {

    /** True only for {@link Prune}. */
    boolean prunable();

    /** One lower-case line saying why, for logs and the operator API. */
    String reason();

    /** Why a root may be pruned. */
    enum Basis {
        /** The root itself has expired, so nothing that chains to it is valid. */
        EXPIRED,
        /** Every datacenter stopped signing under the root and the last leaves it could have issued have expired. */
        DRAINED
    }

    /**
     * The root may leave the bundle now.
     *
     * @param basis why
     * @param since the first instant at which this basis held: the root's NotAfter plus one
     *     nanosecond for {@link Basis#EXPIRED}, the drain instant for {@link Basis#DRAINED}
     */
    record Prune(Basis basis, Instant since) implements PruneDecision {
        public Prune {
            Objects.requireNonNull(basis, "basis must not be null");
            Objects.requireNonNull(since, "since must not be null");
        }

        @Override
        public boolean prunable() {
            return true;
        }

        @Override
        public String reason() {
            return switch (basis) {
                case EXPIRED -> "root has been expired since " + since + "; nothing that chains to it is valid";
                case DRAINED -> "every datacenter stopped signing under the root and its last leaves expired by " + since;
            };
        }
    }

    /**
     * The root must stay: these datacenters have not recorded that they stopped signing under it.
     * No drain instant can be known yet; the root's own expiry is the latest it must stay.
     *
     * @param datacenters the datacenters still signing, sorted, at least one
     * @param prunableAtLatest the instant at which the root expires, after which it may leave
     *     whatever the datacenters do (its NotAfter plus one nanosecond)
     */
    record StillSigning(List<String> datacenters, Instant prunableAtLatest) implements PruneDecision {
        public StillSigning {
            datacenters = List.copyOf(datacenters);
            if (datacenters.isEmpty()) {
                throw new IllegalArgumentException("still-signing datacenters must not be empty");
            }
            Objects.requireNonNull(prunableAtLatest, "prunable-at-latest must not be null");
        }

        @Override
        public boolean prunable() {
            return false;
        }

        @Override
        public String reason() {
            return (datacenters.size() == 1 ? "datacenter " : "datacenters ") + String.join(", ", datacenters)
                    + (datacenters.size() == 1 ? " still signs" : " still sign")
                    + " under the root; it stays until every datacenter has stopped or it expires at "
                    + prunableAtLatest;
        }
    }

    /**
     * Every datacenter stopped signing under the root, but leaves it issued may still be valid.
     *
     * @param slowestDatacenter the datacenter whose leaves drain last (the smallest name among ties)
     * @param drainedAt that datacenter's stop instant plus its {@code LeafCertTTL} plus skew
     * @param prunableAt the earliest instant at which pruning becomes possible: the earlier of
     *     {@code drainedAt} and the root's expiry
     */
    record Draining(String slowestDatacenter, Instant drainedAt, Instant prunableAt) implements PruneDecision {
        public Draining {
            Objects.requireNonNull(slowestDatacenter, "slowest datacenter must not be null");
            Objects.requireNonNull(drainedAt, "drained-at must not be null");
            Objects.requireNonNull(prunableAt, "prunable-at must not be null");
        }

        @Override
        public boolean prunable() {
            return false;
        }

        @Override
        public String reason() {
            return "every datacenter stopped signing under the root; leaves of datacenter " + slowestDatacenter
                    + " may be valid until " + drainedAt + ", so pruning is possible at " + prunableAt;
        }
    }
}
