package dev.meshfed.app.wiring;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshfed.app.ca.lifecycle.RotateLeaves;
import dev.meshfed.app.config.DcConfig;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.app.intentions.ReplicateIntentions;
import dev.meshfed.core.ca.Membership;
import dev.meshfed.core.intentions.Intention;
import dev.meshfed.core.intentions.IntentionItem;
import dev.meshfed.core.pki.Certificates;
import dev.meshfed.core.store.CaStore;
import dev.meshfed.core.store.IntentionStore;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.Page;
import dev.meshfed.core.store.StoreUnavailable;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.TableStore;
import dev.meshfed.core.store.Table;
import dev.meshfed.core.store.Versioned;
import dev.meshfed.core.store.codec.IntentionTableCodecs;
import dev.meshfed.store.embedded.stream.BatchResult;
import dev.meshfed.store.embedded.stream.StreamSubscriber;
import dev.meshfed.testkit.Pkix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

/**
 * One randomised fault-injection scenario over whole DCs as deployed ({@link WiredFederation}: every
 * function, secondaries forwarding over loopback HTTP), driven by one seed. A schedule of operations
 * (leaves signed in random DCs, intentions created, updated and deleted in the primary and forwarded
 * from secondaries, root rotations, non-owner writes into the intentions table) is interleaved with
 * faults (partitions and heals, replication delay, duplicated, reordered and replayed stream records,
 * a consumer failing mid-batch and retried, clock jumps of minutes to hours). {@link #healAndCheck}
 * then heals everything, settles, and returns every invariant that does not hold.
 *
 * <p>Everything random comes from the seed: the same seed replays the same schedule.
 */
final class FaultScenario implements AutoCloseable {
    static final List<String> DCS = List.of("dc1", "dc2", "dc3");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INTENTIONS = "/v1/connect/intentions";

    /** A leaf as a workload got it: chain (leaf first) and the DC that signed it. */
    record IssuedLeaf(String dc, String service, List<X509Certificate> chain) {
    }

    final long seed;
    final Random random;
    final WiredFederation f;
    final List<String> log = new ArrayList<>();
    final List<IssuedLeaf> leaves = new ArrayList<>();
    /** Intention ids the primary accepted (live or since deleted). */
    final List<String> intentionIds = new ArrayList<>();
    /** Keys of the non-owner writes injected into the intentions table. */
    final List<String> rogueIds = new ArrayList<>();
    /** Every intentions-stream record each DC was ever given, for replays (a delete replayed after newer records). */
    private final Map<String, List<DynamodbEvent.DynamodbStreamRecord>> delivered = new TreeMap<>();
    /** Batches still to fail once before the consumer accepts them (a function failing mid-flow). */
    private int failuresToInject;
    private int step;

    /**
     * @param intentionsConsumer decorates each DC's intentions-stream subscriber; the identity in the
     *        real build, a deliberately broken one in the harness's own test
     * @param registerReconcile false leaves the reconcile tick out (part of a broken build)
     */
    FaultScenario(long seed, java.util.function.BiFunction<String, StreamSubscriber, StreamSubscriber> intentionsConsumer, boolean registerReconcile) {
        this.seed = seed;
        this.random = new Random(seed);
        this.f = new WiredFederation(DcConfig.AclMode.OFF, DCS.toArray(new String[0]));
        // At-least-once delivery: even seeds deliver every batch twice. (Not the seeded Random's first
        // draw: java.util.Random's first boolean is true for every small seed, so no suite seed ran
        // with single delivery.)
        boolean duplicates = (seed & 1) == 0;
        f.harness.duplicateDelivery(duplicates).maximumRetryAttempts(1000);
        for (String dc : DCS) {
            start(dc);
            // Subscriptions and ticks look the DC's functions up on every call, so a restart
            // (fresh instances) is picked up as a cold start would be.
            f.harness.subscribe(dc, Table.CA, StreamSubscriber.perRecord(r -> f.dc(dc).rotateLeavesStream().onRecord(r)));
            f.harness.federation().scheduler().register("rotate-leaves-" + dc, RotateLeaves.TICK_INTERVAL,
                    Duration.ZERO, () -> f.dc(dc).rotateLeaves().tick());
            StreamSubscriber real = intentionsConsumer.apply(dc,
                    StreamSubscriber.perRecord(r -> f.dc(dc).replicateIntentionsStream().onRecord(r)));
            delivered.put(dc, new ArrayList<>());
            f.harness.subscribe(dc, Table.INTENTIONS, faulty(dc, real));
            if (registerReconcile) {
                f.harness.federation().scheduler().register("replicate-intentions-" + dc,
                        ReplicateIntentions.RECONCILE_INTERVAL, () -> f.dc(dc).replicateIntentions().reconcile());
            }
        }
        f.harness.settle(); // dc1 bootstraps its root
        for (String dc : DCS.subList(1, DCS.size())) {
            join(dc);
        }
        for (int i = 0; i < 10 && !DCS.stream().allMatch(this::hasSigner); i++) {
            f.harness.advance(Duration.ofMinutes(1));
        }
        note("setup: duplicates=" + duplicates + " signers=" + DCS.stream().filter(this::hasSigner).toList());
    }

