package dev.meshfed.app.ca.lifecycle;

import dev.meshfed.testkit.store.DelegatingTableStore;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshfed.app.auth.AclsOff;
import dev.meshfed.app.ca.CaAdmin;
import dev.meshfed.app.ca.CaFunctionsHandler;
import dev.meshfed.app.http.ErrorMapper;
import dev.meshfed.app.http.FunctionName;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.app.http.RouteTable;
import dev.meshfed.core.bundle.DcChain;
import dev.meshfed.core.bundle.TrustBundle;
import dev.meshfed.core.bundle.TrustedRoot;
import dev.meshfed.core.ca.RotationRequest;
import dev.meshfed.core.config.CaConfig;
import dev.meshfed.core.custody.KeyContext;
import dev.meshfed.core.custody.KeyPurpose;
import dev.meshfed.core.identity.SpiffeId;
import dev.meshfed.core.pki.CertificateProfiles;
import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.core.pki.Pem;
import dev.meshfed.core.store.CaStore;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.Page;
import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.core.store.StoreUnavailable;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.Table;
import dev.meshfed.core.store.TableStore;
import dev.meshfed.core.store.Versioned;
import dev.meshfed.testkit.Pkix;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The primary side of root rotation on the embedded harness (certificates.md "Rotation" steps 1
 * to 3, architecture.md flow 8): requests through ca-admin, rotate-leaves carrying them out,
 * independent PKIX checks of the cross-signed chain, and crash safety.
 */
class RootRotationFederationTest {
    static final String ROTATE = "/v1/connect/ca/rotate";
    static final String CONFIG = "/v1/connect/ca/configuration";

    /** {@code dc}'s ca-admin behind the deployed route table, ACLs off. */
    static CaFunctionsHandler admin(LifecycleFederation f, String dc) {
        var d = f.dc(dc);
        RotateLeaves status = f.function(dc);
        CaAdmin admin = new CaAdmin(d.caStore(), d.privateStore(), f.custody.get(dc), new AclsOff(), status::status,
                f.harness.clock());
        return new CaFunctionsHandler(RouteTable.deployed(), Map.of(FunctionName.CA_ADMIN, admin), new ErrorMapper());
    }

    static HttpResponse post(CaFunctionsHandler h, String path, String body) {
        HttpRequest.Builder b = HttpRequest.builder("POST", path);
        if (body != null) {
            b.body(body);
        }
        return h.handle(b.build());
    }

    static HttpResponse put(CaFunctionsHandler h, String path, String body) {
        return h.handle(HttpRequest.builder("PUT", path).body(body).build());
    }

    static RotationRequest request(LifecycleFederation f) {
        return f.dc("dc1").caStore().rotation(true).orElseThrow().value();
    }

    /** A leaf for {@code service} signed by {@code dc}'s current intermediate (its key unwrapped from the private table). */
    static X509Certificate leaf(LifecycleFederation f, String dc, String service) {
        DcChain chain = f.chain(dc);
        String keyId = chain.signingKeyId();
        PrivateKey signingKey = f.kek.get(dc).unwrap(f.dc(dc).privateStore().signerKey(keyId).orElseThrow().value(),
                new KeyContext(dc, keyId, KeyPurpose.INTERMEDIATE));
        KeyPair key = LifecycleFederation.KEYS.generate(KeySpec.EC_P256);
        TrustBundle bundle = f.bundle(dc);
        return LifecycleFederation.ISSUER.issue(new CertificateProfiles(new SecureRandom()).leaf(
                new SpiffeId.Service(bundle.trustDomain().value(), null, null, dc, service), key.getPublic(), List.of(),
                List.of(), chain.signer(), f.harness.clock().instant(), Duration.ofHours(72)), signingKey);
    }

    static List<X509Certificate> roots(TrustBundle b) {
        return b.roots().stream().map(TrustedRoot::certificate).toList();
    }

    /** dc1 bootstrapped with its rotate-leaves started (stream and tick). */
    static LifecycleFederation primaryStarted(String... dcs) {
        LifecycleFederation f = new LifecycleFederation(dcs);
        f.start("dc1");
        f.harness.settle();
        return f;
    }

