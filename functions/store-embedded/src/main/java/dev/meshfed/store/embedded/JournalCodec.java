package dev.meshfed.store.embedded;

import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.StoredItem;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The payload of one journal record: one replica slot (an item or a deletion marker) with its
 * write stamp. Big-endian, JDK only; strings are a 4-byte length and UTF-8 bytes (not
 * {@code DataOutput.writeUTF}, which stops at 64 KB). Layout, format version 1:
 *
 * <pre>
 * u8  kind            1 = slot
 * i64 stamp micros    str stamp writer
 * str partition key   str sort key
 * u8  has item        0 = deletion marker, 1 = item follows
 * i64 version         i64 updatedAt seconds, i32 updatedAt nanos
 * u8  has ttl         [i64 ttl seconds, i32 ttl nanos]
 * i32 attribute count, then per attribute: str name, attr
 * attr = u8 tag, then S: str | N: str | B: i32 length, bytes | BOOL: u8 | NULL: - |
 *        L: i32 count, attr... | M: i32 count, (str, attr)... | SS, NS: i32 count, str...
 * </pre>
 */
final class JournalCodec {
    static final byte KIND_SLOT = 1;

    private static final byte S = 1;
    private static final byte N = 2;
    private static final byte B = 3;
    private static final byte BOOL = 4;
    private static final byte NULL = 5;
    private static final byte L = 6;
    private static final byte M = 7;
    private static final byte SS = 8;
    private static final byte NS = 9;

    private JournalCodec() {
    }

    /** Thrown for a payload that does not decode: recovery treats its record as corrupt. */
    static final class Undecodable extends RuntimeException {
        Undecodable(String message) {
            super(message);
        }
    }

    static byte[] encode(Replicated slot) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(KIND_SLOT);
            out.writeLong(slot.stamp().micros());
            str(out, slot.stamp().writer());
            str(out, slot.key().partition());
            str(out, slot.key().sort());
            StoredItem item = slot.item();
            out.writeByte(item == null ? 0 : 1);
            if (item != null) {
                out.writeLong(item.version());
                out.writeLong(item.updatedAt().getEpochSecond());
                out.writeInt(item.updatedAt().getNano());
                out.writeByte(item.expiresAt() == null ? 0 : 1);
                if (item.expiresAt() != null) {
                    out.writeLong(item.expiresAt().getEpochSecond());
                    out.writeInt(item.expiresAt().getNano());
                }
                out.writeInt(item.body().size());
                for (Map.Entry<String, Attr> e : item.body().entrySet()) {
                    str(out, e.getKey());
                    attr(out, e.getValue());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    static Replicated decode(byte[] payload) {
        ByteBuffer in = ByteBuffer.wrap(payload);
        try {
            byte kind = in.get();
            if (kind != KIND_SLOT) {
                throw new Undecodable("unknown record kind " + kind);
            }
            WriteStamp stamp = new WriteStamp(in.getLong(), str(in));
            String pk = str(in);
            String sk = str(in);
            ItemKey key = ItemKey.fromStored(pk, sk);
            if (key == null) {
                throw new Undecodable("malformed key");
            }
            StoredItem item = null;
            if (flag(in)) {
                long version = in.getLong();
                Instant updatedAt = Instant.ofEpochSecond(in.getLong(), in.getInt());
                Instant expiresAt = flag(in) ? Instant.ofEpochSecond(in.getLong(), in.getInt()) : null;
                int count = count(in);
                Map<String, Attr> body = new LinkedHashMap<>();
                for (int i = 0; i < count; i++) {
                    body.put(str(in), attr(in, 0));
                }
                item = new StoredItem(key, version, updatedAt, expiresAt, body);
            }
            if (in.hasRemaining()) {
                throw new Undecodable(in.remaining() + " trailing bytes");
            }
            return new Replicated(key, item, stamp);
        } catch (BufferUnderflowException | IllegalArgumentException | java.time.DateTimeException e) {
            throw new Undecodable("malformed record: " + e);
        }
    }

    private static void str(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static void attr(DataOutputStream out, Attr a) throws IOException {
        if (a instanceof Attr.S s) {
            out.writeByte(S);
            str(out, s.value());
        } else if (a instanceof Attr.N n) {
            out.writeByte(N);
            str(out, n.value());
        } else if (a instanceof Attr.B b) {
            byte[] v = b.value();
            out.writeByte(B);
            out.writeInt(v.length);
            out.write(v);
        } else if (a instanceof Attr.Bool bool) {
            out.writeByte(BOOL);
            out.writeByte(bool.value() ? 1 : 0);
        } else if (a instanceof Attr.Null) {
            out.writeByte(NULL);
        } else if (a instanceof Attr.L l) {
            out.writeByte(L);
            out.writeInt(l.values().size());
            for (Attr v : l.values()) {
                attr(out, v);
            }
        } else if (a instanceof Attr.M m) {
            out.writeByte(M);
            out.writeInt(m.values().size());
            for (Map.Entry<String, Attr> e : m.values().entrySet()) {
                str(out, e.getKey());
                attr(out, e.getValue());
            }
        } else if (a instanceof Attr.SS ss) {
            out.writeByte(SS);
            strings(out, ss.values());
        } else if (a instanceof Attr.NS ns) {
            out.writeByte(NS);
            strings(out, ns.values());
        } else {
            throw new IllegalArgumentException("unknown attribute type " + a.getClass().getName());
        }
    }

    private static void strings(DataOutputStream out, Set<String> values) throws IOException {
        out.writeInt(values.size());
        for (String v : values) {
            str(out, v);
        }
    }

    /** Nesting deeper than DynamoDB's 32 levels is corruption, not data. */
    private static final int MAX_DEPTH = 64;

    private static Attr attr(ByteBuffer in, int depth) {
        if (depth > MAX_DEPTH) {
            throw new Undecodable("attribute nesting too deep");
        }
        byte tag = in.get();
        return switch (tag) {
            case S -> new Attr.S(str(in));
            case N -> new Attr.N(str(in));
            case B -> {
                byte[] v = new byte[count(in)];
                in.get(v);
                yield new Attr.B(v);
            }
            case BOOL -> new Attr.Bool(flag(in));
            case NULL -> new Attr.Null();
            case L -> {
                int count = count(in);
                List<Attr> values = new ArrayList<>(Math.min(count, 1024));
                for (int i = 0; i < count; i++) {
                    values.add(attr(in, depth + 1));
                }
                yield new Attr.L(values);
            }
            case M -> {
                int count = count(in);
                Map<String, Attr> values = new LinkedHashMap<>();
                for (int i = 0; i < count; i++) {
                    values.put(str(in), attr(in, depth + 1));
                }
                yield new Attr.M(values);
            }
            case SS, NS -> {
                int count = count(in);
                Set<String> values = new HashSet<>();
                for (int i = 0; i < count; i++) {
                    values.add(str(in));
                }
                yield tag == SS ? new Attr.SS(values) : new Attr.NS(values);
            }
            default -> throw new Undecodable("unknown attribute tag " + tag);
        };
    }

    private static String str(ByteBuffer in) {
        byte[] b = new byte[count(in)];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** A length or count: never negative, never more than the bytes left (each element takes at least one). */
    private static int count(ByteBuffer in) {
        int n = in.getInt();
        if (n < 0 || n > in.remaining()) {
            throw new Undecodable("bad length " + n);
        }
        return n;
    }

    private static boolean flag(ByteBuffer in) {
        byte b = in.get();
        if (b != 0 && b != 1) {
            throw new Undecodable("bad flag " + b);
        }
        return b == 1;
    }
}
