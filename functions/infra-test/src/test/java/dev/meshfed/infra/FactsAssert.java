package dev.meshfed.infra;

import static org.assertj.core.api.Assertions.fail;

import java.util.Set;
import java.util.TreeSet;

/** Compares a template's facts with the code's, naming every missing and every extra line. */
final class FactsAssert {

    private FactsAssert() {
    }

    static void assertSameFacts(String what, Set<String> expected, Set<String> actual) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(actual);
        Set<String> extra = new TreeSet<>(actual);
        extra.removeAll(expected);
        if (!missing.isEmpty() || !extra.isEmpty()) {
            StringBuilder sb = new StringBuilder(what).append(" differs from the code's Deployment.facts\n");
            missing.forEach(m -> sb.append("  missing: ").append(m).append('\n'));
            extra.forEach(e -> sb.append("  extra:   ").append(e).append('\n'));
            fail(sb.toString());
        }
    }
}
