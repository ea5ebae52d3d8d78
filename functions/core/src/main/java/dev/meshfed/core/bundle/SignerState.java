package dev.meshfed.core.bundle;

/** Lifecycle of a DC's signing intermediate. */
public enum SignerState {
    /** Key made, CSR request written, no certificate yet (a first join answers 503 meanwhile). */
    PENDING_CSR,
    /** Signs leaves. */
    ACTIVE,
    /** Replaced; kept in chains until it expires, never signs again. */
    RETIRED
}
