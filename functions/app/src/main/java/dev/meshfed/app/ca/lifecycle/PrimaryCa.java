package dev.meshfed.app.ca.lifecycle;

import dev.meshfed.core.bundle.DcChain;
import dev.meshfed.core.bundle.SignerState;
import dev.meshfed.core.bundle.TrustBundle;
import dev.meshfed.core.bundle.TrustedRoot;
import dev.meshfed.core.ca.CsrResult;
import dev.meshfed.core.ca.Membership;
import dev.meshfed.core.ca.SignerRecord;
import dev.meshfed.core.config.CaConfig;
import dev.meshfed.core.custody.KeyPurpose;
import dev.meshfed.core.error.Conflict;
import dev.meshfed.core.error.InvalidCsr;
import dev.meshfed.core.identity.ClusterId;
import dev.meshfed.core.identity.Datacenter;
import dev.meshfed.core.identity.KeyIds;
import dev.meshfed.core.pki.Certificates;
import dev.meshfed.core.pki.IntermediateCsrRequest;
import dev.meshfed.core.pki.IntermediateCsrValidator;
import dev.meshfed.core.pki.KeySpec;
import dev.meshfed.core.store.Versioned;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The primary's part of {@code rotate-leaves}: bootstrap, its own intermediate, and the answers to
 * secondaries' intermediate CSR requests. The only code that unwraps the root key.
 */
final class PrimaryCa {
    private static final Logger LOG = Logger.getLogger(PrimaryCa.class.getName());

    private final Deps d;
    private final IntermediateCsrValidator validator;

    PrimaryCa(Deps deps) {
        this.d = deps;
        this.validator = new IntermediateCsrValidator(deps.csrParser());
    }

    /**
     * Flow 1: when no bundle exists, makes the cluster ID, root key and root, stores the root key
     * (wrapped, purpose root) and then writes the bundle on the condition that none exists. A
     * conflict means a concurrent bootstrap won: its bundle is the one, and this run's root key is
     * left unused in the private table (it is never referenced).
     *
     * @return the bundle as it now stands
     */
    Versioned<TrustBundle> bootstrapIfNeeded() {
        Optional<Versioned<TrustBundle>> existing = d.ca().bundle(true);
        if (existing.isPresent()) {
            return existing.get();
        }
        CaConfig config = d.config().get();
        KeySpec spec = d.caKeySpec();
        Instant now = d.clock().instant();
        ClusterId clusterId = ClusterId.random();
        KeyPair rootKey = d.keys().generate(spec);
        X509Certificate root = d.issuer().issue(d.profiles().root(clusterId, rootKey.getPublic(), now,
                config.rootCertTtl()), rootKey.getPrivate());
        String keyId = d.vault().store(rootKey, KeyPurpose.ROOT);
        TrustBundle bundle = TrustBundle.first(clusterId, new TrustedRoot(root, spec, true, null, null));
        try {
            d.ca().putBundle(bundle, 0);
            d.privateStore().bumpChangeIndex();
            LOG.info(() -> "bootstrapped trust domain dc=" + d.name() + " clusterId=" + clusterId + " rootKeyId=" + keyId);
        } catch (Conflict another) {
            LOG.info(() -> "another bootstrap wrote the bundle first dc=" + d.name() + " unusedRootKeyId=" + keyId);
        }
        return d.ca().bundle(true).orElseThrow(() -> new IllegalStateException("bundle vanished after bootstrap"));
    }

    /**
     * Flow 2 and renewal: when the primary has no intermediate under the active root, or its
     * intermediate is past half-life, signs a new one with the root and activates it (conditional
     * on the signer's version; a lost race leaves the winner's).
     */
    void ensureOwnIntermediate(TrustBundle bundle) {
        Optional<Versioned<SignerRecord>> current = d.ca().signer(d.name(), true);
        DcChain chain = current.map(v -> v.value().chain()).orElse(null);
        Instant now = d.clock().instant();
        Optional<IntermediateCsrRequest.Reason> why = Renewal.needed(chain, bundle, now, d.caKeySpec());
        if (why.isEmpty()) {
            return;
        }
        TrustedRoot root = bundle.active();
        Optional<PrivateKey> rootKey = validRootKey(root, now);
        if (rootKey.isEmpty()) {
            return;
        }
        KeyPair key = d.keys().generate(d.caKeySpec());
        X509Certificate intermediate = d.issuer().issue(d.profiles().intermediate(bundle.clusterId(), d.dc(),
                key.getPublic(), root.certificate(), now, d.config().get().intermediateCertTtl()), rootKey.get());
        String keyId = d.vault().store(key, KeyPurpose.INTERMEDIATE);
        List<X509Certificate> certs = Renewal.chainUnder(root, intermediate);
        DcChain next = chain == null ? new DcChain(d.dc(), root.id(), Map.of(root.id(), certs), Map.of())
                : chain.switchTo(root.id(), certs, now);
        try {
            d.ca().putSigner(new SignerRecord(d.name(), SignerState.ACTIVE, next, null),
                    current.map(Versioned::version).orElse(0L));
            d.privateStore().bumpChangeIndex();
            LOG.info(() -> "primary intermediate active dc=" + d.name() + " reason=" + why.get() + " keyId=" + keyId
                    + " rootId=" + root.id());
        } catch (Conflict another) {
            LOG.info(() -> "another run changed the primary signer first dc=" + d.name() + " unusedKeyId=" + keyId);
        }
    }

