package dev.meshfed.app.ca.lifecycle;

import dev.meshfed.app.ca.ChainTrust;
import dev.meshfed.core.bundle.DcChain;
import dev.meshfed.core.bundle.SignerState;
import dev.meshfed.core.bundle.TrustBundle;
import dev.meshfed.core.bundle.TrustedRoot;
import dev.meshfed.core.ca.CsrResult;
import dev.meshfed.core.ca.EnrolmentKey;
import dev.meshfed.core.ca.SignerRecord;
import dev.meshfed.core.custody.KeyContext;
import dev.meshfed.core.custody.KeyCustody;
import dev.meshfed.core.custody.KeyPurpose;
import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.identity.KeyIds;
import dev.meshfed.core.pki.Certificates;
import dev.meshfed.core.pki.EnrolmentSignatures;
import dev.meshfed.core.pki.IntermediateCsrRequest;
import dev.meshfed.core.pki.IntermediateCsrRequest.Reason;
import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.core.store.Versioned;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * A secondary's part of {@code rotate-leaves}: its enrolment key, the CSR request for a new
 * intermediate (join, root change, renewal), activation of the primary's answer, and the hourly
 * re-drive of a request that has no usable answer.
 */
final class SecondaryJoin {
    private static final Logger LOG = Logger.getLogger(SecondaryJoin.class.getName());

    private final Deps d;
    private final KeyCustody custody;

    SecondaryJoin(Deps deps, KeyCustody custody) {
        this.d = deps;
        this.custody = custody;
    }

    /** The DC's enrolment key, made once (EC P-256, private half wrapped with purpose enrolment). */
    EnrolmentKey enrolmentKey() {
        Optional<Versioned<EnrolmentKey>> existing = d.privateStore().enrolmentKey();
        if (existing.isPresent()) {
            return existing.get().value();
        }
        KeyPair key = d.keys().generate(KeySpec.EC_P256);
        String keyId = KeyIds.keyIdHex(key.getPublic());
        EnrolmentKey enrolment = new EnrolmentKey(d.name(), keyId,
                custody.wrap(key.getPrivate(), new KeyContext(d.name(), keyId, KeyPurpose.ENROLMENT)),
                EnrolmentKeys.toPem(key.getPublic()));
        try {
            d.privateStore().putEnrolmentKey(enrolment);
            LOG.info(() -> "enrolment key made dc=" + d.name() + " keyId=" + keyId);
        } catch (Conflict another) {
            // a concurrent run made it first: use that one
        }
        return d.privateStore().enrolmentKey().orElseThrow().value();
    }

    /**
     * One step towards a current signer: activate an answer to the outstanding request, or re-drive
     * it, or start a new request when one is needed. Waits (does nothing) until the bundle has
     * replicated here.
     */
    void reconcile() {
        enrolmentKey();
        Optional<Versioned<TrustBundle>> bundleItem = d.ca().bundle(true);
        if (bundleItem.isEmpty()) {
            return;
        }
        TrustBundle bundle = bundleItem.get().value();
        Instant now = d.clock().instant();
        Optional<Versioned<SignerRecord>> signerItem = d.ca().signer(d.name(), true);
        SignerRecord signer = signerItem.map(Versioned::value).orElse(null);
        DcChain chain = signer == null ? null : signer.chain();
        if (chain != null && signer.pendingKeyId() == null && dropChainsOfPrunedRoots(signerItem.get(), bundle)) {
            return; // the signer item changed: the next record or tick goes on from it
        }

        if (signer != null && signer.pendingKeyId() != null) {
            Optional<Versioned<IntermediateCsrRequest>> request = d.ca().csrRequest(d.name(), true);
            if (request.isPresent() && signer.pendingKeyId().equals(csrKeyId(request.get().value()))
                    && d.vault().holds(signer.pendingKeyId())) {
                followUp(signerItem.get(), request.get(), bundle, now);
                return;
            }
            // a pending key whose request was never written (a run stopped half-way): start over below
        }
        Optional<Reason> why = Renewal.needed(chain, bundle, now, d.caKeySpec());
        if (why.isPresent()) {
            startRequest(signerItem, why.get(), bundle, now);
        }
    }