    /**
     * (Re)builds {@code dc}'s functions over its tables, each behind the write-failure injector: at
     * setup, and on a restart (every in-memory cache, signer and view of the old instances is gone).
     */
    private void start(String dc) {
        DcFunctions d = f.rebuild(dc, (table, store) -> new FailingWrites(dc, table, store));
        // Reissue paces itself with real sleeps by default; here a pause moves the test clock.
        d.rotateLeaves().withLeafReissue(d.signCsr().managedLeafReissue(pause -> f.harness.clock().advance(pause)));
    }

    /** The armed write failure: the {@code remaining}-th write to {@code table} of {@code dc} throws, once. */
    private String armedDc;
    private Table armedTable;
    private int remaining;
    /** How many armed write failures fired (a scenario that never fired one proves nothing about retries). */
    int writeFailuresFired;
    /** Client writes sent (each gets its own idempotency key). */
    private int writes;

    /**
     * A table whose Nth write (put or delete) of the armed DC and table throws the substrate's
     * {@link StoreUnavailable} before applying, as a throttled or timed-out DynamoDB call would: the
     * function stops half-way and its caller's retry (stream batch retry, next tick, client retry)
     * must complete the flow.
     */
    private final class FailingWrites implements TableStore {
        private final String dc;
        private final Table table;
        private final TableStore delegate;

        FailingWrites(String dc, Table table, TableStore delegate) {
            this.dc = dc;
            this.table = table;
            this.delegate = delegate;
        }

        private void maybeFail(ItemKey key) {
            synchronized (FaultScenario.this) {
                if (dc.equals(armedDc) && table == armedTable && --remaining == 0) {
                    armedDc = null;
                    writeFailuresFired++;
                    note("write failure fired: " + table + " write of " + key.kind() + " in " + dc);
                    throw new StoreUnavailable(table + " put " + key.owner() + "/" + key.kind() + ": injected ThrottlingException");
                }
            }
        }

        @Override
        public Optional<StoredItem> get(ItemKey key, boolean consistent) {
            return delegate.get(key, consistent);
        }

        @Override
        public void put(StoredItem item, long expectedVersion) {
            maybeFail(item.key());
            delegate.put(item, expectedVersion);
        }

        @Override
        public void delete(ItemKey key, long expectedVersion) {
            maybeFail(key);
            delegate.delete(key, expectedVersion);
        }

        @Override
        public Page query(String owner, String kind, String startAfter, int limit, boolean consistent) {
            return delegate.query(owner, kind, startAfter, limit, consistent);
        }
    }

    /** Arms one write failure: the {@code n}-th write to {@code table} in {@code dc} from now throws, once. */
    synchronized void armWriteFailure(String dc, Table table, int n) {
        armedDc = dc;
        armedTable = table;
        remaining = n;
        note("arm write failure: write #" + n + " to " + table + " in " + dc);
    }

    /** Creates an intention through {@code dc}'s API as a client would (with retry); its status. */
    int createIntentionIn(String dc, String src, String dst) {
        HttpResponse r = write(dc, "POST", INTENTIONS, body(src, dst, "allow"));
        if (r.status() == 200) {
            intentionIds.add(json(r).get("ID").asText());
        }
        note("create " + src + "->" + dst + " in " + dc + " -> " + r.status() + (r.status() == 200 ? "" : " " + r.body()));
        return r.status();
    }

