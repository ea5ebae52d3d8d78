package dev.meshfed.core.identity;

import dev.meshfed.core.error.InvalidInput;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The cluster ID: a random lower-case UUID (8-4-4-4-12) made once by the primary at bootstrap.
 * It never changes; the trust domain is derived from it.
 */
public record ClusterId(String value) {
    private static final Pattern FORMAT = Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

    public ClusterId {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new InvalidInput("cluster ID must be a lower-case UUID: " + value);
        }
    }

    /** A new random cluster ID (version 4 UUID). */
    public static ClusterId random() {
        return new ClusterId(UUID.randomUUID().toString());
    }

    /** The first eight characters, used in CA certificate common names. */
    public String shortId() {
        return value.substring(0, 8);
    }

    /** {@code <cluster-id>.consul}. */
    public TrustDomain trustDomain() {
        return new TrustDomain(value + ".consul");
    }

    @Override
    public String toString() {
        return value;
    }
}