    @Test
    void anApiRequestRotatesTheRootWithACrossSignThatVerifiesBothWays() throws Exception {
        LifecycleFederation f = primaryStarted("dc1");
        TrustBundle before = f.bundle("dc1");
        TrustedRoot r1 = before.active();
        X509Certificate oldIntermediate = f.chain("dc1").signer();
        X509Certificate oldLeaf = leaf(f, "dc1", "web");
        long indexBefore = f.dc("dc1").privateStore().changeIndex();

        HttpResponse r = post(admin(f, "dc1"), ROTATE, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        Instant rotatedAt = f.harness.clock().instant();
        f.harness.settle();

        TrustBundle after = f.bundle("dc1");
        assertThat(after.roots()).hasSize(2);
        TrustedRoot r2 = after.active();
        TrustedRoot old = after.root(r1.id()).orElseThrow();
        assertThat(r2.id()).isNotEqualTo(r1.id());
        assertThat(old.active()).isFalse();
        assertThat(old.rotatedOutAt()).isEqualTo(rotatedAt);
        assertThat(after.clusterId()).isEqualTo(before.clusterId());
        X509Certificate cross = r2.crossSignedCertificate().orElseThrow();
        assertThat(cross.getSubjectX500Principal()).isEqualTo(r2.certificate().getSubjectX500Principal());
        assertThat(cross.getIssuerX500Principal()).isEqualTo(r1.certificate().getSubjectX500Principal());
        assertThat(cross.getPublicKey()).isEqualTo(r2.certificate().getPublicKey());
        assertThat(cross.getNotAfter()).isEqualTo(r1.certificate().getNotAfter());
        cross.verify(r1.certificate().getPublicKey());

        // the primary's intermediate is under R2; its chain under R2 is the cross-signed R2, then the intermediate
        DcChain chain = f.chain("dc1");
        assertThat(chain.signingRootId()).isEqualTo(r2.id());
        assertThat(chain.chainUnder(r2.id())).containsExactly(cross, chain.signer());
        assertThat(chain.stoppedSigningUnder()).containsKey(r1.id());
        chain.signer().verify(r2.certificate().getPublicKey());
        assertThat(chain.signer()).isNotEqualTo(oldIntermediate);

        Instant now = f.harness.clock().instant();
        X509Certificate newLeaf = leaf(f, "dc1", "api");
        // JDK PKIX, independently: a new leaf validates against ONLY the old root through the cross-signed R2
        assertThat(Pkix.valid(List.of(r1.certificate()), chain.chainUnder(r2.id()), newLeaf, now)).isTrue();
        assertThat(Pkix.valid(List.of(r1.certificate()), List.of(chain.signer()), newLeaf, now)).isFalse();
        assertThat(Pkix.valid(List.of(r2.certificate()), List.of(chain.signer()), newLeaf, now)).isTrue();
        // an old leaf validates against the new bundle
        assertThat(Pkix.valid(roots(after), List.of(oldIntermediate), oldLeaf, now)).isTrue();

        RotationRequest done = request(f);
        assertThat(done.state()).isEqualTo(RotationRequest.State.DONE);
        assertThat(done.doneAt()).isNotNull();
        assertThat(done.fromRootId()).isEqualTo(r1.id());
        assertThat(f.dc("dc1").privateStore().changeIndex()).isGreaterThan(indexBefore);

        // later ticks change nothing; a new request after this one is done is accepted
        long version = f.dc("dc1").caStore().bundle(true).orElseThrow().version();
        f.harness.advance(Duration.ofMinutes(3));
        assertThat(f.dc("dc1").caStore().bundle(true).orElseThrow().version()).isEqualTo(version);
        assertThat(post(admin(f, "dc1"), ROTATE, null).status()).isEqualTo(200);
        f.harness.settle();
        assertThat(f.bundle("dc1").roots()).hasSize(3);
    }

    @Test
    void aSecondRotateWhileOneIsInProgressIs409() {
        LifecycleFederation f = new LifecycleFederation("dc1");
        RotateLeaves dc1 = f.function("dc1"); // not subscribed: the request stays pending until it runs
        dc1.tick();
        CaFunctionsHandler admin = admin(f, "dc1");
        assertThat(post(admin, ROTATE, null).status()).isEqualTo(200);
        HttpResponse second = post(admin, ROTATE, null);
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.body()).isEqualTo(RotationRequests.ALREADY_IN_PROGRESS);
        // a configuration change that needs a new root is refused too, and stores nothing
        HttpResponse config = put(admin, CONFIG, "{\"Provider\":\"consul\",\"Config\":{\"PrivateKeyBits\":384}}");
        assertThat(config.status()).isEqualTo(409);
        assertThat(f.dc("dc1").caStore().caConfig("dc1", true)).isEmpty();
        dc1.tick();
        assertThat(request(f).state()).isEqualTo(RotationRequest.State.DONE);
        assertThat(f.bundle("dc1").roots()).hasSize(2);
    }

