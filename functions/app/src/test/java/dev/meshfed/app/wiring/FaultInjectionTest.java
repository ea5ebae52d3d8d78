package dev.meshfed.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshfed.store.embedded.stream.BatchResult;
import java.util.List;
import dev.meshfed.core.store.codec.IntentionTableCodecs;
import dev.meshfed.stream.events.DecodedChange;
import dev.meshfed.stream.events.StreamRecords;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Randomised fault-injection scenarios ({@link FaultScenario}) over three whole DCs, each from a
 * fixed seed, and the proof that the check can fail: one scenario against a deliberately broken
 * build must be reported, with its seed. {@code -Dmeshfed.fault.seed=N} runs seed N alone (replay);
 * {@code -Dmeshfed.fault.seeds=K} runs K seeds from 1 (release runs), {@code -Dmeshfed.fault.steps=S}
 * lengthens each schedule. See docs/fault-injection.md.
 */
class FaultInjectionTest {
    static final String SEED_PROPERTY = "meshfed.fault.seed";
    static final long[] SUITE_SEEDS = {1, 2, 3, 4, 5, 6, 7, 8};
    /**
     * Seeds run on a durable substrate in the normal suite: the same as in memory (a durable scenario
     * costs about as much, every journal append fsynced; its schedule differs by its restarts).
     */
    static final long[] DURABLE_SUITE_SEEDS = SUITE_SEEDS;
    static final int STEPS = Integer.getInteger("meshfed.fault.steps", 60);

    static Stream<Long> seeds() {
        return seeds(SUITE_SEEDS);
    }

    static Stream<Long> durableSeeds() {
        return seeds(DURABLE_SUITE_SEEDS);
    }

