package dev.meshfed.stream.events;

import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.UndecodableItem;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts between meshfed's neutral {@link Attr} and the Lambda events library's
 * {@link AttributeValue}, the type a stream record's keys and images arrive in.
 *
 * <p>Writing ({@code toLambda}) trusts its input: it comes from a stored item. Reading
 * ({@code fromLambda}) trusts nothing. Anything DynamoDB itself could not have produced is
 * refused with an {@link UndecodableItem} that names the item key and the attribute, never a
 * value:
 *
 * <ul>
 *   <li>a value with no type set, or with more than one;
 *   <li>a type meshfed does not use (binary sets);
 *   <li>{@code NULL} other than {@code true}; empty sets, sets with duplicates or null members;
 *   <li>numbers that are not DynamoDB numbers (NaN, infinities, more than
 *       {@value #MAX_NUMBER_DIGITS} significant digits, magnitudes outside 1E-130 .. 1E+126);
 *   <li>nesting deeper than {@value #MAX_DEPTH} levels (checked before descending, so hostile
 *       depth cannot exhaust the stack);
 *   <li>an item larger than DynamoDB's {@value #MAX_ITEM_BYTES}-byte item limit (counted as
 *       the input is read, so a huge item is refused early).
 * </ul>
 */
public final class LambdaAttributes {

    /** DynamoDB's limit on nested lists and maps. */
    public static final int MAX_DEPTH = 32;
    /** DynamoDB's item size limit (400 KB), attribute names included. */
    public static final int MAX_ITEM_BYTES = 400 * 1024;
    /** DynamoDB's number precision. */
    public static final int MAX_NUMBER_DIGITS = 38;
    /** Longest number text read at all: far above any DynamoDB number, far below a slow parse. */
    static final int MAX_NUMBER_TEXT = 160;
    /** How much of an unreadable key or attribute name an error text repeats. */
    static final int MAX_NAME_IN_TEXT = 64;

    private LambdaAttributes() {
    }

    // ---------------------------------------------------------------------------------------
    // neutral -> Lambda

    /** The Lambda form of one value. Sets are written in sorted order, so output is stable. */
    public static AttributeValue toLambda(Attr attr) {
        AttributeValue v = new AttributeValue();
        if (attr instanceof Attr.S s) {
            v.setS(s.value());
        } else if (attr instanceof Attr.N n) {
            v.setN(n.value());
        } else if (attr instanceof Attr.B b) {
            v.setB(ByteBuffer.wrap(b.value()));
        } else if (attr instanceof Attr.Bool bool) {
            v.setBOOL(bool.value());
        } else if (attr instanceof Attr.Null) {
            v.setNULL(true);
        } else if (attr instanceof Attr.L l) {
            List<AttributeValue> out = new ArrayList<>(l.values().size());
            for (Attr a : l.values()) {
                out.add(toLambda(a));
            }
            v.setL(out);
        } else if (attr instanceof Attr.M m) {
            v.setM(toLambda(m.values()));
        } else if (attr instanceof Attr.SS ss) {
            v.setSS(ss.values().stream().sorted().toList());
        } else if (attr instanceof Attr.NS ns) {
            v.setNS(ns.values().stream().sorted().toList());
        } else {
            throw new IllegalArgumentException("unknown attribute type " + attr);
        }
        return v;
    }

    /** The Lambda form of an attribute map, in the same order. */
    public static Map<String, AttributeValue> toLambda(Map<String, Attr> attributes) {
        Map<String, AttributeValue> out = new LinkedHashMap<>(attributes.size() * 2);
        attributes.forEach((name, a) -> out.put(name, toLambda(a)));
        return out;
    }

    // ---------------------------------------------------------------------------------------
    // Lambda -> neutral

    /**
     * Reads a whole item or image, naming the item by its own {@code pk}/{@code sk} in errors.
     *
     * @throws UndecodableItem when anything in it is not what DynamoDB produces
     */
    public static Map<String, Attr> fromLambdaItem(Map<String, AttributeValue> item) {
        return fromLambda(item, item == null ? "unknown" : keyLabel(item.get("pk"), item.get("sk")));
    }

    /**
     * Reads a whole item or image.
     *
     * @param key how errors name the item (an {@link ItemKey} text or {@link #keyLabel})
     * @throws UndecodableItem when anything in it is not what DynamoDB produces
     */
    public static Map<String, Attr> fromLambda(Map<String, AttributeValue> item, String key) {
        if (item == null) {
            throw new UndecodableItem(key, "missing attribute map");
        }
        Budget budget = new Budget(key);
        Map<String, Attr> out = new LinkedHashMap<>(item.size() * 2);
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty()) {
                throw new UndecodableItem(key, "attribute with an empty name");
            }
            budget.add(utf8Length(name));
            out.put(name, read(e.getValue(), key, name, 1, budget));
        }
        return out;
    }

    /**
     * Reads one value (at most {@value #MAX_ITEM_BYTES} bytes of it).
     *
     * @param key how errors name the item
     * @throws UndecodableItem when it is not what DynamoDB produces
     */
    public static Attr fromLambda(AttributeValue value, String key) {
        return read(value, key, "value", 1, new Budget(key));
    }

    /**
     * How an error names an item from its raw {@code pk} and {@code sk}: the {@link ItemKey}
     * text when they form one, otherwise a bounded, printable rendering of whatever they hold
     * ({@code "unknown"} when neither is a string).
     */
    public static String keyLabel(AttributeValue pk, AttributeValue sk) {
        String p = pk != null && onlyString(pk) ? pk.getS() : null;
        String s = sk != null && onlyString(sk) ? sk.getS() : null;
        ItemKey key = ItemKey.fromStored(p, s);
        if (key != null) {
            return key.toString();
        }
        if (p == null && s == null) {
            return "unknown";
        }
        return printable(p) + "/" + printable(s);
    }

    /** A bounded, single-line rendering of untrusted text for an error message. */
    static String printable(String text) {
        if (text == null) {
            return "?";
        }
        StringBuilder b = new StringBuilder(Math.min(text.length(), MAX_NAME_IN_TEXT) + 24);
        int n = Math.min(text.length(), MAX_NAME_IN_TEXT);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            b.append(c < 0x20 || c == 0x7f || Character.isSurrogate(c) ? '?' : c);
        }
        if (text.length() > n) {
            b.append("...(").append(text.length()).append(" chars)");
        }
        return b.toString();
    }

    private static boolean onlyString(AttributeValue v) {
        return v.getS() != null && typeCount(v) == 1;
    }

    private static Attr read(AttributeValue v, String key, String attribute, int depth, Budget budget) {
        if (v == null) {
            throw bad(key, attribute, "null value");
        }
        if (depth > MAX_DEPTH) {
            throw bad(key, attribute, "nested deeper than " + MAX_DEPTH + " levels");
        }
        int types = typeCount(v);
        if (types == 0) {
            throw bad(key, attribute, "value with no type");
        }
        if (types > 1) {
            throw bad(key, attribute, "value with more than one type");
        }
        if (v.getS() != null) {
            budget.add(utf8Length(v.getS()));
            return new Attr.S(v.getS());
        }
        if (v.getN() != null) {
            String n = number(v.getN(), key, attribute);
            budget.add(numberSize(n));
            return new Attr.N(n);
        }
        if (v.getB() != null) {
            ByteBuffer buf = v.getB().duplicate(); // leave the caller's position alone
            budget.add(buf.remaining());
            byte[] bytes = new byte[buf.remaining()];
            buf.get(bytes);
            return new Attr.B(bytes);
        }
        if (v.getBOOL() != null) {
            budget.add(1);
            return new Attr.Bool(v.getBOOL());
        }
        if (v.getNULL() != null) {
            if (!v.getNULL()) {
                throw bad(key, attribute, "NULL must be true");
            }
            budget.add(1);
            return new Attr.Null();
        }
        if (v.getL() != null) {
            budget.add(3);
            List<Attr> out = new ArrayList<>(v.getL().size());
            for (AttributeValue element : v.getL()) {
                budget.add(1);
                out.add(read(element, key, attribute, depth + 1, budget));
            }
            return new Attr.L(out);
        }
        if (v.getM() != null) {
            budget.add(3);
            Map<String, Attr> out = new LinkedHashMap<>(v.getM().size() * 2);
            for (Map.Entry<String, AttributeValue> e : v.getM().entrySet()) {
                if (e.getKey() == null) {
                    throw bad(key, attribute, "map entry with no name");
                }
                budget.add(1 + utf8Length(e.getKey()));
                out.put(e.getKey(), read(e.getValue(), key, attribute, depth + 1, budget));
            }
            return new Attr.M(out);
        }
        if (v.getSS() != null) {
            Set<String> out = set(v.getSS(), key, attribute, "string set");
            for (String s : out) {
                budget.add(utf8Length(s));
            }
            return new Attr.SS(out);
        }
        if (v.getNS() != null) {
            Set<String> texts = set(v.getNS(), key, attribute, "number set");
            for (String n : texts) {
                budget.add(numberSize(number(n, key, attribute)));
            }
            return new Attr.NS(texts);
        }
        // only BS is left: typeCount saw exactly one type
        throw bad(key, attribute, "binary sets are not used by meshfed");
    }

    private static Set<String> set(List<String> members, String key, String attribute, String what) {
        if (members.isEmpty()) {
            throw bad(key, attribute, "empty " + what);
        }
        Set<String> out = new HashSet<>(members.size() * 2);
        for (String m : members) {
            if (m == null) {
                throw bad(key, attribute, what + " with a null member");
            }
            if (!out.add(m)) {
                throw bad(key, attribute, what + " with a duplicate member");
            }
        }
        return out;
    }

    /** Checks a DynamoDB number; returns it unchanged. */
    private static String number(String text, String key, String attribute) {
        if (text.length() > MAX_NUMBER_TEXT) {
            throw bad(key, attribute, "number text longer than " + MAX_NUMBER_TEXT + " characters");
        }
        BigDecimal d;
        try {
            d = new BigDecimal(text); // refuses NaN, Infinity, hex, blanks and spaces
        } catch (NumberFormatException e) {
            throw bad(key, attribute, "not a DynamoDB number");
        }
        if (d.signum() != 0) {
            BigDecimal stripped = d.stripTrailingZeros();
            if (stripped.precision() > MAX_NUMBER_DIGITS) {
                throw bad(key, attribute, "number with more than " + MAX_NUMBER_DIGITS + " significant digits");
            }
            long exponent = (long) stripped.precision() - stripped.scale() - 1;
            if (exponent < -130 || exponent > 125) {
                throw bad(key, attribute, "number outside DynamoDB's range");
            }
        }
        return text;
    }

    private static int typeCount(AttributeValue v) {
        int n = 0;
        n += v.getS() != null ? 1 : 0;
        n += v.getN() != null ? 1 : 0;
        n += v.getB() != null ? 1 : 0;
        n += v.getBOOL() != null ? 1 : 0;
        n += v.getNULL() != null ? 1 : 0;
        n += v.getL() != null ? 1 : 0;
        n += v.getM() != null ? 1 : 0;
        n += v.getSS() != null ? 1 : 0;
        n += v.getNS() != null ? 1 : 0;
        n += v.getBS() != null ? 1 : 0;
        return n;
    }

    private static UndecodableItem bad(String key, String attribute, String reason) {
        return new UndecodableItem(key, "attribute '" + printable(attribute) + "': " + reason);
    }

    // ---------------------------------------------------------------------------------------
    // sizes, by DynamoDB's item size rules

    /** UTF-8 length without encoding. */
    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** About one byte per two significant digits, plus one (DynamoDB's rule of thumb). */
    static int numberSize(String text) {
        int digits = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 'e' || c == 'E') {
                break;
            }
            if (c >= '0' && c <= '9') {
                digits++;
            }
        }
        return 1 + (digits + 1) / 2;
    }

    /** The approximate stored size of an attribute map (names included), by DynamoDB's rules. */
    public static long sizeOf(Map<String, Attr> attributes) {
        long n = 0;
        for (Map.Entry<String, Attr> e : attributes.entrySet()) {
            n += utf8Length(e.getKey()) + sizeOf(e.getValue());
        }
        return n;
    }

    /** The approximate stored size of one value, by DynamoDB's rules. */
    public static long sizeOf(Attr attr) {
        if (attr instanceof Attr.S s) {
            return utf8Length(s.value());
        } else if (attr instanceof Attr.N n) {
            return numberSize(n.value());
        } else if (attr instanceof Attr.B b) {
            return b.value().length;
        } else if (attr instanceof Attr.L l) {
            long n = 3;
            for (Attr a : l.values()) {
                n += 1 + sizeOf(a);
            }
            return n;
        } else if (attr instanceof Attr.M m) {
            return 3 + m.values().size() + sizeOf(m.values());
        } else if (attr instanceof Attr.SS ss) {
            return ss.values().stream().mapToLong(LambdaAttributes::utf8Length).sum();
        } else if (attr instanceof Attr.NS ns) {
            return ns.values().stream().mapToLong(LambdaAttributes::numberSize).sum();
        }
        return 1; // Bool, Null
    }

    /** Counts bytes as an item is read and stops at DynamoDB's item limit. */
    private static final class Budget {
        private final String key;
        private long used;

        Budget(String key) {
            this.key = key;
        }

        void add(long bytes) {
            used += bytes;
            if (used > MAX_ITEM_BYTES) {
                throw new UndecodableItem(key, "item larger than DynamoDB's " + MAX_ITEM_BYTES + "-byte limit");
            }
        }
    }
}
