package dev.meshfed.store.embedded;

import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.Table;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * Run in a separate JVM by {@link DurableFederationTest}. {@code crash DIR N}: opens a durable
 * federation (dc1, dc2) on DIR, makes N acknowledged writes in dc1's CA table and one in its
 * intentions table, replicates only the first half, deletes item 1, printing {@code ack <what>}
 * after each write returns, then halts the JVM without closing anything. {@code hold DIR}: opens
 * the federation, prints {@code locked} and waits until killed.
 */
public final class CrashingWriter {
    private CrashingWriter() {
    }

    static ItemKey key(int i) {
        return new ItemKey("dc1", "thing", "item-" + i);
    }

    public static void main(String[] args) throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        EmbeddedFederation fed = EmbeddedFederation.open(List.of("dc1", "dc2"), "dc1", clock, Path.of(args[1]));
        if (args[0].equals("hold")) {
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(60_000);
            Runtime.getRuntime().halt(1);
        }
        int n = Integer.parseInt(args[2]);
        EmbeddedTable ca = fed.dc("dc1").table(Table.CA);
        for (int i = 0; i < n; i++) {
            ca.put(new StoredItem(key(i), 1, clock.instant(), null, Map.of("i", Attr.n(i))), 0);
            System.out.println("ack put " + i);
            System.out.flush();
            if (i == n / 2) {
                fed.settle(); // the first half reaches dc2 (and dc2's journal); the rest never does
            }
        }
        fed.dc("dc1").table(Table.INTENTIONS).put(new StoredItem(new ItemKey("dc1", "intention", "web-db"), 1,
                clock.instant(), null, Map.of("action", Attr.s("allow"))), 0);
        System.out.println("ack intention");
        System.out.flush();
        ca.delete(key(1), 1);
        System.out.println("ack delete 1");
        System.out.flush();
        Runtime.getRuntime().halt(137);
    }
}
