package dev.meshfed.core.acl;

import java.util.Objects;
import java.util.Optional;

/**
 * An access level of one ACL rule, as Consul spells it in rules: {@code "deny"}, {@code "read"},
 * {@code "write"}.
 *
 * <p>Consul also has {@code "list"}, but only {@code key}/{@code key_prefix} rules accept it
 * ({@code isPolicyValid(policy, allowList)} in Consul's {@code acl/policy.go}); every resource meshfed
 * has ({@code service}, {@code service_prefix}, their {@code intentions}, {@code operator}, {@code acl},
 * {@code mesh}) refuses it, so it is not a value here.
 *
 * <p><b>meshfed:</b> the spelling must be lower-case. Consul's {@code AccessLevelFromString} lower-cases
 * before comparing, yet its merge ({@code takesPrecedenceOver}) and its default for the
 * {@code intentions} sub-rule compare the raw text, so {@code "Deny"} loses to {@code "write"} when two
 * policies are merged and a {@code "Write"} service rule gives deny on intentions. Refusing anything but
 * the lower-case words keeps meshfed out of those corners instead of copying them.
 */
public enum Access {
    /** Explicit denial: grants nothing and, in a merge, beats every other level. */
    DENY("deny"),
    /** Grants read. */
    READ("read"),
    /** Grants read and write. */
    WRITE("write");

    private final String wire;

    Access(String wire) {
        this.wire = wire;
    }

    /**
     * The access level spelled {@code wire}.
     *
     * @throws IllegalArgumentException for anything other than {@code "deny"}, {@code "read"} or
     *         {@code "write"} (including {@code "list"}, other case, and null)
     */
    public static Access parse(String wire) {
        if (wire != null) {
            for (Access a : values()) {
                if (a.wire.equals(wire)) {
                    return a;
                }
            }
        }
        throw new IllegalArgumentException("not an access level (deny, read or write)");
    }

    /** The spelling in Consul's rules: {@code "deny"}, {@code "read"} or {@code "write"}. */
    public String wireName() {
        return wire;
    }

    /** Whether this level grants read: read or write (Consul's {@code enforce(rule, AccessRead)}). */
    boolean grantsRead() {
        return this == READ || this == WRITE;
    }

    /** Whether this level grants write: only write (Consul's {@code enforce(rule, AccessWrite)}). */
    boolean grantsWrite() {
        return this == WRITE;
    }

    /**
     * The level that wins when two rules for the same thing are merged: deny over everything, then
     * write over read (Consul's {@code takesPrecedenceOver} in {@code acl/policy.go}).
     */
    static Access stronger(Access a, Access b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        return rank(a) >= rank(b) ? a : b;
    }

    /**
     * {@link #stronger} over optional levels: a given level beats an absent one, as Consul's
     * {@code takesPrecedenceOver(x, "")} is true for every valid {@code x}.
     */
    static Optional<Access> stronger(Optional<Access> a, Optional<Access> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return Optional.of(stronger(a.get(), b.get()));
    }

    private static int rank(Access a) {
        return switch (a) {
            case DENY -> 3;
            case WRITE -> 2;
            case READ -> 1;
        };
    }
}
