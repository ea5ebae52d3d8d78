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
import dev.meshfed.core.store.StoredItem;
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
        // At-least-once delivery: a seed decides whether every batch arrives twice.
        boolean duplicates = random.nextBoolean();
        f.harness.duplicateDelivery(duplicates).maximumRetryAttempts(1000);
        for (String dc : DCS) {
            DcFunctions d = f.dc(dc);
            // Reissue paces itself with real sleeps by default; here a pause moves the test clock.
            d.rotateLeaves().withLeafReissue(d.signCsr().managedLeafReissue(pause -> f.harness.clock().advance(pause)));
            f.harness.subscribe(dc, Table.CA, StreamSubscriber.perRecord(d.rotateLeavesStream()::onRecord));
            f.harness.federation().scheduler().register("rotate-leaves-" + dc, RotateLeaves.TICK_INTERVAL,
                    Duration.ZERO, d.rotateLeaves()::tick);
            StreamSubscriber real = intentionsConsumer.apply(dc, StreamSubscriber.perRecord(d.replicateIntentionsStream()::onRecord));
            delivered.put(dc, new ArrayList<>());
            f.harness.subscribe(dc, Table.INTENTIONS, faulty(dc, real));
            if (registerReconcile) {
                f.harness.federation().scheduler().register("replicate-intentions-" + dc,
                        ReplicateIntentions.RECONCILE_INTERVAL, d.replicateIntentions()::reconcile);
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
            } else if (pick < 66) {
                nonOwnerWrite();
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
            } else if (pick < 86) {
                synchronized (this) {
                    failuresToInject += 1 + random.nextInt(3);
                }
                note("next intentions batches fail once");
            } else if (pick < 90) {
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
        HttpResponse r = f.call(dc, "POST", INTENTIONS, null, body(src, dst, random.nextBoolean() ? "allow" : "deny"));
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
        HttpResponse r = f.call(dc, "PUT", INTENTIONS + "/" + id, null,
                body(i.sourceName(), i.destinationName(), random.nextBoolean() ? "allow" : "deny"));
        note("update " + id + " in " + dc + " -> " + r.status());
    }

    private void deleteIntention(String dc) {
        if (intentionIds.isEmpty()) {
            return;
        }
        String id = intentionIds.get(random.nextInt(intentionIds.size()));
        HttpResponse r = f.call(dc, "DELETE", INTENTIONS + "/" + id, null, null);
        note("delete " + id + " in " + dc + " -> " + r.status());
    }

    private void rotateRoot() {
        HttpResponse r = f.call("dc1", "POST", "/v1/connect/ca/rotate", null, "{}");
        note("rotate root -> " + r.status() + (r.status() == 200 ? "" : " " + r.body()));
    }

    /** A CA configuration change (leaf TTL) in a random DC: a secondary forwards it to the primary. */
    private void changeCaConfig(String dc) {
        String ttl = (1 + random.nextInt(72)) + "h";
        HttpResponse r = f.call(dc, "PUT", "/v1/connect/ca/configuration", null,
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
                + rogueIds.size() + " ops=" + kinds;
    }

    @Override
    public void close() {
        f.close();
    }
}