    /**
     * A write as a careful client sends it: with an idempotency key, retried with the same key while
     * the answer is 503 (an injected store failure, or the primary unreachable), a few times.
     */
    private HttpResponse write(String dc, String method, String path, String body) {
        Map<String, String> headers = Map.of(dev.meshfed.app.forwarding.PrimaryApi.IDEMPOTENCY_KEY,
                "fault-" + seed + "-" + (++writes));
        HttpResponse r = f.call(dc, method, path, null, body, headers);
        for (int attempt = 1; attempt <= 2 && r.status() == 503; attempt++) {
            note("client retries " + method + " " + path + " in " + dc + " after 503 (same idempotency key)");
            r = f.call(dc, method, path, null, body, headers);
        }
        return r;
    }

    /**
     * The intentions stream as a hostile transport delivers it: each batch shuffled (records of one
     * item out of order), sometimes with an older record replayed at its end, and sometimes failed
     * whole once (the consumer fails mid-flow; the feed's retry must complete it).
     */
    private StreamSubscriber faulty(String dc, StreamSubscriber real) {
        return batch -> {
            List<DynamodbEvent.DynamodbStreamRecord> given = new ArrayList<>(batch);
            List<DynamodbEvent.DynamodbStreamRecord> history = delivered.get(dc);
            synchronized (this) {
                if (failuresToInject > 0 && !given.isEmpty()) {
                    failuresToInject--;
                    return BatchResult.failed(given.get(0).getDynamodb().getSequenceNumber());
                }
                Collections.shuffle(given, random);
                if (!history.isEmpty() && random.nextInt(3) == 0) {
                    given.add(history.get(random.nextInt(history.size()))); // an old record, replayed after newer ones
                }
                history.addAll(batch);
            }
            return real.handle(given);
        };
    }

    private void join(String dc) {
        CaStore primary = f.harness.dc("dc1").caStore();
        Optional<Versioned<Membership>> current = primary.membership(true);
        List<Membership.Member> members = new ArrayList<>(current.map(v -> v.value().members()).orElse(List.of()));
        members.add(new Membership.Member(dc, f.dc(dc).rotateLeaves().enrolmentPublicKeyPem()));
        primary.putMembership(new Membership(members), current.map(Versioned::version).orElse(0L));
        f.harness.settle();
    }

    private boolean hasSigner(String dc) {
        return f.harness.dc(dc).caStore().signer(dc, true).isPresent();
    }

    void note(String s) {
        log.add("#" + step + " t=" + f.harness.clock().instant() + " " + s);
    }

    /** Runs {@code steps} random operations and faults. */
    FaultScenario run(int steps) {
        for (int i = 0; i < steps; i++) {
            step++;
            int pick = random.nextInt(100);
            if (pick < 22) {
                signLeaf(randomDc());
            } else if (pick < 40) {
                createIntention(randomDc());
            } else if (pick < 50) {
                updateIntention(randomDc());
            } else if (pick < 58) {
                deleteIntention(randomDc());
            } else if (pick < 60) {
                rotateRoot();
            } else if (pick < 62) {
                changeCaConfig(randomDc());
            } else if (pick < 64) {
                nonOwnerWrite();
            } else if (pick < 66) {
                nonOwnerCaWrite();
            } else if (pick < 73) {
                String dc = randomDc();
                f.harness.partition(dc);
                note("partition " + dc);
            } else if (pick < 78) {
                f.harness.heal();
                note("heal");
            } else if (pick < 82) {
                Duration d = Duration.ofMillis(random.nextInt(5000));
                f.harness.replicationDelay(d);
                note("replication delay " + d);
            } else if (pick < 83) {
                synchronized (this) {
                    failuresToInject += 1 + random.nextInt(3);
                }
                note("next intentions batches fail once");
            } else if (pick < 87) {
                armWriteFailure(randomDc(), List.of(Table.CA, Table.INTENTIONS, Table.PRIVATE).get(random.nextInt(3)),
                        1 + random.nextInt(2));
            } else if (pick < 89) {
                String dc = randomDc();
                start(dc);
                note("restart " + dc + " (fresh function instances over the same tables)");
            } else if (pick < 91) {
                Duration jump = Duration.ofMinutes(30 + random.nextInt(6 * 60));
                note("clock jumps " + jump);
                f.harness.advance(jump);
            } else {
                Duration d = Duration.ofSeconds(1 + random.nextInt(600));
                f.harness.advance(d);
                note("advance " + d);
            }
        }
        return this;
    }

