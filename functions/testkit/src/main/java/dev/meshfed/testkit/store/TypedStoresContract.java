package dev.meshfed.testkit.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshfed.core.acl.AclToken;
import dev.meshfed.core.bundle.SignerState;
import dev.meshfed.core.bundle.TrustBundle;
import dev.meshfed.core.ca.CsrResult;
import dev.meshfed.core.ca.Membership;
import dev.meshfed.core.ca.RotationRequest;
import dev.meshfed.core.ca.SignerRecord;
import dev.meshfed.core.config.CaConfig;
import dev.meshfed.core.config.SuppliedRoot;
import dev.meshfed.core.custody.SealedData;
import dev.meshfed.core.custody.WrappedKey;
import dev.meshfed.core.forwarding.IdempotencyRecord;
import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.identity.Datacenter;
import dev.meshfed.core.intentions.Intention;
import dev.meshfed.core.intentions.IntentionItem;
import dev.meshfed.core.intentions.ReplicationStatus;
import dev.meshfed.core.rotation.ReissueProgress;
import dev.meshfed.core.leaf.LeafRecord;
import dev.meshfed.core.leaf.ManagedLeaf;
import dev.meshfed.core.pki.IntermediateCsrRequest;
import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.CaStore;
import dev.meshfed.core.store.IntentionStore;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.OwnershipViolation;
import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.TableStore;
import dev.meshfed.core.store.UndecodableItem;
import dev.meshfed.core.stream.QuarantinedRecord;
import dev.meshfed.core.clock.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The typed stores' contract (CA, intentions, private), run on every substrate: round trips of
 * every item kind through its codec, conditional writes, ownership, TTLs, undecodable items.
 * Subclasses provide a fresh, empty table.
 */
public abstract class TypedStoresContract {
    protected final MutableClock clock = MutableClock.atDefaultStart();
    private TableStore table;
    private CaStore primaryCa;
    private CaStore dc2Ca;
    private IntentionStore primaryIntentions;
    private PrivateStore dc2Private;

    /** A fresh, empty table for one test. */
    protected abstract TableStore newTable();

    @BeforeEach
    void setUpStores() {
        table = newTable();
        primaryCa = new CaStore(table, "dc1", "dc1", clock);
        dc2Ca = new CaStore(table, "dc2", "dc1", clock);
        primaryIntentions = new IntentionStore(table, "dc1", "dc1", clock);
        dc2Private = new PrivateStore(table, "dc2", clock);
    }

    @Test
    void bundleRoundTripsAcrossARotationAndIsCreatedOnlyOnce() {
        TrustBundle b = StoreSamples.rotatedBundle(clock.instant());
        assertEquals(1, primaryCa.putBundle(b, 0));
        assertThrows(Conflict.class, () -> primaryCa.putBundle(b, 0));
        var read = dc2Ca.bundle(true).orElseThrow();
        assertEquals(b, read.value());
        assertEquals(b.activeRootId(), read.value().activeRootId());
        assertEquals(clock.instant(), read.value().roots().get(0).rotatedOutAt());
        assertEquals(1, read.version());
    }

    @Test
    void concurrentBootstrapsCreateExactlyOneBundle() throws Exception {
        TrustBundle b = StoreSamples.rotatedBundle(clock.instant());
        AtomicInteger wins = new AtomicInteger();
        AtomicInteger conflicts = new AtomicInteger();
        race(8, () -> {
            try {
                primaryCa.putBundle(b, 0);
                wins.incrementAndGet();
            } catch (Conflict e) {
                conflicts.incrementAndGet();
            }
        });
        assertEquals(1, wins.get());
        assertEquals(7, conflicts.get());
    }

    @Test
    void aSecondaryCannotWriteThePrimarysItemsAndNothingIsWritten() {
        assertThrows(OwnershipViolation.class, () -> dc2Ca.putBundle(StoreSamples.rotatedBundle(clock.instant()), 0));
        assertThrows(OwnershipViolation.class, () -> dc2Ca.putMembership(new Membership(List.of()), 0));
        assertFalse(primaryCa.bundle(true).isPresent());
        assertFalse(primaryCa.membership(true).isPresent());
    }

