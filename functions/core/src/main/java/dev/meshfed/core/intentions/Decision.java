package dev.meshfed.core.intentions;

import java.util.Objects;
import java.util.Optional;

/**
 * The answer of {@link IntentionIndex#decide}: allowed or not, the intention that decided (none
 * when the default did) and Consul's reason text ({@code Matched L4 intention: ...},
 * {@code Matched L7 intention: ...}, {@code Default intention policy} or
 * {@code Default behavior configured by ACLs}).
 */
public record Decision(boolean allowed, Optional<Intention> matched, String reason) {
    public Decision {
        Objects.requireNonNull(matched, "matched");
        Objects.requireNonNull(reason, "reason");
    }
}
