package dev.meshfed.core.error;

/**
 * Untrusted text (from a request, a CSR, a stored or streamed item) quoted in an error message or
 * a log line: at most {@value #MAX} characters and no control characters, so a hostile value can
 * neither flood a log nor forge a line in it.
 */
public final class UntrustedText {
    /** Longest quoted text. */
    public static final int MAX = 128;

    private UntrustedText() {
    }

    /** {@code text} cut at {@value #MAX} characters (then {@code ...}), control characters as {@code ?}. */
    public static String bounded(String text) {
        if (text == null) {
            return "null";
        }
        String t = text.length() > MAX ? text.substring(0, MAX) + "..." : text;
        StringBuilder sb = new StringBuilder(t.length());
        t.codePoints().forEach(c -> sb.appendCodePoint(c < 0x20 || c == 0x7f ? '?' : c));
        return sb.toString();
    }
}