    @Test
    void signerChainsAndStopTimesRoundTrip() {
        TrustBundle b = StoreSamples.rotatedBundle(clock.instant());
        SignerRecord s = new SignerRecord("dc2", SignerState.ACTIVE, StoreSamples.dc2Chain(b, clock.instant()), null);
        dc2Ca.putSigner(s, 0);
        SignerRecord read = primaryCa.signer("dc2", true).orElseThrow().value();
        assertEquals(s.chain().chains(), read.chain().chains());
        assertEquals(s.chain().stoppedSigningUnder(), read.chain().stoppedSigningUnder());
        assertEquals(s.chain().signingKeyId(), read.chain().signingKeyId());
        SignerRecord pending = new SignerRecord("dc2", SignerState.PENDING_CSR, null, "aa:bb");
        dc2Ca.putSigner(pending, 1);
        assertEquals(pending, primaryCa.signer("dc2", true).orElseThrow().value());
        assertThrows(Conflict.class, () -> dc2Ca.putSigner(pending, 1));
    }

    @Test
    void caConfigurationRoundTripsWithASuppliedRootHashButNoPrivateKey() {
        CaConfig c = CaConfig.builder().leafCertTtl(Duration.ofHours(24)).privateKeyType("rsa").privateKeyBits(2048)
                .csrMaxPerSecond(12.5).allowedDnsSuffixes(List.of("example.com")).allowedIpRanges(List.of("10.0.0.0/8"))
                .suppliedRoot(new SuppliedRoot(dev.meshfed.core.pki.Certificates.toPem(StoreSamples.cert("root-1")),
                        "ab".repeat(32)))
                .build();
        dc2Ca.putCaConfig(c, 0);
        CaConfig read = primaryCa.caConfig("dc2", true).orElseThrow().value();
        assertEquals(c, read);
        StoredItem raw = table.get(new ItemKey("dc2", CaStore.CA_CONFIG, "current"), true).orElseThrow();
        assertFalse(raw.toAttributes().toString().contains("PRIVATE KEY"));
    }

    @Test
    void membershipCsrExchangeAndRotationRequestRoundTrip() {
        Membership m = new Membership(List.of(new Membership.Member("dc2", "-----BEGIN PUBLIC KEY-----\nAA==\n-----END PUBLIC KEY-----\n")));
        primaryCa.putMembership(m, 0);
        assertEquals(m, dc2Ca.membership(true).orElseThrow().value());

        IntermediateCsrRequest req = new IntermediateCsrRequest(new Datacenter("dc2"), "-----BEGIN CERTIFICATE REQUEST-----\nAA==\n-----END CERTIFICATE REQUEST-----\n",
                IntermediateCsrRequest.Reason.ROOT_CHANGE, "aa:bb", clock.instant(), new byte[] {1, 2, 3});
        dc2Ca.putCsrRequest(req, 0);
        IntermediateCsrRequest readReq = primaryCa.csrRequest("dc2", true).orElseThrow().value();
        assertEquals(req.signedPayload().length, readReq.signedPayload().length);
        assertArrayEquals(req.enrolmentSignature(), readReq.enrolmentSignature());
        assertArrayEquals(req.signedPayload(), readReq.signedPayload());

        CsrResult refused = new CsrResult("dc2", clock.instant(), null, null, "datacenter dc2 is not a federation member");
        primaryCa.putCsrResult(refused, 0);
        assertEquals(refused, dc2Ca.csrResult("dc2", true).orElseThrow().value());
        CsrResult ok = new CsrResult("dc2", clock.instant(), dev.meshfed.core.pki.Certificates.toPem(StoreSamples.cert("dc2-under-2")),
                "aa:bb", null);
        primaryCa.putCsrResult(ok, 1);
        assertEquals(ok, dc2Ca.csrResult("dc2", true).orElseThrow().value());

        RotationRequest r = RotationRequest.pending("r1", RotationRequest.Trigger.FORCED, clock.instant(), "aa:bb",
                "ec", 384, null, true);
        primaryCa.putRotation(r, 0);
        assertEquals(r, dc2Ca.rotation(true).orElseThrow().value());
        // a second request against the same version loses: the conditional write is the 409 of the API
        assertThrows(Conflict.class, () -> primaryCa.putRotation(r, 0));
        // the request moves forward, each step conditional on the version read; the done time round-trips
        primaryCa.putRotation(r.inProgress(), 1);
        RotationRequest done = r.inProgress().done(clock.instant().plusSeconds(5));
        primaryCa.putRotation(done, 2);
        assertEquals(done, dc2Ca.rotation(true).orElseThrow().value());
        assertEquals(2, primaryCa.rotation(true).orElseThrow().version() - 1);
        assertThrows(Conflict.class, () -> primaryCa.putRotation(done, 2));
    }

