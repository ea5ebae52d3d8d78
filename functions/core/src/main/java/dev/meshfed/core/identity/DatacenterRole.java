package dev.meshfed.core.identity;

/**
 * The role a datacenter plays in the federation. Exactly one datacenter is the {@link #PRIMARY}: it
 * owns the root CA, the intentions and the ACLs, and signs every datacenter's intermediate. Every
 * other member is a {@link #SECONDARY}: it signs leaves with an intermediate that the primary signed
 * for it, and replicates what the primary owns.
 */
public enum DatacenterRole {
    /** Owns the root CA and the replicated state; signs intermediates for every datacenter. */
    PRIMARY,
    /** Obtains its intermediate from the primary through an enrolment-signed CSR. */
    SECONDARY
}
