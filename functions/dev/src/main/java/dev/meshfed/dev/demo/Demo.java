package dev.meshfed.dev.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.net.URI;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code --demo} walk (local.md): run against a federation that is up, as an outside client of
 * the HTTP API (api.md), it shows with evidence that the DCs share one trust domain, that a leaf
 * signed in a secondary verifies against the primary's roots by the JDK's own PKIX validator, and
 * that services of two DCs complete a real mutual-TLS handshake, each trusting only its own DC's
 * roots, then an intention written in the primary and decided in the secondary, and last a root
 * rotation: the leaves of the old root and of the new one keep completing mutual-TLS handshakes in
 * all four combinations, and a new leaf verifies against the old root alone (local.md).
 * <p>
 * One instance is one walk: the steps hand their results to later steps through its fields, and
 * {@link Walk} skips a step whose inputs did not come.
 */
public final class Demo {

    /** A DC's API as the demo reaches it. */
    public record Endpoint(String datacenter, URI baseUri) {
        public Endpoint {
            Objects.requireNonNull(datacenter, "datacenter");
            Objects.requireNonNull(baseUri, "baseUri");
        }
    }

    static final String ROOTS = "/v1/connect/ca/roots";
    static final String ROOTS_PEM = "/v1/connect/ca/roots?pem=true";
    static final String SIGN = "/v1/connect/ca/sign";
    static final String MANAGED_LEAF = "/v1/agent/connect/ca/leaf/";
    static final String EXACT_INTENTION = "/v1/connect/intentions/exact";
    static final String CHECK = "/v1/connect/intentions/check";
    static final String AUTHORIZE = "/v1/agent/connect/authorize";
    /** How long the intention step waits for the secondary to decide by the primary's write. */
    static final java.time.Duration REPLICATION_WAIT = java.time.Duration.ofSeconds(10);
    static final String ROTATE = "/v1/connect/ca/rotate";
    /**
     * How long the rotation step waits for every DC to show the new root, and then again for the
     * new leaves to chain to it (a secondary re-keys through the CSR exchange first).
     */
    static final java.time.Duration ROTATION_WAIT = java.time.Duration.ofSeconds(20);
    /** Pause between two polls of the rotation step. */
    static final java.time.Duration ROTATION_POLL = java.time.Duration.ofMillis(100);
    /** The service whose leaf the secondary signs (server side of the mTLS step). */
    static final String SERVER_SERVICE = "web";
    /** The service whose leaf the primary signs (client side of the mTLS step). */
    static final String CLIENT_SERVICE = "api";

    // step keys, for needs
    private static final String TRUST_DOMAIN = "trust-domain";
    private static final String SECONDARY_LEAF = "secondary-leaf";
    private static final String MTLS = "mtls";

    /** A leaf this walk holds: its key, the leaf and the chain the DC returned after it. */
    private record Held(PrivateKey key, X509Certificate leaf, List<X509Certificate> chain, String spiffeId) {
    }

    private final Endpoint primary;
    private final Endpoint secondary;
    private final List<Endpoint> dcs;
    private final ApiClient api;

    private String trustDomain;
    private Held secondaryLeaf;
    private List<X509Certificate> primaryRoots;
    /** The client leaf of the mTLS step (primary, old root), kept for the rotation step. */
    private Held primaryLeaf;

    private final java.time.Duration replicationWait;
    private final java.time.Duration rotationWait;

    private Demo(List<Endpoint> dcs, ApiClient api, java.time.Duration replicationWait,
            java.time.Duration rotationWait) {
        this.replicationWait = replicationWait;
        this.rotationWait = rotationWait;
        this.dcs = List.copyOf(dcs);
        this.primary = this.dcs.get(0);
        this.secondary = this.dcs.get(this.dcs.size() - 1);
        this.api = api;
    }

    /**
     * Runs every step against the running federation: dcs.get(0) is the primary (with a single DC
     * it plays both roles). Prints each step with its evidence to out; returns true only if every
     * step held. Never throws for a failed step: it is reported and counted.
     */
    public static boolean run(List<Endpoint> dcs, Optional<String> token, PrintStream out) {
        return run(dcs, token, out, REPLICATION_WAIT, ROTATION_WAIT);
    }