    /**
     * After the primary pruned a root (the bundle no longer holds it), the chain under it leaves
     * this DC's signer item, as does a chain its root did not certify ({@link ChainTrust}); the stop
     * times stay. Conditional on the signer's version.
     */
    private boolean dropChainsOfPrunedRoots(Versioned<SignerRecord> signerItem, TrustBundle bundle) {
        SignerRecord signer = signerItem.value();
        DcChain trimmed = ChainTrust.withoutUncertifiedChains(signer.chain(), bundle);
        if (trimmed.equals(signer.chain())) {
            return false;
        }
        try {
            d.ca().putSigner(new SignerRecord(d.name(), signer.state(), trimmed, null), signerItem.version());
            d.privateStore().bumpChangeIndex();
            LOG.info(() -> "chains under pruned roots or not certified dropped dc=" + d.name()
                    + " roots=" + trimmed.chains().keySet());
        } catch (Conflict another) {
            LOG.info(() -> "another run changed the signer first dc=" + d.name());
        }
        return true;
    }

    /** The outstanding request: activate its answer, or re-write it when it is stale or names an old root. */
    private void followUp(Versioned<SignerRecord> signerItem, Versioned<IntermediateCsrRequest> requestItem,
            TrustBundle bundle, Instant now) {
        IntermediateCsrRequest request = requestItem.value();
        Optional<CsrResult> answer = d.ca().csrResult(d.name(), true).map(Versioned::value)
                .filter(r -> r.answers(request.requestedAt(), request.requestId()));
        boolean certified = answer.isPresent() && !answer.get().refused();
        if (certified && activate(signerItem, answer.get(), bundle, now)) {
            return;
        }
        if (answer.isPresent() && !certified) {
            LOG.info(() -> "intermediate CSR request refused; signer stays pending dc=" + d.name() + " requestedAt="
                    + request.requestedAt() + " refusal=\"" + answer.get().refusal() + "\"");
        }
        SignerRecord signer = signerItem.value();
        if (!certified && !bundle.activeRootId().equals(request.expectedRootId())) {
            Reason reason = signer.chain() == null ? Reason.JOIN : Reason.ROOT_CHANGE;
            writeRequest(request.csrPem(), reason, bundle.activeRootId(), Optional.of(requestItem), now);
        } else if (!now.isBefore(request.requestedAt().plus(RotateLeaves.REDRIVE_AFTER))) {
            // no answer, a refusal (the operator may have fixed the membership since), or a
            // certificate that still cannot be activated: ask again
            writeRequest(request.csrPem(), request.reason(), request.expectedRootId(), Optional.of(requestItem), now);
        }
    }

    /**
     * Activates a certificate only when the local bundle holds its root, the root signed it, and it
     * certifies the pending key; otherwise leaves it for a later run (a result that arrives before
     * the bundle is not lost: the bundle's record or the next tick comes back here).
     */
    private boolean activate(Versioned<SignerRecord> signerItem, CsrResult result, TrustBundle bundle, Instant now) {
        SignerRecord signer = signerItem.value();
        Optional<TrustedRoot> root = bundle.root(result.rootId());
        if (root.isEmpty()) {
            LOG.info(() -> "answer names a root this DC's bundle does not hold yet; retried later dc=" + d.name()
                    + " rootId=" + result.rootId());
            return false;
        }
        X509Certificate cert;
        try {
            List<X509Certificate> certs = Certificates.fromPem(result.certificatePem());
            cert = certs.get(0);
            cert.verify(root.get().certificate().getPublicKey());
        } catch (GeneralSecurityException | RuntimeException e) {
            LOG.warning(() -> "answer's certificate is unreadable or not signed by its root dc=" + d.name()
                    + " rootId=" + result.rootId());
            return false;
        }
        if (!signer.pendingKeyId().equals(KeyIds.keyIdHex(cert.getPublicKey()))) {
            LOG.warning(() -> "answer's certificate is not for the pending key dc=" + d.name() + " pendingKeyId="
                    + signer.pendingKeyId());
            return false;
        }
        List<X509Certificate> certs = Renewal.chainUnder(root.get(), cert);
        DcChain next = signer.chain() == null
                ? new DcChain(d.dc(), result.rootId(), Map.of(result.rootId(), certs), Map.of())
                : signer.chain().switchTo(result.rootId(), certs, now);
        try {
            d.ca().putSigner(new SignerRecord(d.name(), SignerState.ACTIVE, next, null), signerItem.version());
            d.privateStore().bumpChangeIndex();
            LOG.info(() -> "intermediate activated dc=" + d.name() + " keyId=" + signer.pendingKeyId() + " rootId="
                    + result.rootId());
        } catch (Conflict another) {
            LOG.info(() -> "another run changed the signer first dc=" + d.name());
        }
        return true;
    }

