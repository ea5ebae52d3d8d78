package dev.meshfed.core.intentions;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One intention as stored and replicated (the fields of Consul's intention JSON plus meshfed's
 * datacenter scope): the stored shape. Validation, defaults and precedence are
 * {@link IntentionRules}'s; an intention is stored only after {@link IntentionRules#prepare}.
 *
 * @param permissions L7 permissions as opaque JSON text (stored and replicated verbatim), or null
 */
public record Intention(String id, String sourceNs, String sourceName, String destinationNs, String destinationName,
        String sourceDatacenter, String destinationDatacenter, String sourceType, String action, String permissions,
        String description, Map<String, String> meta, int precedence, Instant createdAt, Instant updatedAt) {

    public Intention {
        meta = meta == null ? Map.of() : Map.copyOf(meta);
    }

    /** The identity of the rule: at most one intention per key. */
    public List<String> key() {
        return List.of(sourceNs, sourceName, destinationNs, destinationName, nz(sourceDatacenter),
                nz(destinationDatacenter));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