    @Test
    void intentionsCarryThePrimarysVersionAndTombstonesExpireAfterSevenDays() {
        Intention i = new Intention("2b0a6b4e-0000-4000-8000-000000000001", "default", "web", "default", "db", "dc2", null,
                "consul", "allow", null, "web may call db", Map.of("team", "payments"), 9, clock.instant(), clock.instant());
        primaryIntentions.putIntention(IntentionItem.live(i), 0, 41);
        var read = primaryIntentions.intention(i.id(), true).orElseThrow();
        assertEquals(41, read.version());
        assertEquals(i, read.value().intention());

        primaryIntentions.putIntention(IntentionItem.tombstone(i.id(), clock.instant()), 41, 42);
        var tomb = primaryIntentions.intention(i.id(), true).orElseThrow();
        assertTrue(tomb.value().deleted());
        assertEquals(clock.instant().plus(Duration.ofDays(7)), tomb.expiresAt());
        assertEquals(1, primaryIntentions.intentions(true).size());
        clock.advance(Duration.ofDays(7));
        assertFalse(primaryIntentions.intention(i.id(), true).isPresent());
        // a secondary never writes an intention itself
        IntentionStore dc2 = new IntentionStore(table, "dc2", "dc1", clock);
        assertThrows(OwnershipViolation.class, () -> dc2.putIntention(IntentionItem.live(i), 0, 50));
    }

    @Test
    void viewEntriesAreDeletedOnlyAtTheVersionRead() {
        Intention i = new Intention("2b0a6b4e-0000-4000-8000-000000000003", "default", "web", "default", "api", null, null,
                "consul", "deny", null, null, Map.of(), 9, clock.instant(), clock.instant());
        dc2Private.putViewEntry(IntentionItem.live(i), 0, 7);
        assertThrows(Conflict.class, () -> dc2Private.deleteViewEntry(i.id(), 6));
        dc2Private.deleteViewEntry(i.id(), 7);
        assertTrue(dc2Private.viewEntry(i.id()).isEmpty());
        assertThrows(dev.meshfed.core.error.NotFound.class, () -> dc2Private.deleteViewEntry(i.id(), 7));
    }

    @Test
    void replicationStatusRoundTripsAndIsWrittenConditionally() {
        assertTrue(dc2Private.intentionReplicationStatus().isEmpty());
        ReplicationStatus s = ReplicationStatus.NONE.applied(41, clock.instant(), 1250).violation()
                .error("record 7 of dc1#intention#x: store unavailable", clock.instant())
                .reconciled(clock.instant().plusSeconds(1), 2);
        long v = dc2Private.putIntentionReplicationStatus(s, 0);
        assertThrows(Conflict.class, () -> dc2Private.putIntentionReplicationStatus(s, 0));
        var read = dc2Private.intentionReplicationStatus().orElseThrow();
        assertEquals(s, read.value());
        assertEquals(v, read.version());
        dc2Private.putIntentionReplicationStatus(ReplicationStatus.NONE, v);
        assertEquals(ReplicationStatus.NONE, dc2Private.intentionReplicationStatus().orElseThrow().value());
    }

    @Test
    void reissueProgressRoundTripsAndIsWrittenConditionally() {
        assertTrue(dc2Private.reissueProgress().isEmpty());
        ReissueProgress p = new ReissueProgress("ab:cd", 100, 48, clock.instant().plusSeconds(125));
        long v = dc2Private.putReissueProgress(p, 0);
        assertThrows(Conflict.class, () -> dc2Private.putReissueProgress(p, 0));
        var read = dc2Private.reissueProgress().orElseThrow();
        assertEquals(p, read.value());
        assertEquals(v, read.version());
        long v2 = dc2Private.putReissueProgress(ReissueProgress.NONE, v);
        assertThrows(Conflict.class, () -> dc2Private.putReissueProgress(p, v));
        assertEquals(ReissueProgress.NONE, dc2Private.reissueProgress().orElseThrow().value());
        assertEquals(v2, dc2Private.reissueProgress().orElseThrow().version());
        assertTrue(new PrivateStore(table, "dc1", clock).reissueProgress().isEmpty(), "each DC has its own item");
    }

