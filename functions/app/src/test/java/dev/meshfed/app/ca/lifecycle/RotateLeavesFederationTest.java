package dev.meshfed.app.ca.lifecycle;

import dev.meshfed.testkit.store.DelegatingTableStore;
import dev.meshfed.app.ca.RecordingCustody;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshfed.core.bundle.DcChain;
import dev.meshfed.core.bundle.SignerState;
import dev.meshfed.core.bundle.TrustBundle;
import dev.meshfed.core.bundle.TrustedRoot;
import dev.meshfed.core.ca.CsrResult;
import dev.meshfed.core.custody.KeyPurpose;
import dev.meshfed.core.identity.Datacenter;
import dev.meshfed.core.identity.KeyIds;
import dev.meshfed.core.pki.CertificateProfiles;
import dev.meshfed.core.pki.EnrolmentSignatures;
import dev.meshfed.core.pki.IntermediateCsrRequest;
import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.core.store.CaStore;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.Page;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.Table;
import dev.meshfed.core.store.TableStore;
import dev.meshfed.core.store.Versioned;
import dev.meshfed.core.store.codec.CaTableCodecs;
import dev.meshfed.testkit.OpenSsl;
import dev.meshfed.testkit.Pkix;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** rotate-leaves across DCs on the embedded substrate (architecture.md flows 1 to 3, 9; expiry guards). */
class RotateLeavesFederationTest {

    @Test
    void theFirstTickBootstrapsOnceAndThePrimarySignsWithItsOwnIntermediate() {
        LifecycleFederation f = new LifecycleFederation("dc1", "dc2");
        f.start("dc1");
        f.harness.settle();

        TrustBundle bundle = f.bundle("dc1");
        assertThat(bundle.roots()).hasSize(1);
        assertThat(bundle.trustDomain().value()).isEqualTo(bundle.clusterId().value() + ".consul");
        DcChain chain = f.chain("dc1");
        assertThat(f.signer("dc1").orElseThrow().state()).isEqualTo(SignerState.ACTIVE);
        assertThat(chain.signingRootId()).isEqualTo(bundle.activeRootId());
        X509Certificate intermediate = chain.signer();
        assertThat(intermediate.getSubjectX500Principal().getName()).isEqualTo("CN=dc1.ca." + bundle.clusterId().shortId() + ".consul");
        Instant now = f.harness.clock().instant();
        assertThat(Pkix.valid(List.of(bundle.active().certificate()), List.of(), intermediate, now)).isTrue();
        assertThat(f.dc("dc1").privateStore().signerKey(chain.signingKeyId())).isPresent();
        assertThat(new SignerValidity(f.dc("dc1").caStore(), "dc1").validSignerAt(now)).isPresent();
        long index = f.dc("dc1").privateStore().changeIndex();
        assertThat(index).isGreaterThanOrEqualTo(2);

        // later ticks change nothing
        long bundleVersion = f.dc("dc1").caStore().bundle(true).orElseThrow().version();
        f.harness.advance(Duration.ofMinutes(5));
        assertThat(f.dc("dc1").caStore().bundle(true).orElseThrow().version()).isEqualTo(bundleVersion);
        assertThat(f.chain("dc1").signingKeyId()).isEqualTo(chain.signingKeyId());
        assertThat(f.dc("dc1").privateStore().changeIndex()).isEqualTo(index);
    }

