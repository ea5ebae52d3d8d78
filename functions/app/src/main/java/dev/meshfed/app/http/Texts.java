package dev.meshfed.app.http;

import java.nio.charset.StandardCharsets;

/** Helpers that keep client-visible text to one bounded, printable line. */
final class Texts {

    /** The longest piece of untrusted input ever quoted back in an error text. */
    static final int MAX_QUOTED = 64;

    private Texts() {
    }

    /**
     * Quotes untrusted text for an error message the way Go's {@code %q} does for ASCII: printable
     * ASCII as it is ({@code "} and {@code \} escaped), every other character as the {@code \xNN}
     * escapes of its UTF-8 bytes. Input longer than {@link #MAX_QUOTED} characters is cut and
     * marked with {@code ...} after the closing quote.
     */
    static String quote(String text) {
        boolean cut = text.length() > MAX_QUOTED;
        String shown = cut ? text.substring(0, MAX_QUOTED) : text;
        StringBuilder out = new StringBuilder(shown.length() + 8).append('"');
        shown.codePoints().forEach(cp -> {
            if (cp >= 0x20 && cp < 0x7f) {
                if (cp == '"' || cp == '\\') {
                    out.append('\\');
                }
                out.append((char) cp);
            } else {
                int encodable = Character.isSurrogate((char) cp) && cp <= 0xFFFF ? 0xFFFD : cp;
                for (byte b : new String(Character.toChars(encodable)).getBytes(StandardCharsets.UTF_8)) {
                    out.append("\\x").append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
                }
            }
        });
        out.append('"');
        if (cut) {
            out.append("...");
        }
        return out.toString();
    }

    /**
     * Makes {@code text} safe as a one-line plain-text body: every control character (CR and LF
     * included) becomes a space, and text beyond {@code max} characters is cut.
     */
    static String oneLine(String text, int max) {
        String bounded = text.length() > max ? text.substring(0, max) : text;
        StringBuilder out = new StringBuilder(bounded.length());
        for (int i = 0; i < bounded.length(); i++) {
            char c = bounded.charAt(i);
            out.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? ' ' : c);
        }
        return out.toString();
    }
}
