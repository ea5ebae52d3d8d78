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
 * roots, then an intention written in the primary and decided in the secondary. The rotation step
 * of local.md is to be added to {@link #steps()}.
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
    /** The service whose leaf the secondary signs (server side of the mTLS step). */
    static final String SERVER_SERVICE = "web";
    /** The service whose leaf the primary signs (client side of the mTLS step). */
    static final String CLIENT_SERVICE = "api";

    // step keys, for needs
    private static final String TRUST_DOMAIN = "trust-domain";
    private static final String SECONDARY_LEAF = "secondary-leaf";

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

    private final java.time.Duration replicationWait;

    private Demo(List<Endpoint> dcs, ApiClient api, java.time.Duration replicationWait) {
        this.replicationWait = replicationWait;
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
        return run(dcs, token, out, REPLICATION_WAIT);
    }

    /** {@link #run(List, Optional, PrintStream)} with another wait for the intention step (tests). */
    static boolean run(List<Endpoint> dcs, Optional<String> token, PrintStream out, java.time.Duration replicationWait) {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(out, "out");
        if (dcs == null || dcs.isEmpty()) {
            throw new IllegalArgumentException("the demo needs at least one datacenter");
        }
        Demo demo = new Demo(dcs, new ApiClient(token), replicationWait);
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
                new Walk.Step("mtls", "mTLS across DCs (" + primary.datacenter() + " " + CLIENT_SERVICE + " -> "
                        + secondary.datacenter() + " " + SERVER_SERVICE + ")",
                        Set.of(TRUST_DOMAIN, SECONDARY_LEAF), this::mtlsAcrossDcs),
                new Walk.Step("managed-leaf", "managed leaf (" + secondary.datacenter() + " " + SERVER_SERVICE + ")",
                        Set.of(TRUST_DOMAIN), this::managedLeaf),
                new Walk.Step("intention", "intention written in " + primary.datacenter() + ", decided in "
                        + secondary.datacenter(), Set.of(TRUST_DOMAIN), this::intentionAcrossDcs));
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
