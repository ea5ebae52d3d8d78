package dev.meshfed.app.ca.lifecycle;

import dev.meshfed.app.ca.ManagedLeafReissue;
import dev.meshfed.core.bundle.TrustBundle;
import dev.meshfed.core.ca.CsrResult;
import dev.meshfed.core.ca.SignerRecord;
import dev.meshfed.core.config.CaConfig;
import dev.meshfed.core.custody.KeyCustody;
import dev.meshfed.core.identity.Datacenter;
import dev.meshfed.core.pki.CertificateIssuer;
import dev.meshfed.core.pki.CertificateProfiles;
import dev.meshfed.core.pki.CsrBuilder;
import dev.meshfed.core.pki.CsrParser;
import dev.meshfed.core.pki.IntermediateCsrRequest;
import dev.meshfed.core.pki.KeyPairFactory;
import dev.meshfed.core.store.CaStore;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.core.store.Table;
import dev.meshfed.core.store.Versioned;
import dev.meshfed.core.metrics.Metrics;
import dev.meshfed.core.rotation.ExpiryWarning;
import dev.meshfed.core.rotation.PruneDecision;
import dev.meshfed.core.rotation.Validity;
import dev.meshfed.core.bundle.TrustedRoot;
import dev.meshfed.core.ca.RotationRequest;
import dev.meshfed.stream.events.DecodedChange;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code rotate-leaves} function of one DC (architecture.md flows 1 to 3, certificates.md
 * expiry guards), for both of its triggers: {@link #onRecord} for a record of this DC's CA-table
 * stream, {@link #tick} for the per-minute schedule.
 *
 * <p>In the primary: bootstrap exactly once, root rotation ({@link RootRotation}: recorded
 * requests, a stored configuration that asks for another root, automatic renewal), pruning of
 * rotated-out roots on the tick ({@link RootPruner}), its own intermediate, answers to secondaries' intermediate CSR requests (re-scanned hourly). In a secondary: the enrolment key, a signed CSR
 * request when it has no signer for the active root or its intermediate is past half-life,
 * activation of the answer, re-drive of a request with no usable answer after
 * {@link #REDRIVE_AFTER}. Handlers never trust a record's image: they re-read the items and write
 * conditionally on the versions read, so duplicates, reordering and concurrent instances are safe.
 *
 * <p>A step that fails for a transient reason throws; the stream deployable reports the record as
 * failed (retried) and a tick simply runs again a minute later.
 */
public final class RotateLeaves {
    /** A request with no usable answer is re-written (and re-scanned by the primary) this long after it was made. */
    public static final Duration REDRIVE_AFTER = Duration.ofHours(1);
    /** The tick's interval. */
    public static final Duration TICK_INTERVAL = Duration.ofMinutes(1);

    private static final Logger LOG = Logger.getLogger(RotateLeaves.class.getName());

    private final Deps d;
    private final boolean primary;
    private final PrimaryCa primaryCa;
    private final RootRotation rotation;
    private final RootPruner pruner;
    private final SecondaryJoin secondary;
    private volatile Instant lastScan;
    private volatile ManagedLeafReissue leafReissue; // null: this DC's managed leaves are not re-issued by the tick
    private volatile Metrics metrics = Metrics.NONE;

    /**
     * @param config the DC's CA configuration (callers pass one that falls back to
     *     {@link CaConfig#defaults()} when none is stored; see {@link #storedConfig})
     */
    public RotateLeaves(String dc, String primaryDc, CaStore ca, PrivateStore privateStore, KeyCustody custody,
            CertificateIssuer issuer, KeyPairFactory keys, CsrParser csrParser, CsrBuilder csrBuilder,
            CertificateProfiles profiles, Clock clock, Supplier<CaConfig> config) {
        if (!ca.localDc().equals(dc) || !ca.primaryDc().equals(primaryDc)) {
            throw new IllegalArgumentException("the CA store of " + ca.localDc() + " is not the one of " + dc);
        }
        this.d = new Deps(new Datacenter(dc), primaryDc, ca, privateStore, new KeyVault(dc, privateStore, custody),
                issuer, keys, csrParser, csrBuilder, profiles, clock, config);
        this.primary = dc.equals(primaryDc);
        this.primaryCa = primary ? new PrimaryCa(d) : null;
        this.rotation = primary ? new RootRotation(d, primaryCa) : null;
        this.pruner = primary ? new RootPruner(d) : null;
        this.secondary = primary ? null : new SecondaryJoin(d, custody);
    }

    /** The DC's stored CA configuration, or the defaults while none is stored. */
    public static Supplier<CaConfig> storedConfig(CaStore ca) {
        return () -> ca.caConfig(ca.localDc(), true).map(Versioned::value).orElseGet(CaConfig::defaults);
    }

    public boolean isPrimary() {
        return primary;
    }

    /**
     * The per-minute run: every step, each one a no-op when nothing is due; then, whether the steps
     * succeeded or not, the expiry gauges ({@link #reportExpiry}).
     */
    public void tick() {
        try {
            steps();
        } finally {
            reportExpiry();
        }
    }

    private void steps() {
        if (primary) {
            primaryCa.bootstrapIfNeeded();
            // rotation first: an intermediate made now under a root about to be replaced is waste
            rotation.tick();
            TrustBundle bundle = d.ca().bundle(true).orElseThrow().value();
            primaryCa.ensureOwnIntermediate(bundle);
            pruner.tick(); // rotated-out roots whose DCs all stopped and whose leaves expired
            Instant now = d.clock().instant();
            Instant last = lastScan;
            if (last == null || !now.isBefore(last.plus(REDRIVE_AFTER))) {
                primaryCa.answerAll();
                lastScan = now;
            }
        } else {
            secondary.reconcile();
        }
        ManagedLeafReissue reissue = leafReissue;
        if (reissue != null) {
            reissue.run(TICK_INTERVAL); // last: it paces itself through the slots before the next tick
        }
    }

    /**
     * Lets the tick report the expiry gauges ({@link Metrics#ROOT_SECONDS_TO_EXPIRY},
     * {@link Metrics#SIGNER_SECONDS_TO_EXPIRY}) to {@code metrics}; without it they go to
     * {@link Metrics#NONE}. Wiring calls it once.
     */
    public RotateLeaves withMetrics(Metrics metrics) {
        this.metrics = java.util.Objects.requireNonNull(metrics, "metrics");
        return this;
    }

    /**
     * Seconds to expiry of the active root of this DC's bundle copy and of this DC's signer (its
     * intermediate), as gauges with dimensions dc and table=CA (certificates.md "Expiry guards").
     * A value that is absent (no bundle yet, no signer yet) is not reported. Never throws: a failed
     * read is logged and the tick goes on (the metrics contract).
     */
    void reportExpiry() {
        try {
            Instant now = d.clock().instant();
            Map<String, String> dims = Metrics.dimensions(d.name(), Table.CA);
            d.ca().bundle(true).map(b -> b.value().active()).ifPresent(root -> expiry(Metrics.ROOT_SECONDS_TO_EXPIRY,
                    "active root", root.id(), new Validity(root.notBefore(), root.notAfter()), now, dims));
            d.ca().signer(d.name(), true).map(Versioned::value).map(SignerRecord::chain)
                    .ifPresent(chain -> expiry(Metrics.SIGNER_SECONDS_TO_EXPIRY, "signer", chain.signingKeyId(),
                            new Validity(chain.signer().getNotBefore().toInstant(),
                                    chain.signer().getNotAfter().toInstant()), now, dims));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "expiry metrics not reported dc=" + d.name() + " error=\"" + e + "\"");
        }
    }

    /** One gauge, and the warning of certificates.md "Expiry guards" when {@link ExpiryWarning#shouldWarn}. */
    private void expiry(String metric, String what, String id, Validity validity, Instant now,
            Map<String, String> dims) {
        long seconds = ExpiryWarning.secondsUntilExpiry(validity.notAfter(), now);
        metrics.gauge(metric, seconds, Metrics.SECONDS, dims);
        if (ExpiryWarning.shouldWarn(validity, now)) {
            LOG.warning(() -> what + " expires soon dc=" + d.name() + " id=" + id + " notAfter=" + validity.notAfter()
                    + " secondsToExpiry=" + seconds);
        }
    }

    /**
     * Where rotation stands from this DC (the {@code Rotation} part of {@code GET
     * /v1/operator/replication}): the primary's rotation request, the re-issue progress from the
     * stored progress item and the leaves still pending ({@link ManagedLeafReissue#observe}, so a
     * container that does not run the ticks answers the same), and in the primary the prune decision
     * of each inactive root.
     */
    public RotationStatus rotationStatus() {
        RotationRequest request = d.ca().rotation(true).map(Versioned::value).orElse(null);
        Optional<TrustBundle> bundle = d.ca().bundle(true).map(Versioned::value);
        String toRootId = request == null ? null : bundle.map(TrustBundle::activeRootId)
                .filter(active -> !active.equals(request.fromRootId())).orElse(null);
        ManagedLeafReissue reissue = leafReissue;
        ManagedLeafReissue.Progress progress = reissue == null ? ManagedLeafReissue.Progress.NONE : reissue.observe();
        Map<String, PruneDecision> pruning = null;
        if (primary) {
            pruning = new LinkedHashMap<>();
            Instant now = d.clock().instant();
            for (TrustedRoot root : bundle.map(TrustBundle::roots).orElse(java.util.List.of())) {
                if (!root.active()) {
                    pruning.put(root.id(), pruner.decide(root, now));
                }
            }
        }
        return new RotationStatus(request, toRootId, progress, pruning);
    }

    /**
     * Lets the tick re-issue this DC's managed leaves after a signer change (certificates.md,
     * Rotation step 4); wiring calls it once, after building sign-csr.
     */
    public RotateLeaves withLeafReissue(ManagedLeafReissue reissue) {
        this.leafReissue = reissue;
        return this;
    }

    /**
     * Managed leaves re-issued / total after the last signer change and the last slot, as the last tick
     * stored them in the private table ({@code <dc>#reissue-progress#current}): the same in a cold
     * container. One item read.
     */
    public ManagedLeafReissue.Progress reissueProgress() {
        ManagedLeafReissue reissue = leafReissue;
        return reissue == null ? ManagedLeafReissue.Progress.NONE : reissue.progress();
    }

    /**
     * Bootstrap at once (a bootstrap request recorded by {@code ca-admin}), without waiting for the
     * tick; in a secondary, the same as a tick.
     */
    public void requestBootstrap() {
        if (primary) {
            primaryCa.ensureOwnIntermediate(primaryCa.bootstrapIfNeeded().value());
        } else {
            secondary.reconcile();
        }
    }

    /**
     * One record of this DC's CA-table stream. Only the record's key is used: what it names is
     * re-read.
     */
    public void onRecord(DecodedChange change) {
        ItemKey key = change.key();
        if (primary) {
            switch (key.kind()) {
                case CaStore.BUNDLE -> {
                    d.ca().bundle(true).ifPresent(b -> primaryCa.ensureOwnIntermediate(b.value()));
                    rotation.advance(); // a rotated bundle: the primary's intermediate, then done
                    primaryCa.answerAll();
                }
                case CaStore.ROTATION -> rotation.advance(); // a recorded request is carried out at once
                case CaStore.SIGNER -> {
                    if (key.owner().equals(d.name())) {
                        rotation.advance(); // the primary's intermediate under the new root: done
                    }
                }
                case CaStore.CSR_REQUEST -> primaryCa.answer(key.owner());
                case CaStore.MEMBERSHIP -> primaryCa.answerAll();
                case CaStore.CA_CONFIG -> {
                    // ca-admin storing the primary's configuration before the first root is the
                    // bootstrap request: bootstrap at once with it instead of waiting for the tick
                    if (key.owner().equals(d.name()) && d.ca().bundle(true).isEmpty()) {
                        requestBootstrap();
                    }
                }
                default -> {
                    // results: nothing for the primary to do here
                }
            }
        } else {
            switch (key.kind()) {
                case CaStore.BUNDLE -> {
                    // the bundle copy is something this DC's roots reads show (flow 9)
                    d.privateStore().bumpChangeIndex();
                    secondary.reconcile();
                }
                case CaStore.CSR_RESULT -> {
                    if (key.id().equals(d.name())) {
                        secondary.reconcile();
                    }
                }
                default -> {
                    // other DCs' items and this DC's own writes need nothing
                }
            }
        }
    }

    /** The enrolment public key (PEM) an operator registers in the primary's membership; made once. Secondaries only. */
    public String enrolmentPublicKeyPem() {
        if (primary) {
            throw new IllegalStateException("the primary has no enrolment key");
        }
        return secondary.enrolmentKey().publicKeyPem();
    }

    /** Where this DC's signer stands, read from the CA table. */
    public SignerStatus status() {
        Optional<SignerRecord> signer = d.ca().signer(d.name(), true).map(Versioned::value);
        Optional<IntermediateCsrRequest> request = d.ca().csrRequest(d.name(), true).map(Versioned::value)
                .filter(r -> signer.map(SignerRecord::pendingKeyId).isPresent());
        Optional<CsrResult> answer = request.flatMap(r -> d.ca().csrResult(d.name(), true).map(Versioned::value)
                .filter(res -> res.answers(r.requestedAt(), r.requestId())));
        return new SignerStatus(signer.map(SignerRecord::state).orElse(null),
                signer.map(SignerRecord::chain).map(c -> c.signingKeyId()).orElse(null),
                signer.map(SignerRecord::pendingKeyId).orElse(null),
                request.map(IntermediateCsrRequest::requestedAt).orElse(null),
                request.map(IntermediateCsrRequest::reason).orElse(null),
                answer.map(CsrResult::refusal).orElse(null));
    }
}