    @Test
    void aPoisonIntentionIsSkippedByTheTolerantListing() {
        Intention i = new Intention("2b0a6b4e-0000-4000-8000-000000000004", "default", "web", "default", "db", null, null,
                "consul", "allow", null, null, Map.of(), 9, clock.instant(), clock.instant());
        primaryIntentions.putIntention(IntentionItem.live(i), 0, 3);
        table.put(new StoredItem(new ItemKey("dc1", IntentionStore.INTENTION, "poison"), 4, clock.instant(), null,
                Map.of("id", Attr.n(5))), 0);
        List<UndecodableItem> poison = new ArrayList<>();
        var listed = primaryIntentions.intentions(true, poison::add);
        assertEquals(List.of(i.id()), listed.stream().map(v -> v.key().id()).toList());
        assertEquals(1, poison.size());
        assertEquals("dc1#intention#poison", poison.get(0).key());
        assertThrows(UndecodableItem.class, () -> primaryIntentions.intentions(true));
    }

    @Test
    void tokensStoreOnlyTheSecretHash() {
        AclToken t = new AclToken("6a1f0000-0000-4000-8000-000000000002", "0f".repeat(32), "web token", List.of("p1"),
                List.of(new AclToken.ServiceIdentity("web", List.of("dc2"))), false, clock.instant(), 3, 4);
        primaryIntentions.putToken(t, 0);
        assertEquals(t, primaryIntentions.token(t.accessorId(), true).orElseThrow().value());
        assertEquals(1, primaryIntentions.tokens(true).size());
        primaryIntentions.deleteToken(t.accessorId(), 1);
        assertFalse(primaryIntentions.token(t.accessorId(), true).isPresent());
    }

    @Test
    void privateItemsRoundTripAndTheInventoryExpiresAfterItsLeaf() {
        WrappedKey k = new WrappedKey("local-aes-gcm-v1", "EC", new byte[0], new byte[] {9, 8, 7});
        dc2Private.putSignerKey("aa:bb", k);
        assertEquals(k, dc2Private.signerKey("aa:bb").orElseThrow().value());
        assertThrows(Conflict.class, () -> dc2Private.putSignerKey("aa:bb", k));

        Instant notAfter = clock.instant().plus(Duration.ofHours(72));
        LeafRecord leaf = new LeafRecord("5f:0a:3c", "spiffe://td/ns/default/dc/dc2/svc/web", "aa:bb", clock.instant(), notAfter, null);
        dc2Private.recordLeaf(leaf);
        var stored = dc2Private.leaf("5f:0a:3c").orElseThrow();
        assertEquals(leaf, stored.value());
        assertEquals(notAfter.plus(Duration.ofDays(1)), stored.expiresAt());
        assertEquals("leaf.3c", stored.key().kind());

        ManagedLeaf m = new ManagedLeaf("web", "anonymous", "5f:0a:3c", "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n",
                k, "aa:bb", notAfter, clock.instant().plus(Duration.ofHours(50)), null, clock.instant());
        // the PEM above is not a certificate: the codec refuses to read such an item back
        dc2Private.putManagedLeaf(m, 0);
        assertThrows(UndecodableItem.class, () -> dc2Private.managedLeaf("web", "anonymous"));
    }

    @Test
    void rateLimitBucketsKeepExactTokensAndLeasesRoundTrip() {
        var bucket = new dev.meshfed.core.ratelimit.TokenBucket(new java.math.BigDecimal("25.123456789012345678"), clock.instant());
        dc2Private.putBucket(3, bucket, 0);
        assertEquals(0, bucket.tokens().compareTo(dc2Private.bucket(3).orElseThrow().value().tokens()));
        assertEquals(bucket.refilledAt(), dc2Private.bucket(3).orElseThrow().value().refilledAt());
        var lease = new dev.meshfed.core.ratelimit.CsrLease(clock.instant(), clock.instant().plusSeconds(30), null);
        dc2Private.putCsrLease(0, lease, 0);
        assertEquals(List.of(lease), dc2Private.csrLeases().stream().map(v -> v.value()).toList());
        assertThrows(Conflict.class, () -> dc2Private.putCsrLease(0, lease, 0));
    }

    @Test
    void changeIndexBumpsAreNeverLostUnderContention() throws Exception {
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        race(6, () -> {
            for (int i = 0; i < 10; i++) {
                seen.add(dc2Private.bumpChangeIndex());
            }
        });
        assertEquals(60, seen.size());
        assertEquals(60, dc2Private.changeIndex());
    }

