package dev.meshfed.core.config;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The few pieces of Go's {@code strconv} package that Consul's weak decoding of CA configuration
 * relies on, with Go's syntax and Go's error texts ({@code strconv.ParseInt: parsing "x": invalid
 * syntax}). Package-private: callers use {@link CaConfigDecoder}.
 */
final class GoStrconv {

    /** A Go {@code *strconv.NumError}: the text is what Go's {@code Error()} prints. */
    static final class NumError extends Exception {
        NumError(String function, String input, boolean range) {
            super("strconv." + function + ": parsing " + quote(input) + ": "
                    + (range ? "value out of range" : "invalid syntax"), null, false, false);
        }
    }

    private GoStrconv() {
    }

    /**
     * Go's {@code strconv.ParseInt(s, 0, 64)}: an optional sign, then a decimal number, or one
     * with a base prefix ({@code 0x}, {@code 0o}, {@code 0b}, or a bare leading {@code 0} for
     * octal), with underscores allowed between digits as in Go source.
     */
    static long parseInt64(String s) throws NumError {
        final String fn = "ParseInt";
        if (s.isEmpty()) {
            throw new NumError(fn, s, false);
        }
        String digits = s;
        boolean neg = false;
        if (s.charAt(0) == '+') {
            digits = s.substring(1);
        } else if (s.charAt(0) == '-') {
            neg = true;
            digits = s.substring(1);
        }
        long un;
        try {
            un = parseUint64(digits);
        } catch (UintRange e) {
            throw new NumError(fn, s, true);
        } catch (UintSyntax e) {
            throw new NumError(fn, s, false);
        }
        long cutoff = Long.MIN_VALUE; // 1<<63 unsigned
        if (!neg && Long.compareUnsigned(un, cutoff) >= 0) {
            throw new NumError(fn, s, true);
        }
        if (neg && Long.compareUnsigned(un, cutoff) > 0) {
            throw new NumError(fn, s, true);
        }
        return neg ? -un : un;
    }

    private static final class UintSyntax extends Exception {
        UintSyntax() {
            super(null, null, false, false);
        }
    }

    private static final class UintRange extends Exception {
        UintRange() {
            super(null, null, false, false);
        }
    }

