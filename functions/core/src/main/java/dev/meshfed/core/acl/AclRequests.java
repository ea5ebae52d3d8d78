package dev.meshfed.core.acl;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What a caller asks of the ACL system, decoded from Consul's JSON by the HTTP layer. */
public final class AclRequests {

    private AclRequests() {
    }

    /** A policy to create or replace. {@code rules} is the JSON rule text, stored verbatim. */
    public record PolicyRequest(String name, String description, String rules, List<String> datacenters) {
        public PolicyRequest {
            name = name == null ? "" : name;
            description = description == null ? "" : description;
            rules = rules == null ? "" : rules;
            datacenters = datacenters == null ? List.of() : List.copyOf(datacenters);
        }
    }

    /** A link to a policy, by ID or by name (Consul's {@code {"ID":...}} or {@code {"Name":...}}). */
    public record PolicyRef(Optional<String> id, Optional<String> name) {
        public PolicyRef {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * A token to create or update.
     *
     * @param accessorId a caller-chosen AccessorID (create), or the one the body names (update)
     * @param secretId   a caller-chosen SecretID (create), or the one the body names (update, must match)
     */
    public record TokenRequest(Optional<String> accessorId, Optional<String> secretId, String description,
            List<PolicyRef> policies, List<AclToken.ServiceIdentity> serviceIdentities, boolean local) {
        public TokenRequest {
            Objects.requireNonNull(accessorId, "accessorId");
            Objects.requireNonNull(secretId, "secretId");
            description = description == null ? "" : description;
            policies = policies == null ? List.of() : List.copyOf(policies);
            serviceIdentities = serviceIdentities == null ? List.of() : List.copyOf(serviceIdentities);
        }

        @Override
        public String toString() {
            return "TokenRequest[" + accessorId.orElse("new") + "]";
        }
    }

    /** A token just created, with the only copy of its secret meshfed will ever hand out. */
    public record CreatedToken(AclToken token, String secretId) {
        @Override
        public String toString() {
            return "CreatedToken[" + token.accessorId() + "]";
        }
    }

    /** Who a request's token is and what it may do. */
    public record ResolvedToken(String accessorId, Grants grants) {
        public ResolvedToken {
            Objects.requireNonNull(accessorId, "accessorId");
            Objects.requireNonNull(grants, "grants");
        }
    }
}