    /** {@link #run(List, Optional, PrintStream)} with other waits for the intention and rotation steps (tests). */
    static boolean run(List<Endpoint> dcs, Optional<String> token, PrintStream out, java.time.Duration replicationWait,
            java.time.Duration rotationWait) {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(out, "out");
        if (dcs == null || dcs.isEmpty()) {
            throw new IllegalArgumentException("the demo needs at least one datacenter");
        }
        Demo demo = new Demo(dcs, new ApiClient(token), replicationWait, rotationWait);
        List<Walk.Result> results = new Walk(out, token).run(demo.steps());
        return results.stream().allMatch(r -> r.outcome() == Walk.Outcome.OK);
    }

    /** The walk, in order. New steps go here. */
    List<Walk.Step> steps() {
        return List.of(
                new Walk.Step(TRUST_DOMAIN, "one trust domain", Set.of(), this::oneTrustDomain),
                new Walk.Step(SECONDARY_LEAF, "leaf from a secondary (" + secondary.datacenter() + ")",
                        Set.of(TRUST_DOMAIN), this::leafFromSecondary),
                new Walk.Step("pkix", "PKIX against the primary's roots (" + primary.datacenter() + ")",
                        Set.of(SECONDARY_LEAF), this::pkixAgainstPrimary),
                new Walk.Step(MTLS, "mTLS across DCs (" + primary.datacenter() + " " + CLIENT_SERVICE + " -> "
                        + secondary.datacenter() + " " + SERVER_SERVICE + ")",
                        Set.of(TRUST_DOMAIN, SECONDARY_LEAF), this::mtlsAcrossDcs),
                new Walk.Step("managed-leaf", "managed leaf (" + secondary.datacenter() + " " + SERVER_SERVICE + ")",
                        Set.of(TRUST_DOMAIN), this::managedLeaf),
                new Walk.Step("intention", "intention written in " + primary.datacenter() + ", decided in "
                        + secondary.datacenter(), Set.of(TRUST_DOMAIN), this::intentionAcrossDcs),
                new Walk.Step("rotation", "root rotation (old and new leaves keep verifying)",
                        Set.of(TRUST_DOMAIN, SECONDARY_LEAF, MTLS), this::rootRotation));
    }

    // 1
    private void oneTrustDomain(Walk.Evidence ev) throws Exception {
        Set<String> domains = new LinkedHashSet<>();
        Set<String> active = new LinkedHashSet<>();
        List<String> problems = new ArrayList<>();
        for (Endpoint dc : dcs) {
            JsonNode roots = api.getJson(dc, ROOTS);
            String td = roots.path("TrustDomain").asText("");
            String activeId = roots.path("ActiveRootID").asText("");
            int count = roots.path("Roots").size();
            ev.add(dc.datacenter(), "trust domain " + (td.isEmpty() ? "(none)" : td) + ", active root "
                    + (activeId.isEmpty() ? "(none)" : Certs.shorten(activeId)) + ", " + count + " root(s)");
            domains.add(td);
            active.add(activeId);
            if (td.isEmpty() || count == 0 || activeId.isEmpty()) {
                problems.add(dc.datacenter() + " has no CA yet");
            }
        }
        if (domains.size() > 1) {
            problems.add("trust domains differ: " + domains);
        }
        if (active.size() > 1) {
            problems.add("active root IDs differ");
        }
        if (!problems.isEmpty()) {
            throw new Walk.StepFailed(String.join("; ", problems));
        }
        trustDomain = domains.iterator().next();
        ev.add("trust domain", trustDomain);
        ev.add("active root", Certs.shorten(active.iterator().next()));
    }

    // 2
    private void leafFromSecondary(Walk.Evidence ev) throws Exception {
        secondaryLeaf = signIn(secondary, SERVER_SERVICE);
        X509Certificate leaf = secondaryLeaf.leaf();
        ev.add("serial", Certs.colonHex(leaf.getSerialNumber()));
        ev.add("service URI", Certs.uris(leaf).isEmpty() ? "(none)" : String.join(", ", Certs.uris(leaf)));
        ev.add("not after", leaf.getNotAfter().toInstant());
        ev.add("signed in", secondary.datacenter() + " by " + leaf.getIssuerX500Principal().getName()
                + " (chain of " + secondaryLeaf.chain().size() + ")");
    }

    // 3
    private void pkixAgainstPrimary(Walk.Evidence ev) throws Exception {
        List<X509Certificate> anchors = primaryRoots();
        verifyLeaf(secondaryLeaf, anchors, ev);
    }