    /** Go's {@code ParseUint(s, 0, 64)} without its error wrapping. */
    private static long parseUint64(String s0) throws UintSyntax, UintRange {
        if (s0.isEmpty()) {
            throw new UintSyntax();
        }
        String s = s0;
        int base = 10;
        if (s.charAt(0) == '0') {
            char p = s.length() >= 3 ? Character.toLowerCase(s.charAt(1)) : 0;
            if (p == 'b') {
                base = 2;
                s = s.substring(2);
            } else if (p == 'o') {
                base = 8;
                s = s.substring(2);
            } else if (p == 'x') {
                base = 16;
                s = s.substring(2);
            } else {
                base = 8;
                s = s.substring(1);
            }
        }
        long cutoff = Long.divideUnsigned(-1L, base) + 1; // smallest n with n*base > max uint64
        boolean underscores = false;
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int d;
            if (c == '_') {
                underscores = true;
                continue;
            } else if (c >= '0' && c <= '9') {
                d = c - '0';
            } else if (Character.toLowerCase(c) >= 'a' && Character.toLowerCase(c) <= 'z' && c < 0x80) {
                d = Character.toLowerCase(c) - 'a' + 10;
            } else {
                throw new UintSyntax();
            }
            if (d >= base) {
                throw new UintSyntax();
            }
            if (Long.compareUnsigned(n, cutoff) >= 0) {
                throw new UintRange();
            }
            n *= base;
            long n1 = n + d;
            if (Long.compareUnsigned(n1, n) < 0) {
                throw new UintRange();
            }
            n = n1;
        }
        if (underscores && !underscoreOk(s0)) {
            throw new UintSyntax();
        }
        return n;
    }

    /**
     * Go's rule for underscores in number literals: only between digits, or between a base prefix
     * and a digit.
     */
    static boolean underscoreOk(String s) {
        char saw = '^'; // ^ start, 0 digit or prefix, _ underscore, ! anything else
        int i = 0;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            s = s.substring(1);
        }
        boolean hex = false;
        if (s.length() >= 2 && s.charAt(0) == '0') {
            char p = Character.toLowerCase(s.charAt(1));
            if (p == 'b' || p == 'o' || p == 'x') {
                i = 2;
                saw = '0';
                hex = p == 'x';
            }
        }
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            char lc = Character.toLowerCase(c);
            if ((c >= '0' && c <= '9') || (hex && lc >= 'a' && lc <= 'f')) {
                saw = '0';
                continue;
            }
            if (c == '_') {
                if (saw != '0') {
                    return false;
                }
                saw = '_';
                continue;
            }
            if (saw == '_') {
                return false;
            }
            saw = '!';
        }
        return saw != '_';
    }

    /**
     * Go's {@code strconv.ParseFloat(s, 32)} as far as meshfed needs it: Go's syntax (decimal and
     * hexadecimal literals, underscores, {@code Inf}, {@code Infinity}, {@code NaN}) and its range
     * error for values beyond a 32-bit float. The value is returned as a double, not rounded to 32
     * bits.
     */
    static double parseFloat32Range(String s) throws NumError {
        final String fn = "ParseFloat";
        Double special = special(s);
        if (special != null) {
            return special;
        }
        if (!isGoFloatSyntax(s)) {
            throw new NumError(fn, s, false);
        }
        double value = Double.parseDouble(s.replace("_", ""));
        if (Double.isInfinite(value) || Float.isInfinite((float) value)) {
            throw new NumError(fn, s, true);
        }
        return value;
    }

    /** Go's {@code special}: [+-]inf, [+-]infinity, nan, any case, and nothing else after it. */
    private static Double special(String s) {
        if (s.isEmpty()) {
            return null;
        }
        String rest = s;
        double sign = 1;
        boolean signed = false;
        if (s.charAt(0) == '+' || s.charAt(0) == '-') {
            sign = s.charAt(0) == '-' ? -1 : 1;
            rest = s.substring(1);
            signed = true;
        }
        if (rest.equalsIgnoreCase("inf") || rest.equalsIgnoreCase("infinity")) {
            return sign * Double.POSITIVE_INFINITY;
        }
        if (!signed && rest.equalsIgnoreCase("nan")) {
            return Double.NaN;
        }
        return null;
    }

    /** Go's {@code readFloat} grammar, applied to the whole string. */
    private static boolean isGoFloatSyntax(String s) {
        int n = s.length();
        int i = 0;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        boolean hex = false;
        char expChar = 'e';
        if (i + 2 < n && s.charAt(i) == '0' && Character.toLowerCase(s.charAt(i + 1)) == 'x') {
            hex = true;
            expChar = 'p';
            i += 2;
        }
        boolean underscores = false;
        boolean sawDot = false;
        boolean sawDigits = false;
        for (; i < n; i++) {
            char c = s.charAt(i);
            char lc = Character.toLowerCase(c);
            if (c == '_') {
                underscores = true;
            } else if (c == '.') {
                if (sawDot) {
                    break;
                }
                sawDot = true;
            } else if (c >= '0' && c <= '9') {
                sawDigits = true;
            } else if (hex && lc >= 'a' && lc <= 'f') {
                sawDigits = true;
            } else {
                break;
            }
        }
        if (!sawDigits) {
            return false;
        }
        if (i < n && Character.toLowerCase(s.charAt(i)) == expChar) {
            i++;
            if (i >= n) {
                return false;
            }
            if (s.charAt(i) == '+' || s.charAt(i) == '-') {
                i++;
            }
            if (i >= n || s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
            while (i < n && ((s.charAt(i) >= '0' && s.charAt(i) <= '9') || s.charAt(i) == '_')) {
                if (s.charAt(i) == '_') {
                    underscores = true;
                }
                i++;
            }
        } else if (hex) {
            return false; // a hexadecimal mantissa needs a 'p' exponent
        }
        if (underscores && !underscoreOk(s.substring(0, i))) {
            return false;
        }
        return i == n;
    }

    /** Go's {@code strconv.ParseBool}. */
    static boolean parseBool(String s) throws NumError {
        switch (s) {
            case "1": case "t": case "T": case "TRUE": case "true": case "True":
                return true;
            case "0": case "f": case "F": case "FALSE": case "false": case "False":
                return false;
            default:
                throw new NumError("ParseBool", s, false);
        }
    }

    /**
     * Go's {@code strconv.FormatFloat(f, 'f', -1, 64)}: the shortest decimal that reads back as
     * the same double, without an exponent. (Java 17's {@link Double#toString} is not always the
     * shortest; the rare difference is in the last digit of values no configuration uses.)
     */
    static String formatFloat(double f) {
        if (Double.isNaN(f)) {
            return "NaN";
        }
        if (Double.isInfinite(f)) {
            return f > 0 ? "+Inf" : "-Inf";
        }
        if (f == 0) {
            return (1 / f < 0) ? "-0" : "0";
        }
        return new BigDecimal(Double.toString(f)).stripTrailingZeros().toPlainString();
    }

    /** Decimal text of an integral JSON number. */
    static String formatInteger(BigInteger value) {
        return value.toString();
    }

    /** Longest value an error message repeats; DNS names (253) fit. */
    static final int MAX_ECHOED_VALUE = 256;

    /**
     * Whether an error message may repeat {@code value}: short, and not PEM (a key pasted into
     * the wrong field must not come back in a response body or a log line).
     */
    static boolean echoable(String value) {
        return value.length() <= MAX_ECHOED_VALUE && !value.contains("-----BEGIN") && !value.contains("PRIVATE KEY");
    }

    /** {@link #quote(String)} when {@link #echoable(String)}, else a description that repeats nothing. */
    static String quoteBounded(String value) {
        return echoable(value) ? quote(value) : "(a value of " + value.length() + " characters, not repeated)";
    }

    /**
     * Go's {@code strconv.Quote}: a double-quoted Go string literal, printable characters as
     * they are, the rest escaped.
     */
    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '"': out.append("\\\""); return;
                case '\\': out.append("\\\\"); return;
                case 0x07: out.append("\\a"); return;
                case '\b': out.append("\\b"); return;
                case '\f': out.append("\\f"); return;
                case '\n': out.append("\\n"); return;
                case '\r': out.append("\\r"); return;
                case '\t': out.append("\\t"); return;
                case 0x0b: out.append("\\v"); return;
                default:
                    break;
            }
            if (isPrint(cp)) {
                out.appendCodePoint(cp);
            } else if (cp < ' ' || cp == 0x7f) {
                out.append(String.format("\\x%02x", cp));
            } else if (Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
                out.append("\\ufffd");
            } else if (cp < 0x10000) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.append(String.format("\\U%08x", cp));
            }
        });
        return out.append('"').toString();
    }

    private static boolean isPrint(int cp) {
        if (cp == ' ') {
            return true;
        }
        if (cp < ' ' || cp == 0x7f) {
            return false;
        }
        switch (Character.getType(cp)) {
            case Character.UNASSIGNED:
            case Character.CONTROL:
            case Character.FORMAT:
            case Character.PRIVATE_USE:
            case Character.SURROGATE:
            case Character.SPACE_SEPARATOR:
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
                return false;
            default:
                return true;
        }
    }
}
