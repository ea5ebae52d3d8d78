package dev.meshfed.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.clock.MutableClock;
import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.Table;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One replica's write-ahead journal: exact round trip, torn and corrupt tails, compaction. */
class ReplicaJournalTest {
    private final MutableClock clock = MutableClock.atDefaultStart();
    @TempDir
    Path dir;

    private Path log() {
        return dir.resolve("ca.log");
    }

    private EmbeddedTable open() {
        return open(ReplicaJournal.COMPACT_AFTER_BYTES);
    }

    private EmbeddedTable open(long compactAfter) {
        return EmbeddedTable.durable(Table.CA, "dc1", clock, log(), compactAfter);
    }

    private StoredItem item(String id, long version, String value) {
        return new StoredItem(new ItemKey("dc1", "thing", id), version, clock.instant(), null, Map.of("v", Attr.s(value)));
    }

    /** Every attribute kind, nested, with bytes and text that a careless codec would mangle. */
    static Map<String, Attr> everyKind() {
        Map<String, Attr> nested = new LinkedHashMap<>();
        nested.put("z-first", Attr.n(-7));
        nested.put("bin", Attr.b(new byte[] {0, 1, (byte) 0xFF, (byte) 0x80}));
        nested.put("list", Attr.l(List.of(Attr.s(""), new Attr.Null(), Attr.bool(false))));
        Map<String, Attr> body = new LinkedHashMap<>();
        body.put("s", Attr.s("ключ ✓ 𝄞 \u0000 end"));
        body.put("n", new Attr.N("12345678901234567890.0001"));
        body.put("b", Attr.b(new byte[70_000]));
        body.put("empty-b", Attr.b(new byte[0]));
        body.put("t", Attr.bool(true));
        body.put("null", new Attr.Null());
        body.put("l", Attr.l(List.of(Attr.s("a"), Attr.n(2), Attr.m(nested), Attr.l(List.of()))));
        body.put("m", Attr.m(nested));
        body.put("empty-m", Attr.m(Map.of()));
        body.put("ss", new Attr.SS(Set.of("x", "y", "ζ")));
        body.put("ns", new Attr.NS(Set.of("1", "-2.5", "1e3")));
        body.put("long", Attr.s("x".repeat(100_000)));
        return body;
    }

    @Test
    void everyAttributeKindRoundTripsExactly() {
        StoredItem item = new StoredItem(new ItemKey("dc1", "thing.0a1f", "id/with spaces/ü"), 42,
                Instant.parse("2026-01-02T03:04:05.123456789Z"), Instant.parse("2026-02-01T00:00:00Z"), everyKind());
        Replicated slot = new Replicated(item.key(), item, new WriteStamp(1_234_567, "dc-9"));
        assertThat(JournalCodec.decode(JournalCodec.encode(slot))).isEqualTo(slot);
        Replicated marker = new Replicated(item.key(), null, new WriteStamp(Long.MAX_VALUE, "dc1"));
        assertThat(JournalCodec.decode(JournalCodec.encode(marker))).isEqualTo(marker);

        EmbeddedTable t = open();
        t.put(item, 0);
        t.closeJournal();
        StoredItem back = open().get(item.key(), true).orElseThrow();
        assertThat(back).isEqualTo(item);
        assertThat(back.body().keySet()).containsExactlyElementsOf(item.body().keySet());
        assertThat(((Attr.M) back.body().get("m")).values().keySet()).containsExactly("z-first", "bin", "list");
    }

    @Test
    void aReopenedReplicaHoldsExactlyWhatItHeldDeletionMarkersIncluded() {
        EmbeddedTable t = open();
        t.put(item("a", 1, "one"), 0);
        clock.advance(Duration.ofMillis(1));
        t.put(item("a", 2, "two"), 1);
        t.put(item("b", 1, "bee"), 0);
        t.delete(new ItemKey("dc1", "thing", "b"), 1);
        t.applyReplicated(new Replicated(new ItemKey("dc2", "thing", "c"), null, new WriteStamp(5, "dc2")));
        t.applyReplicated(new Replicated(new ItemKey("dc2", "thing", "d"),
                new StoredItem(new ItemKey("dc2", "thing", "d"), 3, clock.instant(), null, Map.of()),
                new WriteStamp(6, "dc2")));
        List<Replicated> before = t.replicationSnapshot();
        t.closeJournal();

        EmbeddedTable reopened = open();
        assertThat(reopened.replicationSnapshot()).containsExactlyElementsOf(before);
        ItemKey b = new ItemKey("dc1", "thing", "b");
        WriteStamp deleted = before.stream().filter(r -> r.key().equals(b)).findFirst().orElseThrow().stamp();
        // an older replicated write arriving after the restart still loses to the journaled delete
        StoredItem stale = item("b", 1, "stale");
        assertThat(reopened.applyReplicated(new Replicated(b, stale, new WriteStamp(deleted.micros() - 1, "dc2"))))
                .isFalse();
        assertThat(reopened.get(b, true)).isEmpty();
        // and the version check survives too
        assertThatThrownBy(() -> reopened.put(item("a", 3, "x"), 1))
                .isInstanceOf(dev.meshfed.core.error.Conflict.class);
    }

    @Test
    void stampsKeepGrowingAcrossARestartOnAClockThatDidNotMove() {
        EmbeddedTable t = open();
        t.put(item("a", 1, "one"), 0);
        WriteStamp first = t.replicationSnapshot().get(0).stamp();
        t.closeJournal();
        EmbeddedTable reopened = open();
        reopened.put(item("a", 2, "two"), 1);
        assertThat(reopened.replicationSnapshot().get(0).stamp().after(first)).isTrue();
    }

