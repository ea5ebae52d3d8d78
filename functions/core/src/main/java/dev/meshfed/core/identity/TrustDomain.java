package dev.meshfed.core.identity;

import dev.meshfed.core.error.InvalidInput;
import java.util.Locale;

/** A SPIFFE trust domain, lower-case; meshfed's is {@code <cluster-id>.consul}. */
public record TrustDomain(String value) {
    public TrustDomain {
        if (value == null || value.isEmpty() || value.length() > 253 || !value.matches("[A-Za-z0-9.-]+")) {
            throw new InvalidInput("invalid trust domain: " + value);
        }
        value = value.toLowerCase(Locale.ROOT);
    }

    /** The CA signing SPIFFE ID of this trust domain, {@code spiffe://<td>}. */
    public SpiffeId.Signing signingId() {
        return new SpiffeId.Signing(value);
    }

    /** The external trust domain shown in roots responses: the cluster ID, without {@code .consul}. */
    public String external() {
        return value.endsWith(".consul") ? value.substring(0, value.length() - ".consul".length()) : value;
    }

    @Override
    public String toString() {
        return value;
    }
}
