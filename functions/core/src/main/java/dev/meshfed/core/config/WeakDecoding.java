package dev.meshfed.core.config;

import dev.meshfed.core.error.InvalidInput;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Consul's weak decoding of CA configuration values (mapstructure with
 * {@code WeaklyTypedInput} and Consul's duration hook), over the values a JSON parser yields:
 * {@link String}, {@link Number}, {@link Boolean}, {@link List}, {@link Map}. A {@code null} value
 * never reaches here: it leaves the default in place, as in Consul.
 *
 * <p>Error texts are mapstructure's, naming the field by its canonical name; the offending value is
 * never repeated for unconvertible types (mapstructure appends it; meshfed does not), nor when it
 * is long or looks like PEM, so a misplaced secret is never echoed.
 */
final class WeakDecoding {

    /** A field that cannot be decoded; the message names the field. */
    static final class FieldError extends Exception {
        FieldError(String message) {
            super(message, null, false, false);
        }
    }

    private WeakDecoding() {
    }

    /**
     * A duration: strings go through Go's {@code time.ParseDuration} (Consul's decode hook); numbers
     * are nanoseconds, fractions truncated toward zero; booleans are 1ns or 0.
     */
    static Duration duration(String name, Object value) throws FieldError {
        if (value instanceof String) {
            String text = (String) value;
            try {
                return GoDuration.parse(text);
            } catch (InvalidInput e) {
                String reason = GoStrconv.echoable(text) ? e.getMessage()
                        : "time: invalid duration " + GoStrconv.quoteBounded(text);
                throw new FieldError("error decoding '" + name + "': " + reason);
            }
        }
        long nanos = int64(name, value, ConfigKey.Kind.DURATION.goType);
        return Duration.ofNanos(nanos);
    }

