package dev.meshfed.app.ca;

import static dev.meshfed.app.ca.CaTestDcs.get;
import static dev.meshfed.app.ca.SignCsrTest.field;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshfed.app.auth.Accessor;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.core.config.CaConfig;
import dev.meshfed.core.identity.KeyIds;
import dev.meshfed.core.leaf.ManagedLeaf;
import dev.meshfed.core.leaf.ManagedLeafPolicy;
import dev.meshfed.core.pki.Certificates;
import dev.meshfed.core.rotation.ReissueWindow;
import dev.meshfed.core.store.Versioned;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Re-issue of managed leaves after a signer change (certificates.md, Rotation step 4): even slots
 * over the window, drained by ticks within 80 % of the CSR budget, lazily by a GET after the slot,
 * and a blocked leaf query returning the new leaf. The clock is the test's; the run's pauses move it.
 */
class ManagedLeafReissueTest {

    private static final String LEAF = "/v1/agent/connect/ca/leaf/";
    private static final String ANON = Accessor.ANONYMOUS_ID;

    private final CaTestDcs dcs = new CaTestDcs();
    /** The run's pauses; each moves the test clock instead of sleeping. */
    private final List<Duration> pauses = Collections.synchronizedList(new ArrayList<>());

    private ManagedLeafReissue reissue() {
        return dcs.signCsr("dc1", dcs.activeSigner("dc1")).managedLeafReissue(pause -> {
            pauses.add(pause);
            dcs.clock.advance(pause);
        });
    }

    private List<Versioned<ManagedLeaf>> storedLeaves() {
        return dcs.federation.dc("dc1").privateStore().managedLeaves();
    }

    private Versioned<ManagedLeaf> stored(String service) {
        return dcs.federation.dc("dc1").privateStore().managedLeaf(service, ANON).orElseThrow();
    }

    private String currentKeyId() {
        return KeyIds.keyIdHex(dcs.pki.signer("dc1").certificate().getPublicKey());
    }

    /** {@code n} managed leaves (services s00, s01, ...) under dc1's first signer; then {@code CSRMaxPerSecond}. */
    private void leaves(int n, double csrMaxPerSecond) {
        dcs.bootstrap().activate("dc1");
        var ca = dcs.federation.dc("dc1").caStore();
        ca.putCaConfig(CaConfig.builder().csrMaxPerSecond(0).build(), 0); // the leaves exist before the limit
        var handler = dcs.handler("dc1");
        for (int i = 0; i < n; i++) {
            HttpResponse r = get(handler, LEAF + String.format("s%02d", i), "");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }
        ca.putCaConfig(CaConfig.builder().csrMaxPerSecond(csrMaxPerSecond).build(),
                ca.caConfig("dc1", true).orElseThrow().version());
    }