    // 4
    private void mtlsAcrossDcs(Walk.Evidence ev) throws Exception {
        Held client = signIn(primary, CLIENT_SERVICE);
        primaryLeaf = client;
        ev.add("client leaf", CLIENT_SERVICE + " in " + primary.datacenter() + ", serial "
                + Certs.colonHex(client.leaf().getSerialNumber()));
        List<X509Certificate> serverRoots = rootsOf(secondary);
        List<X509Certificate> clientRoots = rootsOf(primary);
        MtlsProbe.Result r = MtlsProbe.exchange(
                new MtlsProbe.Identity(secondaryLeaf.key(), fullChain(secondaryLeaf), serverRoots, client.spiffeId()),
                new MtlsProbe.Identity(client.key(), fullChain(client), clientRoots, secondaryLeaf.spiffeId()));
        ev.add("protocol", r.protocol());
        ev.add("cipher suite", r.cipherSuite());
        ev.add("server saw", r.serverSawClient());
        ev.add("client saw", r.clientSawServer());
        if (r.serverReceived() == null || r.clientReceived() == null) {
            throw new Walk.StepFailed("a line was not exchanged both ways");
        }
        ev.add("exchanged", "one line each way");
    }

    // 5
    private void managedLeaf(Walk.Evidence ev) throws Exception {
        JsonNode body = api.getJson(secondary, MANAGED_LEAF + SERVER_SERVICE);
        List<X509Certificate> certs = certsOf(body, secondary);
        PrivateKey key = Certs.ecPrivateKey(body.path("PrivateKeyPEM").asText(""));
        X509Certificate leaf = certs.get(0);
        ev.add("serial", Certs.colonHex(leaf.getSerialNumber()));
        ev.add("rotate after", body.path("RotateAfter").asText("(none)"));
        if (!Certs.matches(key, leaf.getPublicKey())) {
            throw new Walk.StepFailed("PrivateKeyPEM does not belong to the leaf's public key");
        }
        ev.add("private key", "EC, matches the leaf");
        String expected = Certs.serviceId(trustDomain, secondary.datacenter(), SERVER_SERVICE);
        verifyLeaf(new Held(key, leaf, certs.subList(1, certs.size()), expected), primaryRoots(), ev);
    }

    // 6
    /**
     * A deny from {@code api} to {@code web} written in the primary, then decided in the secondary
     * (check and authorize) from its own replicated view; the time until the secondary decides by
     * it is the replication lag. The intention is deleted afterwards.
     */
    private void intentionAcrossDcs(Walk.Evidence ev) throws Exception {
        String pair = "?source=" + CLIENT_SERVICE + "&destination=" + SERVER_SERVICE;
        String answer = api.putText(primary, EXACT_INTENTION + pair, ApiClient.json().createObjectNode()
                .put("Action", "deny").put("Description", "meshfed dev demo"));
        long written = System.nanoTime();
        if (!answer.strip().equals("true")) {
            throw new Walk.StepFailed(primary.datacenter() + ": writing the intention answered " + ApiClient.excerpt(answer));
        }
        ev.add("written", CLIENT_SERVICE + " => " + SERVER_SERVICE + " deny, in " + primary.datacenter());
        try {
            long deadline = written + replicationWait.toNanos();
            while (api.getJson(secondary, CHECK + pair).path("Allowed").asBoolean(true)) {
                if (System.nanoTime() > deadline) {
                    throw new Walk.StepFailed(secondary.datacenter() + " still allows " + CLIENT_SERVICE + " => "
                            + SERVER_SERVICE + " " + replicationWait.toMillis() + " ms after the write");
                }
                Thread.sleep(2);
            }
            ev.add("decided", secondary.datacenter() + " denies it " + (System.nanoTime() - written) / 1_000_000
                    + " ms after the write (replication lag, measured by polling check)");
            JsonNode authz = api.postJson(secondary, AUTHORIZE, ApiClient.json().createObjectNode()
                    .put("Target", SERVER_SERVICE)
                    .put("ClientCertURI", Certs.serviceId(trustDomain, primary.datacenter(), CLIENT_SERVICE)));
            String reason = authz.path("Reason").asText("");
            if (authz.path("Authorized").asBoolean(true) || !reason.startsWith("Matched L4 intention")) {
                throw new Walk.StepFailed(secondary.datacenter() + " authorize answered Authorized="
                        + authz.path("Authorized").asText() + ", Reason=" + reason);
            }
            ev.add("authorize", secondary.datacenter() + ": " + reason);
        } finally {
            api.deleteText(primary, EXACT_INTENTION + pair);
        }
        ev.add("cleaned up", "intention deleted in " + primary.datacenter());
    }

