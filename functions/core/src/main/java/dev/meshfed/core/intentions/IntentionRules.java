package dev.meshfed.core.intentions;

import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.error.UntrustedText;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The pure rules of intentions (intentions.md "Model and validation", "Precedence"): validation
 * with Consul's texts ({@code Intention.Validate} in Consul's {@code agent/structs/intention.go},
 * and the L7 texts of {@code SourceIntention} validation in {@code config_entry_intentions.go}),
 * precedence ({@code UpdatePrecedence}), the match order, and the canonical key of the key link.
 *
 * <p>Validation reports the first problem found (Consul collects them all with multierror); the
 * texts keep Consul's field-name capitals, since clients match on them.
 */
public final class IntentionRules {

    /** The wildcard, only ever a whole value. */
    public static final String WILDCARD = "*";
    /** The namespace of a name given without one. */
    public static final String DEFAULT_NAMESPACE = "default";
    /** The only source type. */
    public static final String SOURCE_CONSUL = "consul";
    public static final String ALLOW = "allow";
    public static final String DENY = "deny";
    /** A name or namespace other than {@code *}. */
    public static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");
    /** A datacenter name in a datacenter field. */
    public static final Pattern DATACENTER = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    /** Consul's {@code metaValueMaxLength}, also the limit of {@code Description}. */
    public static final int MAX_DESCRIPTION = 512;
    /** Consul's {@code metaMaxKeyPairs}. */
    public static final int MAX_META_PAIRS = 64;
    /** Consul's {@code metaKeyMaxLength}. */
    public static final int MAX_META_KEY = 128;
    /** Consul's {@code metaValueMaxLength}. */
    public static final int MAX_META_VALUE = 512;

    /**
     * The match order (intentions.md): precedence descending; at equal precedence more datacenter
     * fields first; then lexicographically by source namespace, source name, destination
     * namespace, destination name, source DC, destination DC (Consul's
     * {@code IntentionPrecedenceSorter} plus meshfed's two fields). Total on distinct keys.
     */
    public static final Comparator<Intention> MATCH_ORDER = Comparator
            .comparingInt(Intention::precedence).reversed()
            .thenComparing(Comparator.comparingInt(IntentionRules::datacenterFields).reversed())
            .thenComparing(Intention::sourceNs)
            .thenComparing(Intention::sourceName)
            .thenComparing(Intention::destinationNs)
            .thenComparing(Intention::destinationName)
            .thenComparing(i -> nz(i.sourceDatacenter()))
            .thenComparing(i -> nz(i.destinationDatacenter()));

    private IntentionRules() {
    }

    /**
     * {@code draft} with its defaults (namespaces {@code default}, source type {@code consul},
     * absent datacenter fields and description empty, an empty {@code Permissions} array absent)
     * and its precedence computed, after validation. The client's precedence is ignored.
     *
     * @throws InvalidInput with Consul's text for the first problem found
     */
    public static Intention prepare(Intention draft) {
        Objects.requireNonNull(draft, "draft");
        String permissions = blank(draft.permissions()) || isEmptyArray(draft.permissions()) ? null
                : draft.permissions();
        Intention i = new Intention(draft.id(), orDefault(draft.sourceNs(), DEFAULT_NAMESPACE), nz(draft.sourceName()),
                orDefault(draft.destinationNs(), DEFAULT_NAMESPACE), nz(draft.destinationName()),
                nz(draft.sourceDatacenter()), nz(draft.destinationDatacenter()),
                orDefault(draft.sourceType(), SOURCE_CONSUL), nz(draft.action()), permissions, nz(draft.description()),
                draft.meta(), 0, draft.createdAt(), draft.updatedAt());
        validate(i);
        return withPrecedence(i);
    }

    /** {@code i} with the precedence its names give. */
    public static Intention withPrecedence(Intention i) {
        return new Intention(i.id(), i.sourceNs(), i.sourceName(), i.destinationNs(), i.destinationName(),
                i.sourceDatacenter(), i.destinationDatacenter(), i.sourceType(), i.action(), i.permissions(),
                i.description(), i.meta(), precedence(i.sourceNs(), i.sourceName(), i.destinationNs(),
                        i.destinationName()), i.createdAt(), i.updatedAt());
    }

    /**
     * Checks a prepared intention (defaults applied).
     *
     * @throws InvalidInput with Consul's text for the first problem found
     */
    public static void validate(Intention i) {
        name("SourceNS", i.sourceNs(), null);
        name("SourceName", i.sourceName(), i.sourceNs());
        name("DestinationNS", i.destinationNs(), null);
        name("DestinationName", i.destinationName(), i.destinationNs());
        datacenter("SourceDatacenter", i.sourceDatacenter());
        datacenter("DestinationDatacenter", i.destinationDatacenter());
        if (i.description() != null && i.description().length() > MAX_DESCRIPTION) {
            throw new InvalidInput("Description exceeds maximum length " + MAX_DESCRIPTION);
        }
        meta(i.meta());
        boolean l7 = i.permissions() != null;
        if (!l7 && !ALLOW.equals(i.action()) && !DENY.equals(i.action())) {
            throw new InvalidInput("Action must be set to 'allow' or 'deny'");
        }
        if (l7 && !blank(i.action())) {
            throw new InvalidInput("Action must be omitted if Permissions are specified");
        }
        if (l7 && WILDCARD.equals(i.destinationName())) {
            throw new InvalidInput("Permissions cannot be specified on intentions with wildcarded destinations");
        }
        if (!SOURCE_CONSUL.equals(i.sourceType())) {
            throw new InvalidInput("SourceType must be set to 'consul'");
        }
    }

