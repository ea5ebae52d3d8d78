package dev.meshfed.core.store;

/** The three tables of a region (architecture.md, State). */
public enum Table {
    /** Global, streamed to {@code rotate-leaves}: trust bundle, signers, CA configuration, membership, CSR exchange, rotation requests. */
    CA(true),
    /** Global, streamed to {@code replicate-intentions}: intentions with tombstones, ACL tokens and policies. */
    INTENTIONS(true),
    /** Regional, never replicated: keys, inventory, managed leaves, the intention view, counters, buckets, quarantine, idempotency. */
    PRIVATE(false);

    private final boolean global;

    Table(boolean global) {
        this.global = global;
    }

    public boolean global() {
        return global;
    }
}
