package dev.meshfed.dev.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One DC of the fake federation: the four CA routes the demo calls, on {@code 127.0.0.1:0}, served
 * from a {@link FakeCa} root (the bundle it reports) and intermediate (its signer). Each knob
 * breaks one thing on purpose; {@link #tokensSeen} records the token header of every call.
 */
final class FakeDc implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    final String name;
    volatile String trustDomain;
    volatile FakeCa.Issuer root;
    volatile FakeCa.Issuer signer;
    /** When non-zero, {@code POST /v1/connect/ca/sign} answers this status with {@link #signRefusal}. */
    volatile int signStatus;
    volatile String signRefusal = "";
    /** When set, sign ignores the CSR's URI and issues the leaf for this service instead. */
    volatile String signAsService;
    /** The token that the service:write routes require, when set. */
    volatile Optional<String> requiredToken = Optional.empty();
    final List<String> tokensSeen = new CopyOnWriteArrayList<>();
    /** The DCs a rotation requested here reaches, this one included: the bundle's replication. */
    volatile List<FakeDc> federation = List.of(this);
    /** When set, this DC never shows a rotated root (a DC whose bundle replication is stuck). */
    volatile boolean rotationStuck;
    /**
     * After a rotation, how many more leaves this DC signs with its old signer before its
     * intermediate under the new root is active (a secondary re-keying through the CSR exchange).
     */
    volatile int signsBeforeRekey;
    /** When set, a rotation requested here has the new root "cross-signed" by this unrelated root instead. */
    volatile FakeCa.Issuer crossSignWith;

    /** Before a rotation null; after it, the root it replaced and the signer under that root. */
    private FakeCa.Issuer previousRoot;
    private X509Certificate previousSigner;
    /** The new root cross-signed by the old one, once rotated. */
    private X509Certificate crossSigned;
    /** The intermediate under the new root until it is active (re-key pending). */
    private FakeCa.Issuer pendingSigner;

    private final HttpServer server;

    FakeDc(String name, String trustDomain, FakeCa.Issuer root, FakeCa.Issuer signer) throws IOException {
        this.name = name;
        this.trustDomain = trustDomain;
        this.root = root;
        this.signer = signer;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/connect/ca/roots", this::roots);
        server.createContext("/v1/connect/ca/sign", this::sign);
        server.createContext("/v1/connect/ca/rotate", this::rotate);
        server.createContext("/v1/agent/connect/ca/leaf/web", this::managedLeaf);
        server.createContext("/v1/connect/intentions/exact", this::exact);
        server.createContext("/v1/connect/intentions/check", this::check);
        server.createContext("/v1/agent/connect/authorize", this::authorize);
        server.start();
    }

    /** The fake's intentions ("source=>destination" to action), shared by every fake DC: replication is instant. */
    static final java.util.Map<String, String> INTENTIONS = new java.util.concurrent.ConcurrentHashMap<>();
    /** When set, this DC never sees intentions (a secondary whose replication is stuck). */
    volatile boolean intentionsStuck;

    Demo.Endpoint endpoint() {
        return new Demo.Endpoint(name, URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** One entry of the roots answer: a root and this DC's chain under it. */
    private record Entry(X509Certificate root, boolean active, List<X509Certificate> chain) {
    }

    /** The roots answer as the bundle stands: one root, or after a rotation the old (inactive) and the new. */
    private synchronized List<Entry> entries() {
        if (previousRoot == null) {
            return List.of(new Entry(root.cert(), true, List.of(signer.cert())));
        }
        boolean rekeyed = pendingSigner == null;
        return List.of(
                new Entry(previousRoot.cert(), false, List.of(rekeyed ? previousSigner : signer.cert())),
                new Entry(root.cert(), true, rekeyed ? List.of(crossSigned, signer.cert()) : List.of(crossSigned)));
    }

    private void roots(HttpExchange x) throws IOException {
        record(x);
        try {
            List<Entry> entries = entries();
            if ("pem=true".equals(x.getRequestURI().getQuery())) {
                StringBuilder pem = new StringBuilder();
                for (Entry e : entries) {
                    pem.append(FakeCa.pem(e.root()));
                    for (X509Certificate c : e.chain()) {
                        pem.append(FakeCa.pem(c));
                    }
                }
                send(x, 200, "application/pem-certificate-chain", pem.toString());
                return;
            }
            ObjectNode body = JSON.createObjectNode();
            body.put("TrustDomain", trustDomain);
            com.fasterxml.jackson.databind.node.ArrayNode list = body.putArray("Roots");
            for (Entry e : entries) {
                String id = FakeCa.rootId(e.root());
                if (e.active()) {
                    body.put("ActiveRootID", id);
                }
                ObjectNode r = list.addObject();
                r.put("ID", id).put("Name", "fake CA Primary Cert").put("RootCert", FakeCa.pem(e.root()))
                        .put("Active", e.active());
                com.fasterxml.jackson.databind.node.ArrayNode inter = r.putArray("IntermediateCerts");
                for (X509Certificate c : e.chain()) {
                    inter.add(FakeCa.pem(c));
                }
            }
            send(x, 200, "application/json", JSON.writeValueAsString(body));
        } catch (Exception e) {
            send(x, 500, "text/plain", "fake failed: " + e);
        }
    }

    private void sign(HttpExchange x) throws IOException {
        record(x);
        if (!authorized(x)) {
            return;
        }
        if (signStatus != 0) {
            send(x, signStatus, "text/plain", signRefusal);
            return;
        }
        try {
            JsonNode req = JSON.readTree(x.getRequestBody());
            String csr = req.path("CSR").asText();
            String service = signAsService;
            FakeCa.Issuer by = signerForNextLeaf();
            X509Certificate leaf = service == null ? FakeCa.leafFromCsr(by, csr)
                    : FakeCa.leaf(by, FakeCa.csrKey(csr), Certs.serviceId(trustDomain, name, service));
            send(x, 200, "application/json", JSON.writeValueAsString(leafBody(leaf)));
        } catch (Exception e) {
            send(x, 400, "text/plain", "fake refused the CSR: " + e);
        }
    }

    private void managedLeaf(HttpExchange x) throws IOException {
        record(x);
        if (!authorized(x)) {
            return;
        }
        try {
            KeyPair keys = Certs.ecP256();
            X509Certificate leaf = FakeCa.leaf(signer, keys.getPublic(),
                    Certs.serviceId(trustDomain, name, "web"));
            ObjectNode body = leafBody(leaf);
            body.put("PrivateKeyPEM", FakeCa.ecPrivateKeyPem(keys));
            send(x, 200, "application/json", JSON.writeValueAsString(body));
        } catch (Exception e) {
            send(x, 500, "text/plain", "fake failed: " + e);
        }
    }

    /** The signer, after activating the one under the new root once {@link #signsBeforeRekey} ran out. */
    private synchronized FakeCa.Issuer signerForNextLeaf() {
        if (pendingSigner != null && signsBeforeRekey-- <= 0) {
            signer = pendingSigner;
            pendingSigner = null;
        }
        return signer;
    }

    /** {@code POST /v1/connect/ca/rotate}: a new root cross-signed by the old, shown by every DC of the federation. */
    private void rotate(HttpExchange x) throws IOException {
        record(x);
        if (!authorized(x)) {
            return;
        }
        try {
            FakeCa.Issuer old = root;
            FakeCa.Issuer next = FakeCa.root(trustDomain, "pri-def67890.consul.ca.7d8b1e6c.consul");
            X509Certificate cross = FakeCa.crossSign(crossSignWith != null ? crossSignWith : old, next, trustDomain);
            for (FakeDc dc : federation) {
                if (!dc.rotationStuck) {
                    dc.rotateTo(next, cross);
                }
            }
            send(x, 200, "text/plain", "");
        } catch (Exception e) {
            send(x, 500, "text/plain", "fake failed: " + e);
        }
    }

    private synchronized void rotateTo(FakeCa.Issuer next, X509Certificate cross) throws Exception {
        previousRoot = root;
        previousSigner = signer.cert();
        root = next;
        crossSigned = cross;
        pendingSigner = FakeCa.intermediate(next, trustDomain, name);
    }

    private ObjectNode leafBody(X509Certificate leaf) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("SerialNumber", Certs.colonHex(leaf.getSerialNumber()));
        X509Certificate cross;
        synchronized (this) {
            cross = pendingSigner == null ? crossSigned : null;
        }
        body.put("CertPEM", cross == null ? FakeCa.pem(leaf, signer.cert()) : FakeCa.pem(leaf, signer.cert(), cross));
        body.put("Service", "web");
        body.put("ServiceURI", Certs.uris(leaf).get(0));
        body.put("ValidAfter", leaf.getNotBefore().toInstant().toString());
        body.put("ValidBefore", leaf.getNotAfter().toInstant().toString());
        body.put("RotateAfter", FakeCa.NOW.plus(Duration.ofHours(50)).toString());
        return body;
    }

    private boolean authorized(HttpExchange x) throws IOException {
        Optional<String> need = requiredToken;
        if (need.isPresent() && !need.get().equals(x.getRequestHeaders().getFirst("X-Consul-Token"))) {
            send(x, 403, "text/plain", "Permission denied");
            return false;
        }
        return true;
    }

    private void record(HttpExchange x) {
        String t = x.getRequestHeaders().getFirst("X-Consul-Token");
        tokensSeen.add(t == null ? "" : t);
    }

    private static void send(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            x.getResponseBody().write(b);
        }
        x.close();
    }

    private static String param(HttpExchange x, String name) {
        String q = x.getRequestURI().getQuery();
        for (String kv : q == null ? new String[0] : q.split("&")) {
            if (kv.startsWith(name + "=")) {
                return kv.substring(name.length() + 1);
            }
        }
        return "";
    }

    private void exact(HttpExchange x) throws IOException {
        record(x);
        String key = param(x, "source") + "=>" + param(x, "destination");
        if (x.getRequestMethod().equals("DELETE")) {
            INTENTIONS.remove(key);
        } else {
            INTENTIONS.put(key, JSON.readTree(x.getRequestBody()).path("Action").asText());
        }
        send(x, 200, "application/json", "true");
    }

    private void check(HttpExchange x) throws IOException {
        record(x);
        String action = intentionsStuck ? null : INTENTIONS.get(param(x, "source") + "=>" + param(x, "destination"));
        send(x, 200, "application/json", "{\"Allowed\":" + !"deny".equals(action) + "}");
    }

    private void authorize(HttpExchange x) throws IOException {
        record(x);
        JsonNode body = JSON.readTree(x.getRequestBody());
        String uri = body.path("ClientCertURI").asText();
        String source = uri.substring(uri.lastIndexOf('/') + 1);
        String target = body.path("Target").asText();
        String action = intentionsStuck ? null : INTENTIONS.get(source + "=>" + target);
        String reason = action == null ? "Default intention policy"
                : "Matched L4 intention: default/" + source + " => default/" + target + " (ID: fake, Precedence: 9, Action: "
                        + action.toUpperCase(java.util.Locale.ROOT) + ")";
        send(x, 200, "application/json", JSON.writeValueAsString(JSON.createObjectNode()
                .put("Authorized", !"deny".equals(action)).put("Reason", reason)));
    }
}