    private String randomDc() {
        return DCS.get(random.nextInt(DCS.size()));
    }

    private void signLeaf(String dc) {
        String service = "svc-" + step;
        HttpResponse r = f.call(dc, "GET", "/v1/agent/connect/ca/leaf/" + service, null, null);
        if (r.status() == 200) {
            JsonNode body = json(r);
            leaves.add(new IssuedLeaf(dc, service, Certificates.fromPem(body.get("CertPEM").asText())));
        }
        note("sign leaf " + service + " in " + dc + " -> " + r.status());
    }

    private void createIntention(String dc) {
        String src = "s" + random.nextInt(5);
        String dst = "d" + random.nextInt(5);
        HttpResponse r = write(dc, "POST", INTENTIONS, body(src, dst, random.nextBoolean() ? "allow" : "deny"));
        if (r.status() == 200) {
            intentionIds.add(json(r).get("ID").asText());
        }
        note("create " + src + "->" + dst + " in " + dc + " -> " + r.status());
    }

    private void updateIntention(String dc) {
        if (intentionIds.isEmpty()) {
            return;
        }
        String id = intentionIds.get(random.nextInt(intentionIds.size()));
        var live = f.harness.dc("dc1").intentionStore().intention(id, true);
        if (live.isEmpty() || live.get().value().deleted()) {
            return;
        }
        Intention i = live.get().value().intention();
        HttpResponse r = write(dc, "PUT", INTENTIONS + "/" + id,
                body(i.sourceName(), i.destinationName(), random.nextBoolean() ? "allow" : "deny"));
        note("update " + id + " in " + dc + " -> " + r.status());
    }

    private void deleteIntention(String dc) {
        if (intentionIds.isEmpty()) {
            return;
        }
        String id = intentionIds.get(random.nextInt(intentionIds.size()));
        HttpResponse r = write(dc, "DELETE", INTENTIONS + "/" + id, null);
        note("delete " + id + " in " + dc + " -> " + r.status());
    }

    private void rotateRoot() {
        HttpResponse r = write("dc1", "POST", "/v1/connect/ca/rotate", "{}");
        note("rotate root -> " + r.status() + (r.status() == 200 ? "" : " " + r.body()));
    }

    /** A CA configuration change (leaf TTL) in a random DC: a secondary forwards it to the primary. */
    private void changeCaConfig(String dc) {
        String ttl = (1 + random.nextInt(72)) + "h";
        HttpResponse r = write(dc, "PUT", "/v1/connect/ca/configuration",
                "{\"Provider\":\"consul\",\"Config\":{\"LeafCertTTL\":\"" + ttl + "\"}}");
        note("ca config LeafCertTTL=" + ttl + " in " + dc + " -> " + r.status() + (r.status() == 200 ? "" : " " + r.body()));
    }

    /**
     * A write the primary does not own in the primary-owned intentions table: an item under a
     * secondary's prefix, written in that secondary's replica (as a compromised secondary could).
     */
    private void nonOwnerWrite() {
        String dc = DCS.get(1 + random.nextInt(DCS.size() - 1));
        String id = "rogue-" + step;
        Instant now = f.harness.clock().instant();
        IntentionItem item = IntentionItem.live(new Intention(id, "default", "evil", "default", "d0", null, null,
                "consul", "allow", null, null, Map.of(), 9, now, now));
        // A well-formed intention (it would decode and apply if trusted), under the writer's own prefix.
        f.harness.dc(dc).table(Table.INTENTIONS).put(new StoredItem(new ItemKey(dc, IntentionStore.INTENTION, id), 1, now,
                null, IntentionTableCodecs.INTENTION.encode(item)), 0);
        rogueIds.add(id);
        note("non-owner write " + id + " in " + dc);
    }

    /** Public keys of the roots of every rogue bundle written (none may ever be served). */
    final List<java.security.PublicKey> rogueRootKeys = new ArrayList<>();
    /** Rogue CA-table items written, for the summary and the report. */
    final List<String> rogueCaItems = new ArrayList<>();