    /** Answers every member's open request (the hourly re-scan, and after membership or bundle changes). */
    void answerAll() {
        Optional<Versioned<Membership>> membership = d.ca().membership(true);
        if (membership.isEmpty()) {
            return;
        }
        for (Membership.Member m : membership.get().value().members()) {
            answer(m.datacenter());
        }
    }

    /**
     * Flow 3, primary side: checks {@code requester}'s current request and writes the result, a
     * certificate or the refusal's text. A request is answered once: a result that echoes its
     * request ID ({@link CsrResult#answers}) already answers it.
     */
    void answer(String requester) {
        if (requester.equals(d.name())) {
            return;
        }
        Optional<Versioned<IntermediateCsrRequest>> stored = d.ca().csrRequest(requester, true);
        if (stored.isEmpty()) {
            return;
        }
        IntermediateCsrRequest request = stored.get().value();
        Optional<Versioned<CsrResult>> previous = d.ca().csrResult(requester, true);
        if (previous.isPresent() && previous.get().value().answers(request.requestedAt(), request.requestId())
                && !refusedBeforeMembershipChanged(previous.get())) {
            return;
        }
        Optional<Versioned<TrustBundle>> bundle = d.ca().bundle(true);
        if (bundle.isEmpty()) {
            return; // not bootstrapped yet: the bundle's own record re-scans every request
        }
        Instant now = d.clock().instant();
        // One read of the membership for both the decision and the version a refusal records: read
        // twice, an operator's registration landing in between stamped a refusal made on the old
        // list with the new version, and the membership change then never re-opened it.
        Optional<Versioned<Membership>> membership = d.ca().membership(true);
        CsrResult result;
        try {
            result = sign(requester, request, bundle.get().value(),
                    membership.map(Versioned::value).orElse(new Membership(List.of())), now);
        } catch (InvalidCsr refused) {
            result = new CsrResult(requester, request.requestedAt(), null, null, refused.getMessage(),
                    membership.map(Versioned::version).orElse(0L), request.requestId());
        }
        if (result == null) {
            return;
        }
        try {
            d.ca().putCsrResult(result, previous.map(Versioned::version).orElse(0L));
            CsrResult written = result;
            LOG.info(() -> "answered intermediate CSR request dc=" + d.name() + " requester=" + requester
                    + " requestId=" + request.requestId() + " requestedAt=" + request.requestedAt()
                    + (written.refused() ? " refusal=\"" + written.refusal() + "\"" : " rootId=" + written.rootId()));
        } catch (Conflict another) {
            LOG.info(() -> "another run answered first dc=" + d.name() + " requester=" + requester);
        }
    }

    /**
     * Whether {@code result} refused its request before the membership last changed: the operator
     * may have registered the DC (or its key) since, so the same request is answered again at once
     * instead of at the secondary's hourly re-drive. A certificate is never re-issued this way.
     */
    private boolean refusedBeforeMembershipChanged(Versioned<CsrResult> result) {
        return result.value().refused() && d.ca().membership(true)
                .filter(m -> m.version() > result.value().membershipVersion()).isPresent();
    }

    /** The intermediate for an accepted request; null when the root cannot sign now (left for a later run). */
    private CsrResult sign(String requester, IntermediateCsrRequest request, TrustBundle bundle, Membership membership,
            Instant now) {
        if (request.datacenter() == null || !request.datacenter().name().equals(requester)) {
            throw new InvalidCsr(InvalidCsr.Reason.NOT_A_MEMBER, "intermediate CSR request stored by " + requester
                    + " names another datacenter");
        }
        Map<Datacenter, PublicKey> enrolmentKeys = new HashMap<>();
        for (Membership.Member m : membership.members()) {
            Optional<PublicKey> key = EnrolmentKeys.parse(m.enrolmentKeyPem());
            if (key.isEmpty() && m.datacenter().equals(requester)) {
                throw new InvalidCsr(InvalidCsr.Reason.BAD_ENROLMENT_SIGNATURE,
                        "the enrolment key registered for datacenter " + requester + " is not a readable EC public key");
            }
            key.ifPresent(k -> enrolmentKeys.put(new Datacenter(m.datacenter()), k));
        }
        IntermediateCsrValidator.Approved approved = validator.validate(request, enrolmentKeys, bundle.trustDomain(),
                bundle.activeRootId());
        TrustedRoot root = bundle.active();
        Optional<PrivateKey> rootKey = validRootKey(root, now);
        if (rootKey.isEmpty()) {
            return null;
        }
        X509Certificate cert = d.issuer().issue(d.profiles().intermediate(bundle.clusterId(), approved.datacenter(),
                approved.publicKey(), root.certificate(), now, d.config().get().intermediateCertTtl()), rootKey.get());
        return new CsrResult(requester, request.requestedAt(), Certificates.toPem(cert), root.id(), null, 0,
                request.requestId());
    }

    /** The root key, unwrapped only when the root is valid now: an expired or not-yet-valid root never signs. */
    private Optional<PrivateKey> validRootKey(TrustedRoot root, Instant now) {
        if (!Certificates.isValidAt(root.certificate(), now)) {
            LOG.warning(() -> "active root is not valid now; nothing is signed dc=" + d.name() + " rootId=" + root.id()
                    + " notAfter=" + root.notAfter());
            return Optional.empty();
        }
        String keyId = KeyIds.keyIdHex(root.certificate().getPublicKey());
        Optional<PrivateKey> key = d.vault().load(keyId, KeyPurpose.ROOT);
        if (key.isEmpty()) {
            throw new IllegalStateException("root key " + keyId + " is not in the private table of " + d.name());
        }
        return key;
    }
}
