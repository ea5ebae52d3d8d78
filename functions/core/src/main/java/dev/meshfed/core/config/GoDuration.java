package dev.meshfed.core.config;

import dev.meshfed.core.error.InvalidInput;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * Go's {@code time.Duration} text form, parsed and printed exactly as Go's {@code time.ParseDuration}
 * and {@code Duration.String()} do, so that configuration written for Consul means the same here and
 * error texts match Consul's.
 *
 * <p>A Go duration is a signed 64-bit count of nanoseconds; this class maps it to and from
 * {@link Duration}. The grammar is {@code [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+} with the units
 * {@code ns}, {@code us}, {@code µs} (U+00B5), {@code μs} (U+03BC), {@code ms}, {@code s},
 * {@code m} and {@code h}; a lone {@code 0} (optionally signed) needs no unit. Days are not a unit.
 *
 * <p>The arithmetic follows Go's own, unsigned, including its rounding of fractions through a
 * 64-bit float (so {@code 1.0000000001h} and Go agree to the nanosecond) and its overflow rules:
 * the range is {@code -9223372036854775808ns} to {@code 9223372036854775807ns}.
 */
public final class GoDuration {

    /** The largest Go duration, {@code 2562047h47m16.854775807s}. */
    public static final Duration MAX = Duration.ofNanos(Long.MAX_VALUE);
    /** The smallest Go duration, {@code -2562047h47m16.854775808s}. */
    public static final Duration MIN = Duration.ofNanos(Long.MIN_VALUE);

    private static final long NANOSECOND = 1L;
    private static final long MICROSECOND = 1_000L * NANOSECOND;
    private static final long MILLISECOND = 1_000L * MICROSECOND;
    private static final long SECOND = 1_000L * MILLISECOND;
    private static final long MINUTE = 60L * SECOND;
    private static final long HOUR = 60L * MINUTE;

    /** 1&lt;&lt;63 read as an unsigned 64-bit number, Go's overflow bound during accumulation. */
    private static final long TWO_POW_63 = Long.MIN_VALUE;

    private GoDuration() {
    }

    /**
     * Parses {@code text} as Go's {@code time.ParseDuration} does.
     *
     * @return the duration, exact to the nanosecond Go would compute
     * @throws InvalidInput with Go's own text: {@code time: invalid duration "x"},
     *     {@code time: missing unit in duration "1"} or
     *     {@code time: unknown unit "d" in duration "1d"}
     */
    public static Duration parse(String text) {
        Objects.requireNonNull(text, "text");
        final String orig = text;
        final int n = text.length();
        int i = 0;
        boolean neg = false;
        long d = 0; // unsigned accumulator, as in Go

        if (n > 0) {
            char c = text.charAt(0);
            if (c == '-' || c == '+') {
                neg = c == '-';
                i = 1;
            }
        }
        // A lone "0" (after the sign) needs no unit.
        if (n - i == 1 && text.charAt(i) == '0') {
            return Duration.ZERO;
        }
        if (i == n) {
            throw invalid(orig);
        }
        while (i < n) {
            long v;
            long f = 0;
            double scale = 1;

            char c = text.charAt(i);
            if (!(c == '.' || isDigit(c))) {
                throw invalid(orig);
            }
            // Integer part: [0-9]*
            int start = i;
            long x = 0;
            while (i < n && isDigit(text.charAt(i))) {
                if (ugt(x, Long.divideUnsigned(TWO_POW_63, 10))) {
                    throw invalid(orig);
                }
                x = x * 10 + (text.charAt(i) - '0');
                if (ugt(x, TWO_POW_63)) {
                    throw invalid(orig);
                }
                i++;
            }
            v = x;
            boolean pre = i != start;

            // Fraction: (\.[0-9]*)? ; precision stops accumulating on overflow, no error.
            boolean post = false;
            if (i < n && text.charAt(i) == '.') {
                i++;
                int fracStart = i;
                boolean overflow = false;
                while (i < n && isDigit(text.charAt(i))) {
                    int digit = text.charAt(i) - '0';
                    i++;
                    if (overflow) {
                        continue;
                    }
                    if (ugt(f, Long.MAX_VALUE / 10)) {
                        overflow = true;
                        continue;
                    }
                    long y = f * 10 + digit;
                    if (ugt(y, TWO_POW_63)) {
                        overflow = true;
                        continue;
                    }
                    f = y;
                    scale *= 10;
                }
                post = i != fracStart;
            }
            if (!pre && !post) {
                // no digits at all, as in ".s" or "-.s"
                throw invalid(orig);
            }

            // Unit: everything up to the next '.' or digit.
            int unitStart = i;
            while (i < n) {
                char u = text.charAt(i);
                if (u == '.' || isDigit(u)) {
                    break;
                }
                i++;
            }
            if (i == unitStart) {
                throw new InvalidInput("time: missing unit in duration " + quote(orig));
            }
            String unitText = text.substring(unitStart, i);
            long unit = unitNanos(unitText);
            if (unit == 0) {
                throw new InvalidInput("time: unknown unit " + quote(unitText) + " in duration " + quote(orig));
            }
            if (ugt(v, Long.divideUnsigned(TWO_POW_63, unit))) {
                throw invalid(orig);
            }
            v *= unit;
            if (f != 0) {
                // Go: v += uint64(float64(f) * (float64(unit) / scale)); the product is below 3.6e12.
                v += (long) (unsignedToDouble(f) * ((double) unit / scale));
                if (ugt(v, TWO_POW_63)) {
                    throw invalid(orig);
                }
            }
            d += v;
            if (ugt(d, TWO_POW_63)) {
                throw invalid(orig);
            }
        }
        if (neg) {
            return Duration.ofNanos(-d);
        }
        if (ugt(d, Long.MAX_VALUE)) {
            throw invalid(orig);
        }
        return Duration.ofNanos(d);
    }

    /**
     * Prints {@code duration} as Go's {@code Duration.String()} does: {@code 72h0m0s},
     * {@code 1m30s}, {@code 1.5s}, {@code 500ms}, {@code 1.5µs} (U+00B5), {@code 10ns}, {@code 0s}.
     * Hours are the largest unit. {@code parse(format(d))} equals {@code d} for every Go duration.
     *
     * @throws IllegalArgumentException if {@code duration} is outside Go's range ({@link #MIN} to {@link #MAX})
     */
    public static String format(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        long nanos;
        try {
            nanos = duration.toNanos();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("duration " + duration + " is outside the range of a Go duration");
        }
        return formatNanos(nanos);
    }

    /** Whether {@code duration} fits a Go duration (a signed 64-bit count of nanoseconds). */
    public static boolean fits(Duration duration) {
        return duration.compareTo(MIN) >= 0 && duration.compareTo(MAX) <= 0;
    }

    private static String formatNanos(long nanos) {
        char[] buf = new char[32];
        int w = buf.length;
        boolean neg = nanos < 0;
        long u = neg ? -nanos : nanos; // unsigned; Long.MIN_VALUE stays 1<<63

        if (Long.compareUnsigned(u, SECOND) < 0) {
            // Below one second: the largest unit that keeps an integer part, like 1.2ms.
            int prec;
            buf[--w] = 's';
            w--;
            if (u == 0) {
                buf[w] = '0';
                return new String(buf, w, buf.length - w);
            } else if (u < MICROSECOND) {
                prec = 0;
                buf[w] = 'n';
            } else if (u < MILLISECOND) {
                prec = 3;
                buf[w] = '\u00b5';
            } else {
                prec = 6;
                buf[w] = 'm';
            }
            w = fmtFrac(buf, w, u, prec);
            u = Long.divideUnsigned(u, pow10(prec));
            w = fmtInt(buf, w, u);
        } else {
            buf[--w] = 's';
            w = fmtFrac(buf, w, u, 9);
            u = Long.divideUnsigned(u, SECOND); // whole seconds
            w = fmtInt(buf, w, u % 60);
            u /= 60; // whole minutes; fits a signed long from here on
            if (u > 0) {
                buf[--w] = 'm';
                w = fmtInt(buf, w, u % 60);
                u /= 60; // whole hours: the largest unit, days vary in length
                if (u > 0) {
                    buf[--w] = 'h';
                    w = fmtInt(buf, w, u);
                }
            }
        }
        if (neg) {
            buf[--w] = '-';
        }
        return new String(buf, w, buf.length - w);
    }

    /** Writes the fraction of v / 10^prec (".12345") before index w, without trailing zeros. */
    private static int fmtFrac(char[] buf, int w, long v, int prec) {
        boolean print = false;
        for (int k = 0; k < prec; k++) {
            int digit = (int) Long.remainderUnsigned(v, 10);
            print = print || digit != 0;
            if (print) {
                buf[--w] = (char) ('0' + digit);
            }
            v = Long.divideUnsigned(v, 10);
        }
        if (print) {
            buf[--w] = '.';
        }
        return w;
    }

    private static int fmtInt(char[] buf, int w, long v) {
        if (v == 0) {
            buf[--w] = '0';
            return w;
        }
        while (v != 0) {
            buf[--w] = (char) ('0' + Long.remainderUnsigned(v, 10));
            v = Long.divideUnsigned(v, 10);
        }
        return w;
    }

    private static long pow10(int exponent) {
        long r = 1;
        for (int k = 0; k < exponent; k++) {
            r *= 10;
        }
        return r;
    }

    private static long unitNanos(String unit) {
        switch (unit) {
            case "ns":
                return NANOSECOND;
            case "us":
            case "\u00b5s": // micro sign
            case "\u03bcs": // Greek small letter mu
                return MICROSECOND;
            case "ms":
                return MILLISECOND;
            case "s":
                return SECOND;
            case "m":
                return MINUTE;
            case "h":
                return HOUR;
            default:
                return 0;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean ugt(long a, long b) {
        return Long.compareUnsigned(a, b) > 0;
    }

    /** float64(x) for an unsigned x, rounded to nearest like Go's conversion. */
    private static double unsignedToDouble(long x) {
        if (x >= 0) {
            return (double) x;
        }
        return ((double) ((x >>> 1) | (x & 1))) * 2.0;
    }

    private static InvalidInput invalid(String orig) {
        return new InvalidInput("time: invalid duration " + quote(orig));
    }

    /**
     * Quotes text the way Go's time package does in its errors: ASCII printable characters as they
     * are ({@code "} and {@code \} escaped with a backslash), every other character as the
     * {@code \xNN} escapes of its UTF-8 bytes.
     */
    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        text.codePoints().forEach(cp -> {
            if (cp >= 0x80 || cp < ' ') {
                // A lone surrogate cannot be encoded; Go would see U+FFFD (EF BF BD) in its place.
                int encodable = Character.isSurrogate((char) cp) && cp <= 0xFFFF ? 0xFFFD : cp;
                byte[] utf8 = new String(Character.toChars(encodable)).getBytes(StandardCharsets.UTF_8);
                for (byte b : utf8) {
                    out.append("\\x").append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
                }
            } else {
                if (cp == '"' || cp == '\\') {
                    out.append('\\');
                }
                out.append((char) cp);
            }
        });
        return out.append('"').toString();
    }
}
