package dev.meshfed.core.acl;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An ACL policy as stored: {@code rules} kept as the JSON rule text the caller sent (Consul returns
 * it verbatim), validated when written.
 *
 * @param datacenters where the policy applies; empty means every datacenter (Consul's policy scoping)
 * @param createIndex the primary's change index when the policy was created
 * @param modifyIndex the primary's change index when the policy was last written
 */
public record AclPolicy(String id, String name, String description, String rules, List<String> datacenters,
        Instant createdAt, Instant modifiedAt, long createIndex, long modifyIndex) {
    public AclPolicy {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
        rules = rules == null ? "" : rules;
        datacenters = datacenters == null ? List.of() : List.copyOf(datacenters);
    }

    /** Whether the policy applies in {@code datacenter}. */
    public boolean appliesIn(String datacenter) {
        return datacenters.isEmpty() || datacenters.contains(datacenter);
    }
}