    @Test
    void after_a_signer_change_slots_are_spread_evenly_and_each_tick_reissues_exactly_those_due_within_the_budget() {
        int n = 40;
        double rate = 1; // W = max(30 s, 40 / 0.8) = 50 s
        leaves(n, rate);
        String oldKeyId = stored("s00").value().signingKeyId();
        dcs.activate("dc1");
        dcs.clock.advance(Duration.ofSeconds(10));
        ManagedLeafReissue reissue = reissue();
        Instant start = dcs.clock.instant();
        Map<String, String> oldSerials = new HashMap<>();
        storedLeaves().forEach(v -> oldSerials.put(v.value().service(), v.value().serial()));

        Duration interval = Duration.ofSeconds(10);
        ReissueWindow expected = ReissueWindow.plan(start, n, rate);
        assertThat(expected.width()).isEqualTo(Duration.ofSeconds(50));
        assertThat(reissue.run(Duration.ZERO)).isZero(); // a run with nothing due only assigns the slots
        // the i-th leaf by service name has the i-th slot of the window
        Map<String, Instant> slots = new HashMap<>();
        for (int i = 0; i < n; i++) {
            String service = String.format("s%02d", i);
            ManagedLeaf l = stored(service).value();
            assertThat(l.serial()).isEqualTo(oldSerials.get(service));
            assertThat(l.reissueAt()).isEqualTo(expected.slot(i));
            slots.put(service, l.reissueAt());
        }
        ManagedLeafReissue.Progress planned = reissue.progress();
        assertThat(planned.reissued()).isZero();
        assertThat(planned.total()).isEqualTo(n);
        assertThat(planned.lastSlot()).isEqualTo(expected.slot(n - 1));

        List<Integer> perTick = new ArrayList<>();
        Instant tickStart = start;
        while (tickStart.isBefore(expected.end().plus(interval))) {
            dcs.clock.set(tickStart);
            int done = reissue.run(interval);
            Instant tickEnd = tickStart.plus(interval);
            // exactly the leaves whose slots are before the tick's end are re-issued, none later
            for (Map.Entry<String, Instant> e : slots.entrySet()) {
                ManagedLeaf l = stored(e.getKey()).value();
                boolean reissued = !l.serial().equals(oldSerials.get(e.getKey()));
                assertThat(reissued).as(e.getKey() + " at slot " + e.getValue() + ", tick end " + tickEnd)
                        .isEqualTo(e.getValue().isBefore(tickEnd));
                if (reissued) {
                    assertThat(l.signingKeyId()).isEqualTo(currentKeyId());
                    assertThat(l.reissueAt()).isNull();
                }
            }
            assertThat(dcs.clock.instant()).isBefore(tickEnd); // the run never outlasts its tick
            assertThat((double) done).isLessThanOrEqualTo(Math.ceil(0.8 * rate * interval.toSeconds()));
            perTick.add(done);
            tickStart = tickEnd;
        }
        assertThat(perTick.stream().mapToInt(Integer::intValue).sum()).isEqualTo(n);
        assertThat(perTick).contains(8); // a full tick uses the 80 % share: 8 per 10 s at 1 per second

        // consecutive slots are W / N = 1.25 s apart
        List<Instant> sorted = slots.values().stream().sorted().toList();
        for (int i = 1; i < sorted.size(); i++) {
            assertThat(Duration.between(sorted.get(i - 1), sorted.get(i))).isEqualTo(Duration.ofMillis(1250));
        }
        ManagedLeafReissue.Progress p = reissue.progress();
        assertThat(p.reissued()).isEqualTo(n);
        assertThat(p.total()).isEqualTo(n);
        assertThat(p.lastSlot()).isEqualTo(expected.slot(n - 1));
        assertThat(p.done()).isTrue();
    }

    @Test
    void progress_counts_reissued_of_total_and_names_the_last_slot() {
        leaves(10, 0); // limit off: the 30 s minimum window, slots 3 s apart
        dcs.activate("dc1");
        ManagedLeafReissue reissue = reissue();
        Instant start = dcs.clock.instant();

        reissue.run(Duration.ofSeconds(7)); // slots at 0, 3, 6 s

        ManagedLeafReissue.Progress p = reissue.progress();
        assertThat(p.signingKeyId()).isEqualTo(currentKeyId());
        assertThat(p.reissued()).isEqualTo(3);
        assertThat(p.total()).isEqualTo(10);
        assertThat(p.lastSlot()).isEqualTo(start.plusSeconds(27));
        assertThat(p.done()).isFalse();
    }

    @Test
    void a_get_after_its_slot_returns_a_new_leaf_signed_by_the_new_signer_and_before_it_the_old_one() throws Exception {
        leaves(10, 0);
        HttpResponse first = get(dcs.handler("dc1"), LEAF + "s09", "");
        dcs.activate("dc1");
        Instant start = dcs.clock.instant();
        reissue().run(Duration.ofSeconds(1)); // assigns slots; drains only s00's
        Instant slot = stored("s09").value().reissueAt();
        assertThat(slot).isEqualTo(start.plusSeconds(27));

        dcs.clock.set(slot.minusMillis(1));
        assertThat(field(get(dcs.handler("dc1"), LEAF + "s09", ""), "SerialNumber"))
                .isEqualTo(field(first, "SerialNumber"));
        dcs.clock.set(slot);
        HttpResponse after = get(dcs.handler("dc1"), LEAF + "s09", "");

        assertThat(field(after, "SerialNumber")).isNotEqualTo(field(first, "SerialNumber"));
        X509Certificate leaf = Certificates.fromPem(field(after, "CertPEM")).get(0);
        X509Certificate signer = dcs.pki.signer("dc1").certificate();
        assertThat(leaf.getIssuerX500Principal()).isEqualTo(signer.getSubjectX500Principal());
        assertThat(KeyIds.keyIdHex(leaf.getPublicKey()))
                .isNotEqualTo(KeyIds.keyIdHex(Certificates.fromPem(field(first, "CertPEM")).get(0).getPublicKey()));
        assertThat(field(after, "PrivateKeyPEM")).isNotEqualTo(field(first, "PrivateKeyPEM"));
        leaf.verify(signer.getPublicKey());
        assertThat(stored("s09").value().signingKeyId()).isEqualTo(currentKeyId());
    }