    private static void name(String field, String value, String namespace) {
        if (blank(value)) {
            throw new InvalidInput(field + " must be set");
        }
        if (WILDCARD.equals(value)) {
            return;
        }
        if (value.contains(WILDCARD)) {
            throw new InvalidInput(field + ": wildcard character '*' cannot be used with partial values");
        }
        if (!NAME.matcher(value).matches()) {
            // meshfed: Consul accepts any text here; meshfed keeps names to what a service name can be
            throw new InvalidInput(field + ": invalid name \"" + UntrustedText.bounded(value)
                    + "\": letters, digits, '_', '.' and '-' only, starting with a letter or digit, at most 63 characters");
        }
        if (namespace != null && WILDCARD.equals(namespace)) {
            throw new InvalidInput(field + ": exact value cannot follow wildcard namespace");
        }
    }

    private static void datacenter(String field, String value) {
        if (!blank(value) && !DATACENTER.matcher(value).matches()) {
            throw new InvalidInput(field + ": invalid datacenter name \"" + UntrustedText.bounded(value)
                    + "\": lower-case letters, digits and '-' only, starting with a letter or digit, at most 63 characters");
        }
    }

    private static void meta(Map<String, String> meta) {
        if (meta.size() > MAX_META_PAIRS) {
            throw new InvalidInput("Meta exceeds maximum element count " + MAX_META_PAIRS);
        }
        for (Map.Entry<String, String> e : meta.entrySet()) {
            String k = e.getKey();
            if (k.length() > MAX_META_KEY) {
                throw new InvalidInput("Meta key \"" + UntrustedText.bounded(k) + "\" exceeds maximum length " + MAX_META_KEY);
            }
            if (e.getValue().length() > MAX_META_VALUE) {
                throw new InvalidInput("Meta value for key \"" + UntrustedText.bounded(k) + "\" exceeds maximum length "
                        + MAX_META_VALUE);
            }
        }
    }

    /**
     * Consul's precedence: {@code {2: 9, 1: 6, 0: 3}[exact(destination)] - (2 - exact(source))},
     * where {@code exact(ns, name)} is 0 for a wildcard namespace, 1 for a wildcard name, else 2.
     */
    public static int precedence(String sourceNs, String sourceName, String destinationNs, String destinationName) {
        int max = switch (exact(destinationNs, destinationName)) {
            case 2 -> 9;
            case 1 -> 6;
            default -> 3;
        };
        return max - (2 - exact(sourceNs, sourceName));
    }

    private static int exact(String ns, String name) {
        if (WILDCARD.equals(ns)) {
            return 0;
        }
        return WILDCARD.equals(name) ? 1 : 2;
    }

    /** How many of the two datacenter fields are set. */
    public static int datacenterFields(Intention i) {
        return (blank(i.sourceDatacenter()) ? 0 : 1) + (blank(i.destinationDatacenter()) ? 0 : 1);
    }

    /**
     * The canonical key of an intention: its six key fields joined by {@code /}, e.g.
     * {@code default/web/default/db//dc2} (source ns, source name, destination ns, destination
     * name, source DC, destination DC; absent DCs empty). Collision-free for validated
     * intentions: no field's alphabet contains {@code /} (names and namespaces are
     * {@code [a-zA-Z0-9_.-]} or {@code *}, datacenters {@code [a-z0-9-]} or empty), and there are
     * always exactly six fields, so the text splits back into the same six values. At most 4 x 63
     * + 2 x 63 + 5 = 383 bytes, inside the item key's 512-byte id.
     */
    public static String canonicalKey(List<String> key) {
        if (key.size() != 6) {
            throw new IllegalArgumentException("an intention key has six fields");
        }
        return String.join("/", key);
    }

    /** The canonical key of {@code i} ({@link #canonicalKey(List)}). */
    public static String canonicalKey(Intention i) {
        return canonicalKey(i.key());
    }

    /**
     * Consul's {@code Intention.String()}: {@code default/web => default/db (ID: <id>, Precedence: 9,
     * Action: ALLOW)}, or {@code Permissions: <n>} in place of the action for an L7 intention.
     */
    public static String describe(Intention i) {
        String detail = i.permissions() != null ? "Permissions: " + permissionCount(i.permissions())
                : "Action: " + nz(i.action()).toUpperCase(java.util.Locale.ROOT);
        String id = blank(i.id()) ? "" : "ID: " + i.id() + ", ";
        return i.sourceNs() + "/" + i.sourceName() + " => " + i.destinationNs() + "/" + i.destinationName() + " ("
                + id + "Precedence: " + i.precedence() + ", " + detail + ")";
    }

    /**
     * The number of elements of a JSON array given as text (0 for anything that is not an array).
     * A small scanner that skips strings and nested values; the text was produced by meshfed's JSON
     * writer, so it is well-formed.
     */
    public static int permissionCount(String jsonArray) {
        String s = jsonArray.strip();
        if (s.length() < 2 || s.charAt(0) != '[') {
            return 0;
        }
        int depth = 0;
        int count = 0;
        boolean inString = false;
        boolean any = false;
        for (int k = 1; k < s.length() - 1; k++) {
            char c = s.charAt(k);
            if (inString) {
                if (c == '\\') {
                    k++;
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            if (!Character.isWhitespace(c)) {
                any = true;
            }
            switch (c) {
                case '"' -> inString = true;
                case '[', '{' -> depth++;
                case ']', '}' -> depth--;
                case ',' -> {
                    if (depth == 0) {
                        count++;
                    }
                }
                default -> {
                }
            }
        }
        return any ? count + 1 : 0;
    }

    private static boolean isEmptyArray(String json) {
        return json.strip().replace(" ", "").equals("[]") || json.strip().equals("null");
    }

    static boolean blank(String s) {
        return s == null || s.isEmpty();
    }

    static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String orDefault(String s, String dflt) {
        return blank(s) ? dflt : s;
    }
}
