package dev.meshfed.store.dynamodb;

import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.UndecodableItem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Converts meshfed's neutral {@link Attr} to the AWS SDK v2 {@link AttributeValue} and back.
 *
 * <p>Writing refuses what DynamoDB would refuse for meshfed's types anyway, with a message that
 * names the attribute path and never its content: empty string or number sets. Reading accepts the
 * types meshfed writes (S, N, B, BOOL, NULL, L, M, SS, NS); any other type (a binary set, or a
 * type newer than this SDK) makes the item undecodable, reported with the item key so that the
 * caller can quarantine it.
 */
public final class SdkAttributes {

    private SdkAttributes() {
    }

    /** An item body or whole item for a request. */
    public static Map<String, AttributeValue> toSdk(Map<String, Attr> attributes) {
        Map<String, AttributeValue> out = new LinkedHashMap<>(attributes.size() * 2);
        attributes.forEach((name, value) -> out.put(name, toSdk(name, value)));
        return out;
    }

    /**
     * One value for a request.
     *
     * @throws IllegalArgumentException for an empty set (DynamoDB stores none)
     */
    public static AttributeValue toSdk(Attr value) {
        return toSdk("value", value);
    }

    /**
     * An item as DynamoDB returned it.
     *
     * @throws UndecodableItem naming the item key (read from {@code pk}/{@code sk} as far as they
     *     are readable) and the attribute, when a value has a type meshfed does not use
     */
    public static Map<String, Attr> fromSdk(Map<String, AttributeValue> item) {
        Map<String, Attr> out = new LinkedHashMap<>(item.size() * 2);
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            try {
                out.put(e.getKey(), fromSdk(e.getKey(), e.getValue()));
            } catch (Unsupported u) {
                throw new UndecodableItem(keyOf(item), u.getMessage());
            }
        }
        return out;
    }

    /**
     * One value as DynamoDB returned it.
     *
     * @throws IllegalArgumentException when the value has a type meshfed does not use
     */
    public static Attr fromSdk(AttributeValue value) {
        try {
            return fromSdk("value", value);
        } catch (Unsupported u) {
            throw new IllegalArgumentException(u.getMessage());
        }
    }

    private static AttributeValue toSdk(String path, Attr a) {
        if (a instanceof Attr.S s) {
            return AttributeValue.fromS(s.value());
        }
        if (a instanceof Attr.N n) {
            return AttributeValue.fromN(n.value());
        }
        if (a instanceof Attr.B b) {
            return AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(b.value())); // value() is a copy
        }
        if (a instanceof Attr.Bool b) {
            return AttributeValue.fromBool(b.value());
        }
        if (a instanceof Attr.Null) {
            return AttributeValue.fromNul(true);
        }
        if (a instanceof Attr.L l) {
            List<AttributeValue> out = new ArrayList<>(l.values().size());
            for (int i = 0; i < l.values().size(); i++) {
                out.add(toSdk(path + "[" + i + "]", l.values().get(i)));
            }
            return AttributeValue.fromL(out);
        }
        if (a instanceof Attr.M m) {
            Map<String, AttributeValue> out = new LinkedHashMap<>(m.values().size() * 2);
            m.values().forEach((k, v) -> out.put(k, toSdk(path + "." + k, v)));
            return AttributeValue.fromM(out);
        }
        if (a instanceof Attr.SS ss) {
            if (ss.values().isEmpty()) {
                throw new IllegalArgumentException("attribute " + path + " is an empty string set, which DynamoDB cannot store");
            }
            return AttributeValue.fromSs(List.copyOf(ss.values()));
        }
        if (a instanceof Attr.NS ns) {
            if (ns.values().isEmpty()) {
                throw new IllegalArgumentException("attribute " + path + " is an empty number set, which DynamoDB cannot store");
            }
            return AttributeValue.fromNs(List.copyOf(ns.values()));
        }
        throw new IllegalArgumentException("attribute " + path + " has an unknown type"); // Attr is sealed
    }

    private static Attr fromSdk(String path, AttributeValue v) {
        if (v == null) {
            throw new Unsupported("attribute " + path + " has no value");
        }
        AttributeValue.Type type = v.type();
        if (type == null) {
            throw new Unsupported("attribute " + path + " has no value");
        }
        switch (type) {
            case S:
                return new Attr.S(v.s());
            case N:
                try {
                    return new Attr.N(v.n());
                } catch (NumberFormatException e) {
                    throw new Unsupported("attribute " + path + " is not a decimal number");
                }
            case B:
                return new Attr.B(v.b().asByteArrayUnsafe()); // Attr.B copies
            case BOOL:
                return new Attr.Bool(v.bool());
            case NUL:
                return new Attr.Null();
            case L: {
                List<Attr> out = new ArrayList<>(v.l().size());
                for (int i = 0; i < v.l().size(); i++) {
                    out.add(fromSdk(path + "[" + i + "]", v.l().get(i)));
                }
                return new Attr.L(out);
            }
            case M: {
                Map<String, Attr> out = new LinkedHashMap<>(v.m().size() * 2);
                v.m().forEach((k, x) -> out.put(k, fromSdk(path + "." + k, x)));
                return new Attr.M(out);
            }
            case SS:
                return new Attr.SS(new LinkedHashSet<>(v.ss()));
            case NS: {
                Set<String> out = new LinkedHashSet<>();
                for (String n : v.ns()) {
                    try {
                        out.add(new Attr.N(n).value());
                    } catch (NumberFormatException e) {
                        throw new Unsupported("attribute " + path + " holds a number set member that is not a decimal number");
                    }
                }
                return new Attr.NS(out);
            }
            default:
                // BS (meshfed writes no binary sets) or a type newer than this SDK
                throw new Unsupported("attribute " + path + " has type " + type + ", which meshfed does not use");
        }
    }

    /** The item key for an error message: as an {@link ItemKey} when readable, else the raw pk/sk. */
    static String keyOf(Map<String, AttributeValue> item) {
        String pk = stringOrNull(item.get("pk"));
        String sk = stringOrNull(item.get("sk"));
        ItemKey key = ItemKey.fromStored(pk, sk);
        return key != null ? key.toString() : pk + "/" + sk;
    }

    private static String stringOrNull(AttributeValue v) {
        return v != null && v.type() == AttributeValue.Type.S ? v.s() : null;
    }

    /** A value of a type meshfed does not read; turned into the caller's error with the key. */
    private static final class Unsupported extends RuntimeException {
        Unsupported(String message) {
            super(message, null, false, false);
        }
    }
}