    // 7
    /**
     * A root rotation requested in the primary while the leaves of steps 2 and 4 (old root) are
     * held: every DC must show the new active root next to the old one; new leaves are signed in
     * the secondary and the primary until they chain to the new root (the secondary re-keys
     * through the CSR exchange first); then the four old/new client x old/new server handshakes,
     * each side trusting only its own DC's current roots, and the new secondary leaf by PKIX
     * against the old root alone, through the cross-signed certificate its chain carries.
     */
    private void rootRotation(Walk.Evidence ev) throws Exception {
        JsonNode before = api.getJson(primary, ROOTS);
        String oldId = before.path("ActiveRootID").asText("");
        X509Certificate oldRoot = rootCert(before, oldId, primary);
        ev.add("old active root", Certs.shorten(oldId) + " (" + oldRoot.getSubjectX500Principal().getName() + ")");

        long requested = System.nanoTime();
        api.postText(primary, ROTATE, ApiClient.json().createObjectNode());
        ev.add("requested", "POST " + ROTATE + " in " + primary.datacenter());
        long deadline = requested + rotationWait.toNanos();
        Set<String> newIds = new LinkedHashSet<>();
        JsonNode after = null;
        for (Endpoint dc : dcs) {
            JsonNode roots = api.getJson(dc, ROOTS);
            while (!rotatedIn(roots, oldId)) {
                if (System.nanoTime() > deadline) {
                    throw new Walk.StepFailed(dc.datacenter() + " still shows active root "
                            + Certs.shorten(roots.path("ActiveRootID").asText("(none)")) + " with "
                            + roots.path("Roots").size() + " root(s) " + rotationWait.toMillis()
                            + " ms after the rotation request");
                }
                Thread.sleep(ROTATION_POLL.toMillis());
                roots = api.getJson(dc, ROOTS);
            }
            String newId = roots.path("ActiveRootID").asText();
            newIds.add(newId);
            ev.add(dc.datacenter(), "active root " + Certs.shorten(newId) + ", " + roots.path("Roots").size()
                    + " roots (old one kept), " + (System.nanoTime() - requested) / 1_000_000 + " ms after the request");
            if (dc.equals(primary)) {
                after = roots;
            }
        }
        if (newIds.size() > 1) {
            throw new Walk.StepFailed("the DCs show different new active roots: " + newIds);
        }
        String newId = newIds.iterator().next();
        X509Certificate newRoot = rootCert(after, newId, primary);
        ev.add("new active root", Certs.shorten(newId) + " (" + newRoot.getSubjectX500Principal().getName() + ")");
        ev.add("rotated across DCs", (System.nanoTime() - requested) / 1_000_000 + " ms (request to the last DC showing both roots)");

        long leavesFrom = System.nanoTime();
        Held newServer = signUnder(secondary, SERVER_SERVICE, newRoot, leavesFrom + rotationWait.toNanos());
        ev.add("new " + SERVER_SERVICE + " leaf", secondary.datacenter() + ", serial "
                + Certs.colonHex(newServer.leaf().getSerialNumber()) + ", chains to the new root "
                + (System.nanoTime() - leavesFrom) / 1_000_000 + " ms after the roots (re-key through the CSR exchange)");
        Held newClient = signUnder(primary, CLIENT_SERVICE, newRoot, leavesFrom + rotationWait.toNanos());
        ev.add("new " + CLIENT_SERVICE + " leaf", primary.datacenter() + ", serial "
                + Certs.colonHex(newClient.leaf().getSerialNumber()) + ", chains to the new root "
                + (System.nanoTime() - leavesFrom) / 1_000_000 + " ms after the roots");

        List<X509Certificate> serverRoots = currentRoots(secondary, oldRoot, newRoot, ev);
        List<X509Certificate> clientRoots = primary.equals(secondary) ? serverRoots
                : currentRoots(primary, oldRoot, newRoot, ev);
        List<String> failed = new ArrayList<>();
        for (Held client : List.of(primaryLeaf, newClient)) {
            for (Held server : List.of(secondaryLeaf, newServer)) {
                String label = (client == primaryLeaf ? "old " : "new ") + CLIENT_SERVICE + " -> "
                        + (server == secondaryLeaf ? "old " : "new ") + SERVER_SERVICE;
                try {
                    MtlsProbe.Result r = MtlsProbe.exchange(
                            new MtlsProbe.Identity(server.key(), fullChain(server), serverRoots, client.spiffeId()),
                            new MtlsProbe.Identity(client.key(), fullChain(client), clientRoots, server.spiffeId()));
                    if (r.serverReceived() == null || r.clientReceived() == null) {
                        throw new Walk.StepFailed("a line was not exchanged both ways");
                    }
                    ev.add("handshake " + label, "ok (" + r.protocol() + ", one line each way)");
                } catch (Walk.StepFailed e) {
                    ev.add("handshake " + label, "FAILED: " + e.getMessage());
                    failed.add(label);
                }
            }
        }

        List<X509Certificate> oldOnly = List.of(oldRoot);
        List<X509Certificate> path = Certs.orderPath(newServer.leaf(), newServer.chain(), oldOnly);
        boolean throughCross = path.stream().anyMatch(c -> Certs.crossSigned(c, oldRoot, newRoot));
        try {
            Certs.validate(path, oldOnly);
        } catch (java.security.GeneralSecurityException e) {
            failed.add("PKIX of the new " + SERVER_SERVICE + " leaf against the old root alone: " + Walk.describe(e));
        }
        if (!throughCross) {
            failed.add("the new " + SERVER_SERVICE + " leaf's chain holds no certificate of the new root cross-signed by the old");
        }
        ev.add("new " + SERVER_SERVICE + " leaf vs old root alone", describePath(path, oldRoot));
        if (!failed.isEmpty()) {
            throw new Walk.StepFailed("failed: " + String.join("; ", failed));
        }
        ev.add("PKIX", "the new " + SERVER_SERVICE + " leaf validates against the old root alone");
    }