    @Test
    void a_blocked_leaf_query_returns_the_leaf_the_tick_reissued() {
        leaves(1, 0);
        HttpResponse first = get(dcs.handler("dc1"), LEAF + "s00", "");
        dcs.activate("dc1");
        ManagedLeafReissue reissue = reissue();
        boolean[] ran = {false};
        dcs.onSleep = () -> {
            if (!ran[0] && dcs.sleeps.size() >= 3) {
                ran[0] = true;
                reissue.run(Duration.ofMinutes(1)); // the tick, while the query is blocked
            }
        };

        HttpResponse blocked = get(dcs.handler("dc1"), LEAF + "s00", "index=" + field(first, "ModifyIndex"));

        assertThat(ran[0]).isTrue();
        assertThat(blocked.status()).as(blocked.body()).isEqualTo(200);
        assertThat(field(blocked, "SerialNumber")).isNotEqualTo(field(first, "SerialNumber"))
                .isEqualTo(stored("s00").value().serial());
        assertThat(Long.parseLong(field(blocked, "ModifyIndex")))
                .isGreaterThan(Long.parseLong(field(first, "ModifyIndex")));
        assertThat(stored("s00").value().signingKeyId()).isEqualTo(currentKeyId());
    }

    @Test
    void the_rotate_leaves_tick_drains_the_slots_before_the_next_tick_and_reports_progress() {
        leaves(100, 1); // W = 100 / 0.8 = 125 s: a 60 s tick takes the slots of its first 60 s
        dcs.activate("dc1");
        var d = dcs.federation.dc("dc1");
        var rotateLeaves = new dev.meshfed.app.ca.lifecycle.RotateLeaves("dc1", "dc1", d.caStore(), d.privateStore(),
                dcs.custody, CaTestDcs.ISSUER, CaTestDcs.KEYS, CaTestDcs.PARSER,
                new dev.meshfed.pki.BcCsrBuilder(CaTestDcs.PROVIDERS),
                new dev.meshfed.core.pki.CertificateProfiles(new java.security.SecureRandom()), dcs.clock,
                dev.meshfed.app.ca.lifecycle.RotateLeaves.storedConfig(d.caStore()))
                .withLeafReissue(reissue());
        Instant start = dcs.clock.instant();

        rotateLeaves.tick();

        ReissueWindow window = ReissueWindow.plan(start, 100, 1);
        long due = window.due(start, start.plus(dev.meshfed.app.ca.lifecycle.RotateLeaves.TICK_INTERVAL)).size();
        assertThat(due).isEqualTo(48); // 60 s at 0.8 per second
        long current = storedLeaves().stream().filter(v -> v.value().signingKeyId().equals(currentKeyId())).count();
        assertThat(current).isEqualTo(due);
        ManagedLeafReissue.Progress p = rotateLeaves.reissueProgress();
        assertThat(p.reissued()).isEqualTo(due);
        assertThat(p.total()).isEqualTo(100);
        assertThat(p.lastSlot()).isEqualTo(window.slot(99));
        assertThat(dcs.clock.instant()).isBefore(start.plusSeconds(60));
    }

