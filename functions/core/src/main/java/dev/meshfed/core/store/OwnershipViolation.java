package dev.meshfed.core.store;

/**
 * A write to a key owned by another DC. IAM's leading-key condition is the security boundary in
 * AWS; this re-check catches the bug before it reaches IAM (and is the only guard locally).
 */
public final class OwnershipViolation extends RuntimeException {
    public OwnershipViolation(String localDc, ItemKey key) {
        super("datacenter " + localDc + " may not write " + key + ": it is owned by " + key.owner(), null, false, false);
    }
}
