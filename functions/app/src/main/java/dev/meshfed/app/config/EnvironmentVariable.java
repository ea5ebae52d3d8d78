package dev.meshfed.app.config;

import java.util.Objects;

/**
 * One environment variable a deployed function reads.
 *
 * @param name     the variable, for example {@code MESHFED_DC}
 * @param required whether a function refuses to start without it
 * @param meaning  what it holds and its default, one line
 */
public record EnvironmentVariable(String name, boolean required, String meaning) {
    public EnvironmentVariable {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(meaning, "meaning");
    }
}
