package dev.meshfed.testkit;

import dev.meshfed.core.clock.MutableClock;

import dev.meshfed.core.bundle.ChainAssembler;
import dev.meshfed.core.bundle.DcChain;
import dev.meshfed.core.bundle.TrustBundle;
import dev.meshfed.core.bundle.TrustedRoot;
import dev.meshfed.core.identity.ClusterId;
import dev.meshfed.core.identity.Datacenter;
import dev.meshfed.core.identity.SpiffeId;
import dev.meshfed.core.pki.CertificateIssuer;
import dev.meshfed.core.pki.CertificateProfiles;
import dev.meshfed.core.pki.KeyPairFactory;
import dev.meshfed.core.pki.KeySpec;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A test CA builder for dynamic chains: a whole federation (root, a signing intermediate per DC,
 * leaves, rotations) made through meshfed's own profiles and whichever {@link CertificateIssuer}
 * the test passes in, so the same builder serves every adapter's tests.
 */
public final class TestFederation {

    /** A certificate and its key pair. */
    public record Issued(X509Certificate certificate, KeyPair keys) {
    }

    public static final Duration ROOT_TTL = Duration.ofHours(87600);
    public static final Duration INTERMEDIATE_TTL = Duration.ofHours(8760);
    public static final Duration LEAF_TTL = Duration.ofHours(72);

    private final CertificateIssuer issuer;
    private final KeyPairFactory keys;
    private final CertificateProfiles profiles;
    private final MutableClock clock;
    private final ClusterId clusterId;
    private final Map<String, Issued> signers = new HashMap<>();
    private final Map<String, DcChain> chains = new HashMap<>();
    private Issued activeRoot;
    private final Map<String, Issued> roots = new HashMap<>();
    private TrustBundle bundle;

    private TestFederation(CertificateIssuer issuer, KeyPairFactory keys, MutableClock clock, ClusterId clusterId,
            long seed) {
        this.issuer = issuer;
        this.keys = keys;
        this.clock = clock;
        this.clusterId = clusterId;
        this.profiles = new CertificateProfiles(new Random(seed));
    }

    /** A federation whose primary root has a new key of {@code rootSpec}. */
    public static TestFederation create(CertificateIssuer issuer, KeyPairFactory keys, KeySpec rootSpec,
            MutableClock clock) {
        return create(issuer, keys, rootSpec, keys.generate(rootSpec), clock);
    }

    /** A federation whose root uses a given key (e.g. a committed RSA-4096 fixture). */
    public static TestFederation create(CertificateIssuer issuer, KeyPairFactory keys, KeySpec rootSpec,
            KeyPair rootKey, MutableClock clock) {
        TestFederation f = new TestFederation(issuer, keys, clock, new ClusterId(Fixtures.CLUSTER_ID), 42);
        X509Certificate root = issuer.issue(f.profiles.root(f.clusterId, rootKey.getPublic(), clock.instant(), ROOT_TTL),
                rootKey.getPrivate());
        f.activeRoot = new Issued(root, rootKey);
        TrustedRoot tr = new TrustedRoot(root, rootSpec, true, null, null);
        f.roots.put(tr.id(), f.activeRoot);
        f.bundle = TrustBundle.first(f.clusterId, tr);
        return f;
    }

    public ClusterId clusterId() {
        return clusterId;
    }

    public CertificateProfiles profiles() {
        return profiles;
    }

    public TrustBundle bundle() {
        return bundle;
    }

    public Issued activeRoot() {
        return activeRoot;
    }

    /** Every root in the bundle, as a client of any DC would trust them. */
    public List<X509Certificate> trustedRoots() {
        return bundle.roots().stream().map(TrustedRoot::certificate).toList();
    }

    /**
     * Gives {@code dc} a signing intermediate under the active root (key {@code spec}); under a
     * rotated root its chain starts with the cross-signed root certificate.
     */
    public Issued issueIntermediate(String dc, KeySpec spec) {
        return issueIntermediate(dc, keys.generate(spec));
    }

    /** As {@link #issueIntermediate(String, KeySpec)} with a given key pair (e.g. a committed fixture). */
    public Issued issueIntermediate(String dc, KeyPair kp) {
        X509Certificate cert = issuer.issue(profiles.intermediate(clusterId, new Datacenter(dc), kp.getPublic(),
                activeRoot.certificate(), clock.instant(), INTERMEDIATE_TTL), activeRoot.keys().getPrivate());
        Issued issued = new Issued(cert, kp);
        List<X509Certificate> chain = new ArrayList<>(2);
        bundle.active().crossSignedCertificate().ifPresent(chain::add);
        chain.add(cert);
        DcChain existing = chains.get(dc);
        chains.put(dc, existing == null
                ? new DcChain(new Datacenter(dc), bundle.activeRootId(), Map.of(bundle.activeRootId(), chain), Map.of())
                : existing.switchTo(bundle.activeRootId(), chain, clock.instant()));
        signers.put(dc, issued);
        return issued;
    }

    public Issued issueIntermediate(String dc) {
        return issueIntermediate(dc, KeySpec.EC_P256);
    }

    /** A service leaf signed by {@code dc}'s current intermediate, with a new EC P-256 key. */
    public Issued issueLeaf(String dc, String service) {
        KeyPair kp = keys.generate(KeySpec.EC_P256);
        SpiffeId id = new SpiffeId.Service(clusterId.trustDomain().value(), null, null, dc, service);
        Issued signer = signers.get(dc);
        X509Certificate cert = issuer.issue(profiles.leaf(id, kp.getPublic(), List.of(), List.of(),
                signer.certificate(), clock.instant(), LEAF_TTL), signer.keys().getPrivate());
        return new Issued(cert, kp);
    }

    /** {@code dc}'s chain that follows its leaves now (cross-signed first, signer last). */
    public List<X509Certificate> chain(String dc) {
        return ChainAssembler.leafChain(chains.get(dc), clock.instant());
    }

    public DcChain dcChain(String dc) {
        return chains.get(dc);
    }

    public Issued signer(String dc) {
        return signers.get(dc);
    }

    /**
     * Rotation steps 1 and 2: a new root with a new key, cross-signed by the current root; the
     * bundle then lists both, the new one active. DCs keep their old intermediates until
     * {@link #issueIntermediate} is called for them again.
     *
     * @return the cross-signed certificate
     */
    public X509Certificate rotateRoot(KeySpec spec) {
        KeyPair kp = keys.generate(spec);
        X509Certificate newRoot = issuer.issue(profiles.root(clusterId, kp.getPublic(), clock.instant(), ROOT_TTL),
                kp.getPrivate());
        X509Certificate cross = issuer.issue(profiles.crossSigned(newRoot, activeRoot.certificate(), clock.instant()),
                activeRoot.keys().getPrivate());
        bundle = bundle.rotate(new TrustedRoot(newRoot, spec, true, null, null), cross, clock.instant());
        activeRoot = new Issued(newRoot, kp);
        roots.put(bundle.activeRootId(), activeRoot);
        return cross;
    }
}
