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
    /** Those whose stream record some DC's consumer was given (a record queued at a process restart is lost). */
    final java.util.Set<String> rogueDelivered = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Every intentions-stream record each DC was ever given, for replays (a delete replayed after newer records). */
    private final Map<String, List<DynamodbEvent.DynamodbStreamRecord>> delivered = new TreeMap<>();
    /** Whether the substrate is durable over a data directory (process restarts possible). */
    final boolean durable;
    /**
     * The last acknowledged (200) state of each intention a client wrote: "live:ACTION" or
     * "deleted". After healing (and, durable, a process restart) the primary must hold it.
     */
    final Map<String, String> acknowledged = new TreeMap<>();
    /** Intentions whose last write's outcome is unknown (a 5xx after retries): their state is not asserted. */
    final java.util.Set<String> uncertain = new java.util.TreeSet<>();
    /** Batches still to fail once before the consumer accepts them (a function failing mid-flow). */
    private int failuresToInject;
    private int step;

    /**
     * @param intentionsConsumer decorates each DC's intentions-stream subscriber; the identity in the
     *        real build, a deliberately broken one in the harness's own test
     * @param registerReconcile false leaves the reconcile tick out (part of a broken build)
     */
    FaultScenario(long seed, java.util.function.BiFunction<String, StreamSubscriber, StreamSubscriber> intentionsConsumer, boolean registerReconcile) {
        this(seed, null, intentionsConsumer, registerReconcile);
    }

    /**
     * @param dataDir the data directory of a durable substrate (process restarts reopen it), or
     *        null for one in memory (restarts rebuild one DC's functions only)
     */
    FaultScenario(long seed, java.nio.file.Path dataDir,
            java.util.function.BiFunction<String, StreamSubscriber, StreamSubscriber> intentionsConsumer, boolean registerReconcile) {
        this.seed = seed;
        this.random = new Random(seed);
        this.f = new WiredFederation(DcConfig.AclMode.OFF, java.util.function.UnaryOperator.identity(), dataDir,
                DCS.toArray(new String[0]));
        this.durable = dataDir != null;
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
            f.harness.tick("rotate-leaves-" + dc, RotateLeaves.TICK_INTERVAL, Duration.ZERO,
                    () -> f.dc(dc).rotateLeaves().tick());
            StreamSubscriber real = intentionsConsumer.apply(dc,
                    StreamSubscriber.perRecord(r -> f.dc(dc).replicateIntentionsStream().onRecord(r)));
            delivered.put(dc, new ArrayList<>());
            f.harness.subscribe(dc, Table.INTENTIONS, faulty(dc, real));
            if (registerReconcile) {
                f.harness.tick("replicate-intentions-" + dc, ReplicateIntentions.RECONCILE_INTERVAL,
                        ReplicateIntentions.RECONCILE_INTERVAL, () -> f.dc(dc).replicateIntentions().reconcile());
            }
        }
        f.harness.subscribe("dc1", Table.CA, forgedKeyWitness());
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

    /**
     * The {@code meshfed dev} process stops and starts again over its data directory: the substrate
     * is closed and reopened from disk, every DC's KEK read back from its file, and every DC's
     * functions built afresh ({@link WiredFederation#restartProcess}). Pending replication and
     * undelivered stream records are lost with the process; ticks must re-drive what they carried.
     */
    void restartProcess() {
        f.restartProcess(this::start);
        note("process restart: substrate closed and reopened from its data directory, every DC rebuilt (restart #"
                + f.harness.restarts() + ")");
    }

    /** The armed write failure: the {@code remaining}-th write to {@code table} of {@code dc} fails, once. */
    private String armedDc;
    private Table armedTable;
    private int remaining;
    /** Whether the armed failure lets the write land and then throws (a timeout after the write), else throws before. */
    private boolean armedAfterApply;
    /** How many armed write failures fired (a scenario that never fired one proves nothing about retries). */
    int writeFailuresFired;
    /** Of those, how many after the write had landed. */
    int writeFailuresAfterApply;
    /** Client writes sent (each gets its own idempotency key). */
    private int writes;

    /**
     * A table whose Nth write (put or delete) of the armed DC and table fails once with the
     * substrate's {@link StoreUnavailable}, in one of two ways chosen when it is armed: before
     * applying (a throttled call), or after the write has landed (a DynamoDB timeout after the
     * write was applied: the caller sees a failure for a change that is stored, replicated and
     * streamed). Either way the function stops half-way and its caller's retry (stream batch retry,
     * next tick, client retry with the same idempotency key) must complete the flow. In the
     * after-apply mode only a write that succeeds counts (a refused conditional write is the
     * caller's answer, not a fault).
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

        private boolean armedHere() {
            return dc.equals(armedDc) && table == armedTable;
        }

        /** Before a write: throws when the armed before-apply failure is due. */
        private void beforeWrite(String op, ItemKey key) {
            synchronized (FaultScenario.this) {
                if (armedHere() && !armedAfterApply && --remaining == 0) {
                    fire(op, key, "before applying");
                }
            }
        }

        /** After a write that landed: throws when the armed after-apply failure is due. */
        private void afterWrite(String op, ItemKey key) {
            synchronized (FaultScenario.this) {
                if (armedHere() && armedAfterApply && --remaining == 0) {
                    fire(op, key, "after the write landed");
                }
            }
        }

        private void fire(String op, ItemKey key, String when) {
            armedDc = null;
            writeFailuresFired++;
            if (armedAfterApply) {
                writeFailuresAfterApply++;
            }
            note("write failure fired " + when + ": " + table + " " + op + " of " + key.kind() + " in " + dc);
            throw new StoreUnavailable(table + " " + op + " " + key.owner() + "/" + key.kind() + ": injected "
                    + (armedAfterApply ? "timeout (the write was applied)" : "ThrottlingException"));
        }

        @Override
        public Optional<StoredItem> get(ItemKey key, boolean consistent) {
            return delegate.get(key, consistent);
        }

        @Override
        public void put(StoredItem item, long expectedVersion) {
            beforeWrite("put", item.key());
            delegate.put(item, expectedVersion);
            afterWrite("put", item.key());
        }

        @Override
        public void delete(ItemKey key, long expectedVersion) {
            beforeWrite("delete", key);
            delegate.delete(key, expectedVersion);
            afterWrite("delete", key);
        }

        @Override
        public Page query(String owner, String kind, String startAfter, int limit, boolean consistent) {
            return delegate.query(owner, kind, startAfter, limit, consistent);
        }
    }

    /** Arms one write failure: the {@code n}-th write to {@code table} in {@code dc} from now throws before applying, once. */
    void armWriteFailure(String dc, Table table, int n) {
        armWriteFailure(dc, table, n, false);
    }

    /**
     * Arms one write failure: the {@code n}-th write to {@code table} in {@code dc} from now fails
     * once, before applying or ({@code afterApply}) after the write landed.
     */
    synchronized void armWriteFailure(String dc, Table table, int n, boolean afterApply) {
        armedDc = dc;
        armedTable = table;
        remaining = n;
        armedAfterApply = afterApply;
        note("arm write failure: write #" + n + " to " + table + " in " + dc + (afterApply ? ", after applying" : ", before applying"));
    }

    /** Creates an intention through {@code dc}'s API as a client would (with retry); its status. */
    int createIntentionIn(String dc, String src, String dst) {
        HttpResponse r = write(dc, "POST", INTENTIONS, body(src, dst, "allow"));
        if (r.status() == 200) {
            intentionIds.add(json(r).get("ID").asText());
            acknowledge(json(r).get("ID").asText(), r, "live:allow");
        }
        note("create " + src + "->" + dst + " in " + dc + " -> " + r.status() + (r.status() == 200 ? "" : " " + r.body()));
        return r.status();
    }

    /** Updates intention {@code id}'s action through {@code dc}'s API as a client would (with retry); its status. */
    int updateIntentionIn(String dc, String id, String action) {
        Intention i = f.harness.dc("dc1").intentionStore().intention(id, true).orElseThrow().value().intention();
        HttpResponse r = write(dc, "PUT", INTENTIONS + "/" + id, body(i.sourceName(), i.destinationName(), action));
        acknowledge(id, r, "live:" + action);
        note("update " + id + " in " + dc + " -> " + r.status());
        return r.status();
    }

    /**
     * Records a client's view of a write of intention {@code id}: a 200 is acknowledged (the
     * primary must keep it: {@code state}); a 5xx after the retries leaves the outcome unknown (it
     * may have landed: a write failure after applying), so the intention's state is no longer
     * asserted until a later write of it is acknowledged. A 4xx to a first attempt changed nothing;
     * after a 503 it may answer the retry of a write that did land.
     */
    private void acknowledge(String id, HttpResponse r, String state) {
        if (r.status() == 200) {
            acknowledged.put(id, state);
            uncertain.remove(id);
        } else if (r.status() >= 500 || lastWriteRetried) {
            uncertain.add(id); // e.g. a delete that landed, then 503, then 404 to its retry
        }
    }

    /** Whether the last {@link #write} was retried after a 503 (its final answer may describe a retry of a landed write). */
    private boolean lastWriteRetried;

    /**
     * A write as a careful client sends it: with an idempotency key, retried with the same key while
     * the answer is 503 (an injected store failure, or the primary unreachable), a few times.
     */
    private HttpResponse write(String dc, String method, String path, String body) {
        Map<String, String> headers = Map.of(dev.meshfed.app.forwarding.PrimaryApi.IDEMPOTENCY_KEY,
                "fault-" + seed + "-" + (++writes));
        HttpResponse r = f.call(dc, method, path, null, body, headers);
        lastWriteRetried = r.status() == 503;
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
            for (DynamodbEvent.DynamodbStreamRecord r : given) {
                String id = r.getDynamodb().getKeys() == null ? null : rogueKey(r);
                if (id != null) {
                    rogueDelivered.add(id);
                }
            }
            return real.handle(given);
        };
    }

    /** The rogue intention id a record is about, or null (records of the primary's own items). */
    private String rogueKey(DynamodbEvent.DynamodbStreamRecord r) {
        var key = dev.meshfed.stream.events.StreamRecords.decode(r).key();
        return key.owner().equals("dc1") || !rogueIds.contains(key.id()) ? null : key.id();
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

    /**
     * Runs {@code steps} random operations and faults. On a durable substrate the process is also
     * restarted once half-way, whatever the schedule (without drawing from the seed's randomness).
     */
    FaultScenario run(int steps) {
        for (int i = 0; i < steps; i++) {
            step++;
            if (durable && i == steps / 2) {
                restartProcess();
            }
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
            } else if (pick < 68) {
                nonOwnerCaWrite();
            } else if (pick < 75) {
                String dc = randomDc();
                f.harness.partition(dc);
                note("partition " + dc);
            } else if (pick < 80) {
                f.harness.heal();
                note("heal");
            } else if (pick < 84) {
                Duration d = Duration.ofMillis(random.nextInt(5000));
                f.harness.replicationDelay(d);
                note("replication delay " + d);
            } else if (pick < 85) {
                synchronized (this) {
                    failuresToInject += 1 + random.nextInt(3);
                }
                note("next intentions batches fail once");
            } else if (pick < 89) {
                armWriteFailure(randomDc(), List.of(Table.CA, Table.INTENTIONS, Table.PRIVATE).get(random.nextInt(3)),
                        1 + random.nextInt(2), random.nextBoolean());
            } else if (pick < 91) {
                String dc = randomDc();
                // Durable: two restarts in three are the whole process's (tables reopened from disk).
                if (durable && random.nextInt(3) > 0) {
                    restartProcess();
                } else {
                    start(dc);
                    note("restart " + dc + " (fresh function instances over the same tables)");
                }
            } else if (pick < 93) {
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
        String action = random.nextBoolean() ? "allow" : "deny";
        HttpResponse r = write(dc, "POST", INTENTIONS, body(src, dst, action));
        if (r.status() == 200) {
            intentionIds.add(json(r).get("ID").asText());
            acknowledge(json(r).get("ID").asText(), r, "live:" + action);
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
        String action = random.nextBoolean() ? "allow" : "deny";
        HttpResponse r = write(dc, "PUT", INTENTIONS + "/" + id, body(i.sourceName(), i.destinationName(), action));
        acknowledge(id, r, "live:" + action);
        note("update " + id + " in " + dc + " -> " + r.status());
    }

    private void deleteIntention(String dc) {
        if (intentionIds.isEmpty()) {
            return;
        }
        String id = intentionIds.get(random.nextInt(intentionIds.size()));
        HttpResponse r = write(dc, "DELETE", INTENTIONS + "/" + id, null);
        acknowledge(id, r, "deleted");
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
     * Public keys a non-owner write asked to have certified, or certified itself (a forged CSR
     * request's key, a forged CSR result's certificate's key): no DC may ever sign with, serve or
     * hold a certificate for one, and the primary may never certify one.
     */
    final List<java.security.PublicKey> forgedKeys = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Intermediates of forged signer items (a real DC key certified by a made-up CA): none may be served or used. */
    final List<X509Certificate> forgedIntermediates = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Every certificate for a forged key seen at any time in dc1's CA stream (CSR results, signer chains). */
    final List<String> forgedKeyCertified = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * A non-owner write into the primary-owned CA table, written straight into the raw table of a
     * secondary's replica (no {@code OwnerGuard}, as a compromised or buggy writer could) and
     * replicated from there like any write. Who owns what (architecture.md, {@link CaStore}): the
     * primary owns the bundle, membership, rotation and CSR results (the results under the primary's
     * prefix, one per requester); each DC owns its signer, CA configuration and CSR request. The
     * writer {@code w} is a random secondary, the victim {@code v} the other one:
     * <ul>
     *   <li>under its own prefix, a trust bundle of a root it made up, or a membership naming a DC
     *       "evil" (readers read these under the primary's prefix only);
     *   <li>under {@code v}'s prefix, {@code v}'s CSR request for a key {@code w} holds, naming {@code v}
     *       and signed with {@code w}'s own enrolment key (the primary reads it, as {@code v}'s, and
     *       must refuse it: the enrolment signature is checked with {@code v}'s registered key);
     *   <li>under {@code v}'s prefix, a CSR result for {@code v} answering {@code v}'s current request
     *       with an intermediate of a made-up CA for a key {@code w} holds (results are read under the
     *       primary's prefix only);
     *   <li>under {@code v}'s prefix, a trust bundle of a made-up root;
     *   <li>under {@code v}'s prefix, {@code v}'s signer item with {@code v}'s real signing key
     *       certified by a made-up CA, filed under the real active root: {@code v} must neither
     *       sign with nor serve it, and must get a real intermediate again ({@code ChainTrust});
     * </ul>
     * A secondary writing {@code v}'s CA configuration is not injected: see docs/fault-injection.md
     * (like a write under the primary's prefix, only IAM stops it).
     */
    private void nonOwnerCaWrite() {
        String w = DCS.get(1 + random.nextInt(DCS.size() - 1));
        nonOwnerCaWrite(w, NonOwnerCaWrite.values()[random.nextInt(NonOwnerCaWrite.values().length)]);
    }

    /** The kinds of {@link #nonOwnerCaWrite()}, by the prefix written under. */
    enum NonOwnerCaWrite {
        OWN_BUNDLE, OWN_MEMBERSHIP, FOREIGN_CSR_REQUEST, FOREIGN_BUNDLE, FOREIGN_CSR_RESULT, FOREIGN_SIGNER
    }

    /** One non-owner CA-table write by secondary {@code w} (the victim of a foreign one is the other secondary). */
    void nonOwnerCaWrite(String w, NonOwnerCaWrite kind) {
        String v = w.equals(DCS.get(1)) ? DCS.get(2) : DCS.get(1);
        Instant now = f.harness.clock().instant();
        var table = f.harness.dc(w).table(Table.CA);
        ItemKey key;
        Map<String, dev.meshfed.core.store.Attr> body;
        switch (kind) {
            case OWN_BUNDLE, FOREIGN_BUNDLE -> {
                dev.meshfed.testkit.TestFederation rogue = rogueCa();
                rogueRootKeys.add(rogue.activeRoot().certificate().getPublicKey());
                key = new ItemKey(kind == NonOwnerCaWrite.OWN_BUNDLE ? w : v, CaStore.BUNDLE, "current");
                body = dev.meshfed.core.store.codec.CaTableCodecs.BUNDLE.encode(rogue.bundle());
            }
            case OWN_MEMBERSHIP -> {
                key = new ItemKey(w, CaStore.MEMBERSHIP, "current");
                body = dev.meshfed.core.store.codec.CaTableCodecs.MEMBERSHIP.encode(new Membership(List.of(
                        new Membership.Member("evil", f.dc(w).rotateLeaves().enrolmentPublicKeyPem()))));
            }
            case FOREIGN_CSR_REQUEST -> {
                Optional<dev.meshfed.core.bundle.TrustBundle> bundle = f.harness.dc(w).caStore().bundle(true).map(Versioned::value);
                var enrolment = f.harness.dc(w).privateStore().enrolmentKey();
                if (bundle.isEmpty() || enrolment.isEmpty()) {
                    note("non-owner CA write skipped: " + w + " has no bundle or enrolment key yet");
                    return;
                }
                java.security.KeyPair forged = keyPair();
                forgedKeys.add(forged.getPublic());
                String csr = new dev.meshfed.pki.BcCsrBuilder(WiredFederation.PROVIDERS).caRequest(forged,
                        bundle.get().trustDomain().signingId().uri());
                var ek = enrolment.get().value();
                java.security.PrivateKey wKey = f.custody.get(w).unwrap(ek.privateKey(),
                        new dev.meshfed.core.custody.KeyContext(w, ek.keyId(), dev.meshfed.core.custody.KeyPurpose.ENROLMENT));
                String requestId = "forged-" + step;
                var unsigned = new dev.meshfed.core.pki.IntermediateCsrRequest(new dev.meshfed.core.identity.Datacenter(v), csr,
                        dev.meshfed.core.pki.IntermediateCsrRequest.Reason.RENEWAL, bundle.get().activeRootId(), now, null, requestId);
                var signed = new dev.meshfed.core.pki.IntermediateCsrRequest(unsigned.datacenter(), csr, unsigned.reason(),
                        unsigned.expectedRootId(), now, dev.meshfed.core.pki.EnrolmentSignatures.sign(unsigned, wKey), requestId);
                key = new ItemKey(v, CaStore.CSR_REQUEST, "current");
                body = dev.meshfed.core.store.codec.CaTableCodecs.CSR_REQUEST.encode(signed);
            }
            case FOREIGN_SIGNER -> {
                var signer = f.harness.dc(w).caStore().signer(v, true).map(Versioned::value)
                        .filter(r -> r.chain() != null);
                Optional<dev.meshfed.core.bundle.TrustBundle> bundle = f.harness.dc(w).caStore().bundle(true).map(Versioned::value);
                if (signer.isEmpty() || bundle.isEmpty()) {
                    note("non-owner CA write skipped: " + w + " sees no signer chain of " + v + " yet");
                    return;
                }
                dev.meshfed.testkit.TestFederation rogue = rogueCa();
                rogueRootKeys.add(rogue.activeRoot().certificate().getPublicKey());
                // v's real public key (only it is used to issue), so v could sign under the forged chain
                java.security.KeyPair victimKey = new java.security.KeyPair(signer.get().chain().signer().getPublicKey(), null);
                X509Certificate cert = rogue.issueIntermediate(v, victimKey).certificate();
                forgedIntermediates.add(cert);
                String rootId = bundle.get().activeRootId();
                // The chain is forged, the stop times are v's own: a forger that also rewrites them
                // can make the primary prune a root early, which only IAM prevents (docs/fault-injection.md)
                var forgedChain = new dev.meshfed.core.bundle.DcChain(new dev.meshfed.core.identity.Datacenter(v), rootId,
                        Map.of(rootId, List.of(cert)), signer.get().chain().stoppedSigningUnder());
                key = new ItemKey(v, CaStore.SIGNER, "current");
                body = dev.meshfed.core.store.codec.CaTableCodecs.SIGNER.encode(new dev.meshfed.core.ca.SignerRecord(v,
                        signer.get().state(), forgedChain, signer.get().pendingKeyId()));
            }
            default -> { // FOREIGN_CSR_RESULT
                java.security.KeyPair forged = keyPair();
                forgedKeys.add(forged.getPublic());
                dev.meshfed.testkit.TestFederation rogue = rogueCa();
                rogueRootKeys.add(rogue.activeRoot().certificate().getPublicKey());
                X509Certificate cert = rogue.issueIntermediate(v, forged).certificate();
                var request = f.harness.dc(w).caStore().csrRequest(v, true).map(Versioned::value);
                var result = new dev.meshfed.core.ca.CsrResult(v,
                        request.map(dev.meshfed.core.pki.IntermediateCsrRequest::requestedAt).orElse(now),
                        Certificates.toPem(cert), rogue.bundle().activeRootId(), null, 0,
                        request.map(dev.meshfed.core.pki.IntermediateCsrRequest::requestId).orElse("none"));
                key = new ItemKey(v, CaStore.CSR_RESULT, v);
                body = dev.meshfed.core.store.codec.CaTableCodecs.CSR_RESULT.encode(result);
            }
        }
        long version = table.get(key, true).map(StoredItem::version).orElse(0L);
        table.put(new StoredItem(key, version + 1, now, null, body), version);
        rogueCaItems.add(key.owner() + "/" + key.kind() + "/" + key.id());
        note("non-owner CA write " + key.kind() + " under " + key.owner() + "'s prefix in " + w);
    }

    private dev.meshfed.testkit.TestFederation rogueCa() {
        return dev.meshfed.testkit.TestFederation.create(new dev.meshfed.pki.BcCertificateIssuer(WiredFederation.PROVIDERS),
                new dev.meshfed.pki.JcaKeyPairFactory(WiredFederation.PROVIDERS, new java.security.SecureRandom()),
                dev.meshfed.core.pki.KeySpec.EC_P256, f.harness.clock());
    }

    private static java.security.KeyPair keyPair() {
        return new dev.meshfed.pki.JcaKeyPairFactory(WiredFederation.PROVIDERS, new java.security.SecureRandom())
                .generate(dev.meshfed.core.pki.KeySpec.EC_P256);
    }

    /**
     * Watches dc1's CA stream (every CA write reaches it) for a certificate of a forged key: a CSR
     * result certifying one, or a signer chain holding one, at any moment, not only at the end.
     */
    private StreamSubscriber forgedKeyWitness() {
        return batch -> {
            for (DynamodbEvent.DynamodbStreamRecord r : batch) {
                var c = dev.meshfed.stream.events.StreamRecords.decode(r);
                if (c.newImage() == null || forgedKeys.isEmpty()) {
                    continue;
                }
                List<X509Certificate> certs = new ArrayList<>();
                if (c.key().kind().equals(CaStore.CSR_RESULT) && c.key().owner().equals("dc1")) {
                    var result = dev.meshfed.core.store.codec.CaTableCodecs.CSR_RESULT.decode(c.key(), c.newImage().body());
                    if (result.certificatePem() != null) {
                        certs.addAll(Certificates.fromPem(result.certificatePem()));
                    }
                } else if (c.key().kind().equals(CaStore.SIGNER)) {
                    var signer = dev.meshfed.core.store.codec.CaTableCodecs.SIGNER.decode(c.key(), c.newImage().body());
                    if (signer.chain() != null) {
                        signer.chain().chains().values().forEach(certs::addAll);
                    }
                }
                for (X509Certificate cert : certs) {
                    if (forgedKeys.contains(cert.getPublicKey())) {
                        forgedKeyCertified.add(c.key().owner() + "/" + c.key().kind() + "/" + c.key().id() + " v"
                                + c.newImage().version() + " holds a certificate for a forged key: " + cert.getSubjectX500Principal());
                    }
                }
            }
            return dev.meshfed.store.embedded.stream.BatchResult.success();
        };
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
        if (durable) {
            // Before settling: whatever is still queued (replication, stream records) dies with the
            // process; only the data directory and the ticks can bring it back.
            restartProcess();
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
        return "seed=" + seed + (durable ? " durable restarts=" + f.harness.restarts() : " in-memory") + " leaves="
                + leaves.size() + " intentions=" + intentionIds.size() + " acknowledged=" + acknowledged.size() + " rogue="
                + rogueIds.size() + " rogueCa=" + rogueCaItems.size() + " writeFailures=" + writeFailuresFired
                + " (after applying: " + writeFailuresAfterApply + ") ops=" + kinds;
    }

    @Override
    public void close() {
        f.close();
    }
}