    /**
     * An int: numbers (fractions truncated toward zero), booleans (1 or 0), and strings in Go
     * integer syntax ({@code "256"}, {@code "0x100"}, {@code "1_000"}; {@code ""} is 0). meshfed's
     * ints are 32-bit, Consul's 64-bit: values beyond 32 bits are refused.
     */
    static int int32(String name, Object value) throws FieldError {
        long v;
        if (value instanceof String) {
            String s = ((String) value).isEmpty() ? "0" : (String) value;
            try {
                v = GoStrconv.parseInt64(s);
            } catch (GoStrconv.NumError e) {
                throw new FieldError("cannot parse '" + name + "' as int: " + numErrorText(e, s));
            }
        } else {
            v = int64(name, value, ConfigKey.Kind.INT.goType);
        }
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw intOutOfRange(name, value);
        }
        return (int) v;
    }

    /** A 64-bit integer from a non-string value, as mapstructure's {@code decodeInt}. */
    private static long int64(String name, Object value, String goType) throws FieldError {
        if (value instanceof Boolean) {
            return (Boolean) value ? 1 : 0;
        }
        if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger) {
            BigInteger b = (BigInteger) value;
            if (b.bitLength() > 63) {
                throw outOfRange(name, value, goType);
            }
            return b.longValue();
        }
        if (value instanceof Number) { // Double, Float, BigDecimal, others: Go's int64(float64) truncation
            BigDecimal d;
            try {
                d = value instanceof BigDecimal ? (BigDecimal) value : new BigDecimal(((Number) value).doubleValue());
            } catch (NumberFormatException notFinite) {
                throw outOfRange(name, value, goType);
            }
            try {
                return d.setScale(0, RoundingMode.DOWN).longValueExact();
            } catch (ArithmeticException tooLarge) {
                throw outOfRange(name, value, goType);
            }
        }
        throw unconvertible(name, goType, value);
    }

    private static FieldError outOfRange(String name, Object value, String goType) {
        if (goType.equals(ConfigKey.Kind.DURATION.goType)) {
            return new FieldError("'" + name + "' value " + value + " is out of range: a number is read as nanoseconds,"
                    + " at most " + Long.MAX_VALUE);
        }
        return intOutOfRange(name, value);
    }

    private static FieldError intOutOfRange(String name, Object value) {
        return new FieldError("'" + name + "' value " + value + " is out of range (meshfed accepts "
                + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE + ")");
    }

    /**
     * A float: numbers, booleans (1 or 0), and strings in Go float syntax ({@code "50"},
     * {@code "50.5"}, {@code "5e1"}; {@code ""} is 0), with Go's range error beyond a 32-bit float
     * (Consul's {@code CSRMaxPerSecond} is a {@code float32}). The value itself is kept as a double.
     */
    static double float64(String name, Object value) throws FieldError {
        if (value instanceof String) {
            String s = ((String) value).isEmpty() ? "0" : (String) value;
            try {
                return GoStrconv.parseFloat32Range(s);
            } catch (GoStrconv.NumError e) {
                throw new FieldError("cannot parse '" + name + "' as float: " + numErrorText(e, s));
            }
        }
        if (value instanceof Boolean) {
            return (Boolean) value ? 1 : 0;
        }
        if (value instanceof Number) {
            return ((Number) value).doubleValue();
        }
        throw unconvertible(name, ConfigKey.Kind.FLOAT.goType, value);
    }

    /** A bool: booleans, numbers (non-zero is true), and strings in Go's {@code ParseBool} forms ({@code ""} is false). */
    static boolean bool(String name, Object value) throws FieldError {
        if (value instanceof Boolean) {
            return (Boolean) value;
        }
        if (value instanceof Number) {
            if (value instanceof BigDecimal) {
                return ((BigDecimal) value).signum() != 0;
            }
            if (value instanceof BigInteger) {
                return ((BigInteger) value).signum() != 0;
            }
            return ((Number) value).doubleValue() != 0;
        }
        if (value instanceof String) {
            String s = (String) value;
            if (s.isEmpty()) {
                return false;
            }
            try {
                return GoStrconv.parseBool(s);
            } catch (GoStrconv.NumError e) {
                throw new FieldError("cannot parse '" + name + "' as bool: " + numErrorText(e, s));
            }
        }
        throw unconvertible(name, "bool", value);
    }

    /** A string: strings, numbers as decimal text, booleans as {@code "1"} or {@code "0"}. */
    static String string(String name, Object value) throws FieldError {
        if (value instanceof String) {
            return (String) value;
        }
        if (value instanceof Boolean) {
            return (Boolean) value ? "1" : "0";
        }
        if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long
                || value instanceof BigInteger) {
            return value.toString();
        }
        if (value instanceof BigDecimal) {
            return ((BigDecimal) value).stripTrailingZeros().toPlainString();
        }
        if (value instanceof Number) {
            return GoStrconv.formatFloat(((Number) value).doubleValue());
        }
        throw unconvertible(name, ConfigKey.Kind.STRING.goType, value);
    }

    /**
     * A list of strings: a list decodes element by element ({@code name[i]}); an empty map is an
     * empty list; any other single value becomes a one-element list. A {@code null} element is
     * {@code ""}, as mapstructure leaves it.
     */
    static List<String> stringList(String name, Object value) throws FieldError {
        List<?> items;
        if (value instanceof List) {
            items = (List<?>) value;
        } else if (value instanceof Map && ((Map<?, ?>) value).isEmpty()) {
            items = List.of();
        } else {
            items = java.util.Collections.singletonList(value);
        }
        List<String> out = new ArrayList<>(items.size());
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            if (item == null) {
                out.add("");
                continue;
            }
            try {
                out.add(string(name + "[" + i + "]", item));
            } catch (FieldError e) {
                errors.add(e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            throw new FieldError(String.join("; ", errors));
        }
        return out;
    }

    /** strconv's text, or without the value when the value must not be repeated. */
    private static String numErrorText(GoStrconv.NumError e, String input) {
        return GoStrconv.echoable(input) ? e.getMessage() : e.getMessage().replace(GoStrconv.quote(input),
                GoStrconv.quoteBounded(input));
    }

    private static FieldError unconvertible(String name, String goType, Object value) {
        return new FieldError("'" + name + "' expected type '" + goType + "', got unconvertible type '"
                + goTypeName(value) + "'");
    }

    /** The Go type a JSON decoder in Consul would have produced for {@code value}. */
    static String goTypeName(Object value) {
        if (value instanceof String) {
            return "string";
        }
        if (value instanceof Boolean) {
            return "bool";
        }
        if (value instanceof Number) {
            return "float64";
        }
        if (value instanceof List) {
            return "[]interface {}";
        }
        if (value instanceof Map) {
            return "map[string]interface {}";
        }
        return value == null ? "nil" : value.getClass().getName();
    }
}
