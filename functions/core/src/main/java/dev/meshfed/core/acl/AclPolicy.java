package dev.meshfed.core.acl;

import java.time.Instant;
import java.util.List;

/** An ACL policy: {@code Rules} kept as the JSON rule text the caller sent. */
public record AclPolicy(String id, String name, String description, String rules, List<String> datacenters,
        Instant createdAt, Instant modifiedAt) {
    public AclPolicy {
        datacenters = datacenters == null ? List.of() : List.copyOf(datacenters);
    }
}