    /** True when this roots answer shows another active root than {@code oldId} and still holds the old one. */
    private static boolean rotatedIn(JsonNode roots, String oldId) {
        String active = roots.path("ActiveRootID").asText("");
        if (active.isEmpty() || active.equals(oldId)) {
            return false;
        }
        for (JsonNode r : roots.path("Roots")) {
            if (oldId.equals(r.path("ID").asText())) {
                return true;
            }
        }
        return false;
    }

    /** The root certificate of the entry with this ID in a roots answer. */
    private static X509Certificate rootCert(JsonNode roots, String id, Endpoint dc) throws Exception {
        for (JsonNode r : roots.path("Roots")) {
            if (id.equals(r.path("ID").asText())) {
                List<X509Certificate> certs = Certs.parseChain(r.path("RootCert").asText(""));
                if (!certs.isEmpty()) {
                    return certs.get(0);
                }
            }
        }
        throw new Walk.StepFailed(dc.datacenter() + ": roots hold no certificate for root " + Certs.shorten(id));
    }

    /** Signs in the DC until the leaf's chain validates against the new root alone, or fails at the deadline. */
    private Held signUnder(Endpoint dc, String service, X509Certificate newRoot, long deadline) throws Exception {
        List<X509Certificate> anchor = List.of(newRoot);
        int attempts = 0;
        while (true) {
            Held held = signIn(dc, service);
            attempts++;
            try {
                Certs.validate(Certs.orderPath(held.leaf(), held.chain(), anchor), anchor);
                return held;
            } catch (java.security.GeneralSecurityException e) {
                if (System.nanoTime() > deadline) {
                    throw new Walk.StepFailed(dc.datacenter() + ": the " + service + " leaf still does not chain to the new"
                            + " root after " + attempts + " signings in " + rotationWait.toMillis() + " ms (issued by "
                            + held.leaf().getIssuerX500Principal().getName() + ")");
                }
                Thread.sleep(ROTATION_POLL.toMillis());
            }
        }
    }

    /** The DC's current self-signed roots, after checking they hold both roots and the cross-signed certificate. */
    private List<X509Certificate> currentRoots(Endpoint dc, X509Certificate oldRoot, X509Certificate newRoot,
            Walk.Evidence ev) throws Exception {
        List<X509Certificate> bundle = Certs.parseChain(api.getText(dc, ROOTS_PEM));
        List<X509Certificate> roots = Certs.selfSigned(bundle);
        if (!roots.contains(oldRoot) || !roots.contains(newRoot)) {
            throw new Walk.StepFailed(dc.datacenter() + ": " + ROOTS_PEM + " does not hold both the old and the new root");
        }
        boolean cross = bundle.stream().anyMatch(c -> Certs.crossSigned(c, oldRoot, newRoot));
        ev.add(dc.datacenter() + " trusts", roots.size() + " self-signed roots (old and new)"
                + (cross ? ", the cross-signed certificate in its chain" : ", no cross-signed certificate"));
        return roots;
    }

