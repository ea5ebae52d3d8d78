package dev.meshfed.core.acl;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An ACL token as stored in the intentions table (primary-owned, replicated). The secret is never
 * stored: only its SHA-256 ({@code secretSha256}, lower-case hex), which is compared in constant
 * time ({@link Secrets}).
 *
 * @param policyIds   the linked policies, by ID (a link by name is resolved to the ID when written,
 *                    as Consul does)
 * @param createIndex the primary's change index when the token was created
 * @param modifyIndex the primary's change index when the token was last written
 */
public record AclToken(String accessorId, String secretSha256, String description, List<String> policyIds,
        List<ServiceIdentity> serviceIdentities, boolean local, Instant createdAt, long createIndex, long modifyIndex) {

    /** A service identity: write on the service (and its sidecar proxy), read on all services. */
    public record ServiceIdentity(String serviceName, List<String> datacenters) {
        public ServiceIdentity {
            Objects.requireNonNull(serviceName, "serviceName");
            datacenters = datacenters == null ? List.of() : List.copyOf(datacenters);
        }
    }

    public AclToken {
        Objects.requireNonNull(accessorId, "accessorId");
        Objects.requireNonNull(secretSha256, "secretSha256");
        description = description == null ? "" : description;
        policyIds = List.copyOf(policyIds);
        serviceIdentities = List.copyOf(serviceIdentities);
        Objects.requireNonNull(createdAt, "createdAt");
    }

    @Override
    public String toString() {
        return "AclToken[" + accessorId + "]"; // never the hash either: it is what a lookup is keyed by
    }
}
