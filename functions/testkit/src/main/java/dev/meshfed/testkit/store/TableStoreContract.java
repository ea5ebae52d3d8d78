package dev.meshfed.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.error.NotFound;
import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.Fields;
import dev.meshfed.core.store.ItemCodec;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.Items;
import dev.meshfed.core.store.OwnerGuard;
import dev.meshfed.core.store.OwnershipViolation;
import dev.meshfed.core.store.Page;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.TableStore;
import dev.meshfed.core.store.Versioned;
import dev.meshfed.core.clock.MutableClock;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TableStore} promises, as one suite that each substrate runs: the DynamoDB
 * adapter against dynalite, the embedded store in memory. A subclass supplies a fresh, empty table
 * for every test through {@link #newStore()}.
 *
 * <p>Where DynamoDB's behaviour leaves a choice, this suite records meshfed's decision, and the
 * embedded store must follow DynamoDB (docs/storage.md):
 * <ul>
 *   <li><b>Numbers</b> round-trip by value, not by text: DynamoDB normalises the decimal text
 *       ({@code 1e3} reads back as {@code 1000}, {@code 1.50} as {@code 1.5}). Codecs must not
 *       depend on the text of a number; whole numbers written by {@link Attr#n(long)} come back
 *       textually identical on every substrate.</li>
 *   <li><b>Ids sort by their UTF-8 bytes</b>, as DynamoDB sorts string sort keys (this differs
 *       from {@link String#compareTo} for characters above U+FFFF against U+E000..U+FFFF).</li>
 *   <li><b>Empty sets</b> cannot be stored (DynamoDB refuses them): the write fails with
 *       {@link IllegalArgumentException} and nothing is written. Empty strings, binaries, lists and
 *       maps are stored.</li>
 *   <li><b>Items over 400 KB</b> are refused with {@link IllegalArgumentException}.</li>
 *   <li><b>{@code expiresAt}</b> is kept to the second (the {@code ttl} attribute holds epoch
 *       seconds); {@code updatedAt} is kept exactly.</li>
 *   <li>A page that ends at the last item has no {@code next}; a page cut by the 1 MB limit does.</li>
 *   <li>Error messages name keys and versions, never item contents.</li>
 * </ul>
 */
public abstract class TableStoreContract {
    /** The local DC of the owner-guard tests, and the owner of most items. */
    protected static final String DC = "dc1";
    protected static final String OTHER_DC = "dc2";
    protected static final String KIND = "widget";

    /** A body value that must never show up in an error message. */
    private static final String SECRET = "body-content-7f3a9c";
    /** DynamoDB's largest item, in bytes of names and values. */
    private static final int MAX_ITEM_BYTES = 400 * 1024;

    private MutableClock clock;
    private TableStore store;

    /**
     * A store over an empty table, fresh for each test. May use {@link #clock()}, which is set
     * before this is called.
     */
    protected abstract TableStore newStore();

    /** The test's clock: drives {@link Items} TTL filtering and {@code updatedAt} of written items. */
    protected final MutableClock clock() {
        return clock;
    }

    protected final TableStore store() {
        return store;
    }

    @BeforeEach
    final void freshStore() {
        clock = MutableClock.atDefaultStart();
        store = newStore();
    }

    @AfterEach
    final void forgetStore() {
        store = null;
    }

    // ---------------------------------------------------------------- get and conditional put

    @Test
    void getOfAnAbsentItemIsEmpty() {
        assertThat(store.get(key("absent"), true)).isEmpty();
        assertThat(store.get(key("absent"), false)).isEmpty();
    }

    @Test
    void createIfAbsentStoresTheItem() {
        StoredItem a = item("a", 1, body("first"));
        store.put(a, 0);

        assertSameItem(store.get(key("a"), true).orElseThrow(), a);
        assertSameItem(store.get(key("a"), false).orElseThrow(), a);
    }

    @Test
    void secondCreateConflictsAndKeepsTheFirst() {
        StoredItem first = item("a", 1, body("first"));
        store.put(first, 0);

        Throwable t = catchThrowable(() -> store.put(item("a", 1, body("second " + SECRET)), 0));

        assertThat(t).isInstanceOf(Conflict.class);
        assertNoContent(t);
        assertSameItem(store.get(key("a"), true).orElseThrow(), first);
    }

    @Test
    void updateWithTheStoredVersionReplacesTheWholeItem() {
        store.put(item("a", 1, Map.of("name", Attr.s("one"), "extra", Attr.s("dropped on update"))), 0);
        clock.advance(Duration.ofSeconds(5));
        StoredItem v2 = item("a", 2, Map.of("name", Attr.s("two")));

        store.put(v2, 1);

        StoredItem read = store.get(key("a"), true).orElseThrow();
        assertSameItem(read, v2);
        assertThat(read.body()).doesNotContainKey("extra");
        assertThat(read.updatedAt()).isEqualTo(clock.instant());
    }

    @Test
    void anUpdateMayJumpVersions() {
        store.put(item("a", 1, body("one")), 0);

        store.put(item("a", 10, body("ten")), 1);

        assertThat(store.get(key("a"), true).orElseThrow().version()).isEqualTo(10);
    }

    @Test
    void staleVersionConflictsAndLeavesTheStoredItemUnchanged() {
        store.put(item("a", 1, body("one")), 0);
        StoredItem v2 = item("a", 2, body("two"));
        store.put(v2, 1);

        Throwable t = catchThrowable(() -> store.put(item("a", 2, body("stale " + SECRET)), 1));

        assertThat(t).isInstanceOf(Conflict.class);
        assertNoContent(t);
        assertSameItem(store.get(key("a"), true).orElseThrow(), v2);
    }

    @Test
    void updateOfAnAbsentItemConflictsAndWritesNothing() {
        Throwable t = catchThrowable(() -> store.put(item("a", 4, body(SECRET)), 3));

        assertThat(t).isInstanceOf(Conflict.class);
        assertNoContent(t);
        assertThat(store.get(key("a"), true)).isEmpty();
    }

    @Test
    void aVersionThatDoesNotGrowIsRefusedAndNothingIsWritten() {
        StoredItem v2 = item("a", 2, body("two"));
        store.put(item("a", 1, body("one")), 0);
        store.put(v2, 1);

        assertThatThrownBy(() -> store.put(item("a", 2, body("same")), 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.put(item("a", 1, body("lower")), 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.put(item("b", 1, body("negative")), -1))
                .isInstanceOf(IllegalArgumentException.class);

        assertSameItem(store.get(key("a"), true).orElseThrow(), v2);
        assertThat(store.get(key("b"), true)).isEmpty();
    }

    // ---------------------------------------------------------------- delete

    @Test
    void deleteWithTheStoredVersionRemovesTheItem() {
        store.put(item("a", 1, body("one")), 0);
        store.put(item("a", 2, body("two")), 1);

        store.delete(key("a"), 2);

        assertThat(store.get(key("a"), true)).isEmpty();
        assertThat(store.query(DC, KIND, null, 10, true).items()).isEmpty();
        store.put(item("a", 1, body("again")), 0); // absent again: create-if-absent succeeds
        assertThat(store.get(key("a"), true).orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void deleteWithAnotherVersionConflictsAndKeepsTheItem() {
        StoredItem v2 = item("a", 2, body(SECRET));
        store.put(item("a", 1, body("one")), 0);
        store.put(v2, 1);

        Throwable t = catchThrowable(() -> store.delete(key("a"), 1));

        assertThat(t).isInstanceOf(Conflict.class);
        assertNoContent(t);
        assertSameItem(store.get(key("a"), true).orElseThrow(), v2);
    }

    @Test
    void deleteOfAnAbsentItemIsNotFound() {
        assertThatThrownBy(() -> store.delete(key("never"), 1)).isInstanceOf(NotFound.class);

        store.put(item("gone", 1, body("one")), 0);
        store.delete(key("gone"), 1);
        assertThatThrownBy(() -> store.delete(key("gone"), 1)).isInstanceOf(NotFound.class);
    }

    // ---------------------------------------------------------------- races

    @Test
    void twoWritersRacingOnTheSameVersionHaveExactlyOneWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                String id = "race-" + round;
                store.put(item(id, 1, body("start")), 0);
                List<String> writers = List.of("writer-a", "writer-b");
                List<Outcome> outcomes = race(pool, writers, w -> store.put(item(id, 2, body(w)), 1));

                List<Outcome> won = outcomes.stream().filter(o -> o.error == null).toList();
                assertThat(won).as("winners of round %d", round).hasSize(1);
                Outcome loser = outcomes.stream().filter(o -> o.error != null).findFirst().orElseThrow();
                assertThat(loser.error).as("loser of round %d", round).isInstanceOf(Conflict.class);
                StoredItem stored = store.get(key(id), true).orElseThrow();
                assertThat(stored.version()).isEqualTo(2);
                assertThat(stored.body()).isEqualTo(body(won.get(0).writer));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void writersRacingToCreateTheSameItemHaveExactlyOneWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<String> writers = List.of("w1", "w2", "w3", "w4");
            List<Outcome> outcomes = race(pool, writers, w -> store.put(item("bootstrap", 1, body(w)), 0));

            List<Outcome> won = outcomes.stream().filter(o -> o.error == null).toList();
            assertThat(won).hasSize(1);
            assertThat(outcomes.stream().filter(o -> o.error != null))
                    .allSatisfy(o -> assertThat(o.error).isInstanceOf(Conflict.class));
            assertThat(store.get(key("bootstrap"), true).orElseThrow().body()).isEqualTo(body(won.get(0).writer));
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- query and paging

    @Test
    void queryListsOnlyThatOwnersKindInIdOrder() {
        List<String> ids = new ArrayList<>(List.of("b", "a", "c-2", "c-10", "A", "0", "aa", "a-", "z"));
        Collections.shuffle(ids, new Random(7));
        for (String id : ids) {
            store.put(item(id, 1, body(id)), 0);
        }
        // neighbours that must not leak into the listing
        store.put(new StoredItem(new ItemKey(DC, KIND + "-x", "a"), 1, clock.instant(), null, body("other kind")), 0);
        store.put(new StoredItem(new ItemKey(DC, "widge", "a"), 1, clock.instant(), null, body("prefix kind")), 0);
        store.put(new StoredItem(new ItemKey(OTHER_DC, KIND, "a"), 1, clock.instant(), null, body("other dc")), 0);

        Page page = store.query(DC, KIND, null, 100, true);

        assertThat(ids(page)).containsExactlyElementsOf(utf8Sorted(ids));
        assertThat(page.next()).isNull();
        assertThat(page.items()).allSatisfy(i -> assertThat(i.key().owner() + "#" + i.key().kind()).isEqualTo(DC + "#" + KIND));
        assertThat(store.query(DC, KIND, null, 100, false).items()).hasSize(ids.size());
        assertThat(store.queryAll(DC, KIND, true)).hasSize(ids.size());
        assertThat(ids(store.query(OTHER_DC, KIND, null, 100, true))).containsExactly("a");
    }

    @Test
    void queryPagesWithSmallLimits() {
        List<String> ids = List.of("id-1", "id-2", "id-3", "id-4", "id-5", "id-6", "id-7");
        ids.forEach(id -> store.put(item(id, 1, body(id)), 0));

        Page p1 = store.query(DC, KIND, null, 3, true);
        Page p2 = store.query(DC, KIND, p1.next(), 3, true);
        Page p3 = store.query(DC, KIND, p2.next(), 3, true);

        assertThat(ids(p1)).containsExactly("id-1", "id-2", "id-3");
        assertThat(p1.next()).isEqualTo("id-3");
        assertThat(ids(p2)).containsExactly("id-4", "id-5", "id-6");
        assertThat(p2.next()).isEqualTo("id-6");
        assertThat(ids(p3)).containsExactly("id-7");
        assertThat(p3.next()).isNull();

        List<String> byOnes = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            Page p = store.query(DC, KIND, next, 1, false);
            assertThat(p.items()).hasSizeLessThanOrEqualTo(1);
            byOnes.addAll(ids(p));
            next = p.next();
            pages++;
        } while (next != null && pages < 100);
        assertThat(byOnes).containsExactlyElementsOf(ids);
    }

    @Test
    void aPageThatEndsAtTheLastItemHasNoNext() {
        List.of("a", "b", "c", "d", "e", "f").forEach(id -> store.put(item(id, 1, body(id)), 0));

        Page p1 = store.query(DC, KIND, null, 3, true);
        Page p2 = store.query(DC, KIND, p1.next(), 3, true);
        Page whole = store.query(DC, KIND, null, 6, true);

        assertThat(ids(p2)).containsExactly("d", "e", "f");
        assertThat(p2.next()).isNull();
        assertThat(ids(whole)).hasSize(6);
        assertThat(whole.next()).isNull();
    }

    @Test
    void queryStartsAfterAnyIdStoredOrNot() {
        List.of("a1", "b1", "c1").forEach(id -> store.put(item(id, 1, body(id)), 0));

        assertThat(ids(store.query(DC, KIND, "b", 10, true))).containsExactly("b1", "c1");
        assertThat(ids(store.query(DC, KIND, "b1", 10, true))).containsExactly("c1");
        Page past = store.query(DC, KIND, "z", 10, true);
        assertThat(past.items()).isEmpty();
        assertThat(past.next()).isNull();
    }

    @Test
    void queryOfAnEmptyKindIsOneEmptyLastPage() {
        Page p = store.query(DC, KIND, null, 10, true);

        assertThat(p.items()).isEmpty();
        assertThat(p.next()).isNull();
        assertThat(store.queryAll(DC, KIND, false)).isEmpty();
    }

    @Test
    void aLimitMustBePositive() {
        assertThatThrownBy(() -> store.query(DC, KIND, null, 0, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.query(DC, KIND, null, -1, true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pagingGoesPastOneMegabyte() {
        int count = 300;
        String filler = "x".repeat(4000); // ~4 KB per item: 300 items are ~1.2 MB
        List<String> ids = IntStream.range(0, count).mapToObj(i -> String.format("item-%04d", i)).toList();
        for (String id : ids) {
            store.put(item(id, 1, Map.of("filler", Attr.s(filler))), 0);
        }

        Page first = store.query(DC, KIND, null, 1000, true);
        assertThat(first.items()).as("items on the first page, cut at 1 MB").hasSizeLessThan(count);
        assertThat(first.next()).isNotNull();

        List<String> all = new ArrayList<>(ids(first));
        String next = first.next();
        int pages = 1;
        while (next != null) {
            Page p = store.query(DC, KIND, next, 1000, true);
            assertThat(p.items()).hasSizeLessThanOrEqualTo(1000);
            all.addAll(ids(p));
            next = p.next();
            pages++;
            assertThat(pages).as("pages").isLessThan(20);
        }
        assertThat(pages).isGreaterThan(1);
        assertThat(all).containsExactlyElementsOf(ids);
        assertThat(store.queryAll(DC, KIND, false)).extracting(i -> i.key().id()).containsExactlyElementsOf(ids);
        assertThat(store.get(key("item-0150"), true).orElseThrow().body().get("filler")).isEqualTo(Attr.s(filler));
    }

    // ---------------------------------------------------------------- TTL

    @Test
    void theTtlAttributeRoundTrips() {
        Instant expires = Instant.parse("2031-01-01T00:00:00Z");
        Instant updated = Instant.parse("2026-06-01T12:00:00.123456789Z");
        StoredItem withTtl = new StoredItem(key("ttl"), 1, updated, expires, body("expiring"));
        StoredItem without = new StoredItem(key("no-ttl"), 1, updated, null, body("lasting"));

        store.put(withTtl, 0);
        store.put(without, 0);

        StoredItem a = store.get(key("ttl"), true).orElseThrow();
        assertThat(a.expiresAt()).isEqualTo(expires);
        assertThat(a.updatedAt()).isEqualTo(updated);
        assertThat(a.toAttributes().get("ttl")).isEqualTo(Attr.n(expires.getEpochSecond()));
        assertThat(store.get(key("no-ttl"), true).orElseThrow().expiresAt()).isNull();
        assertThat(store.query(DC, KIND, null, 10, true).items())
                .extracting(StoredItem::expiresAt)
                .containsExactly(null, expires); // "no-ttl" sorts before "ttl"
    }

    @Test
    void expiresAtIsKeptToTheSecond() {
        store.put(new StoredItem(key("a"), 1, clock.instant(), Instant.parse("2031-01-01T00:00:00.750Z"), body("a")), 0);

        assertThat(store.get(key("a"), true).orElseThrow().expiresAt()).isEqualTo(Instant.parse("2031-01-01T00:00:00Z"));
    }

    @Test
    void itemsSkipsExpiredItemsByItsClock() {
        Items<String> items = new Items<>(store, KIND, NAME_CODEC, clock);
        Instant inAnHour = clock.instant().plus(Duration.ofHours(1));
        items.put(DC, "expiring", "soon gone", 0, inAnHour);
        items.put(DC, "lasting", "stays", 0, null);

        clock.advance(Duration.ofMinutes(59).plusSeconds(59));
        assertThat(items.get(DC, "expiring", true)).map(Versioned::value).contains("soon gone");
        assertThat(items.list(DC, true)).extracting(Versioned::value).containsExactly("soon gone", "stays");

        clock.advance(Duration.ofSeconds(1));
        assertThat(items.get(DC, "expiring", true)).isEmpty();
        assertThat(items.list(DC, true)).extracting(Versioned::value).containsExactly("stays");
        assertThat(items.get(DC, "lasting", false).orElseThrow().expiresAt()).isNull();
    }

    // ---------------------------------------------------------------- ownership

    @Test
    void theOwnerGuardRefusesWritesToAnotherDcsKeysAndWritesNothing() {
        TableStore guarded = new OwnerGuard(DC, store);
        ItemKey foreign = new ItemKey(OTHER_DC, KIND, "theirs");

        assertThatThrownBy(() -> guarded.put(new StoredItem(foreign, 1, clock.instant(), null, body("x")), 0))
                .isInstanceOf(OwnershipViolation.class);
        assertThat(store.get(foreign, true)).isEmpty();

        // the item as replication would bring it: readable, still not deletable through the guard
        StoredItem replicated = new StoredItem(foreign, 1, clock.instant(), null, body("replicated"));
        store.put(replicated, 0);
        assertThatThrownBy(() -> guarded.delete(foreign, 1)).isInstanceOf(OwnershipViolation.class);
        assertThatThrownBy(() -> guarded.put(new StoredItem(foreign, 2, clock.instant(), null, body("y")), 1))
                .isInstanceOf(OwnershipViolation.class);
        assertSameItem(guarded.get(foreign, true).orElseThrow(), replicated);
        assertThat(ids(guarded.query(OTHER_DC, KIND, null, 10, true))).containsExactly("theirs");

        guarded.put(item("mine", 1, body("ok")), 0);
        guarded.delete(key("mine"), 1);
        assertThat(store.get(key("mine"), true)).isEmpty();
    }

    // ---------------------------------------------------------------- attribute types and ids

    @Test
    void everyAttributeTypeRoundTrips() {
        byte[] allBytes = new byte[256];
        for (int i = 0; i < allBytes.length; i++) {
            allBytes[i] = (byte) i;
        }
        Map<String, Attr> inner = new LinkedHashMap<>();
        inner.put("empty", Attr.s(""));
        Attr listWithEmptyString = Attr.l(List.of(Attr.n(1), Attr.m(Map.of("e", Attr.s("")))));
        inner.put("deeper", Attr.m(Map.of("list", listWithEmptyString)));
        inner.put("nothing", new Attr.Null());
        Map<String, Attr> body = new LinkedHashMap<>();
        body.put("s", Attr.s("text with ünïcødé and 🔑"));
        body.put("emptyString", Attr.s(""));
        body.put("n", Attr.n(42));
        body.put("negative", Attr.n(-7));
        body.put("big", Attr.n(Long.MAX_VALUE));
        body.put("decimal", new Attr.N("3.25"));
        body.put("b", Attr.b(allBytes));
        body.put("emptyBinary", Attr.b(new byte[0]));
        body.put("yes", Attr.bool(true));
        body.put("no", Attr.bool(false));
        body.put("null", new Attr.Null());
        body.put("list", Attr.l(List.of(Attr.s("a"), Attr.n(2), Attr.bool(false), new Attr.Null(), Attr.l(List.of()))));
        body.put("emptyList", Attr.l(List.of()));
        body.put("map", Attr.m(inner));
        body.put("emptyMap", Attr.m(Map.of()));
        body.put("ss", new Attr.SS(Set.of("x", "y")));
        body.put("ns", new Attr.NS(Set.of("1", "2.5", "-3")));
        body.put("list of maps", Attr.l(List.of(Attr.m(Map.of("k", Attr.s("v"))), Attr.m(Map.of()))));
        StoredItem written = item("types", 1, body);

        store.put(written, 0);

        StoredItem read = store.get(key("types"), true).orElseThrow();
        assertSameItem(read, written);
        // whole numbers written by Attr.n come back textually identical
        assertThat(read.body().get("n")).isEqualTo(Attr.n(42));
        assertThat(read.body().get("big")).isEqualTo(Attr.n(Long.MAX_VALUE));
        assertThat(((Attr.B) read.body().get("b")).value()).isEqualTo(allBytes);
        assertSameItem(store.query(DC, KIND, null, 1, true).items().get(0), written);
    }

    @Test
    void numbersRoundTripByValue() {
        Map<String, Attr> body = new LinkedHashMap<>();
        body.put("exponent", new Attr.N("1e3"));
        body.put("trailingZero", new Attr.N("1.50"));
        body.put("small", new Attr.N("0.000001"));
        body.put("negativeZero", new Attr.N("-0"));
        body.put("digits38", new Attr.N("12345678901234567890123456789012345678"));
        body.put("set", new Attr.NS(Set.of("1e2", "7.0")));
        store.put(item("numbers", 1, body), 0);

        Map<String, Attr> read = store.get(key("numbers"), true).orElseThrow().body();

        assertThat(new BigDecimal(((Attr.N) read.get("exponent")).value())).isEqualByComparingTo("1000");
        assertThat(new BigDecimal(((Attr.N) read.get("trailingZero")).value())).isEqualByComparingTo("1.5");
        assertThat(new BigDecimal(((Attr.N) read.get("small")).value())).isEqualByComparingTo("0.000001");
        assertThat(new BigDecimal(((Attr.N) read.get("negativeZero")).value())).isEqualByComparingTo("0");
        assertThat(new BigDecimal(((Attr.N) read.get("digits38")).value()))
                .isEqualByComparingTo("12345678901234567890123456789012345678");
        assertThat(byValue(read.get("set"))).isEqualTo(byValue(new Attr.NS(Set.of("100", "7"))));
    }

    @Test
    void emptySetsAreRefusedAndNothingIsWritten() {
        assertThatThrownBy(() -> store.put(item("ss", 1, Map.of("tags", new Attr.SS(Set.of()))), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.put(item("ns", 1, Map.of("nested", Attr.m(Map.of("n", new Attr.NS(Set.of()))))), 0))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(store.get(key("ss"), true)).isEmpty();
        assertThat(store.get(key("ns"), true)).isEmpty();
    }

    @Test
    void itemsOver400KilobytesAreRefusedAndNothingIsWritten() {
        String tooBig = "z".repeat(MAX_ITEM_BYTES + 1);

        Throwable t = catchThrowable(() -> store.put(item("huge", 1, Map.of("blob", Attr.s(tooBig))), 0));

        assertThat(t).isInstanceOf(IllegalArgumentException.class);
        assertThat(t.getMessage()).doesNotContain("zzzz");
        assertThat(store.get(key("huge"), true)).isEmpty();
    }

    @Test
    void idsWithSeparatorsAndUnicodeRoundTripAndSortByUtf8Bytes() {
        List<String> ids = List.of("a#b", "a#b#c", "#", "path/to/x", "x%2Fy", "ünïcødé", "日本語", "🔑key",
                "\uFF21wide", " leading space", "trailing space ", "a");
        for (String id : ids) {
            store.put(item(id, 1, body(id)), 0);
        }

        for (String id : ids) {
            StoredItem read = store.get(key(id), true).orElseThrow(() -> new AssertionError("missing id " + id));
            assertThat(read.key()).isEqualTo(key(id));
            assertThat(read.body()).isEqualTo(body(id));
        }
        assertThat(ids(store.query(DC, KIND, null, 100, true))).containsExactlyElementsOf(utf8Sorted(ids));
        // "🔑key" (above U+FFFF) sorts after U+FF21 by UTF-8 bytes, before it by UTF-16 units
        List<String> listed = ids(store.query(DC, KIND, null, 100, true));
        assertThat(listed.indexOf("🔑key")).isGreaterThan(listed.indexOf("\uFF21wide"));
        // paging continues correctly after an id containing '#'
        Page afterHash = store.query(DC, KIND, "a#b", 1, true);
        assertThat(ids(afterHash)).containsExactly("a#b#c");
    }

    // ---------------------------------------------------------------- helpers

    /** A one-attribute body. */
    protected static Map<String, Attr> body(String name) {
        return Map.of("name", Attr.s(name));
    }

    protected static ItemKey key(String id) {
        return new ItemKey(DC, KIND, id);
    }

    protected final StoredItem item(String id, long version, Map<String, Attr> body) {
        return new StoredItem(key(id), version, clock.instant(), null, body);
    }

    protected static List<String> ids(Page page) {
        return page.items().stream().map(i -> i.key().id()).toList();
    }

    /** DynamoDB's order of string sort keys: unsigned UTF-8 bytes. */
    protected static List<String> utf8Sorted(List<String> ids) {
        Comparator<String> utf8 = (x, y) -> Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8),
                y.getBytes(StandardCharsets.UTF_8));
        return ids.stream().sorted(utf8).toList();
    }

    /** Same key, bookkeeping and body, numbers compared by value. */
    protected static void assertSameItem(StoredItem actual, StoredItem expected) {
        assertThat(actual.key()).isEqualTo(expected.key());
        assertThat(actual.version()).isEqualTo(expected.version());
        assertThat(actual.updatedAt()).isEqualTo(expected.updatedAt());
        assertThat(actual.expiresAt()).isEqualTo(expected.expiresAt());
        assertThat(byValue(Attr.m(actual.body()))).isEqualTo(byValue(Attr.m(expected.body())));
    }

    /** {@code a} with every number in a canonical text, so that equality compares numbers by value. */
    protected static Attr byValue(Attr a) {
        if (a instanceof Attr.N n) {
            return new Attr.N(canonical(n.value()));
        }
        if (a instanceof Attr.NS ns) {
            return new Attr.NS(ns.values().stream().map(TableStoreContract::canonical).collect(Collectors.toSet()));
        }
        if (a instanceof Attr.L l) {
            return Attr.l(l.values().stream().map(TableStoreContract::byValue).toList());
        }
        if (a instanceof Attr.M m) {
            Map<String, Attr> out = new LinkedHashMap<>();
            m.values().forEach((k, v) -> out.put(k, byValue(v)));
            return Attr.m(out);
        }
        return a;
    }

    private static String canonical(String number) {
        return new BigDecimal(number).stripTrailingZeros().toPlainString();
    }

    private static void assertNoContent(Throwable t) {
        assertThat(t.getMessage()).doesNotContain(SECRET);
        assertThat(String.valueOf(t.getCause())).doesNotContain(SECRET);
    }

    private record Outcome(String writer, Throwable error) {
    }

    private interface Write {
        void run(String writer);
    }

    /** Starts one thread per writer at the same moment and collects who succeeded. */
    private static List<Outcome> race(ExecutorService pool, List<String> writers, Write write) throws Exception {
        CountDownLatch ready = new CountDownLatch(writers.size());
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Outcome>> futures = new ArrayList<>();
        for (String w : writers) {
            futures.add(pool.submit(() -> {
                ready.countDown();
                go.await();
                try {
                    write.run(w);
                    return new Outcome(w, null);
                } catch (RuntimeException e) {
                    return new Outcome(w, e);
                }
            }));
        }
        assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
        go.countDown();
        List<Outcome> outcomes = new ArrayList<>();
        for (Future<Outcome> f : futures) {
            outcomes.add(f.get(30, TimeUnit.SECONDS));
        }
        return outcomes;
    }

    private static final ItemCodec<String> NAME_CODEC = new ItemCodec<>() {
        @Override
        public Map<String, Attr> encode(String value) {
            return body(value);
        }

        @Override
        public String decode(ItemKey key, Map<String, Attr> body) {
            return Fields.of(key, body).s("name");
        }
    };
}