    @Test
    void twoConcurrentBootstrapsGiveOneRoot() throws Exception {
        for (int round = 0; round < 5; round++) {
            LifecycleFederation f = new LifecycleFederation("dc1");
            RotateLeaves a = f.function("dc1");
            RotateLeaves b = f.function("dc1");
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<?> fa = pool.submit(() -> {
                    go.await();
                    a.requestBootstrap();
                    return null;
                });
                Future<?> fb = pool.submit(() -> {
                    go.await();
                    b.requestBootstrap();
                    return null;
                });
                go.countDown();
                fa.get(30, TimeUnit.SECONDS);
                fb.get(30, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
            TrustBundle bundle = f.bundle("dc1");
            assertThat(bundle.roots()).hasSize(1);
            assertThat(f.dc("dc1").caStore().bundle(true).orElseThrow().version()).isEqualTo(1);
            DcChain chain = f.chain("dc1");
            assertThat(chain.signingRootId()).isEqualTo(bundle.activeRootId());
            assertThat(chain.signer().getIssuerX500Principal()).isEqualTo(bundle.active().certificate().getSubjectX500Principal());
            chain.signer().verify(bundle.active().certificate().getPublicKey());
        }
    }

    @Test
    void aRegisteredSecondaryJoinsAndItsIntermediateVerifiesUnderThePrimaryRoot() {
        LifecycleFederation f = new LifecycleFederation("dc1", "dc2");
        f.start("dc1");
        RotateLeaves dc2 = f.start("dc2");
        assertThat(new SignerValidity(f.dc("dc2").caStore(), "dc2").validSignerAt(f.harness.clock().instant())).isEmpty();
        f.register("dc2", dc2.enrolmentPublicKeyPem());
        f.harness.settle();

        TrustBundle bundle = f.bundle("dc2");
        assertThat(bundle).isEqualTo(f.bundle("dc1"));
        assertThat(f.signer("dc2").orElseThrow().state()).isEqualTo(SignerState.ACTIVE);
        assertThat(f.signer("dc2").orElseThrow().pendingKeyId()).isNull();
        DcChain chain = f.chain("dc2");
        X509Certificate intermediate = chain.signer();
        Instant now = f.harness.clock().instant();
        X509Certificate root = bundle.active().certificate();
        assertThat(intermediate.getSubjectX500Principal().getName()).isEqualTo("CN=dc2.ca." + bundle.clusterId().shortId() + ".consul");
        assertThat(Pkix.valid(List.of(root), List.of(), intermediate, now)).isTrue();
        OpenSsl.Result openssl = OpenSsl.verify(List.of(root), List.of(), intermediate, "any", now);
        assertThat(openssl.ok()).as(openssl.output()).isTrue();
        assertThat(f.dc("dc2").privateStore().signerKey(chain.signingKeyId())).isPresent();
        assertThat(f.dc("dc1").caStore().csrRequest("dc2", true).orElseThrow().value().reason())
                .isEqualTo(IntermediateCsrRequest.Reason.JOIN);
        assertThat(new SignerValidity(f.dc("dc2").caStore(), "dc2").validSignerAt(now)).isPresent();
        assertThat(f.dc("dc2").privateStore().changeIndex()).isGreaterThanOrEqualTo(2);
        assertThat(dc2.status().refusal()).isNull();
        // the enrolment key is made once
        assertThat(dc2.enrolmentPublicKeyPem()).isEqualTo(f.dc("dc2").privateStore().enrolmentKey().orElseThrow().value().publicKeyPem());
    }

    @Test
    void aNonMemberIsRefusedStaysPendingAndJoinsAsSoonAsItIsRegistered() {
        LifecycleFederation f = new LifecycleFederation("dc1", "dc3");
        f.start("dc1");
        RotateLeaves dc3 = f.start("dc3");
        f.harness.settle();

        SignerStatus status = dc3.status();
        assertThat(status.state()).isEqualTo(SignerState.PENDING_CSR);
        assertThat(status.refusal()).isEqualTo("datacenter dc3 is not a federation member");
        assertThat(f.dc("dc1").caStore().csrResult("dc3", true).orElseThrow().value().certificatePem()).isNull();

        // a stream record or tick that changes nothing does not re-answer the refusal
        f.harness.advance(Duration.ofMinutes(2));
        assertThat(dc3.status().state()).isEqualTo(SignerState.PENDING_CSR);

        // the membership's own stream record makes the primary reconsider, without the hourly re-drive
        f.register("dc3", dc3.enrolmentPublicKeyPem());
        f.harness.settle();
        assertThat(dc3.status().state()).isEqualTo(SignerState.ACTIVE);
        assertThat(dc3.status().refusal()).isNull();
    }

    @Test
    void aRegistrationLandingWhileTheRequestIsRefusedStillReopensTheRefusal() {
        // Found by the cold-start benchmark: meshfed dev once never got ready. The primary read the
        // membership for its decision (dc3 absent), the operator registered dc3, and the refusal was
        // then stamped with the new membership version, so the registration never re-opened it.
        LifecycleFederation f = new LifecycleFederation("dc1", "dc3");
        java.util.concurrent.atomic.AtomicReference<RotateLeaves> dc3 = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean registered = new java.util.concurrent.atomic.AtomicBoolean();
        TableStore dc1Table = f.dc("dc1").table(Table.CA);
        TableStore racing = new DelegatingTableStore(dc1Table) {
            @Override
            public Optional<StoredItem> get(ItemKey key, boolean consistent) {
                Optional<StoredItem> read = delegate.get(key, consistent);
                // the operator's registration lands right after the primary read the membership while
                // answering dc3's request
                if (key.kind().equals(CaStore.MEMBERSHIP) && dc3.get() != null
                        && f.dc("dc1").caStore().csrRequest("dc3", true).isPresent()
                        && registered.compareAndSet(false, true)) {
                    f.register("dc3", dc3.get().enrolmentPublicKeyPem());
                }
                return read;
            }
        };
        f.start("dc1", f.function("dc1", new CaStore(racing, "dc1", "dc1", f.harness.clock())));
        f.harness.settle();
        RotateLeaves secondary = f.function("dc3");
        dc3.set(secondary);
        f.start("dc3", secondary);
        f.harness.settle();

        assertThat(registered).as("the registration raced the answer").isTrue();
        assertThat(secondary.status().state()).isEqualTo(SignerState.ACTIVE);
        assertThat(secondary.status().refusal()).isNull();
    }

    @Test
    void craftedRequestsWithAWrongEnrolmentSignatureOrAWrongUriAreRefusedWithTheirReason() throws Exception {
        LifecycleFederation f = new LifecycleFederation("dc1", "dc2");
        f.start("dc1");
        KeyPair enrolment = LifecycleFederation.KEYS.generate(KeySpec.EC_P256);
        f.register("dc2", EnrolmentKeys.toPem(enrolment.getPublic()));
        f.harness.settle();
        CaStore dc2 = f.dc("dc2").caStore();
        TrustBundle bundle = f.bundle("dc2");
        KeyPair key = LifecycleFederation.KEYS.generate(KeySpec.EC_P256);

        String goodCsr = LifecycleFederation.CSRS.caRequest(key, bundle.trustDomain().signingId().uri());
        KeyPair stranger = LifecycleFederation.KEYS.generate(KeySpec.EC_P256);
        writeRequest(dc2, goodCsr, bundle.activeRootId(), stranger, f.harness.clock().instant());
        f.harness.settle();
        assertThat(refusal(f)).isEqualTo("intermediate CSR request of dc2 is not signed by its registered enrolment key");

        f.harness.advance(Duration.ofSeconds(1));
        String wrongUri = LifecycleFederation.CSRS.caRequest(key, "spiffe://" + bundle.trustDomain().value() + "/ns/default");
        writeRequest(dc2, wrongUri, bundle.activeRootId(), enrolment, f.harness.clock().instant());
        f.harness.settle();
        assertThat(refusal(f)).startsWith("intermediate CSR URI SAN must be " + bundle.trustDomain().signingId().uri());

        f.harness.advance(Duration.ofSeconds(1));
        writeRequest(dc2, goodCsr, "00:11", enrolment, f.harness.clock().instant());
        f.harness.settle();
        assertThat(refusal(f)).startsWith("intermediate CSR request expects root 00:11");

        // the same request, correctly signed: a certificate, and the root key signed it
        f.harness.advance(Duration.ofSeconds(1));
        writeRequest(dc2, goodCsr, bundle.activeRootId(), enrolment, f.harness.clock().instant());
        f.harness.settle();
        CsrResult ok = f.dc("dc2").caStore().csrResult("dc2", true).orElseThrow().value();
        assertThat(ok.refusal()).isNull();
        assertThat(ok.rootId()).isEqualTo(bundle.activeRootId());
    }

    @Test
    void eachRequestIsAnsweredOnceEvenWhenRecordsAreDeliveredTwice() {
        LifecycleFederation f = new LifecycleFederation("dc1", "dc2");
        f.harness.duplicateDelivery(true);
        f.start("dc1");
        RotateLeaves dc2 = f.start("dc2");
        f.register("dc2", dc2.enrolmentPublicKeyPem());
        f.harness.settle();
        Versioned<CsrResult> result = f.dc("dc1").caStore().csrResult("dc2", true).orElseThrow();
        assertThat(result.version()).isEqualTo(1);
        assertThat(f.signer("dc2").orElseThrow().state()).isEqualTo(SignerState.ACTIVE);
        f.harness.advance(Duration.ofHours(2));
        assertThat(f.dc("dc1").caStore().csrResult("dc2", true).orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void aResultThatArrivesBeforeTheSecondarySeesItsRootIsActivatedLater() {
        LifecycleFederation f = new LifecycleFederation("dc1", "dc2");
        HidingTable view = new HidingTable(f.dc("dc2").table(Table.CA), CaStore.BUNDLE);
        RotateLeaves dc2 = f.function("dc2", new CaStore(view, "dc2", "dc1", f.harness.clock()));
        f.start("dc1");
        f.start("dc2", dc2);
        f.register("dc2", dc2.enrolmentPublicKeyPem());
        f.harness.settle();
        assertThat(dc2.status().state()).isEqualTo(SignerState.ACTIVE);
        String joinedKey = f.chain("dc2").signingKeyId();

        // dc2 renews at half-life: it reads the real bundle once and writes its request; from then
        // on its bundle copy is one that does not hold the root the answer names (a bundle that
        // has not reached it yet), so the answer arrives first.
        TrustBundle real = f.bundle("dc2");
        KeyPair otherKey = LifecycleFederation.KEYS.generate(KeySpec.EC_P256);
        X509Certificate otherRoot = LifecycleFederation.ISSUER.issue(new CertificateProfiles(new java.security.SecureRandom())
                .root(real.clusterId(), otherKey.getPublic(), f.harness.clock().instant(), Duration.ofDays(3650)),
                otherKey.getPrivate());
        view.substituteAfterNextRead(TrustBundle.first(real.clusterId(), new TrustedRoot(otherRoot, KeySpec.EC_P256, true,
                null, null)));
        f.harness.advance(Duration.ofHours(4381));
        CsrResult answer = f.dc("dc2").caStore().csrResult("dc2", true).orElseThrow().value();
        assertThat(answer.refusal()).isNull();
        assertThat(answer.rootId()).isEqualTo(real.activeRootId());
        String pendingKey = f.signer("dc2").orElseThrow().pendingKeyId();
        assertThat(pendingKey).isNotNull();
        assertThat(f.chain("dc2").signingKeyId()).isEqualTo(joinedKey);
        f.harness.advance(Duration.ofMinutes(5));
        assertThat(f.chain("dc2").signingKeyId()).isEqualTo(joinedKey);
        assertThat(f.signer("dc2").orElseThrow().pendingKeyId()).isEqualTo(pendingKey);

        // the bundle arrives: the next tick activates the answer that was kept
        view.showReal();
        f.harness.advance(Duration.ofMinutes(1));
        assertThat(f.signer("dc2").orElseThrow().pendingKeyId()).isNull();
        assertThat(f.chain("dc2").signingKeyId()).isEqualTo(pendingKey);
        assertThat(f.dc("dc1").caStore().csrResult("dc2", true).orElseThrow().value().answersRequestedAt())
                .isEqualTo(answer.answersRequestedAt());
    }

    @Test
    void aSecondaryStartedDuringAPartitionJoinsAfterHealing() {
        LifecycleFederation f = new LifecycleFederation("dc1", "dc2");
        f.harness.partition("dc2");
        f.start("dc1");
        RotateLeaves dc2 = f.start("dc2");
        f.register("dc2", dc2.enrolmentPublicKeyPem());
        f.harness.advance(Duration.ofMinutes(10));
        assertThat(f.dc("dc2").caStore().bundle(true)).isEmpty();
        assertThat(dc2.status().state()).isNull();

        f.harness.heal();
        f.harness.advance(Duration.ofMinutes(1));
        assertThat(dc2.status().state()).isEqualTo(SignerState.ACTIVE);
        assertThat(Pkix.valid(List.of(f.bundle("dc1").active().certificate()), List.of(), f.chain("dc2").signer(),
                f.harness.clock().instant())).isTrue();
    }

    @Test
    void everyDcRenewsAtHalfLifeAndNeverSignsWithAnExpiredOrNotYetValidIntermediate() {
        LifecycleFederation f = new LifecycleFederation("dc1", "dc2");
        f.start("dc1");
        RotateLeaves dc2 = f.start("dc2");
        f.register("dc2", dc2.enrolmentPublicKeyPem());
        f.harness.settle();
        X509Certificate first1 = f.chain("dc1").signer();
        X509Certificate first2 = f.chain("dc2").signer();
        SignerValidity active2 = new SignerValidity(f.dc("dc2").caStore(), "dc2");
        assertThat(active2.validSignerAt(first2.getNotBefore().toInstant().minusSeconds(1))).isEmpty();
        assertThat(active2.validSignerAt(first2.getNotAfter().toInstant().plusSeconds(1))).isEmpty();

        Instant halfLife = first2.getNotBefore().toInstant()
                .plus(Duration.between(first2.getNotBefore().toInstant(), first2.getNotAfter().toInstant()).dividedBy(2));
        f.harness.clock().set(halfLife.minus(Duration.ofMinutes(2)));
        f.harness.settle();
        assertThat(f.chain("dc2").signer()).isEqualTo(first2);
        f.harness.advance(Duration.ofMinutes(10));

        X509Certificate renewed1 = f.chain("dc1").signer();
        X509Certificate renewed2 = f.chain("dc2").signer();
        assertThat(renewed1).isNotEqualTo(first1);
        assertThat(renewed2).isNotEqualTo(first2);
        assertThat(f.dc("dc1").caStore().csrRequest("dc2", true).orElseThrow().value().reason())
                .isEqualTo(IntermediateCsrRequest.Reason.RENEWAL);
        Instant now = f.harness.clock().instant();
        X509Certificate root = f.bundle("dc1").active().certificate();
        assertThat(Pkix.valid(List.of(root), List.of(), renewed2, now)).isTrue();
        assertThat(renewed2.getNotAfter()).isAfter(first2.getNotAfter());
        assertThat(active2.validSignerAt(now).orElseThrow().signer()).isEqualTo(renewed2);
        assertThat(f.chain("dc2").chainUnder(f.bundle("dc2").activeRootId())).containsExactly(renewed2);
    }

    @Test
    void theRootKeyIsUnwrappedOnlyByRotateLeavesInThePrimary() {
        LifecycleFederation f = new LifecycleFederation("dc1", "dc2");
        f.start("dc1");
        RotateLeaves dc2 = f.start("dc2");
        f.register("dc2", dc2.enrolmentPublicKeyPem());
        f.harness.settle();
        f.harness.advance(Duration.ofHours(4400)); // renewals on both sides
        int before = f.custody.get("dc1").unwraps().size();
        new SignerValidity(f.dc("dc1").caStore(), "dc1").validSignerAt(f.harness.clock().instant());

        List<RecordingCustody.Unwrap> rootUnwraps = f.custody.get("dc1").unwraps(KeyPurpose.ROOT);
        assertThat(rootUnwraps).hasSizeGreaterThanOrEqualTo(3) // primary intermediate, dc2 join, renewals
                .allSatisfy(u -> {
                    assertThat(u.viaRotateLeaves()).isTrue();
                    assertThat(u.context().datacenter()).isEqualTo("dc1");
                });
        assertThat(f.custody.get("dc2").unwraps(KeyPurpose.ROOT)).isEmpty();
        assertThat(f.custody.get("dc2").unwraps()).allSatisfy(u -> assertThat(u.viaRotateLeaves()).isTrue());
        assertThat(f.custody.get("dc1").unwraps()).hasSize(before);
    }

    private static String refusal(LifecycleFederation f) {
        return f.dc("dc2").caStore().csrResult("dc2", true).orElseThrow().value().refusal();
    }

    private static void writeRequest(CaStore dc2, String csr, String rootId, KeyPair signer, Instant at) {
        IntermediateCsrRequest unsigned = new IntermediateCsrRequest(new Datacenter("dc2"), csr,
                IntermediateCsrRequest.Reason.JOIN, rootId, at, null);
        IntermediateCsrRequest signed = new IntermediateCsrRequest(new Datacenter("dc2"), csr,
                IntermediateCsrRequest.Reason.JOIN, rootId, at, EnrolmentSignatures.sign(unsigned, signer.getPrivate()));
        long version = dc2.csrRequest("dc2", true).map(Versioned::version).orElse(0L);
        dc2.putCsrRequest(signed, version);
    }

    /**
     * A DC's view of its CA table replica that shows another value for one kind of item: the state
     * a secondary is in when a change it depends on has not reached it yet (global tables
     * replicate items independently; the embedded replicator keeps one link in order, so the test
     * substitutes the stale item instead).
     */
    static final class HidingTable extends DelegatingTableStore {
        private final String kind;
        private volatile TrustBundle substitute;
        private volatile TrustBundle pending;

        HidingTable(TableStore delegate, String kind) {
            super(delegate);
            this.kind = kind;
        }

        /** Shows the real item for one more read, then {@code bundle} in its place. */
        void substituteAfterNextRead(TrustBundle bundle) {
            pending = bundle;
        }

        void showReal() {
            substitute = null;
            pending = null;
        }

        @Override
        public Optional<StoredItem> get(ItemKey key, boolean consistent) {
            Optional<StoredItem> item = delegate.get(key, consistent);
            if (!key.kind().equals(kind)) {
                return item;
            }
            TrustBundle shown = substitute;
            if (pending != null) {
                substitute = pending;
                pending = null;
            }
            return shown == null ? item : item.map(i -> new StoredItem(i.key(), i.version(), i.updatedAt(),
                    i.expiresAt(), CaTableCodecs.BUNDLE.encode(shown)));
        }



    }
}
