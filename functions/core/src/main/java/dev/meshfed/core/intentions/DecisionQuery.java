package dev.meshfed.core.intentions;

import java.util.Objects;
import java.util.Optional;

/**
 * A question for {@link IntentionIndex#decide}: may this source connect to this destination?
 * Names are exact (no wildcards). The datacenters are those of the connection: in authorize the
 * source DC comes from the client's SPIFFE ID and the destination DC is the deciding DC; in check
 * they come from {@code source-dc}/{@code destination-dc}. A question without a DC is never
 * answered by an intention scoped to that DC.
 */
public record DecisionQuery(String sourceNs, String sourceName, Optional<String> sourceDc, String destinationNs,
        String destinationName, Optional<String> destinationDc) {

    public DecisionQuery {
        Objects.requireNonNull(sourceNs, "sourceNs");
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(destinationNs, "destinationNs");
        Objects.requireNonNull(destinationName, "destinationName");
        sourceDc = sourceDc == null ? Optional.empty() : sourceDc.filter(s -> !s.isEmpty());
        destinationDc = destinationDc == null ? Optional.empty() : destinationDc.filter(s -> !s.isEmpty());
    }
}
