package dev.meshfed.core.store;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A neutral attribute value with DynamoDB's data types. Domain codecs write and read these; each
 * substrate converts them to its own form (the AWS SDK's {@code AttributeValue} in the DynamoDB
 * adapter, the Lambda events library's in stream records), so an item read from a table and an
 * image read from a stream record decode with the same code.
 */
public sealed interface Attr {

    /** String. */
    record S(String value) implements Attr {
        public S {
            Objects.requireNonNull(value, "value");
        }
    }

    /** Number, kept as its decimal text exactly as DynamoDB does. */
    record N(String value) implements Attr {
        public N {
            new BigDecimal(value); // refuses anything that is not a number
        }

        public long asLong() {
            return new BigDecimal(value).longValueExact();
        }
    }

    /** Binary. */
    record B(byte[] value) implements Attr {
        public B {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof B b && Arrays.equals(value, b.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "B[" + value.length + " bytes]";
        }
    }

    /** Boolean. */
    record Bool(boolean value) implements Attr {
    }

    /** Null. */
    record Null() implements Attr {
    }

    /** List. */
    record L(List<Attr> values) implements Attr {
        public L {
            values = List.copyOf(values);
        }
    }

    /** Map (insertion order kept for readable encodings; equality ignores order). */
    record M(Map<String, Attr> values) implements Attr {
        public M {
            values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }
    }

    /** String set. */
    record SS(Set<String> values) implements Attr {
        public SS {
            values = Set.copyOf(values);
        }
    }

    /** Number set (decimal texts). */
    record NS(Set<String> values) implements Attr {
        public NS {
            values = Set.copyOf(values);
        }
    }

    static S s(String v) {
        return new S(v);
    }

    static N n(long v) {
        return new N(Long.toString(v));
    }

    static B b(byte[] v) {
        return new B(v);
    }

    static Bool bool(boolean v) {
        return new Bool(v);
    }

    static L l(List<Attr> v) {
        return new L(v);
    }

    static M m(Map<String, Attr> v) {
        return new M(v);
    }
}