    @Test
    void quarantineIsIdempotent() {
        QuarantinedRecord q = new QuarantinedRecord("CA", "ev-1", "100", "dc1#bundle#current", "undecodable", clock.instant());
        dc2Private.quarantine(q);
        dc2Private.quarantine(q);
        assertEquals(List.of(q), dc2Private.quarantined().stream().map(v -> v.value()).toList());
    }

    private static final String FINGERPRINT = "ab".repeat(32);
    private static final SealedData SEALED = new SealedData("local-aes-gcm-v1", new byte[0], new byte[] {1, 2, 3, 4});

    @Test
    void anIdempotencyKeyIsClaimedOnceThenCompletedWithItsSealedOutcome() {
        IdempotencyRecord claim = IdempotencyRecord.pending("k1", FINGERPRINT, clock.instant());
        long v = dc2Private.claimIdempotency(claim, 0);
        assertThrows(Conflict.class, () -> dc2Private.claimIdempotency(claim, 0));
        assertEquals(claim, dc2Private.idempotency("k1").orElseThrow().value());
        assertEquals(clock.instant().plus(Duration.ofHours(24)), dc2Private.idempotency("k1").orElseThrow().expiresAt());

        clock.advance(Duration.ofSeconds(3));
        IdempotencyRecord done = claim.done(201, "application/json", SEALED);
        long v2 = dc2Private.completeIdempotency(done, v);
        assertThrows(Conflict.class, () -> dc2Private.completeIdempotency(done, v));
        var read = dc2Private.idempotency("k1").orElseThrow();
        assertEquals(done, read.value());
        assertEquals(v2, read.version());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, read.value().body().ciphertext());
        // the TTL still runs from the first claim
        assertEquals(claim.createdAt().plus(Duration.ofHours(24)), read.expiresAt());
    }

    @Test
    void aStaleClaimIsTakenOverOnlyByTheVersionReadWithIt() {
        IdempotencyRecord claim = IdempotencyRecord.pending("k2", FINGERPRINT, clock.instant());
        long v = dc2Private.claimIdempotency(claim, 0);
        clock.advance(Duration.ofMinutes(2));
        long v2 = dc2Private.claimIdempotency(claim.reclaimed(FINGERPRINT, clock.instant()), v);
        // the first attempt finishes late: its claim is lost
        assertThrows(Conflict.class, () -> dc2Private.completeIdempotency(claim.done(200, null, SEALED), v));
        assertFalse(dc2Private.releaseIdempotency("k2", v));
        assertEquals(clock.instant(), dc2Private.idempotency("k2").orElseThrow().value().claimedAt());
        assertTrue(dc2Private.releaseIdempotency("k2", v2));
        assertTrue(dc2Private.idempotency("k2").isEmpty());
        assertFalse(dc2Private.releaseIdempotency("k2", v2));
        // released: the key can be claimed afresh
        dc2Private.claimIdempotency(IdempotencyRecord.pending("k2", FINGERPRINT, clock.instant()), 0);
    }

    @Test
    void anExpiredIdempotencyRecordCountsAsAbsent() {
        IdempotencyRecord claim = IdempotencyRecord.pending("k3", FINGERPRINT, clock.instant());
        long v = dc2Private.claimIdempotency(claim, 0);
        dc2Private.completeIdempotency(claim.done(200, null, SEALED), v);
        clock.advance(PrivateStore.IDEMPOTENCY_TTL);
        assertTrue(dc2Private.idempotency("k3").isEmpty());
        IdempotencyRecord again = IdempotencyRecord.pending("k3", "cd".repeat(32), clock.instant());
        dc2Private.claimIdempotency(again, 0);
        assertEquals(again, dc2Private.idempotency("k3").orElseThrow().value());
    }

    @Test
    void undecodableItemsNameTheirKeyButNotTheirContent() {
        ItemKey key = new ItemKey("dc1", CaStore.BUNDLE, "current");
        table.put(new StoredItem(key, 1, clock.instant(), null, Map.of("clusterId", Attr.s("SECRET-LOOKING-VALUE"),
                "roots", Attr.s("not a list"))), 0);
        UndecodableItem e = assertThrows(UndecodableItem.class, () -> primaryCa.bundle(true));
        assertTrue(e.getMessage().contains("dc1#bundle#current"), e.getMessage());
        assertFalse(e.getMessage().contains("SECRET-LOOKING-VALUE"));
        assertNotNull(e.key());
    }

    /** Runs {@code action} on {@code threads} threads released together. */
    protected static void race(int threads, Runnable action) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                fs.add(pool.submit(() -> {
                    go.await();
                    action.run();
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
