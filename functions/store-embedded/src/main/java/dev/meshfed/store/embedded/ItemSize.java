package dev.meshfed.store.embedded;

import dev.meshfed.core.store.Attr;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** DynamoDB's item size arithmetic, close enough to enforce its 400 KB item and 1 MB page limits. */
final class ItemSize {
    /** DynamoDB's largest item. */
    static final int MAX_ITEM_BYTES = 400 * 1024;
    /** DynamoDB stops a query page at this much data. */
    static final int MAX_PAGE_BYTES = 1024 * 1024;

    private ItemSize() {
    }

    static int of(Map<String, Attr> attributes) {
        int size = 0;
        for (Map.Entry<String, Attr> e : attributes.entrySet()) {
            size += utf8(e.getKey()) + of(e.getValue());
        }
        return size;
    }

    private static int of(Attr a) {
        if (a instanceof Attr.S s) {
            return utf8(s.value());
        }
        if (a instanceof Attr.N n) {
            return n.value().length() / 2 + 2;
        }
        if (a instanceof Attr.B b) {
            return b.value().length;
        }
        if (a instanceof Attr.Bool || a instanceof Attr.Null) {
            return 1;
        }
        if (a instanceof Attr.L l) {
            return 3 + l.values().stream().mapToInt(v -> 1 + of(v)).sum();
        }
        if (a instanceof Attr.M m) {
            return 3 + of(m.values()) + m.values().size();
        }
        if (a instanceof Attr.SS ss) {
            return ss.values().stream().mapToInt(ItemSize::utf8).sum();
        }
        if (a instanceof Attr.NS ns) {
            return ns.values().stream().mapToInt(v -> v.length() / 2 + 2).sum();
        }
        throw new IllegalArgumentException("unknown attribute type");
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
