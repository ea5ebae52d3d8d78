package dev.meshfed.app.auth;

import java.util.Objects;

/**
 * The public identity of a token: its {@code AccessorID}. Managed leaves are kept per (service,
 * accessor); with ACLs off every request is {@link #ANONYMOUS}.
 */
public record Accessor(String accessorId) {

    /** Consul's anonymous token's accessor ID, fixed by Consul: {@value #ANONYMOUS_ID}. */
    public static final String ANONYMOUS_ID = "00000000-0000-0000-0000-000000000002";

    /** The accessor a request without a token acts as, and every request while ACLs are off. */
    public static final Accessor ANONYMOUS = new Accessor(ANONYMOUS_ID);

    public Accessor {
        Objects.requireNonNull(accessorId, "accessorId");
    }

    public boolean anonymous() {
        return ANONYMOUS_ID.equals(accessorId);
    }
}