    /** A new key, the signer marked as waiting for it, then the signed request. */
    private void startRequest(Optional<Versioned<SignerRecord>> signerItem, Reason reason, TrustBundle bundle,
            Instant now) {
        KeyPair key = d.keys().generate(d.caKeySpec());
        String keyId = d.vault().store(key, KeyPurpose.INTERMEDIATE);
        SignerRecord current = signerItem.map(Versioned::value).orElse(null);
        SignerRecord pending = current == null || current.chain() == null
                ? new SignerRecord(d.name(), SignerState.PENDING_CSR, null, keyId)
                : new SignerRecord(d.name(), current.state(), current.chain(), keyId);
        try {
            d.ca().putSigner(pending, signerItem.map(Versioned::version).orElse(0L));
            d.privateStore().bumpChangeIndex();
        } catch (Conflict another) {
            LOG.info(() -> "another run changed the signer first dc=" + d.name() + " unusedKeyId=" + keyId);
            return;
        }
        String csr = d.csrBuilder().caRequest(key, bundle.trustDomain().signingId().uri());
        writeRequest(csr, reason, bundle.activeRootId(), d.ca().csrRequest(d.name(), true), now);
        LOG.info(() -> "intermediate CSR requested dc=" + d.name() + " reason=" + reason + " keyId=" + keyId);
    }

    /**
     * Writes (or re-writes) the request signed by the enrolment key, with a new random request ID:
     * the ID, not {@code requestedAt}, is what the answer echoes, so a request written at the same
     * instant as the one it replaces never looks answered already.
     */
    private void writeRequest(String csrPem, Reason reason, String rootId,
            Optional<Versioned<IntermediateCsrRequest>> previous, Instant now) {
        EnrolmentKey enrolment = enrolmentKey();
        PrivateKey signingKey = custody.unwrap(enrolment.privateKey(),
                new KeyContext(d.name(), enrolment.keyId(), KeyPurpose.ENROLMENT));
        String requestId = UUID.randomUUID().toString();
        IntermediateCsrRequest unsigned = new IntermediateCsrRequest(d.dc(), csrPem, reason, rootId, now, null,
                requestId);
        IntermediateCsrRequest signed = new IntermediateCsrRequest(d.dc(), csrPem, reason, rootId, now,
                EnrolmentSignatures.sign(unsigned, signingKey), requestId);
        try {
            d.ca().putCsrRequest(signed, previous.map(Versioned::version).orElse(0L));
            previous.ifPresent(p -> LOG.info(() -> "intermediate CSR request re-driven dc=" + d.name() + " reason="
                    + reason + " requestId=" + requestId + " previousRequestId=" + p.value().requestId()));
        } catch (Conflict another) {
            LOG.info(() -> "another run wrote the CSR request first dc=" + d.name());
        }
    }

    /** The key ID of a stored request's CSR key; null when the CSR does not parse. */
    private String csrKeyId(IntermediateCsrRequest request) {
        try {
            return KeyIds.keyIdHex(d.csrParser().parse(request.csrPem()).publicKey());
        } catch (RuntimeException e) { // InvalidCsr included: an unreadable CSR matches no key
            return null;
        }
    }
}