    private dev.meshfed.app.ca.lifecycle.RotateLeaves rotateLeaves(ManagedLeafReissue reissue) {
        var d = dcs.federation.dc("dc1");
        return new dev.meshfed.app.ca.lifecycle.RotateLeaves("dc1", "dc1", d.caStore(), d.privateStore(),
                dcs.custody, CaTestDcs.ISSUER, CaTestDcs.KEYS, CaTestDcs.PARSER,
                new dev.meshfed.pki.BcCsrBuilder(CaTestDcs.PROVIDERS),
                new dev.meshfed.core.pki.CertificateProfiles(new java.security.SecureRandom()), dcs.clock,
                dev.meshfed.app.ca.lifecycle.RotateLeaves.storedConfig(d.caStore()))
                .withLeafReissue(reissue);
    }

    /** {@code GET /v1/operator/replication}'s {@code Rotation.Reissue} as served by {@code function}'s container. */
    private com.fasterxml.jackson.databind.JsonNode reissueJson(dev.meshfed.app.ca.lifecycle.RotateLeaves function)
            throws Exception {
        var d = dcs.federation.dc("dc1");
        CaAdmin admin = new CaAdmin(d.caStore(), d.privateStore(), dcs.custody, new dev.meshfed.app.auth.AclsOff(),
                function::status, dcs.clock).withRotation(function::rotationStatus);
        var h = new CaFunctionsHandler(dev.meshfed.app.http.RouteTable.deployed(),
                Map.of(dev.meshfed.app.http.FunctionName.CA_ADMIN, admin), new dev.meshfed.app.http.ErrorMapper());
        HttpResponse r = h.handle(dev.meshfed.app.http.HttpRequest.builder("GET", CaAdmin.REPLICATION).build());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).get("Rotation").get("Reissue");
    }

    @Test
    void progress_is_kept_in_the_private_table_and_survives_a_cold_start() {
        leaves(100, 1); // W = 125 s: the first 60 s tick re-issues 48
        dcs.activate("dc1");
        Instant start = dcs.clock.instant();
        var warm = rotateLeaves(reissue());
        warm.tick();
        ReissueWindow window = ReissueWindow.plan(start, 100, 1);

        var item = dcs.federation.dc("dc1").privateStore().reissueProgress().orElseThrow().value();
        assertThat(item).isEqualTo(new dev.meshfed.core.rotation.ReissueProgress(currentKeyId(), 100, 48,
                window.slot(99)));

        // a cold container: new instances over the same stores, no tick run in them
        ManagedLeafReissue coldReissue = reissue();
        var cold = rotateLeaves(coldReissue);
        ManagedLeafReissue.Progress expected = new ManagedLeafReissue.Progress(currentKeyId(), 48, 100, window.slot(99));
        assertThat(coldReissue.progress()).isEqualTo(expected);
        assertThat(cold.reissueProgress()).isEqualTo(expected);
        assertThat(cold.rotationStatus().reissue()).isEqualTo(expected);
        assertThat(coldReissue.observe()).isEqualTo(expected);

        // the cold container's ticks carry on from the stored progress
        dcs.clock.set(start.plus(dev.meshfed.app.ca.lifecycle.RotateLeaves.TICK_INTERVAL));
        cold.tick();
        assertThat(cold.reissueProgress()).isEqualTo(
                new ManagedLeafReissue.Progress(currentKeyId(), 96, 100, window.slot(99)));
        dcs.clock.set(start.plus(dev.meshfed.app.ca.lifecycle.RotateLeaves.TICK_INTERVAL.multipliedBy(2)));
        rotateLeaves(reissue()).tick();
        ManagedLeafReissue.Progress done = rotateLeaves(reissue()).reissueProgress();
        assertThat(done).isEqualTo(new ManagedLeafReissue.Progress(currentKeyId(), 100, 100, window.slot(99)));
        assertThat(done.done()).isTrue();
    }

    @Test
    void the_operator_endpoint_of_another_function_instance_shows_the_stored_progress() throws Exception {
        leaves(100, 1);
        dcs.activate("dc1");
        Instant start = dcs.clock.instant();
        rotateLeaves(reissue()).tick(); // the container that runs the ticks

        var other = rotateLeaves(reissue()); // ca-admin's container: never ticked
        var json = reissueJson(other);
        assertThat(json.get("SigningKeyID").asText()).isEqualTo(currentKeyId());
        assertThat(json.get("Reissued").asLong()).isEqualTo(48);
        assertThat(json.get("Total").asLong()).isEqualTo(100);
        assertThat(json.get("LastSlotDeadline").asText())
                .isEqualTo(ReissueWindow.plan(start, 100, 1).slot(99).toString());
    }

    @Test
    void the_progress_of_an_older_change_is_replaced_and_unchanged_progress_is_not_rewritten() {
        leaves(10, 0);
        dcs.activate("dc1");
        var store = dcs.federation.dc("dc1").privateStore();
        // another run stored the progress of an older change: this change starts from zero
        store.putReissueProgress(new dev.meshfed.core.rotation.ReissueProgress("old", 5, 5, Instant.EPOCH), 0);
        ManagedLeafReissue reissue = reissue();
        reissue.run(Duration.ZERO);
        var stored = store.reissueProgress().orElseThrow();
        assertThat(stored.value().signingKeyId()).isEqualTo(currentKeyId());
        assertThat(stored.value().total()).isEqualTo(10);
        assertThat(stored.value().reissued()).isZero();
        long version = stored.version();
        // nothing changed: the next run writes nothing
        reissue.run(Duration.ZERO);
        assertThat(store.reissueProgress().orElseThrow().version()).isEqualTo(version);
    }

    /** dc1's private table, failing the first {@code failures} writes of the progress item with {@code failure}. */
    private dev.meshfed.core.store.PrivateStore failingProgressWrites(int failures, RuntimeException failure,
            List<String> attempts) {
        dev.meshfed.core.store.TableStore real = dcs.federation.dc("dc1").table(dev.meshfed.core.store.Table.PRIVATE);
        dev.meshfed.core.store.TableStore failing = new dev.meshfed.core.store.TableStore() {
            @Override
            public java.util.Optional<dev.meshfed.core.store.StoredItem> get(dev.meshfed.core.store.ItemKey key,
                    boolean consistent) {
                return real.get(key, consistent);
            }

            @Override
            public void put(dev.meshfed.core.store.StoredItem item, long expectedVersion) {
                if (item.key().kind().equals(dev.meshfed.core.store.PrivateStore.REISSUE_PROGRESS)) {
                    attempts.add(item.key().id());
                    if (attempts.size() <= failures) {
                        throw failure;
                    }
                }
                real.put(item, expectedVersion);
            }

            @Override
            public void delete(dev.meshfed.core.store.ItemKey key, long expectedVersion) {
                real.delete(key, expectedVersion);
            }

            @Override
            public dev.meshfed.core.store.Page query(String owner, String kind, String startAfter, int limit,
                    boolean consistent) {
                return real.query(owner, kind, startAfter, limit, consistent);
            }
        };
        return new dev.meshfed.core.store.PrivateStore(failing, "dc1", dcs.clock);
    }

    private ManagedLeafReissue reissueOver(dev.meshfed.core.store.PrivateStore store) {
        return dcs.signCsr("dc1", dcs.activeSigner("dc1"), store).managedLeafReissue(pause -> {
            pauses.add(pause);
            dcs.clock.advance(pause);
        });
    }

    @Test
    void a_conflicting_progress_write_is_retried() {
        leaves(10, 0);
        dcs.activate("dc1");
        List<String> attempts = new ArrayList<>();
        ManagedLeafReissue reissue = reissueOver(
                failingProgressWrites(2, new dev.meshfed.core.error.Conflict("another run wrote it"), attempts));

        assertThat(reissue.run(Duration.ofSeconds(7))).isEqualTo(3); // slots at 0, 3, 6 s

        assertThat(attempts).hasSizeGreaterThanOrEqualTo(3).containsOnly("current");
        assertThat(reissue().progress()).isEqualTo(
                new ManagedLeafReissue.Progress(currentKeyId(), 3, 10, stored("s09").value().reissueAt()));
    }

    @Test
    void a_failing_progress_write_never_fails_the_reissue() {
        leaves(10, 0);
        dcs.activate("dc1");
        List<String> attempts = new ArrayList<>();
        ManagedLeafReissue always = reissueOver(failingProgressWrites(Integer.MAX_VALUE,
                new dev.meshfed.core.error.Conflict("always contended"), attempts));
        assertThat(always.run(Duration.ofSeconds(7))).isEqualTo(3);
        assertThat(attempts).hasSize(2 * ManagedLeafReissue.PROGRESS_ATTEMPTS); // after the slots, after the drain

        ManagedLeafReissue broken = reissueOver(failingProgressWrites(Integer.MAX_VALUE,
                new IllegalStateException("store unavailable"), new ArrayList<>()));
        assertThat(broken.run(Duration.ofSeconds(4))).isEqualTo(1); // the slot at 9 s; the clock is at 6 s
        assertThat(storedLeaves().stream().filter(v -> v.value().signingKeyId().equals(currentKeyId())).count())
                .isEqualTo(4);
        // nothing stored: the leaves still pending are the total until a run stores the progress
        assertThat(reissue().progress()).isEqualTo(ManagedLeafReissue.Progress.NONE);
        assertThat(reissue().observe().total()).isEqualTo(6);
    }

    @Test
    void nothing_is_reissued_when_the_signer_did_not_change() {
        leaves(5, 0);
        List<Versioned<ManagedLeaf>> before = new ArrayList<>(storedLeaves());
        before.sort(Comparator.comparing(v -> v.value().service()));
        ManagedLeafReissue reissue = reissue();

        assertThat(reissue.run(Duration.ofMinutes(1))).isZero();
        dcs.clock.advance(Duration.ofMinutes(1));
        assertThat(reissue.run(Duration.ofMinutes(1))).isZero();

        List<Versioned<ManagedLeaf>> after = new ArrayList<>(storedLeaves());
        after.sort(Comparator.comparing(v -> v.value().service()));
        assertThat(after).isEqualTo(before); // same leaves, same versions: not even a slot written
        assertThat(pauses).isEmpty();
        assertThat(reissue.progress()).isEqualTo(ManagedLeafReissue.Progress.NONE);
    }

    @Test
    void a_tick_deletes_a_managed_leaf_unused_for_72_hours_and_keeps_one_used_since() {
        leaves(2, 0);
        var handler = dcs.handler("dc1");
        dcs.clock.advance(Duration.ofHours(71));
        assertThat(get(handler, LEAF + "s00", "").status()).isEqualTo(200); // s00 used; s01 not since it was made
        dcs.clock.advance(Duration.ofHours(1).plusSeconds(1)); // s01: unused for 72 h and a second

        reissue().run(Duration.ofMinutes(1));

        assertThat(dcs.federation.dc("dc1").privateStore().managedLeaf("s01", ANON)).isEmpty();
        assertThat(dcs.federation.dc("dc1").privateStore().managedLeaf("s00", ANON)).isPresent();
        // a request after that gets a new leaf
        assertThat(get(handler, LEAF + "s01", "").status()).isEqualTo(200);
        assertThat(dcs.federation.dc("dc1").privateStore().managedLeaf("s01", ANON)).isPresent();
    }

    @Test
    void a_managed_leaf_touched_just_before_the_72_hours_stays() {
        leaves(1, 0);
        ManagedLeaf leaf = stored("s00").value();
        dcs.clock.set(ManagedLeafPolicy.unusedSince(leaf).minusNanos(1));
        assertThat(reissue().dropUnused(dcs.clock.instant())).isZero();
        assertThat(reissue().dropUnused(ManagedLeafPolicy.unusedSince(leaf))).isEqualTo(1);
        assertThat(storedLeaves()).isEmpty();
    }

    @Test
    void an_inventory_record_is_absent_to_readers_once_its_ttl_passed_before_dynamodb_deletes_it() {
        leaves(1, 0);
        var store = dcs.federation.dc("dc1").privateStore();
        ManagedLeaf leaf = stored("s00").value();
        assertThat(store.leaf(leaf.serial())).isPresent();
        dcs.clock.set(leaf.notAfter().plus(dev.meshfed.core.store.PrivateStore.INVENTORY_GRACE));
        assertThat(store.leaf(leaf.serial())).as("expires at notAfter + grace, inclusive").isEmpty();
        dcs.clock.set(leaf.notAfter().plus(dev.meshfed.core.store.PrivateStore.INVENTORY_GRACE).minusNanos(1));
        assertThat(store.leaf(leaf.serial())).isPresent();
    }
}
