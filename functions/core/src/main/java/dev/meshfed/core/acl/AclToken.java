package dev.meshfed.core.acl;

import java.time.Instant;
import java.util.List;

/**
 * An ACL token. The secret is never stored: only its SHA-256 ({@code secretSha256}, hex), which
 * is compared in constant time.
 */
public record AclToken(String accessorId, String secretSha256, String description, List<String> policyIds,
        List<ServiceIdentity> serviceIdentities, boolean local, Instant createdAt) {

    /** A service identity: write on the service, read on all services. */
    public record ServiceIdentity(String serviceName, List<String> datacenters) {
        public ServiceIdentity {
            datacenters = datacenters == null ? List.of() : List.copyOf(datacenters);
        }
    }

    public AclToken {
        policyIds = List.copyOf(policyIds);
        serviceIdentities = List.copyOf(serviceIdentities);
    }

    @Override
    public String toString() {
        return "AclToken[" + accessorId + "]";
    }
}
