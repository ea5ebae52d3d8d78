package dev.meshfed.core.intentions;

import java.util.Map;
import java.util.Optional;

/**
 * An intention as a client writes it (create, update by ID, exact upsert): the fields of Consul's
 * intention JSON a client may set. The datacenter fields are optional so that an update by ID can
 * tell "absent: keep the stored value" from {@code ""} "clear it" (api.md); a create treats absent
 * as empty. Defaults and validation are {@link IntentionRules#prepare}'s.
 *
 * @param permissions L7 permissions as JSON array text, or null
 */
public record IntentionRequest(String sourceNs, String sourceName, String destinationNs, String destinationName,
        Optional<String> sourceDatacenter, Optional<String> destinationDatacenter, String sourceType, String action,
        String permissions, String description, Map<String, String> meta) {

    public IntentionRequest {
        sourceDatacenter = sourceDatacenter == null ? Optional.empty() : sourceDatacenter;
        destinationDatacenter = destinationDatacenter == null ? Optional.empty() : destinationDatacenter;
        meta = meta == null ? Map.of() : Map.copyOf(meta);
    }
}
