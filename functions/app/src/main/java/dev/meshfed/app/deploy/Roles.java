package dev.meshfed.app.deploy;

import dev.meshfed.core.identity.DatacenterRole;
import java.util.EnumSet;
import java.util.Set;

/**
 * The datacenter roles a grant is deployed in. The same code runs in every DC, but what it does
 * depends on the role: a secondary forwards its primary-owned writes (so its HTTP deployables
 * neither write those tables nor seal forwarded answers), only the primary holds a root key, only
 * a secondary has an enrolment key. A grant is deployed only where it is used.
 */
public enum Roles {
    /** Every DC. */
    BOTH(EnumSet.allOf(DatacenterRole.class)),
    /** The primary only. */
    PRIMARY_ONLY(EnumSet.of(DatacenterRole.PRIMARY)),
    /** Every secondary, never the primary. */
    SECONDARY_ONLY(EnumSet.of(DatacenterRole.SECONDARY));

    private final Set<DatacenterRole> roles;

    Roles(Set<DatacenterRole> roles) {
        this.roles = Set.copyOf(roles);
    }

    /** The roles themselves. */
    public Set<DatacenterRole> roles() {
        return roles;
    }

    /** Whether a DC in {@code role} gets the grant. */
    public boolean includes(DatacenterRole role) {
        return roles.contains(role);
    }

    /** The value for exactly {@code roles}; empty when {@code roles} is empty (no grant at all). */
    public static java.util.Optional<Roles> of(Set<DatacenterRole> roles) {
        for (Roles r : values()) {
            if (r.roles.equals(roles)) {
                return java.util.Optional.of(r);
            }
        }
        return java.util.Optional.empty();
    }
}