    @Test
    void aTornTailLosesOnlyTheTornRecordAndTheTableTakesNewWrites() throws IOException {
        EmbeddedTable t = open();
        t.put(item("a", 1, "one"), 0);
        t.put(item("b", 1, "two"), 0);
        long beforeThird = Files.size(log());
        t.put(item("c", 1, "three"), 0);
        t.closeJournal();
        truncate(log(), Files.size(log()) - 3); // a crash in the middle of the third append

        EmbeddedTable reopened = open();
        assertThat(reopened.snapshot()).extracting(i -> i.key().id()).containsExactly("a", "b");
        assertThat(Files.size(log())).isEqualTo(beforeThird);
        reopened.put(item("c", 1, "again"), 0);
        reopened.closeJournal();
        assertThat(open().snapshot()).extracting(i -> i.key().id()).containsExactly("a", "b", "c");
    }

    @Test
    void garbageOrACorruptChecksumAtTheTailIsDropped() throws IOException {
        EmbeddedTable t = open();
        t.put(item("a", 1, "one"), 0);
        long good = Files.size(log());
        t.closeJournal();
        Files.write(log(), new byte[] {0, 0, 0, 12, 1, 2, 3, 4, 5, 6, 7}, StandardOpenOption.APPEND);
        assertThat(open().snapshot()).hasSize(1);
        assertThat(Files.size(log())).isEqualTo(good);

        EmbeddedTable again = open();
        again.put(item("b", 1, "two"), 0);
        again.closeJournal();
        byte[] bytes = Files.readAllBytes(log());
        bytes[bytes.length - 1] ^= 0x01; // one flipped bit in the last record's payload
        Files.write(log(), bytes);
        EmbeddedTable reopened = open();
        assertThat(reopened.snapshot()).extracting(i -> i.key().id()).containsExactly("a");
        assertThat(Files.size(log())).isEqualTo(good);
    }

    @Test
    void aFileThatIsNotAJournalIsRefusedUntouched() throws IOException {
        Files.writeString(log(), "somebody else's file");
        assertThatThrownBy(this::open).isInstanceOf(IllegalStateException.class).hasMessageContaining("not a meshfed journal");
        assertThat(Files.readString(log())).isEqualTo("somebody else's file");
    }

    @Test
    void compactionKeepsContentIdenticalAndShrinksTheFile() throws IOException {
        EmbeddedTable t = open();
        for (int v = 1; v <= 200; v++) {
            t.put(item("a", v, "value " + v), v - 1);
        }
        t.put(item("gone", 1, "x"), 0);
        t.delete(new ItemKey("dc1", "thing", "gone"), 1);
        List<Replicated> before = t.replicationSnapshot();
        long grown = Files.size(log());
        t.journal().compact(t.replicationSnapshot());
        assertThat(Files.size(log())).isLessThan(grown / 50);
        assertThat(t.replicationSnapshot()).containsExactlyElementsOf(before);
        t.put(item("a", 201, "after"), 200); // appends after a compaction land in the new file
        t.closeJournal();

        EmbeddedTable reopened = open();
        assertThat(reopened.get(new ItemKey("dc1", "thing", "a"), true).orElseThrow().version()).isEqualTo(201);
        assertThat(reopened.replicationSnapshot()).hasSize(2); // the item and the deletion marker
    }

    @Test
    void compactionRunsByItselfPastTheThresholdSoTheJournalStaysBounded() throws IOException {
        EmbeddedTable t = open(4096);
        for (int v = 1; v <= 1000; v++) {
            t.put(item("a", v, "value " + v), v - 1);
        }
        assertThat(Files.size(log())).isLessThan(3 * 4096);
        t.closeJournal();
        assertThat(open().get(new ItemKey("dc1", "thing", "a"), true).orElseThrow().version()).isEqualTo(1000);
    }

    @Test
    void aCrashBetweenSnapshotAndRenameIsHarmless() throws IOException {
        EmbeddedTable t = open();
        t.put(item("a", 1, "one"), 0);
        t.closeJournal();
        Path temp = dir.resolve("ca.log" + ReplicaJournal.TEMP_SUFFIX);
        Files.write(temp, new byte[] {'M', 'F', 'J', 'L', 0, 1, 0, 0, 0, 0, 0, 9}); // half a snapshot
        EmbeddedTable reopened = open();
        assertThat(reopened.snapshot()).extracting(i -> i.key().id()).containsExactly("a");
        assertThat(temp).doesNotExist();
    }

    @Test
    void writesAfterCloseFailAndCloseIsIdempotent() {
        EmbeddedTable t = open();
        t.closeJournal();
        t.closeJournal();
        assertThatThrownBy(() -> t.put(item("a", 1, "one"), 0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(t.snapshot()).isEmpty(); // nothing applied that was not journaled
    }

    @Test
    void anInterruptedWriterDoesNotCloseTheJournalForEveryoneElse() {
        EmbeddedTable t = open();
        Thread.currentThread().interrupt();
        try {
            t.put(item("a", 1, "one"), 0);
        } finally {
            assertThat(Thread.interrupted()).isTrue(); // the flag is left as it was, and cleared here
        }
        t.put(item("b", 1, "two"), 0);
        t.closeJournal();
        assertThat(open().snapshot()).extracting(i -> i.key().id()).containsExactly("a", "b");
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }
}
