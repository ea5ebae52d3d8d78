package dev.meshfed.core.intentions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshfed.core.clock.MutableClock;
import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.error.NotFound;
import dev.meshfed.core.store.IntentionStore;
import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.core.testing.InMemoryTableStore;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IntentionServiceTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final InMemoryTableStore intentionsTable = new InMemoryTableStore();
    private final IntentionStore store = new IntentionStore(intentionsTable, "dc1", "dc1", clock);
    private final InMemoryTableStore privateTable = new InMemoryTableStore();
    private final PrivateStore primary = new PrivateStore(privateTable, "dc1", clock);
    private final AtomicInteger ids = new AtomicInteger();
    private final IntentionService service = new IntentionService(store, primary, primary::bumpChangeIndex,
            () -> String.format("00000000-0000-4000-8000-%012d", ids.incrementAndGet()), clock);
    private final CachedIntentionView view = new CachedIntentionView(primary);

    static IntentionRequest req(String source, String destination, String action) {
        return new IntentionRequest(null, source, null, destination, Optional.empty(), Optional.empty(), null, action,
                null, "d", Map.of("k", "v"));
    }

    static IntentionRequest req(String source, String destination, String action, String sourceDc, String destinationDc) {
        return new IntentionRequest(null, source, null, destination, Optional.ofNullable(sourceDc),
                Optional.ofNullable(destinationDc), null, action, null, "d", Map.of());
    }

    @Test
    void createWritesTheTableAndThePrimarysViewAtOnce() {
        long before = primary.changeIndex();
        Intention i = service.create(req("web", "db", "allow"));
        assertThat(i.id()).isEqualTo("00000000-0000-4000-8000-000000000001");
        assertThat(i.precedence()).isEqualTo(9);
        assertThat(i.createdAt()).isEqualTo(clock.instant());
        assertThat(store.intention(i.id(), true)).isPresent();
        assertThat(primary.changeIndex()).isGreaterThan(before);
        var index = view.index();
        assertThat(index.byId(i.id())).isPresent();
        assertThat(index.byId(i.id()).get().version()).isEqualTo(store.intention(i.id(), true).get().version());
        assertThat(store.intentionKeyLink("default/web/default/db//", true)).isPresent();
    }

    @Test
    void aSecondIntentionWithTheSameKeyIsADuplicate() {
        Intention first = service.create(req("web", "db", "allow"));
        assertThatThrownBy(() -> service.create(req("web", "db", "deny"))).isInstanceOf(InvalidInput.class)
                .hasMessage("duplicate intention found: default/web => default/db (ID: " + first.id()
                        + ", Precedence: 9, Action: ALLOW)");
        // another DC scope is another key
        service.create(req("web", "db", "deny", "dc2", null));
        assertThat(view.index().all()).hasSize(2);
    }

    @Test
    void invalidInputChangesNothing() {
        int writes = intentionsTable.totalWrites();
        assertThatThrownBy(() -> service.create(req("we*b", "db", "allow"))).isInstanceOf(InvalidInput.class);
        assertThat(intentionsTable.totalWrites()).isEqualTo(writes);
    }

    @Test
    void updateKeepsAbsentDatacenterFieldsClearsEmptyOnesAndMovesTheKey() {
        Intention created = service.create(req("web", "db", "allow", "dc2", "dc1"));
        clock.advance(Duration.ofMinutes(1));
        Intention kept = service.update(created.id(), req("web", "db", "deny"));
        assertThat(kept.sourceDatacenter()).isEqualTo("dc2");
        assertThat(kept.destinationDatacenter()).isEqualTo("dc1");
        assertThat(kept.action()).isEqualTo("deny");
        assertThat(kept.createdAt()).isEqualTo(created.createdAt());
        assertThat(kept.updatedAt()).isAfter(created.updatedAt());

        Intention cleared = service.update(created.id(), req("web", "db", "deny", "", null));
        assertThat(cleared.sourceDatacenter()).isEmpty();
        assertThat(cleared.destinationDatacenter()).isEqualTo("dc1");
        assertThat(store.intentionKeyLink("default/web/default/db/dc2/dc1", true)).isEmpty();
        assertThat(store.intentionKeyLink("default/web/default/db//dc1", true)).isPresent();
        // the old key is free again
        service.create(req("web", "db", "allow", "dc2", "dc1"));
    }

    @Test
    void updateOntoAnotherIntentionsKeyIsADuplicateAndChangesNothing() {
        service.create(req("web", "db", "allow"));
        Intention other = service.create(req("api", "db", "allow"));
        assertThatThrownBy(() -> service.update(other.id(), req("web", "db", "deny")))
                .hasMessageStartingWith("duplicate intention found: ");
        assertThat(service.intention(other.id()).get().value().sourceName()).isEqualTo("api");
    }

    @Test
    void deleteLeavesATombstoneInTableAndViewAndFreesTheKey() {
        Intention i = service.create(req("web", "db", "allow"));
        service.delete(i.id());
        assertThat(store.intention(i.id(), true).get().value().deleted()).isTrue();
        assertThat(primary.viewEntry(i.id()).get().value().deleted()).isTrue();
        assertThat(view.index().all()).isEmpty();
        assertThatThrownBy(() -> service.delete(i.id())).isInstanceOf(NotFound.class).hasMessage("Intention not found");
        assertThatThrownBy(() -> service.update("nope", req("web", "db", "allow"))).isInstanceOf(NotFound.class);
        service.create(req("web", "db", "allow"));
    }

    @Test
    void exactUpsertCreatesThenReplacesKeepingIdAndMeta() {
        Intention created = service.upsertExact(req("web", "db", "allow"));
        Intention replaced = service.upsertExact(new IntentionRequest(null, "web", null, "db", Optional.empty(),
                Optional.empty(), null, "deny", null, "x", Map.of()));
        assertThat(replaced.id()).isEqualTo(created.id());
        assertThat(replaced.action()).isEqualTo("deny");
        assertThat(replaced.meta()).containsEntry("k", "v");
        List<String> key = created.key();
        assertThat(service.deleteExact(key)).isTrue();
        assertThat(service.deleteExact(key)).isFalse();
        assertThat(service.byKey(key)).isEmpty();
    }

    @Test
    void aKeyLinkLeftByAnInterruptedCreateIsReclaimedOnceItIsOlderThanAnyWrite() {
        store.createIntentionKeyLink("default/web/default/db//",
                new dev.meshfed.core.acl.AclLink("gone", clock.instant()));
        // a young dangling link may be another create between its two writes: never taken
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> service.create(req("web", "db", "allow")))
                .isInstanceOf(dev.meshfed.core.error.Conflict.class);
        clock.advance(IntentionService.RECLAIM_AFTER.plusSeconds(1));
        Intention i = service.create(req("web", "db", "allow"));
        assertThat(store.intentionKeyLink("default/web/default/db//", true).get().value().target()).isEqualTo(i.id());
    }

    @Test
    void versionsOnlyGrowAndTheViewRebuildsOnlyWhenTheChangeIndexMoves() {
        Intention i = service.create(req("web", "db", "allow"));
        long v1 = store.intention(i.id(), true).get().version();
        service.update(i.id(), req("web", "db", "deny"));
        assertThat(store.intention(i.id(), true).get().version()).isGreaterThan(v1);
        IntentionIndex a = view.index();
        int reads = privateTable.totalReads();
        assertThat(view.index()).isSameAs(a);
        assertThat(privateTable.totalReads() - reads).as("one change-index read, no scan").isEqualTo(1);
        service.create(req("api", "db", "allow"));
        assertThat(view.index()).isNotSameAs(a);
    }

    @Test
    void concurrentCreatesOfOneKeyMakeExactlyOneIntention() throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
            for (int k = 0; k < 8; k++) {
                results.add(pool.submit(() -> {
                    try {
                        service.create(req("web", "db", "allow"));
                        return true;
                    } catch (InvalidInput | dev.meshfed.core.error.Conflict refused) {
                        return false;
                    }
                }));
            }
            int created = 0;
            for (var r : results) {
                created += r.get() ? 1 : 0;
            }
            assertThat(created).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.intentions(true)).hasSize(1);
        assertThat(view.index().all()).hasSize(1);
    }
}
