package dev.meshfed.app.intentions;

import static dev.meshfed.app.intentions.ReplicationFederation.replicaOf;
import static dev.meshfed.app.intentions.ReplicationFederation.viewOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import dev.meshfed.app.stream.QuarantiningConsumer;
import dev.meshfed.core.intentions.IntentionItem;
import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.IntentionStore;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.Table;
import dev.meshfed.core.store.codec.IntentionTableCodecs;
import dev.meshfed.store.embedded.EmbeddedTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code replicate-intentions} on the embedded federation: order, duplicates, poison, authority, repair, status. */
class ReplicateIntentionsTest {

    // ---- order and duplicates -------------------------------------------------------------------

    /**
     * Writes a random history in the primary (creates, updates, deletes), and after every write
     * delivers a random selection of all records seen so far (old ones included: an old upsert is
     * replayed after its delete), shuffled and duplicated; then every record twice, shuffled. The
     * view must equal the one an in-order, exactly-once consumer builds, which equals the replica.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1L, 7L, 42L, 2026L, 90210L, 123456789L})
    void any_order_and_any_duplicates_converge_to_the_in_order_view(long seed) {
        Random random = new Random(seed);
        ReplicationFederation fed = new ReplicationFederation("dc1", "dc2");
        List<DynamodbEvent.DynamodbStreamRecord> records = fed.collect("dc2");
        ReplicateIntentions shuffled = fed.function("dc2");
        QuarantiningConsumer consumer = fed.consumer("dc2", shuffled);
        // the in-order reference: the same replica, its own private table, every record once in order
        PrivateStore referenceView = new PrivateStore(new EmbeddedTable(Table.PRIVATE, "dc2", fed.harness.clock()), "dc2",
                fed.harness.clock());
        ReplicateIntentions inOrder = new ReplicateIntentions(fed.dc("dc2").intentionStore(), referenceView, "dc2", "dc1",
                fed.harness.clock());
        QuarantiningConsumer reference = new QuarantiningConsumer(Table.INTENTIONS, inOrder::onRecord, referenceView, "dc2",
                fed.harness.clock());

        List<String> live = new ArrayList<>();
        int created = 0;
        int inOrderSeen = 0;
        for (int step = 0; step < 40; step++) {
            int op = random.nextInt(10);
            if (live.isEmpty() || op < 3) {
                String id = "i-" + created++;
                fed.upsert(id, "allow");
                live.add(id);
            } else if (op < 7) {
                fed.upsert(live.get(random.nextInt(live.size())), random.nextBoolean() ? "allow" : "deny");
            } else {
                fed.delete(live.remove(random.nextInt(live.size())));
            }
            fed.harness.advance(Duration.ofMillis(1 + random.nextInt(500)));
            while (inOrderSeen < records.size()) {
                reference.onRecord(records.get(inOrderSeen++)); // as they arrive, once each
            }
            int delivered = random.nextInt(4);
            for (int k = 0; k < delivered && !records.isEmpty(); k++) {
                DynamodbEvent.DynamodbStreamRecord r = records.get(random.nextInt(records.size()));
                consumer.onRecord(r);
                if (random.nextBoolean()) {
                    consumer.onRecord(r);
                }
            }
        }
        List<DynamodbEvent.DynamodbStreamRecord> all = new ArrayList<>(records);
        assertThat(inOrderSeen).isEqualTo(all.size());
        List<DynamodbEvent.DynamodbStreamRecord> twice = new ArrayList<>(all);
        twice.addAll(all);
        Collections.shuffle(twice, random);
        twice.forEach(consumer::onRecord);

        PrivateStore view = fed.dc("dc2").privateStore();
        assertThat(viewOf(view)).as("seed %d: shuffled and duplicated vs in order", seed).isEqualTo(viewOf(referenceView));
        assertThat(viewOf(view)).as("seed %d: view vs replica", seed).isEqualTo(replicaOf(fed.dc("dc2").intentionStore()));
        assertThat(view.quarantined()).as("seed %d", seed).isEmpty();
        assertThat(shuffled.status().appliedVersion()).as("seed %d", seed).isEqualTo(inOrder.status().appliedVersion());
    }

    @Test
    void at_least_once_delivery_by_the_feed_converges_and_applies_each_version_once() {
        ReplicationFederation fed = new ReplicationFederation("dc1", "dc2");
        fed.harness.duplicateDelivery(true);
        ReplicateIntentions f = fed.start("dc2");
        long before = fed.dc("dc2").privateStore().changeIndex();
        fed.upsert("a", "allow");
        fed.harness.settle();
        fed.upsert("b", "allow");
        fed.harness.settle();
        fed.upsert("a", "deny");
        fed.harness.settle();
        fed.delete("b");
        fed.harness.settle();
        assertThat(viewOf(fed.dc("dc2").privateStore())).isEqualTo(replicaOf(fed.dc("dc2").intentionStore()));
        assertThat(fed.dc("dc2").privateStore().changeIndex()).as("one bump per version applied, none per duplicate")
                .isEqualTo(before + 4);
        assertThat(f.status().appliedVersion()).isEqualTo(4);
    }

    @Test
    void concurrent_deliveries_and_a_concurrent_reconcile_converge() throws Exception {
        ReplicationFederation fed = new ReplicationFederation("dc1", "dc2");
        List<DynamodbEvent.DynamodbStreamRecord> records = fed.collect("dc2");
        for (int i = 0; i < 12; i++) {
            fed.upsert("i-" + i, "allow");
        }
        for (int i = 0; i < 12; i += 3) {
            fed.upsert("i-" + i, "deny");
            fed.delete("i-" + (i + 1));
        }
        fed.harness.settle();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            long seed = t;
            threads.add(new Thread(() -> {
                try {
                    ReplicateIntentions f = fed.function("dc2");
                    QuarantiningConsumer c = fed.consumer("dc2", f);
                    List<DynamodbEvent.DynamodbStreamRecord> mine = new ArrayList<>(records);
                    Collections.shuffle(mine, new Random(seed));
                    mine.forEach(c::onRecord);
                    f.reconcile();
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(30_000);
        }
        // a Conflict that kept winning is a retryable failure; deliver once more as the event source would
        if (!errors.isEmpty()) {
            assertThat(errors).allMatch(e -> e instanceof dev.meshfed.core.error.Conflict, errors.toString());
            records.forEach(fed.consumer("dc2", fed.function("dc2"))::onRecord);
        }
        assertThat(viewOf(fed.dc("dc2").privateStore())).isEqualTo(replicaOf(fed.dc("dc2").intentionStore()));
        assertThat(fed.function("dc2").status().appliedVersion()).isEqualTo(20);
        assertThat(fed.dc("dc2").privateStore().quarantined()).isEmpty();
    }

    @Test
    void an_old_upsert_replayed_after_the_delete_cannot_bring_the_intention_back() {
        ReplicationFederation fed = new ReplicationFederation("dc1", "dc2");
        List<DynamodbEvent.DynamodbStreamRecord> records = fed.collect("dc2");
        ReplicateIntentions f = fed.function("dc2");
        QuarantiningConsumer consumer = fed.consumer("dc2", f);
        fed.upsert("a", "allow");
        fed.harness.settle();
        consumer.onRecord(records.get(0));
        fed.delete("a");
        fed.harness.settle();
        consumer.onRecord(records.get(1));
        assertThat(fed.dc("dc2").privateStore().viewEntry("a")).hasValueSatisfying(v -> {
            assertThat(v.value().deleted()).isTrue();
            assertThat(v.version()).isEqualTo(2);
        });
        long index = fed.dc("dc2").privateStore().changeIndex();
        consumer.onRecord(records.get(0)); // the create, replayed
        consumer.onRecord(records.get(0));
        assertThat(fed.dc("dc2").privateStore().viewEntry("a").orElseThrow().value().deleted()).isTrue();
        assertThat(fed.dc("dc2").privateStore().changeIndex()).as("a stale record changes nothing").isEqualTo(index);
    }

    @Test
    void a_record_whose_item_expired_from_the_replica_is_ignored() {
        ReplicationFederation fed = new ReplicationFederation("dc1", "dc2");
        List<DynamodbEvent.DynamodbStreamRecord> records = fed.collect("dc2");
        ReplicateIntentions f = fed.function("dc2");
        fed.upsert("a", "allow");
        fed.delete("a");
        fed.harness.settle();
        fed.harness.clock().advance(IntentionStore.TOMBSTONE_TTL);
        records.forEach(fed.consumer("dc2", f)::onRecord);
        assertThat(fed.dc("dc2").privateStore().view()).isEmpty();
        assertThat(f.status().appliedVersion()).isZero();
    }

    // ---- poison, authority ----------------------------------------------------------------------

    @Test
    void a_poison_record_among_valid_ones_is_quarantined_and_the_others_applied() {
        ReplicationFederation fed = new ReplicationFederation("dc1", "dc2");
        ReplicateIntentions f = fed.start("dc2");
        fed.upsert("a", "allow");
        // undecodable body under the primary's prefix: a bug in the primary's writer
        fed.dc("dc1").table(Table.INTENTIONS).put(new StoredItem(new ItemKey("dc1", IntentionStore.INTENTION, "poison"), 2,
                fed.harness.clock().instant(), null, Map.of("id", Attr.n(5), "deleted", Attr.s("maybe"))), 0);
        // a body that names another intention than its key
        fed.dc("dc1").table(Table.INTENTIONS).put(new StoredItem(new ItemKey("dc1", IntentionStore.INTENTION, "liar"), 3,
                fed.harness.clock().instant(), null, IntentionTableCodecs.INTENTION.encode(IntentionItem.live(
                        ReplicationFederation.intention("someone-else", "allow", fed.harness.clock().instant())))), 0);
        fed.upsert("b", "deny");
        fed.harness.settle();

        PrivateStore p = fed.dc("dc2").privateStore();
        assertThat(viewOf(p).keySet()).containsExactly("a", "b");
        assertThat(p.quarantined()).extracting(q -> q.value().itemKey())
                .containsExactlyInAnyOrder("dc1#intention#poison", "dc1#intention#liar");
        assertThat(p.quarantined()).allSatisfy(q -> assertThat(q.value().table()).isEqualTo("INTENTIONS"));
        assertThat(fed.harness.failures()).isEmpty();
        ReplicateIntentions.Status s = f.status();
        assertThat(s.quarantinedRecords()).isEqualTo(2);
        assertThat(s.lastError()).contains("dc1#intention#");
        assertThat(s.lastErrorAt()).isNotNull();
        assertThat(s.appliedVersion()).isEqualTo(2); // a at 1, b at 2 (the poison items are not the counter's)
    }

    @Test
    void a_record_owned_by_another_dc_is_ignored_counted_and_never_quarantined() {
        ReplicationFederation fed = new ReplicationFederation("dc1", "dc2");
        ReplicateIntentions inPrimary = fed.start("dc1");
        ReplicateIntentions inSecondary = fed.start("dc2");
        fed.upsert("a", "allow");
        // what a bug or a compromised region looks like: dc2 writes an intention under its own prefix
        EmbeddedTable raw = fed.dc("dc2").table(Table.INTENTIONS);
        raw.put(new StoredItem(new ItemKey("dc2", IntentionStore.INTENTION, "evil"), 99, fed.harness.clock().instant(),
                null, IntentionTableCodecs.INTENTION.encode(IntentionItem.live(
                        ReplicationFederation.intention("evil", "allow", fed.harness.clock().instant())))), 0);
        // and a poison-looking one: still a violation, not a quarantine
        raw.put(new StoredItem(new ItemKey("dc2", IntentionStore.INTENTION, "evil-poison"), 1,
                fed.harness.clock().instant(), null, Map.of("garbage", Attr.s("x"))), 0);
        fed.harness.settle();

        for (String dc : List.of("dc1", "dc2")) {
            PrivateStore p = fed.dc(dc).privateStore();
            assertThat(viewOf(p).keySet()).as(dc).containsExactly("a");
            assertThat(p.quarantined()).as(dc).isEmpty();
        }
        assertThat(inSecondary.status().authorityViolations()).isEqualTo(2);
        assertThat(inPrimary.status().authorityViolations()).isEqualTo(2);
        // reconcile reads only the primary's prefix: it never picks the item up either
        inSecondary.reconcile();
        assertThat(viewOf(fed.dc("dc2").privateStore()).keySet()).containsExactly("a");
    }

    @Test
    void acl_records_bump_the_change_index_and_touch_nothing_else() {
        ReplicationFederation fed = new ReplicationFederation("dc1", "dc2");
        fed.start("dc2");
        long before = fed.dc("dc2").privateStore().changeIndex();
        fed.primaryStore().putPolicy(new dev.meshfed.core.acl.AclPolicy("p-1", "readers", "", "service_prefix \"\" {}",
                List.of(), fed.harness.clock().instant(), fed.harness.clock().instant(), 1, 1), 0);
        fed.primaryStore().createPolicyNameLink("readers", new dev.meshfed.core.acl.AclLink("p-1",
                fed.harness.clock().instant()));
        fed.harness.settle();
        assertThat(fed.dc("dc2").privateStore().changeIndex()).isEqualTo(before + 1);
        assertThat(fed.dc("dc2").privateStore().view()).isEmpty();
        assertThat(fed.dc("dc2").privateStore().quarantined()).isEmpty();
    }

    // ---- repair ---------------------------------------------------------------------------------

    @Test
    void records_a_feed_dropped_are_repaired_by_reconcile() {
        ReplicationFederation fed = new ReplicationFederation("dc1", "dc2");
        ReplicateIntentions f = fed.function("dc2");
        QuarantiningConsumer consumer = fed.consumer("dc2", f);
        int[] n = {0};
        fed.harness.subscribe("dc2", Table.INTENTIONS, dev.meshfed.store.embedded.stream.StreamSubscriber.perRecord(r -> {
            if (n[0]++ % 2 == 0) {
                consumer.onRecord(r); // every other record is lost
            }
        }));
        for (int i = 0; i < 6; i++) {
            fed.upsert("i-" + i, "allow");
        }
        fed.upsert("i-1", "deny");
        fed.delete("i-2");
        fed.delete("i-3");
        fed.harness.settle();
        PrivateStore p = fed.dc("dc2").privateStore();
        assertThat(viewOf(p)).isNotEqualTo(replicaOf(fed.dc("dc2").intentionStore()));
        long index = p.changeIndex();

        ReplicateIntentions.ReconcileResult result = f.reconcile();
        assertThat(viewOf(p)).isEqualTo(replicaOf(fed.dc("dc2").intentionStore()));
        assertThat(result.repairs()).isPositive();
        assertThat(p.changeIndex()).isGreaterThan(index);
        ReplicateIntentions.Status s = f.status();
        assertThat(s.repairs()).isEqualTo(result.repairs());
        assertThat(s.lastReconcileAt()).isEqualTo(fed.harness.clock().instant());
        assertThat(s.appliedVersion()).isEqualTo(9);
        // in step: a second run repairs nothing and leaves the change index alone
        long after = p.changeIndex();
        assertThat(f.reconcile().repairs()).isZero();
        assertThat(p.changeIndex()).isEqualTo(after);
    }

    @Test
    void reconcile_applies_everything_when_nothing_was_delivered() {
        ReplicationFederation fed = new ReplicationFederation("dc1", "dc2");
        ReplicateIntentions f = fed.function("dc2");
        fed.upsert("a", "allow");
        fed.upsert("b", "allow");
        fed.delete("b");
        fed.harness.settle();
        assertThat(f.reconcile()).isEqualTo(new ReplicateIntentions.ReconcileResult(0, 2));
        assertThat(viewOf(fed.dc("dc2").privateStore())).isEqualTo(replicaOf(fed.dc("dc2").intentionStore()));
        assertThat(fed.dc("dc2").privateStore().viewEntry("b").orElseThrow().value().deleted()).isTrue();
    }

    @Test
    void a_live_view_entry_whose_tombstone_expired_unseen_is_removed_by_reconcile() {
        ReplicationFederation fed = new ReplicationFederation("dc1", "dc2");
        ReplicateIntentions f = fed.function("dc2");
        fed.upsert("a", "allow");
        fed.upsert("b", "allow");
        fed.harness.settle();
        f.reconcile();
        fed.delete("a"); // the record is lost and no reconcile runs for a week
        fed.harness.settle();
        fed.harness.clock().advance(IntentionStore.TOMBSTONE_TTL.plusMinutes(1));
        PrivateStore p = fed.dc("dc2").privateStore();
        assertThat(p.viewEntry("a")).hasValueSatisfying(v -> assertThat(v.value().deleted()).isFalse());

        assertThat(f.reconcile()).isEqualTo(new ReplicateIntentions.ReconcileResult(1, 0));
        assertThat(p.viewEntry("a")).isEmpty();
        assertThat(viewOf(p).keySet()).containsExactly("b");
    }

    @Test
    void a_view_entry_no_primary_wrote_is_removed_but_a_newer_apply_racing_it_wins() {
        ReplicationFederation fed = new ReplicationFederation("dc1", "dc2");
        ReplicateIntentions f = fed.function("dc2");
        PrivateStore p = fed.dc("dc2").privateStore();
        p.putViewEntry(IntentionItem.live(ReplicationFederation.intention("ghost", "allow", fed.harness.clock().instant())),
                0, 500);
        assertThat(f.reconcile().deleted()).isEqualTo(1);
        assertThat(p.viewEntry("ghost")).isEmpty();
    }

    @Test
    void a_partitioned_secondary_converges_after_heal_and_reports_its_lag() {
        ReplicationFederation fed = new ReplicationFederation("dc1", "dc2", "dc3");
        fed.startWithTick("dc2");
        ReplicateIntentions dc3 = fed.startWithTick("dc3");
        fed.upsert("a", "allow");
        fed.upsert("b", "allow");
        fed.harness.settle();
        fed.harness.partition("dc2");
        fed.upsert("a", "deny");
        fed.delete("b");
        fed.upsert("c", "allow");
        fed.harness.settle(); // dc3 applies at once
        fed.harness.advance(Duration.ofMinutes(6)); // dc2 sees nothing; its reconcile ticks find nothing new
        assertThat(viewOf(fed.dc("dc2").privateStore())).isNotEqualTo(replicaOf(fed.primaryStore()));
        assertThat(viewOf(fed.dc("dc3").privateStore())).isEqualTo(replicaOf(fed.primaryStore()));

        fed.harness.heal();
        fed.harness.settle();
        assertThat(viewOf(fed.dc("dc2").privateStore())).isEqualTo(replicaOf(fed.primaryStore()));
        ReplicateIntentions dc2 = fed.function("dc2");
        ReplicateIntentions.Status s = dc2.status();
        assertThat(s.appliedVersion()).isEqualTo(5);
        assertThat(s.lagMillis()).isGreaterThanOrEqualTo(Duration.ofMinutes(6).toMillis());
        assertThat(s.lastAppliedAt()).isEqualTo(fed.harness.clock().instant());
        assertThat(dc2.lag()).isEqualTo(Duration.ofMillis(s.lagMillis()));
        assertThat(dc3.status().lagMillis()).isLessThan(Duration.ofMinutes(6).toMillis());
        assertThat(s.lastReconcileAt()).isNotNull();
    }

    @Test
    void in_the_primary_its_own_applies_are_found_stale_and_the_status_catches_up() {
        ReplicationFederation fed = new ReplicationFederation("dc1", "dc2");
        ReplicateIntentions f = fed.start("dc1");
        fed.harness.clock().advance(Duration.ofSeconds(1));
        // what IntentionService does in the primary: write the table, then apply to its own view
        long v = fed.upsert("a", "allow");
        dev.meshfed.core.intentions.IntentionViewApplier.apply(fed.dc("dc1").privateStore(),
                fed.primaryStore().intention("a", true).orElseThrow().value(), v);
        long index = fed.dc("dc1").privateStore().changeIndex();
        fed.harness.advance(Duration.ofSeconds(30));
        ReplicateIntentions.Status s = f.status();
        assertThat(s.appliedVersion()).isEqualTo(v);
        assertThat(s.lastAppliedAt()).isNull();
        assertThat(s.lagMillis()).isZero();
        assertThat(fed.dc("dc1").privateStore().changeIndex()).isEqualTo(index);
    }

    // ---- status and lag -------------------------------------------------------------------------

    @Test
    void status_starts_empty_and_lag_is_zero_before_any_apply() {
        ReplicationFederation fed = new ReplicationFederation("dc1", "dc2");
        ReplicateIntentions f = fed.function("dc2");
        assertThat(f.status()).isEqualTo(new ReplicateIntentions.Status(0, null, 0, 0, 0, null, null, null, 0));
        assertThat(f.lag()).isEqualTo(Duration.ZERO);
    }

    @Test
    void lag_is_the_apply_time_minus_the_primarys_write_time_and_is_cached_briefly() {
        ReplicationFederation fed = new ReplicationFederation("dc1", "dc2");
        ReplicateIntentions f = fed.start("dc2");
        fed.harness.replicationDelay(Duration.ofMillis(1500));
        fed.upsert("a", "allow");
        fed.harness.advance(Duration.ofMillis(1500));
        assertThat(f.status().lagMillis()).isEqualTo(1500);
        assertThat(f.lag()).isEqualTo(Duration.ofMillis(1500));
        fed.harness.replicationDelay(Duration.ofSeconds(4));
        fed.upsert("a", "deny");
        fed.harness.advance(Duration.ofSeconds(4));
        assertThat(f.status().lagMillis()).isEqualTo(4000);
        assertThat(f.lag()).as("read %s ago: cached", Duration.ofSeconds(4)).isEqualTo(Duration.ofMillis(1500));
        fed.harness.clock().advance(ReplicateIntentions.LAG_CACHE);
        assertThat(f.lag()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void a_failure_is_recorded_as_the_last_error_and_rethrown_for_a_retry() {
        ReplicationFederation fed = new ReplicationFederation("dc1", "dc2");
        fed.upsert("a", "allow");
        fed.harness.settle();
        // a replica that fails every read, as a throttled table would
        dev.meshfed.core.store.TableStore failing = new dev.meshfed.core.store.TableStore() {
            @Override
            public java.util.Optional<StoredItem> get(ItemKey key, boolean consistent) {
                throw new dev.meshfed.core.store.StoreUnavailable("throttled (test)");
            }

            @Override
            public void put(StoredItem item, long expectedVersion) {
                throw new dev.meshfed.core.store.StoreUnavailable("throttled (test)");
            }

            @Override
            public void delete(ItemKey key, long expectedVersion) {
                throw new dev.meshfed.core.store.StoreUnavailable("throttled (test)");
            }

            @Override
            public dev.meshfed.core.store.Page query(String owner, String kind, String startAfter, int limit,
                    boolean consistent) {
                throw new dev.meshfed.core.store.StoreUnavailable("throttled (test)");
            }
        };
        ReplicateIntentions f = new ReplicateIntentions(new IntentionStore(failing, "dc2", "dc1", fed.harness.clock()),
                fed.dc("dc2").privateStore(), "dc2", "dc1", fed.harness.clock());
        List<DynamodbEvent.DynamodbStreamRecord> records = new ArrayList<>();
        fed.harness.subscribe("dc2", Table.INTENTIONS, batch -> {
            records.addAll(batch);
            return dev.meshfed.store.embedded.stream.BatchResult.success();
        });
        fed.upsert("a", "deny");
        fed.harness.settle();
        QuarantiningConsumer consumer = fed.consumer("dc2", f);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> consumer.onRecord(records.get(0)))
                .isInstanceOf(dev.meshfed.core.store.StoreUnavailable.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(f::reconcile)
                .isInstanceOf(dev.meshfed.core.store.StoreUnavailable.class);
        ReplicateIntentions.Status s = f.status();
        assertThat(s.lastError()).startsWith("reconcile: ").contains("throttled");
        assertThat(s.lastErrorAt()).isEqualTo(fed.harness.clock().instant());
        assertThat(s.quarantinedRecords()).isZero();
    }
}
