package dev.meshfed.core.intentions;

import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.Versioned;

import java.time.Instant;
import java.util.Map;

/** Intentions for the pure tests: {@code "ns/name"} or {@code "name"} (default namespace). */
final class Fixtures {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private Fixtures() {
    }

    /** A prepared intention {@code source => destination} with {@code action} ("allow", "deny" or "L7"). */
    static Intention ixn(String id, String source, String destination, String action, String sourceDc,
            String destinationDc) {
        String[] s = split(source);
        String[] d = split(destination);
        boolean l7 = "L7".equals(action);
        return IntentionRules.prepare(new Intention(id, s[0], s[1], d[0], d[1], sourceDc, destinationDc, null,
                l7 ? null : action, l7 ? "[{\"Action\":\"deny\",\"HTTP\":{\"PathPrefix\":\"/a\"}},{\"Action\":\"allow\"}]" : null,
                null, Map.of(), 0, T0, T0));
    }

    static Intention ixn(String id, String source, String destination, String action) {
        return ixn(id, source, destination, action, "", "");
    }

    static Versioned<Intention> v(Intention i) {
        return new Versioned<>(new ItemKey("dc1", "intention-view", i.id()), i, 1, T0, null);
    }

    static String[] split(String name) {
        int slash = name.indexOf('/');
        return slash < 0 ? new String[] {"default", name} : new String[] {name.substring(0, slash), name.substring(slash + 1)};
    }
}
