package dev.meshfed.app.http;

import dev.meshfed.core.error.InvalidInput;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Percent-decoding of URL components, strict where Go's {@code url.QueryUnescape} and
 * {@code url.PathUnescape} are strict (a {@code %} must be followed by two hex digits) and stricter
 * where meshfed needs text: the decoded bytes must be valid UTF-8.
 */
final class PercentDecoding {

    private PercentDecoding() {
    }

    /**
     * Decodes {@code raw}.
     *
     * @param plusAsSpace {@code true} in a query string, where {@code +} means a space; {@code false}
     *     in a path, where it is a plus sign
     * @param context names the component in error texts, for example {@code "query string"}
     * @throws InvalidInput {@code invalid <context>: invalid URL escape "%zz"} (Go's wording) or
     *     {@code invalid <context>: not valid UTF-8 once decoded}
     */
    static String decode(String raw, boolean plusAsSpace, String context) {
        if (raw.indexOf('%') < 0 && (!plusAsSpace || raw.indexOf('+') < 0)) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        int i = 0;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length() || hex(raw.charAt(i + 1)) < 0 || hex(raw.charAt(i + 2)) < 0) {
                    String escape = raw.substring(i, Math.min(raw.length(), i + 3));
                    throw new InvalidInput("invalid " + context + ": invalid URL escape " + Texts.quote(escape));
                }
                bytes.write(hex(raw.charAt(i + 1)) << 4 | hex(raw.charAt(i + 2)));
                i += 3;
            } else if (c == '+' && plusAsSpace) {
                bytes.write(' ');
                i++;
            } else if (c < 0x80) {
                bytes.write(c);
                i++;
            } else {
                // A raw non-ASCII character (the caller handed us text, not bytes): keep it as UTF-8.
                int cp = raw.codePointAt(i);
                byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
                i += Character.charCount(cp);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidInput("invalid " + context + ": not valid UTF-8 once decoded");
        }
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
