package dev.meshfed.core.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reading item bodies with precise errors: each accessor names the key and the attribute that is
 * missing or of the wrong type, and never includes the attribute's content.
 */
public final class Fields {
    private final ItemKey key;
    private final Map<String, Attr> body;

    private Fields(ItemKey key, Map<String, Attr> body) {
        this.key = key;
        this.body = body;
    }

    public static Fields of(ItemKey key, Map<String, Attr> body) {
        return new Fields(key, body);
    }

    public UndecodableItem error(String reason) {
        return new UndecodableItem(String.valueOf(key), reason);
    }

    public String s(String name) {
        if (body.get(name) instanceof Attr.S s) {
            return s.value();
        }
        throw error("attribute " + name + " must be a string");
    }

    public String sOrNull(String name) {
        Attr a = body.get(name);
        return a == null || a instanceof Attr.Null ? null : s(name);
    }

    public long n(String name) {
        if (body.get(name) instanceof Attr.N n) {
            try {
                return n.asLong();
            } catch (ArithmeticException e) {
                throw error("attribute " + name + " must be a whole number");
            }
        }
        throw error("attribute " + name + " must be a number");
    }

    public double d(String name) {
        if (body.get(name) instanceof Attr.N n) {
            return Double.parseDouble(n.value());
        }
        throw error("attribute " + name + " must be a number");
    }

    /** A number read exactly, as the decimal DynamoDB stored. */
    public java.math.BigDecimal decimal(String name) {
        if (body.get(name) instanceof Attr.N n) {
            return new java.math.BigDecimal(n.value());
        }
        throw error("attribute " + name + " must be a number");
    }

    public boolean bool(String name) {
        if (body.get(name) instanceof Attr.Bool b) {
            return b.value();
        }
        throw error("attribute " + name + " must be a boolean");
    }

    public boolean boolOr(String name, boolean dflt) {
        return body.containsKey(name) ? bool(name) : dflt;
    }

    public byte[] b(String name) {
        if (body.get(name) instanceof Attr.B b) {
            return b.value();
        }
        throw error("attribute " + name + " must be binary");
    }

    public Instant instant(String name) {
        String v = s(name);
        try {
            return Instant.parse(v);
        } catch (RuntimeException e) {
            throw error("attribute " + name + " must be an ISO-8601 instant");
        }
    }

    public Instant instantOrNull(String name) {
        return sOrNull(name) == null ? null : instant(name);
    }

    public List<String> strings(String name) {
        Attr a = body.get(name);
        if (a == null) {
            return List.of();
        }
        if (a instanceof Attr.L l) {
            List<String> out = new ArrayList<>(l.values().size());
            for (Attr v : l.values()) {
                if (!(v instanceof Attr.S s)) {
                    throw error("attribute " + name + " must be a list of strings");
                }
                out.add(s.value());
            }
            return out;
        }
        throw error("attribute " + name + " must be a list of strings");
    }

    public Map<String, Attr> map(String name) {
        Attr a = body.get(name);
        if (a == null) {
            return Map.of();
        }
        if (a instanceof Attr.M m) {
            return m.values();
        }
        throw error("attribute " + name + " must be a map");
    }

    public List<Map<String, Attr>> maps(String name) {
        Attr a = body.get(name);
        if (a == null) {
            return List.of();
        }
        if (a instanceof Attr.L l) {
            List<Map<String, Attr>> out = new ArrayList<>();
            for (Attr v : l.values()) {
                if (!(v instanceof Attr.M m)) {
                    throw error("attribute " + name + " must be a list of maps");
                }
                out.add(m.values());
            }
            return out;
        }
        throw error("attribute " + name + " must be a list of maps");
    }

    /** A nested map read with the same error reporting. */
    public Fields nested(Map<String, Attr> inner) {
        return new Fields(key, inner);
    }

    /** Builds a body in attribute order. */
    public static Builder body() {
        return new Builder();
    }

    /** A small builder that skips nulls, so absent optional fields stay absent. */
    public static final class Builder {
        private final Map<String, Attr> m = new LinkedHashMap<>();

        public Builder s(String name, String v) {
            if (v != null) {
                m.put(name, Attr.s(v));
            }
            return this;
        }

        public Builder n(String name, long v) {
            m.put(name, Attr.n(v));
            return this;
        }

        public Builder d(String name, double v) {
            m.put(name, new Attr.N(Double.toString(v)));
            return this;
        }

        /** An exact decimal, written as plain text (no exponent). */
        public Builder decimal(String name, java.math.BigDecimal v) {
            if (v != null) {
                m.put(name, new Attr.N(v.toPlainString()));
            }
            return this;
        }

        public Builder bool(String name, boolean v) {
            m.put(name, Attr.bool(v));
            return this;
        }

        public Builder b(String name, byte[] v) {
            if (v != null) {
                m.put(name, Attr.b(v));
            }
            return this;
        }

        public Builder instant(String name, Instant v) {
            return s(name, v == null ? null : v.toString());
        }

        public Builder strings(String name, List<String> v) {
            if (v != null) {
                m.put(name, Attr.l(v.stream().<Attr>map(Attr::s).toList()));
            }
            return this;
        }

        public <T> Builder maps(String name, List<T> values, Function<T, Map<String, Attr>> enc) {
            m.put(name, Attr.l(values.stream().<Attr>map(v -> Attr.m(enc.apply(v))).toList()));
            return this;
        }

        public Builder map(String name, Map<String, Attr> v) {
            if (v != null) {
                m.put(name, Attr.m(v));
            }
            return this;
        }

        public Map<String, Attr> build() {
            return m;
        }
    }
}