    /** A certification path as "subject <- issuer ...", for the evidence. */
    private static String describePath(List<X509Certificate> path, X509Certificate anchor) {
        StringBuilder s = new StringBuilder("leaf");
        for (X509Certificate c : path.subList(1, path.size())) {
            s.append(" <- ").append(c.getSubjectX500Principal().getName());
            if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
                s.append(" (issued by ").append(c.getIssuerX500Principal().getName()).append(')');
            }
        }
        return s.append(" <- anchor ").append(anchor.getSubjectX500Principal().getName()).toString();
    }

    /** Checks the leaf's one URI SAN and validates leaf + chain by PKIX against the anchors. */
    private static void verifyLeaf(Held held, List<X509Certificate> anchors, Walk.Evidence ev) throws Exception {
        String uri = Certs.spiffeId(held.leaf());
        if (!uri.equals(held.spiffeId())) {
            throw new Walk.StepFailed("leaf URI SAN is " + uri + ", requested " + held.spiffeId());
        }
        List<X509Certificate> path = Certs.orderPath(held.leaf(), held.chain(), anchors);
        PKIXCertPathValidatorResult result;
        try {
            result = Certs.validate(path, anchors);
        } catch (java.security.GeneralSecurityException e) {
            throw new Walk.StepFailed("PKIX validation failed: " + Walk.describe(e));
        }
        ev.add("spiffe ID", uri);
        ev.add("path length", path.size() + " (leaf + " + (path.size() - 1) + " CA certificate(s)), validated");
        ev.add("anchor", result.getTrustAnchor().getTrustedCert().getSubjectX500Principal().getName());
    }

    /** A new key, a CSR for the service in that DC, signed there by {@code POST /v1/connect/ca/sign}. */
    private Held signIn(Endpoint dc, String service) throws Exception {
        KeyPair keys = Certs.ecP256();
        String id = Certs.serviceId(trustDomain, dc.datacenter(), service);
        JsonNode body = api.postJson(dc, SIGN, ApiClient.json().createObjectNode().put("CSR", Certs.csrPem(keys, id)));
        List<X509Certificate> certs = certsOf(body, dc);
        X509Certificate leaf = certs.get(0);
        if (!leaf.getPublicKey().equals(keys.getPublic())) {
            throw new Walk.StepFailed(dc.datacenter() + ": the signed leaf does not carry the CSR's public key");
        }
        return new Held(keys.getPrivate(), leaf, certs.subList(1, certs.size()), id);
    }

    private static List<X509Certificate> certsOf(JsonNode body, Endpoint dc) throws Exception {
        String pem = body.path("CertPEM").asText("");
        List<X509Certificate> certs = pem.isEmpty() ? List.of() : Certs.parseChain(pem);
        if (certs.isEmpty()) {
            throw new Walk.StepFailed(dc.datacenter() + ": answer has no certificate in CertPEM");
        }
        return certs;
    }

    /** The primary's self-signed roots from {@code ?pem=true}, fetched once per walk. */
    private List<X509Certificate> primaryRoots() throws Exception {
        if (primaryRoots == null) {
            primaryRoots = rootsOf(primary);
        }
        return primaryRoots;
    }

    private List<X509Certificate> rootsOf(Endpoint dc) throws Exception {
        List<X509Certificate> roots = Certs.selfSigned(Certs.parseChain(api.getText(dc, ROOTS_PEM)));
        if (roots.isEmpty()) {
            throw new Walk.StepFailed(dc.datacenter() + ": " + ROOTS_PEM + " holds no self-signed root");
        }
        return roots;
    }

    /** The leaf then its path upwards, as a TLS peer sends it. */
    private static List<X509Certificate> fullChain(Held held) {
        List<X509Certificate> all = new ArrayList<>(Certs.orderPath(held.leaf(), held.chain(), List.of()));
        held.chain().stream().filter(c -> !all.contains(c)).forEach(all::add);
        return all;
    }
}