    private static Stream<Long> seeds(long[] suite) {
        String one = System.getProperty(SEED_PROPERTY);
        if (one != null && !one.isBlank()) {
            return Stream.of(Long.parseLong(one.strip()));
        }
        Integer many = Integer.getInteger("meshfed.fault.seeds");
        if (many != null) {
            return LongStream.rangeClosed(1, many).boxed();
        }
        return LongStream.of(suite).boxed();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void afterAnyScheduleOfFaultsAndHealingEveryInvariantHolds(long seed) {
        try (FaultScenario s = new FaultScenario(seed, (dc, real) -> real, true)) {
            List<String> violations = s.run(STEPS).healAndCheck();
            System.out.println("fault scenario " + s.summary());
            assertThat(violations).as(() -> s.report(violations)).isEmpty();
            // The scenario did exercise what it claims (else a quiet schedule would pass vacuously).
            assertThat(s.leaves).as(() -> s.report(List.of("no leaves"))).isNotEmpty();
        }
    }

    /**
     * The same schedules on a durable substrate over a data directory, as {@code meshfed dev
     * --data-dir} runs: the restart step restarts the whole process two times in three (tables
     * closed and reopened from their journals, KEKs read back from their files, every DC rebuilt),
     * and the process is also restarted half-way and once more just before healing, while
     * replication and stream records are still queued. Acknowledged writes must survive, and every
     * invariant must hold after.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("durableSeeds")
    void afterAnyScheduleWithProcessRestartsOverADataDirectoryEveryInvariantHolds(long seed, @TempDir Path dir) {
        try (FaultScenario s = new FaultScenario(seed, dir.resolve("data"), (dc, real) -> real, true)) {
            List<String> violations = s.run(STEPS).healAndCheck();
            System.out.println("fault scenario " + s.summary());
            assertThat(violations).as(() -> s.report(violations)).isEmpty();
            assertThat(s.leaves).as(() -> s.report(List.of("no leaves"))).isNotEmpty();
            assertThat(s.f.harness.restarts()).as(() -> s.report(List.of("too few process restarts"))).isGreaterThanOrEqualTo(2);
        }
    }

    /**
     * A deliberately broken restart: while the process is down, every DC's journal of the intentions
     * table is deleted (as a {@code meshfed dev} that kept that table in memory only would lose it).
     * The check must report acknowledged intention writes as lost, naming the seed.
     */
    @Test
    void theInvariantCheckReportsAcknowledgedWritesLostByARestart(@TempDir Path dir) {
        long seed = 2;
        try (FaultScenario s = new FaultScenario(seed, dir.resolve("data"), (dc, real) -> real, true)) {
            s.f.harness.betweenRestarts(data -> {
                for (String dc : FaultScenario.DCS) {
                    try {
                        java.nio.file.Files.deleteIfExists(data.resolve(dc).resolve("intentions.log"));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
            List<String> violations = s.run(STEPS).healAndCheck();
            assertThat(s.acknowledged).as("the schedule had acknowledged intention writes").isNotEmpty();
            assertThat(violations).as(s.report(violations)).anyMatch(v -> v.contains("acknowledged write of intention"));
            assertThat(s.report(violations)).contains("seed=2").contains("-Dmeshfed.fault.seed=2");
        }
    }

    /**
     * A deliberately broken build: every DC's intentions consumer acknowledges records it drops (an
     * applier that loses deletes and updates), and no reconcile tick repairs it. The invariant
     * check must report it, naming the seed.
     */
    @Test
    void theInvariantCheckReportsABrokenReplicatorWithTheSeed() {
        long seed = 4242;
        try (FaultScenario s = new FaultScenario(seed, (dc, real) -> batch -> BatchResult.success(), false)) {
            s.run(40);
            List<String> violations = s.healAndCheck();
            String report = s.report(violations);
            assertThat(violations).as("the broken build must be caught").anyMatch(v -> v.contains("intentions view"));
            assertThat(report).contains("seed=4242").contains("-Dmeshfed.fault.seed=4242").contains("operation log tail");
        }
    }

    /**
     * A deliberately broken build that trusts a non-owner write: besides the real consumer, each
     * DC's stream applies any intention item under a non-primary prefix straight into its view.
     * The check must report the trusted write. (With the reconcile tick registered the real
     * reconcile removes such entries before the check: that repair is itself a finding worth keeping.)
     */
    @Test
    void theInvariantCheckReportsATrustedNonOwnerWrite() {
        long seed = 77;
        java.util.concurrent.atomic.AtomicReference<FaultScenario> scenario = new java.util.concurrent.atomic.AtomicReference<>();
        try (FaultScenario s = new FaultScenario(seed, (dc, real) -> batch -> {
            for (var r : batch) {
                DecodedChange c = StreamRecords.decode(r);
                if (!c.key().owner().equals("dc1") && c.newImage() != null) {
                    var item = IntentionTableCodecs.INTENTION.decode(c.key(), c.newImage().body());
                    var view = scenario.get().f.harness.dc(dc).privateStore();
                    long current = view.viewEntry(item.id()).map(v -> v.version()).orElse(0L);
                    view.putViewEntry(item, current, c.newImage().version());
                }
            }
            return real.handle(batch);
        }, false)) { // without reconcile: with it, the tick removes view entries the primary lacks (it self-heals)
            scenario.set(s);
            List<String> violations = s.run(60).healAndCheck();
            assertThat(s.rogueIds).as("the schedule made non-owner writes").isNotEmpty();
            assertThat(violations).as(s.report(violations)).anyMatch(v -> v.contains("trusted the non-owner write"));
        }
    }

    /**
     * A function failing mid-flow, deterministically: the primary's first intentions-table write of a
     * create throws {@code StoreUnavailable} (503), the client retries with the same idempotency key,
     * the create completes and every DC ends with it.
     */
    @Test
    void aWriteFailingMidFlowIsCompletedByTheClientRetryAndReplicated() {
        try (FaultScenario s = new FaultScenario(5, (dc, real) -> real, true)) {
            s.armWriteFailure("dc1", dev.meshfed.core.store.Table.INTENTIONS, 1);
            assertThat(s.createIntentionIn("dc2", "web", "db")).as(() -> String.join("\n", s.log)).isEqualTo(200);
            assertThat(s.writeFailuresFired).as(String.join("\n", s.log)).isEqualTo(1);
            s.armWriteFailure("dc3", dev.meshfed.core.store.Table.PRIVATE, 1); // dc3's stream apply fails once, the batch retry completes it
            assertThat(s.createIntentionIn("dc1", "api", "db")).isEqualTo(200);
            s.f.harness.settle(); // delivered (and retried) before the heal disarms anything
            List<String> violations = s.healAndCheck();
            assertThat(s.writeFailuresFired).as(String.join("\n", s.log)).isEqualTo(2);
            assertThat(violations).as(() -> s.report(violations)).isEmpty();
        }
    }

    /**
     * Writes that land and then report failure (a DynamoDB timeout after the write was applied),
     * deterministically. An update whose intention write lands in dc1 and then throws answers 503;
     * the client's retry with the same idempotency key applies it again and gets 200. A create
     * whose intention write (its second intentions-table write, after the key link) lands and
     * throws: the retry finds the intention already holding the key and is refused as a duplicate,
     * but the intention exists once, everywhere. dc3's view write landing and then throwing is
     * completed by the stream batch retry. All invariants hold.
     */
    @Test
    void writesThatLandAndThenFailAreCompletedByRetriesWithoutLossOrDuplicates() {
        try (FaultScenario s = new FaultScenario(5, (dc, real) -> real, true)) {
            assertThat(s.createIntentionIn("dc2", "web", "db")).isEqualTo(200);
            String id = s.intentionIds.get(0);
            s.armWriteFailure("dc1", dev.meshfed.core.store.Table.INTENTIONS, 1, true);
            assertThat(s.updateIntentionIn("dc2", id, "deny")).as(() -> String.join("\n", s.log)).isEqualTo(200);
            assertThat(s.writeFailuresAfterApply).as(() -> String.join("\n", s.log)).isEqualTo(1);

            s.armWriteFailure("dc1", dev.meshfed.core.store.Table.INTENTIONS, 2, true);
            int status = s.createIntentionIn("dc2", "api", "db");
            assertThat(s.writeFailuresAfterApply).as(() -> String.join("\n", s.log)).isEqualTo(2);
            assertThat(status).as(() -> String.join("\n", s.log)).isEqualTo(400); // the retry meets its own landed write
            s.f.harness.settle();
            long apiToDb = s.f.harness.dc("dc1").intentionStore().intentions(true).stream()
                    .filter(v -> !v.value().deleted() && v.value().intention().sourceName().equals("api")).count();
            assertThat(apiToDb).as("the create landed exactly once").isEqualTo(1);

            s.armWriteFailure("dc3", dev.meshfed.core.store.Table.PRIVATE, 1, true); // dc3's view apply lands, then throws
            assertThat(s.createIntentionIn("dc1", "cache", "db")).isEqualTo(200);
            s.f.harness.settle();
            assertThat(s.writeFailuresAfterApply).as(() -> String.join("\n", s.log)).isEqualTo(3);
            List<String> violations = s.healAndCheck();
            assertThat(violations).as(() -> s.report(violations)).isEmpty();
        }
    }

    /**
     * Every kind of non-owner CA-table write, by each secondary, deterministically: under its own
     * prefix (a made-up bundle, a membership naming "evil") and under the other secondary's prefix
     * (that DC's CSR request for a key the writer holds, signed with the writer's own enrolment
     * key; a made-up bundle; a CSR result from a made-up CA). The primary reads the forged request
     * as the victim's and refuses it (the enrolment signature is checked with the victim's
     * registered key); nothing else is read at all. Then each secondary overwrites the other's
     * signer item with the victim's real key certified by a made-up CA: the victim does not sign
     * with it or serve it (ChainTrust) and gets a real intermediate again. A root rotation
     * afterwards makes both victims request again over the forged items: everything converges and
     * every invariant holds.
     */
    @Test
    void nonOwnerCaWritesUnderAnotherSecondarysPrefixAreNeverTrusted() {
        try (FaultScenario s = new FaultScenario(9, (dc, real) -> real, true)) {
            for (String writer : List.of("dc2", "dc3")) {
                for (FaultScenario.NonOwnerCaWrite kind : FaultScenario.NonOwnerCaWrite.values()) {
                    if (kind != FaultScenario.NonOwnerCaWrite.FOREIGN_SIGNER) {
                        s.nonOwnerCaWrite(writer, kind);
                    }
                }
            }
            s.f.harness.settle();
            assertThat(s.forgedKeys).hasSize(4);
            for (String victim : List.of("dc2", "dc3")) {
                var answer = s.f.harness.dc("dc1").caStore().csrResult(victim, true).orElseThrow().value();
                assertThat(answer.answersRequestId()).as(victim).startsWith("forged-");
                assertThat(answer.refused()).as(victim + ": " + answer).isTrue();
            }
            for (String writer : List.of("dc2", "dc3")) {
                s.nonOwnerCaWrite(writer, FaultScenario.NonOwnerCaWrite.FOREIGN_SIGNER);
            }
            s.f.harness.settle();
            s.f.harness.clock().advance(dev.meshfed.app.ca.ActiveSigner.REFRESH.plusSeconds(1)); // past the signer cache
            for (String victim : List.of("dc2", "dc3")) {
                var refused = s.f.call(victim, "GET", "/v1/agent/connect/ca/leaf/never-forged", null, null);
                assertThat(refused.status()).as(victim + " signs under a forged chain").isEqualTo(503);
                assertThat(refused.body()).contains(dev.meshfed.app.ca.ActiveSigner.SIGNER_NOT_CERTIFIED);
                String roots = s.f.call(victim, "GET", "/v1/agent/connect/ca/roots", null, null).body();
                for (var forged : s.forgedIntermediates) {
                    assertThat(roots).as(victim + " serves a forged intermediate")
                            .doesNotContain(dev.meshfed.core.pki.Certificates.toPem(forged).strip().lines().skip(1).findFirst().orElseThrow());
                }
            }
            s.f.harness.advance(java.time.Duration.ofMinutes(5)); // the victims' rotate-leaves ticks
            assertThat(s.forgedIntermediates).hasSize(2);
            for (String victim : List.of("dc2", "dc3")) {
                var chains = s.f.harness.dc(victim).caStore().signer(victim, true).orElseThrow().value().chain().chains();
                assertThat(chains.values().stream().flatMap(List::stream)).as(victim + " replaced the forged signer")
                        .doesNotContainAnyElementsOf(s.forgedIntermediates);
            }
            assertThat(s.f.call("dc1", "POST", "/v1/connect/ca/rotate", null, "{}").status()).isEqualTo(200);
            s.f.harness.advance(java.time.Duration.ofMinutes(5));
            List<String> violations = s.healAndCheck();
            assertThat(violations).as(() -> s.report(violations)).isEmpty();
        }
    }

    /**
     * A deliberately broken build that trusts a forged CSR request: besides the real consumer, dc1's
     * CA stream has a consumer that answers every secondary's CSR request with an intermediate from
     * the active root, without checking the enrolment signature. The check must report the forged
     * key as certified.
     */
    @Test
    void theInvariantCheckReportsAPrimaryThatCertifiesAForgedCsrRequest() {
        try (FaultScenario s = new FaultScenario(11, (dc, real) -> real, true)) {
            var dc1 = s.f.harness.dc("dc1");
            s.f.harness.subscribe("dc1", dev.meshfed.core.store.Table.CA, batch -> {
                for (var r : batch) {
                    DecodedChange c = StreamRecords.decode(r);
                    if (!c.key().kind().equals(dev.meshfed.core.store.CaStore.CSR_REQUEST) || c.newImage() == null) {
                        continue;
                    }
                    var request = dev.meshfed.core.store.codec.CaTableCodecs.CSR_REQUEST.decode(c.key(), c.newImage().body());
                    var key = new dev.meshfed.pki.BcCsrParser(WiredFederation.PROVIDERS).parse(request.csrPem()).publicKey();
                    var bundle = dc1.caStore().bundle(true).orElseThrow().value();
                    var root = bundle.active();
                    String rootKeyId = dev.meshfed.core.identity.KeyIds.keyIdHex(root.certificate().getPublicKey());
                    var rootKey = s.f.custody.get("dc1").unwrap(dc1.privateStore().signerKey(rootKeyId).orElseThrow().value(),
                            new dev.meshfed.core.custody.KeyContext("dc1", rootKeyId, dev.meshfed.core.custody.KeyPurpose.ROOT));
                    var now = s.f.harness.clock().instant();
                    var cert = new dev.meshfed.pki.BcCertificateIssuer(WiredFederation.PROVIDERS).issue(
                            new dev.meshfed.core.pki.CertificateProfiles(new java.util.Random()).intermediate(bundle.clusterId(),
                                    request.datacenter(), key, root.certificate(), now, java.time.Duration.ofDays(7)), rootKey);
                    var previous = dc1.caStore().csrResult(c.key().owner(), true);
                    try {
                        dc1.caStore().putCsrResult(new dev.meshfed.core.ca.CsrResult(c.key().owner(), request.requestedAt(),
                                dev.meshfed.core.pki.Certificates.toPem(cert), root.id(), null, 0, request.requestId()),
                                previous.map(v -> v.version()).orElse(0L));
                    } catch (dev.meshfed.core.error.Conflict raced) {
                        // the real consumer answered first; the next record tries again
                    }
                }
                return BatchResult.success();
            });
            s.nonOwnerCaWrite("dc2", FaultScenario.NonOwnerCaWrite.FOREIGN_CSR_REQUEST);
            s.f.harness.settle();
            List<String> violations = s.healAndCheck();
            assertThat(violations).as(s.report(violations)).anyMatch(v -> v.contains("certificate for a forged key")
                    || v.contains("certifies a forged key"));
        }
    }
}
