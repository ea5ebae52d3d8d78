package dev.meshfed.core.config;

import dev.meshfed.core.error.InvalidInput;

import java.util.Locale;
import java.util.Objects;

/**
 * The meaning and syntax of an {@code AllowedDNSSuffixes} entry (meshfed).
 *
 * <p>An entry is a DNS name such as {@code example.com} or {@code svc.internal}: letters, digits and
 * hyphens in dot-separated labels of 1 to 63 characters that neither start nor end with a hyphen, at
 * most 253 characters in all, no leading or trailing dot and no wildcard. It allows that name and
 * every name below it ({@code api.example.com}, {@code a.b.example.com}), never a name that merely
 * ends with the same characters ({@code badexample.com}). Comparison ignores ASCII case.
 */
public final class DnsSuffixes {

    /** Longest DNS name in text form (RFC 1035, without the trailing dot). */
    public static final int MAX_NAME_LENGTH = 253;
    /** Longest DNS label (RFC 1035). */
    public static final int MAX_LABEL_LENGTH = 63;

    private DnsSuffixes() {
    }

    /**
     * Checks the syntax of one entry.
     *
     * @throws InvalidInput {@code invalid DNS suffix "x": <reason>}
     */
    public static void validate(String suffix) {
        Objects.requireNonNull(suffix, "suffix");
        String problem = problem(suffix);
        if (problem != null) {
            throw new InvalidInput("invalid DNS suffix " + GoStrconv.quoteBounded(suffix) + ": " + problem);
        }
    }

    /**
     * Whether {@code dnsName} is allowed by {@code suffix}: equal to it or below it at a label
     * boundary, ignoring ASCII case. A name with a trailing dot is compared without it.
     */
    public static boolean matches(String suffix, String dnsName) {
        String s = suffix.toLowerCase(Locale.ROOT);
        String n = dnsName.toLowerCase(Locale.ROOT);
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        return n.equals(s) || n.endsWith("." + s);
    }

    /** Why {@code suffix} is not a valid entry, or {@code null} when it is. */
    static String problem(String suffix) {
        if (suffix.isEmpty()) {
            return "must not be empty";
        }
        if (suffix.length() > MAX_NAME_LENGTH) {
            return "must be at most " + MAX_NAME_LENGTH + " characters";
        }
        if (suffix.indexOf('*') >= 0) {
            return "must not contain a wildcard: an entry already allows every name below it";
        }
        if (suffix.startsWith(".")) {
            return "must not start with a dot: an entry already allows every name below it";
        }
        if (suffix.endsWith(".")) {
            return "must not end with a dot";
        }
        for (String label : suffix.split("\\.", -1)) {
            if (!validLabel(label)) {
                return "label " + GoStrconv.quoteBounded(label) + " must be 1 to " + MAX_LABEL_LENGTH
                        + " letters, digits or hyphens, not starting or ending with a hyphen";
            }
        }
        return null;
    }

    private static boolean validLabel(String label) {
        if (label.isEmpty() || label.length() > MAX_LABEL_LENGTH) {
            return false;
        }
        if (label.charAt(0) == '-' || label.charAt(label.length() - 1) == '-') {
            return false;
        }
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