    @Test
    void ofTwoConcurrentRequestsExactlyOneIsRecorded() throws Exception {
        for (int round = 0; round < 5; round++) {
            LifecycleFederation f = new LifecycleFederation("dc1");
            f.function("dc1").tick();
            CaFunctionsHandler a = admin(f, "dc1");
            CaFunctionsHandler b = admin(f, "dc1");
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<HttpResponse> fa = pool.submit(() -> {
                    go.await();
                    return post(a, ROTATE, null);
                });
                Future<HttpResponse> fb = pool.submit(() -> {
                    go.await();
                    return post(b, ROTATE, null);
                });
                go.countDown();
                List<Integer> statuses = new ArrayList<>(List.of(fa.get(30, TimeUnit.SECONDS).status(),
                        fb.get(30, TimeUnit.SECONDS).status()));
                statuses.sort(null);
                assertThat(statuses).containsExactly(200, 409);
            } finally {
                pool.shutdownNow();
            }
            assertThat(f.dc("dc1").caStore().rotation(true).orElseThrow().version()).isEqualTo(1);
        }
    }

    @Test
    void aConfigurationWithANewKeyTypeRotatesToARootOfThatType() throws Exception {
        LifecycleFederation f = primaryStarted("dc1");
        TrustedRoot r1 = f.bundle("dc1").active();
        HttpResponse r = put(admin(f, "dc1"), CONFIG,
                "{\"Provider\":\"consul\",\"Config\":{\"PrivateKeyType\":\"ec\",\"PrivateKeyBits\":384}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        f.harness.settle();

        TrustBundle after = f.bundle("dc1");
        assertThat(after.roots()).hasSize(2);
        assertThat(after.active().keySpec()).isEqualTo(KeySpec.EC_P384);
        assertThat(KeySpec.of(after.active().certificate().getPublicKey())).isEqualTo(KeySpec.EC_P384);
        after.active().crossSignedCertificate().orElseThrow().verify(r1.certificate().getPublicKey());
        assertThat(KeySpec.of(f.chain("dc1").signer().getPublicKey())).isEqualTo(KeySpec.EC_P384);
        assertThat(f.chain("dc1").signingRootId()).isEqualTo(after.activeRootId());
        assertThat(request(f).trigger()).isEqualTo(RotationRequest.Trigger.CONFIGURATION);
        assertThat(request(f).state()).isEqualTo(RotationRequest.State.DONE);
    }

    @Test
    void aSuppliedRootRotatesToExactlyThatRoot() throws Exception {
        LifecycleFederation f = primaryStarted("dc1");
        TrustBundle before = f.bundle("dc1");
        KeyPair key = LifecycleFederation.KEYS.generate(KeySpec.EC_P256);
        X509Certificate supplied = LifecycleFederation.ISSUER.issue(new CertificateProfiles(new SecureRandom()).root(
                before.clusterId(), key.getPublic(), f.harness.clock().instant(), Duration.ofDays(3650)),
                key.getPrivate());
        String body = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(Map.of("Provider", "consul", "Config", Map.of(
                "RootCert", Pem.encode(Pem.CERTIFICATE, supplied.getEncoded()),
                "PrivateKey", Pem.encode("PRIVATE KEY", key.getPrivate().getEncoded()))));
        HttpResponse r = put(admin(f, "dc1"), CONFIG, body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        f.harness.settle();

        TrustBundle after = f.bundle("dc1");
        assertThat(after.active().certificate()).isEqualTo(supplied);
        assertThat(after.roots()).hasSize(2);
        after.active().crossSignedCertificate().orElseThrow().verify(before.active().certificate().getPublicKey());
        f.chain("dc1").signer().verify(supplied.getPublicKey());
        assertThat(request(f).suppliedRootSha256()).isNotNull();
        // the configuration holds a supplied root: a forced rotation is refused (the operator supplies the next one)
        HttpResponse forced = post(admin(f, "dc1"), ROTATE, null);
        assertThat(forced.status()).isEqualTo(400);
        assertThat(forced.body()).isEqualTo(CaAdmin.ROOT_IS_SUPPLIED);
        // and later ticks do not rotate again
        f.harness.advance(Duration.ofMinutes(3));
        assertThat(f.bundle("dc1").roots()).hasSize(2);
    }

    @Test
    void forceWithoutCrossSigningRotatesWithNoCrossSignedCertificate() {
        LifecycleFederation f = primaryStarted("dc1");
        TrustedRoot r1 = f.bundle("dc1").active();
        HttpResponse r = post(admin(f, "dc1"), ROTATE, "{\"ForceWithoutCrossSigning\":true}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(request(f).forceWithoutCrossSigning()).isTrue();
        f.harness.settle();

        TrustBundle after = f.bundle("dc1");
        assertThat(after.roots()).hasSize(2);
        assertThat(after.active().crossSignedCertificate()).isEmpty();
        assertThat(after.root(r1.id()).orElseThrow().active()).isFalse();
        DcChain chain = f.chain("dc1");
        assertThat(chain.chainUnder(after.activeRootId())).containsExactly(chain.signer());
        // without the cross-sign a client that trusts only R1 cannot validate a new leaf
        X509Certificate newLeaf = leaf(f, "dc1", "web");
        Instant now = f.harness.clock().instant();
        assertThat(Pkix.valid(List.of(r1.certificate()), chain.chainUnder(after.activeRootId()), newLeaf, now)).isFalse();
        assertThat(Pkix.valid(roots(after), chain.chainUnder(after.activeRootId()), newLeaf, now)).isTrue();
    }

    @Test
    void forceWithoutCrossSigningOnAConfigurationPutIsRecordedAndHonoured() {
        LifecycleFederation f = primaryStarted("dc1");
        HttpResponse r = put(admin(f, "dc1"), CONFIG, "{\"Provider\":\"consul\",\"Config\":{\"PrivateKeyType\":\"ec\","
                + "\"PrivateKeyBits\":384},\"force_without_cross_signing\":true}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(request(f).forceWithoutCrossSigning()).isTrue();
        f.harness.settle();
        assertThat(f.bundle("dc1").roots()).hasSize(2);
        assertThat(f.bundle("dc1").active().keySpec()).isEqualTo(KeySpec.EC_P384);
        assertThat(f.bundle("dc1").active().crossSignedCertificate()).isEmpty();
    }

    @Test
    void theTickRotatesAutomaticallyWhenLessThanRootRenewBeforeRemains() {
        LifecycleFederation f = new LifecycleFederation("dc1");
        RotateLeaves dc1 = f.function("dc1");
        dc1.tick();
        TrustedRoot r1 = f.bundle("dc1").active();
        Duration renewBefore = CaConfig.defaults().rootRenewBefore();
        // exactly RootRenewBefore left: not yet due
        f.harness.clock().advance(Duration.between(f.harness.clock().instant(), r1.notAfter().minus(renewBefore)));
        dc1.tick();
        assertThat(f.bundle("dc1").roots()).hasSize(1);
        assertThat(f.dc("dc1").caStore().rotation(true)).isEmpty();
        f.harness.clock().advance(Duration.ofMinutes(1));
        dc1.tick();

        TrustBundle after = f.bundle("dc1");
        assertThat(after.roots()).hasSize(2);
        assertThat(after.activeRootId()).isNotEqualTo(r1.id());
        after.active().crossSignedCertificate().orElseThrow();
        assertThat(after.active().notAfter()).isAfter(r1.notAfter());
        assertThat(request(f).trigger()).isEqualTo(RotationRequest.Trigger.AUTOMATIC);
        assertThat(request(f).state()).isEqualTo(RotationRequest.State.DONE);
        assertThat(f.chain("dc1").signingRootId()).isEqualTo(after.activeRootId());
        dc1.tick();
        assertThat(f.bundle("dc1").roots()).hasSize(2);
    }

    @Test
    void aStoredConfigurationWhoseRequestWasLostIsRotatedByTheTick() {
        LifecycleFederation f = new LifecycleFederation("dc1");
        RotateLeaves dc1 = f.function("dc1");
        dc1.tick();
        // ca-admin stopped between its two writes: the configuration is stored, no request
        CaStore ca = f.dc("dc1").caStore();
        ca.putCaConfig(CaConfig.defaults().toBuilder().privateKeyType("rsa").privateKeyBits(2048).build(), 0);
        dc1.tick();
        assertThat(f.bundle("dc1").active().keySpec()).isEqualTo(KeySpec.RSA_2048);
        assertThat(request(f).trigger()).isEqualTo(RotationRequest.Trigger.CONFIGURATION);
        assertThat(request(f).state()).isEqualTo(RotationRequest.State.DONE);
    }

    @Test
    void aSecondaryKeepsSigningWithItsOldIntermediateWhileTheNewRootIsInItsBundle() {
        LifecycleFederation f = primaryStarted("dc1", "dc2");
        RotateLeaves dc2 = f.function("dc2"); // driven by hand: its re-key is not this test's subject
        f.register("dc2", dc2.enrolmentPublicKeyPem());
        for (int i = 0; i < 3 && f.signer("dc2").map(s -> s.chain()).isEmpty(); i++) {
            dc2.tick();
            f.harness.settle();
        }
        DcChain joined = f.chain("dc2");
        TrustedRoot r1 = f.bundle("dc1").active();
        X509Certificate oldLeaf = leaf(f, "dc2", "db");
        // no clock move: the re-key's request is written at the join's instant, and its request ID
        // (not its requestedAt) keeps the join's answer from looking like the re-key's

        assertThat(post(admin(f, "dc1"), ROTATE, null).status()).isEqualTo(200);
        f.harness.settle();

        TrustBundle dc2Bundle = f.bundle("dc2");
        assertThat(dc2Bundle).isEqualTo(f.bundle("dc1"));
        assertThat(dc2Bundle.roots()).hasSize(2);
        assertThat(dc2Bundle.activeRootId()).isNotEqualTo(r1.id());
        Instant now = f.harness.clock().instant();
        // dc2 has not run: it still signs with the intermediate under R1, which is valid
        assertThat(f.chain("dc2")).isEqualTo(joined);
        assertThat(f.chain("dc2").signingRootId()).isEqualTo(r1.id());
        assertThat(new SignerValidity(f.dc("dc2").caStore(), "dc2").validSignerAt(now)).isPresent();
        X509Certificate stillSigned = leaf(f, "dc2", "db");
        assertThat(Pkix.valid(roots(dc2Bundle), List.of(joined.signer()), stillSigned, now)).isTrue();
        assertThat(Pkix.valid(roots(dc2Bundle), List.of(joined.signer()), oldLeaf, now)).isTrue();

        // the CSR exchange (flow 3, reason ROOT_CHANGE) when dc2 runs; RootPruningFederationTest
        // follows this re-key step by step, across a partition, and on to pruning
        for (int i = 0; i < 3 && f.chain("dc2").signingRootId().equals(r1.id()); i++) {
            dc2.tick();
            f.harness.settle();
        }
        DcChain rekeyed = f.chain("dc2");
        assertThat(rekeyed.signingRootId()).isEqualTo(dc2Bundle.activeRootId());
        assertThat(rekeyed.chainUnder(dc2Bundle.activeRootId()))
                .containsExactly(dc2Bundle.active().crossSignedCertificate().orElseThrow(), rekeyed.signer());
        assertThat(rekeyed.stoppedSigningUnder()).containsKey(r1.id());
        X509Certificate newLeaf = leaf(f, "dc2", "db");
        assertThat(Pkix.valid(List.of(r1.certificate()), rekeyed.chainUnder(dc2Bundle.activeRootId()), newLeaf,
                f.harness.clock().instant())).isTrue();
    }

    // ---- crash safety ------------------------------------------------------------------------

    enum Crash { BEFORE_THE_WRITE, AFTER_THE_WRITE }

    /** A table that fails its {@code n}th put (counted across every table sharing {@code puts}), once. */
    static final class FailingTable extends DelegatingTableStore {
        private final AtomicInteger puts;
        private final int failAt;
        private final Crash crash;

        FailingTable(TableStore delegate, AtomicInteger puts, int failAt, Crash crash) {
            super(delegate);
            this.puts = puts;
            this.failAt = failAt;
            this.crash = crash;
        }


        @Override
        public void put(StoredItem item, long expectedVersion) {
            boolean fail = puts.incrementAndGet() == failAt;
            if (fail && crash == Crash.BEFORE_THE_WRITE) {
                throw new StoreUnavailable("injected failure before put " + failAt + " of " + item.key());
            }
            delegate.put(item, expectedVersion);
            if (fail) {
                throw new StoreUnavailable("injected failure after put " + failAt + " of " + item.key());
            }
        }


    }

    @ParameterizedTest
    @EnumSource(Crash.class)
    void aRunThatStopsAfterAnyWriteConvergesToOneNewRootWhenRunAgain(Crash crash) {
        int completedAt = -1;
        for (int n = 1; n <= 30 && completedAt < 0; n++) {
            LifecycleFederation f = new LifecycleFederation("dc1");
            RotateLeaves healthy = f.function("dc1");
            healthy.tick();
            TrustedRoot r1 = f.bundle("dc1").active();
            RotationRequests.record(f.dc("dc1").caStore(), RotationRequest.Trigger.FORCED, CaConfig.defaults(), false,
                    f.harness.clock().instant());

            var d = f.dc("dc1");
            AtomicInteger puts = new AtomicInteger();
            CaStore failingCa = new CaStore(new FailingTable(d.table(Table.CA), puts, n, crash), "dc1", "dc1",
                    f.harness.clock());
            PrivateStore failingPrivate = new PrivateStore(new FailingTable(d.table(Table.PRIVATE), puts, n, crash),
                    "dc1", f.harness.clock());
            RotateLeaves failing = new RotateLeaves("dc1", "dc1", failingCa, failingPrivate, f.custody.get("dc1"),
                    LifecycleFederation.ISSUER, LifecycleFederation.KEYS, LifecycleFederation.PARSER,
                    LifecycleFederation.CSRS, new CertificateProfiles(new SecureRandom()), f.harness.clock(),
                    RotateLeaves.storedConfig(failingCa));
            try {
                failing.tick();
                completedAt = n; // fewer than n writes: every crash point before this one was covered
            } catch (StoreUnavailable injected) {
                assertThat(injected.getMessage()).contains("injected failure");
            }

            // run again, as the next tick or the stream's retry would, twice
            healthy.tick();
            healthy.tick();
            TrustBundle bundle = f.bundle("dc1");
            assertThat(bundle.roots()).as("crash %s at write %d", crash, n).hasSize(2);
            assertThat(bundle.root(r1.id()).orElseThrow().active()).isFalse();
            assertThat(bundle.active().crossSignedCertificate()).isPresent();
            assertThat(request(f).state()).isEqualTo(RotationRequest.State.DONE);
            assertThat(f.chain("dc1").signingRootId()).isEqualTo(bundle.activeRootId());
            assertThat(f.dc("dc1").caStore().bundle(true).orElseThrow().version()).isEqualTo(2);
        }
        assertThat(completedAt).as("the run completes once n exceeds its writes").isGreaterThan(5);
    }
}
