package dev.meshfed.core.intentions;

import dev.meshfed.core.store.Versioned;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable index of a DC's live intentions, built once per view change
 * ({@link CachedIntentionView}). Intentions are grouped by destination and by source under their
 * exact {@code ns/name}, {@code ns/*} or {@code * /*} key (validation allows no other shapes), each
 * group sorted in {@link IntentionRules#MATCH_ORDER}; a match or a decision reads at most three
 * groups and never scans all intentions.
 *
 * <p>Decisions follow intentions.md "Decisions" and Consul's {@code ConnectAuthorize}: the first
 * intention in match order whose destination and source match, and whose datacenter fields (when
 * set) equal the question's, decides; one with {@code Permissions} answers deny; no match gives
 * the {@link IntentionDefault}.
 */
public final class IntentionIndex {

    private static final Comparator<Versioned<Intention>> ORDER =
            Comparator.comparing(Versioned::value, IntentionRules.MATCH_ORDER);

    private final long changeIndex;
    private final List<Versioned<Intention>> all;
    private final Map<String, Versioned<Intention>> byId;
    private final Map<List<String>, Versioned<Intention>> byKey;
    private final Map<String, List<Versioned<Intention>>> byDestination;
    private final Map<String, List<Versioned<Intention>>> bySource;

    private IntentionIndex(long changeIndex, List<Versioned<Intention>> live) {
        this.changeIndex = changeIndex;
        List<Versioned<Intention>> sorted = new ArrayList<>(live);
        sorted.sort(ORDER);
        this.all = List.copyOf(sorted);
        Map<String, Versioned<Intention>> ids = new HashMap<>();
        Map<List<String>, Versioned<Intention>> keys = new HashMap<>();
        Map<String, List<Versioned<Intention>>> dst = new HashMap<>();
        Map<String, List<Versioned<Intention>>> src = new HashMap<>();
        for (Versioned<Intention> v : sorted) { // sorted, so every group is built in match order
            Intention i = v.value();
            ids.put(i.id(), v);
            keys.put(i.key(), v);
            dst.computeIfAbsent(group(i.destinationNs(), i.destinationName()), k -> new ArrayList<>()).add(v);
            src.computeIfAbsent(group(i.sourceNs(), i.sourceName()), k -> new ArrayList<>()).add(v);
        }
        this.byId = Map.copyOf(ids);
        this.byKey = Map.copyOf(keys);
        this.byDestination = freeze(dst);
        this.bySource = freeze(src);
    }

    /** An index of {@code live} intentions (no tombstones), labelled with the change index it was built at. */
    public static IntentionIndex of(List<Versioned<Intention>> live, long changeIndex) {
        Objects.requireNonNull(live, "live");
        return new IntentionIndex(changeIndex, live);
    }

    /** An index with no intentions. */
    public static IntentionIndex empty() {
        return new IntentionIndex(0, List.of());
    }

    /** The change index this index was built at (the {@code X-Consul-Index} of reads answered from it). */
    public long changeIndex() {
        return changeIndex;
    }

    /** Every live intention in match order. */
    public List<Versioned<Intention>> all() {
        return all;
    }

    public Optional<Versioned<Intention>> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The intention with exactly this key ({@link Intention#key()}). */
    public Optional<Versioned<Intention>> byKey(List<String> key) {
        return Optional.ofNullable(byKey.get(key));
    }

    /**
     * The intentions whose destination matches {@code ns/name} (equal, {@code ns/*} or {@code * /*}),
     * in match order: Consul's match by destination.
     */
    public List<Versioned<Intention>> matchDestination(String ns, String name) {
        return match(byDestination, ns, name);
    }

    /** The intentions whose source matches {@code ns/name}, in match order: Consul's match by source. */
    public List<Versioned<Intention>> matchSource(String ns, String name) {
        return match(bySource, ns, name);
    }

    /** Decides {@code q}; {@code fallback} answers when no intention matches. */
    public Decision decide(DecisionQuery q, IntentionDefault fallback) {
        Objects.requireNonNull(q, "q");
        Objects.requireNonNull(fallback, "fallback");
        for (Versioned<Intention> v : matchDestination(q.destinationNs(), q.destinationName())) {
            Intention i = v.value();
            if (!matches(i.sourceNs(), q.sourceNs()) || !matches(i.sourceName(), q.sourceName())) {
                continue;
            }
            if (!datacenterMatches(i.sourceDatacenter(), q.sourceDc())
                    || !datacenterMatches(i.destinationDatacenter(), q.destinationDc())) {
                continue;
            }
            if (i.permissions() != null) {
                // L7 rules are for proxies: here they answer deny (Consul's ConnectAuthorize)
                return new Decision(false, Optional.of(i), "Matched L7 intention: " + IntentionRules.describe(i));
            }
            return new Decision(IntentionRules.ALLOW.equals(i.action()), Optional.of(i),
                    "Matched L4 intention: " + IntentionRules.describe(i));
        }
        return new Decision(fallback.allow(), Optional.empty(), fallback.reason());
    }

    private static boolean matches(String pattern, String value) {
        return IntentionRules.WILDCARD.equals(pattern) || pattern.equals(value);
    }

    /** An unset field matches every question; a set one only a question naming that DC. */
    private static boolean datacenterMatches(String field, Optional<String> dc) {
        return IntentionRules.blank(field) || dc.map(field::equals).orElse(false);
    }

    private static List<Versioned<Intention>> match(Map<String, List<Versioned<Intention>>> groups, String ns,
            String name) {
        Objects.requireNonNull(ns, "ns");
        Objects.requireNonNull(name, "name");
        List<Versioned<Intention>> out = new ArrayList<>();
        if (!IntentionRules.WILDCARD.equals(ns) && !IntentionRules.WILDCARD.equals(name)) {
            out.addAll(groups.getOrDefault(group(ns, name), List.of()));
        }
        if (!IntentionRules.WILDCARD.equals(ns)) {
            out.addAll(groups.getOrDefault(group(ns, IntentionRules.WILDCARD), List.of()));
        }
        out.addAll(groups.getOrDefault(group(IntentionRules.WILDCARD, IntentionRules.WILDCARD), List.of()));
        out.sort(ORDER); // three sorted groups of one destination or source: small
        return List.copyOf(out);
    }

    private static String group(String ns, String name) {
        return ns + "/" + name;
    }

    private static Map<String, List<Versioned<Intention>>> freeze(Map<String, List<Versioned<Intention>>> m) {
        Map<String, List<Versioned<Intention>>> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return Map.copyOf(out);
    }
}
