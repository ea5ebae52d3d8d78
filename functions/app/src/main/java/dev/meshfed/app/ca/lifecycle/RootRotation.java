package dev.meshfed.app.ca.lifecycle;

import dev.meshfed.core.bundle.TrustBundle;
import dev.meshfed.core.bundle.TrustedRoot;
import dev.meshfed.core.ca.RotationRequest;
import dev.meshfed.core.ca.SignerRecord;
import dev.meshfed.core.config.CaConfig;
import dev.meshfed.core.config.SuppliedRoot;
import dev.meshfed.core.custody.KeyPurpose;
import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.identity.KeyIds;
import dev.meshfed.core.pki.Certificates;
import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.core.rotation.RootRenewal;
import dev.meshfed.core.store.Versioned;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The primary's side of a root rotation (certificates.md "Rotation" steps 1 to 3, architecture.md
 * flow 8), as {@code rotate-leaves} carries it out. The steps, each one conditional on the version
 * it read and each one safe to run again after a crash at any point:
 * <ol>
 *   <li>the open request moves {@code PENDING → IN_PROGRESS};</li>
 *   <li>a new root key (or the staged supplied key) and root certificate, the new root
 *       cross-signed by the old one (unless {@code ForceWithoutCrossSigning}), and ONE conditional
 *       write of the bundle: old root inactive with its rotated-out time, new root active with
 *       the cross-signed certificate in its chain;</li>
 *   <li>the primary's own intermediate under the new root ({@link PrimaryCa#ensureOwnIntermediate});</li>
 *   <li>the request marked {@code DONE} with its time.</li>
 * </ol>
 * The request names the root it replaces ({@link RotationRequest#fromRootId()}): a run that finds
 * another root active knows step 2 already happened and goes on with step 3, so however often a
 * run stops and starts again, one new root comes out. A run that stops before the bundle write
 * leaves at most a wrapped key in the private table that nothing references (as a lost bootstrap
 * race does).
 *
 * <p>Not built here (the next pieces of issue 8): secondaries' re-key beyond the existing CSR
 * exchange, re-issue of managed leaves, pruning of the old root.
 */
final class RootRotation {
    private static final Logger LOG = Logger.getLogger(RootRotation.class.getName());

    private final Deps d;
    private final PrimaryCa primaryCa;

    RootRotation(Deps deps, PrimaryCa primaryCa) {
        this.d = deps;
        this.primaryCa = primaryCa;
    }

    /**
     * The tick: carries an open request forward, or records one when the stored configuration
     * asks for another root than the active one (a configuration stored by {@code ca-admin} whose
     * request was never written, because it stopped between the two writes), or when less than
     * {@code RootRenewBefore} of the active root remains.
     */
    void tick() {
        if (advance()) {
            return;
        }
        Optional<Versioned<TrustBundle>> bundle = d.ca().bundle(true);
        if (bundle.isEmpty()) {
            return;
        }
        CaConfig config = d.config().get();
        Instant now = d.clock().instant();
        Optional<RotationRequest.Trigger> trigger = trigger(config, bundle.get().value(), now);
        if (trigger.isEmpty()) {
            return;
        }
        try {
            RotationRequest r = RotationRequests.record(d.ca(), trigger.get(), config, false, now);
            LOG.info(() -> "root rotation requested dc=" + d.name() + " trigger=" + r.trigger() + " id=" + r.id()
                    + " fromRootId=" + r.fromRootId());
        } catch (Conflict another) {
            // ca-admin recorded one between the read and the write: that one is carried out
        }
        advance();
    }

    /**
     * What the tick should record, if anything: {@code CONFIGURATION} when the stored configuration
     * supplies a root that is not the active one, or (without a supplied root) names another key
     * type than the active root's; {@code AUTOMATIC} when the active root is due for renewal. A
     * supplied root is never renewed automatically (its key is the operator's): a warning says so.
     */
    Optional<RotationRequest.Trigger> trigger(CaConfig config, TrustBundle bundle, Instant now) {
        TrustedRoot active = bundle.active();
        Optional<SuppliedRoot> supplied = config.suppliedRoot();
        if (supplied.isPresent()) {
            if (!suppliedRootId(supplied.get()).equals(active.id())) {
                return Optional.of(RotationRequest.Trigger.CONFIGURATION);
            }
        } else if (KeySpec.of(active.certificate().getPublicKey()) != d.caKeySpec()) {
            return Optional.of(RotationRequest.Trigger.CONFIGURATION);
        }
        if (RootRenewal.isDue(active.notAfter(), config.rootRenewBefore(), now)) {
            if (supplied.isPresent()) {
                LOG.warning(() -> "the supplied root is due for renewal; supply a new RootCert and PrivateKey dc="
                        + d.name() + " rootId=" + active.id() + " notAfter=" + active.notAfter());
                return Optional.empty();
            }
            return Optional.of(RotationRequest.Trigger.AUTOMATIC);
        }
        return Optional.empty();
    }

    /**
     * Carries the open request as far as it goes now (the stream record of the request, of the
     * bundle or of the primary's signer, and the tick).
     *
     * @return whether a request was open when the run started
     */
    boolean advance() {
        Optional<Versioned<RotationRequest>> item = d.ca().rotation(true);
        if (item.isEmpty() || !item.get().value().open()) {
            return false;
        }
        Optional<Versioned<TrustBundle>> bundle = d.ca().bundle(true);
        if (bundle.isEmpty()) {
            return true;
        }
        Versioned<RotationRequest> request = item.get();
        if (bundle.get().value().activeRootId().equals(request.value().fromRootId())) {
            if (request.value().state() == RotationRequest.State.PENDING) {
                try {
                    d.ca().putRotation(request.value().inProgress(), request.version());
                } catch (Conflict another) {
                    return true; // another run moved it: that run carries on
                }
                request = d.ca().rotation(true).orElseThrow();
                LOG.info(() -> "root rotation in progress dc=" + d.name() + " id=" + item.get().value().id());
            }
            if (!rotateBundle(bundle.get(), request.value())) {
                return true;
            }
            bundle = d.ca().bundle(true);
        }
        TrustBundle rotated = bundle.orElseThrow().value();
        primaryCa.ensureOwnIntermediate(rotated);
        boolean underNewRoot = d.ca().signer(d.name(), true).map(Versioned::value).map(SignerRecord::chain)
                .filter(c -> c.signingRootId().equals(rotated.activeRootId())).isPresent();
        if (underNewRoot) {
            Instant now = d.clock().instant();
            RotationRequest done = request.value().done(now);
            try {
                d.ca().putRotation(done, request.version());
                // the roots reads changed with the bundle; a run that stopped right after the bundle
                // write did not bump the index, so the end of every rotation does
                d.privateStore().bumpChangeIndex();
                LOG.info(() -> "root rotation done dc=" + d.name() + " id=" + done.id() + " fromRootId="
                        + done.fromRootId() + " rootId=" + rotated.activeRootId());
            } catch (Conflict another) {
                // another run marked it first
            }
        }
        return true;
    }

    /**
     * Step 2: the new root, its cross-signed certificate, and the one conditional bundle write.
     *
     * @return whether the bundle now names another active root (false: left for a later run)
     */
    private boolean rotateBundle(Versioned<TrustBundle> item, RotationRequest request) {
        TrustBundle bundle = item.value();
        TrustedRoot old = bundle.active();
        Instant now = d.clock().instant();
        CaConfig config = d.config().get();
        X509Certificate root;
        String keyId;
        Optional<SuppliedRoot> supplied = config.suppliedRoot();
        if (supplied.isPresent()) {
            root = Certificates.fromPem(supplied.get().rootCertPem()).get(0);
            keyId = KeyIds.keyIdHex(root.getPublicKey());
            Optional<String> problem = RotationRequests.suppliedRootProblem(root, bundle.trustDomain(), now);
            if (problem.isPresent() || !d.vault().holds(keyId) || bundle.root(suppliedRootId(supplied.get())).isPresent()) {
                LOG.warning(() -> "the supplied root cannot become active; rotation waits dc=" + d.name() + " id="
                        + request.id() + " keyId=" + keyId + " problem=\"" + problem.orElse(
                                d.vault().holds(keyId) ? "already in the bundle" : "its key is not staged") + "\"");
                return false;
            }
        } else {
            KeyPair key = d.keys().generate(d.caKeySpec());
            root = d.issuer().issue(d.profiles().root(bundle.clusterId(), key.getPublic(), now, config.rootCertTtl()),
                    key.getPrivate());
            keyId = d.vault().store(key, KeyPurpose.ROOT);
        }
        X509Certificate crossSigned = null;
        if (request.forceWithoutCrossSigning()) {
            LOG.warning(() -> "ForceWithoutCrossSigning: the new root is not cross-signed; leaves under it verify"
                    + " only for clients that already trust it dc=" + d.name() + " id=" + request.id());
        } else if (!Certificates.isValidAt(old.certificate(), now)) {
            LOG.warning(() -> "the old root is not valid now and cannot cross-sign dc=" + d.name() + " rootId=" + old.id());
        } else {
            String oldKeyId = KeyIds.keyIdHex(old.certificate().getPublicKey());
            PrivateKey oldKey = d.vault().load(oldKeyId, KeyPurpose.ROOT).orElseThrow(() -> new IllegalStateException(
                    "root key " + oldKeyId + " is not in the private table of " + d.name()));
            crossSigned = d.issuer().issue(d.profiles().crossSigned(root, old.certificate(), now), oldKey);
        }
        TrustBundle next = bundle.rotate(new TrustedRoot(root, KeySpec.of(root.getPublicKey()), true, null, null),
                crossSigned, now);
        try {
            d.ca().putBundle(next, item.version());
            d.privateStore().bumpChangeIndex();
            boolean cross = crossSigned != null;
            LOG.info(() -> "root rotated dc=" + d.name() + " id=" + request.id() + " fromRootId=" + old.id()
                    + " rootId=" + next.activeRootId() + " keyId=" + keyId + " crossSigned=" + cross);
            return true;
        } catch (Conflict another) {
            LOG.info(() -> "another run changed the bundle first dc=" + d.name() + " unusedKeyId=" + keyId);
            return false;
        }
    }

    private static String suppliedRootId(SuppliedRoot supplied) {
        return KeyIds.rootId(Certificates.der(Certificates.fromPem(supplied.rootCertPem()).get(0)));
    }
}