    /**
     * A non-owner write into the primary-owned CA table: a secondary writes, into its own copy and
     * under its own prefix, a trust bundle of a root it made up, or a membership naming a DC "evil"
     * (as a compromised secondary could). Nothing a DC serves or signs with may reflect either.
     */
    private void nonOwnerCaWrite() {
        String dc = DCS.get(1 + random.nextInt(DCS.size() - 1));
        Instant now = f.harness.clock().instant();
        var table = f.harness.dc(dc).table(Table.CA);
        ItemKey key;
        Map<String, dev.meshfed.core.store.Attr> body;
        if (random.nextBoolean()) {
            dev.meshfed.testkit.TestFederation rogue = dev.meshfed.testkit.TestFederation.create(
                    new dev.meshfed.pki.BcCertificateIssuer(WiredFederation.PROVIDERS),
                    new dev.meshfed.pki.JcaKeyPairFactory(WiredFederation.PROVIDERS, new java.security.SecureRandom(new byte[] {(byte) step})),
                    dev.meshfed.core.pki.KeySpec.EC_P256, f.harness.clock());
            rogueRootKeys.add(rogue.activeRoot().certificate().getPublicKey());
            key = new ItemKey(dc, CaStore.BUNDLE, "current");
            body = dev.meshfed.core.store.codec.CaTableCodecs.BUNDLE.encode(rogue.bundle());
        } else {
            key = new ItemKey(dc, CaStore.MEMBERSHIP, "current");
            body = dev.meshfed.core.store.codec.CaTableCodecs.MEMBERSHIP.encode(new Membership(List.of(
                    new Membership.Member("evil", f.dc(dc).rotateLeaves().enrolmentPublicKeyPem()))));
        }
        long version = table.get(key, true).map(StoredItem::version).orElse(0L);
        table.put(new StoredItem(key, version + 1, now, null, body), version);
        rogueCaItems.add(key.owner() + "/" + key.kind());
        note("non-owner CA write " + key.kind() + " under " + dc + "'s prefix in " + dc);
    }

    private static String body(String src, String dst, String action) {
        return "{\"SourceName\":\"" + src + "\",\"DestinationName\":\"" + dst + "\",\"Action\":\"" + action + "\"}";
    }

    static JsonNode json(HttpResponse r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(r.status() + " " + r.body(), e);
        }
    }

    /** Heals every fault, lets replication, streams and ticks settle, and checks every invariant. */
    List<String> healAndCheck() {
        f.harness.heal();
        f.harness.replicationDelay(Duration.ZERO);
        synchronized (this) {
            failuresToInject = 0;
            armedDc = null; // a failure armed but never reached is disarmed (the heal)
        }
        f.harness.settle();
        // Long enough for every tick (rotation, reissue, reconcile) to run after the heal.
        for (int i = 0; i < 3; i++) {
            f.harness.advance(ReplicateIntentions.RECONCILE_INTERVAL);
        }
        note("healed and settled");
        return FaultInvariants.check(this);
    }

    /** The failure message: seed, how to replay it, the violations and the operation log's tail. */
    String report(List<String> violations) {
        List<String> tail = log.subList(Math.max(0, log.size() - 40), log.size());
        return "fault scenario seed=" + seed + " (replay: -D" + FaultInjectionTest.SEED_PROPERTY + "=" + seed + ")\n"
                + "violations:\n  " + String.join("\n  ", violations) + "\noperation log tail:\n  "
                + String.join("\n  ", tail);
    }

    /** One line: how much of each kind the schedule did (so a quiet schedule is visible). */
    String summary() {
        java.util.Map<String, Integer> kinds = new java.util.TreeMap<>();
        for (String line : log) {
            String op = line.replaceFirst("^#\\d+ t=\\S+ ", "");
            String kind = op.split(" ")[0] + (op.contains("-> 200") ? "(ok)" : op.contains("-> ") ? "(refused)" : "");
            kinds.merge(kind, 1, Integer::sum);
        }
        return "seed=" + seed + " leaves=" + leaves.size() + " intentions=" + intentionIds.size() + " rogue="
                + rogueIds.size() + " rogueCa=" + rogueCaItems.size() + " writeFailures=" + writeFailuresFired + " ops=" + kinds;
    }

    @Override
    public void close() {
        f.close();
    }
}
