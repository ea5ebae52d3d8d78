package dev.meshfed.core.identity;

import dev.meshfed.core.error.InvalidInput;
import java.util.regex.Pattern;

/** A datacenter name: {@code ^[a-z0-9][a-z0-9-]{0,62}$}, configured, never derived from a region. */
public record Datacenter(String name) {
    private static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9-]{0,62}$");

    public Datacenter {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidInput("invalid datacenter name: must match ^[a-z0-9][a-z0-9-]{0,62}$");
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
