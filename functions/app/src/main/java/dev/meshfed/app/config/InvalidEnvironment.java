package dev.meshfed.app.config;

import java.util.List;

/**
 * A function's environment is missing or has invalid variables: the function cannot start. The
 * message lists every problem at once, each naming its variable, so one failed deployment shows
 * everything to fix.
 */
public final class InvalidEnvironment extends RuntimeException {

    private final List<String> problems;

    public InvalidEnvironment(List<String> problems) {
        super("invalid environment: " + String.join("; ", problems), null, false, false);
        this.problems = List.copyOf(problems);
    }

    /** One line per problem, each starting with the variable's name. */
    public List<String> problems() {
        return problems;
    }
}
