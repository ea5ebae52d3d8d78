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

    private final HttpServer server;

    FakeDc(String name, String trustDomain, FakeCa.Issuer root, FakeCa.Issuer signer) throws IOException {
        this.name = name;
        this.trustDomain = trustDomain;
        this.root = root;
        this.signer = signer;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/connect/ca/roots", this::roots);
        server.createContext("/v1/connect/ca/sign", this::sign);
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

    private void roots(HttpExchange x) throws IOException {
        record(x);
        try {
            String rootPem = FakeCa.pem(root.cert());
            String interPem = FakeCa.pem(signer.cert());
            if ("pem=true".equals(x.getRequestURI().getQuery())) {
                send(x, 200, "application/pem-certificate-chain", rootPem + interPem);
                return;
            }
            ObjectNode body = JSON.createObjectNode();
            String id = FakeCa.rootId(root.cert());
            body.put("ActiveRootID", id).put("TrustDomain", trustDomain);
            ObjectNode r = body.putArray("Roots").addObject();
            r.put("ID", id).put("Name", "fake CA Primary Cert").put("RootCert", rootPem).put("Active", true);
            r.putArray("IntermediateCerts").add(interPem);
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
            X509Certificate leaf = service == null ? FakeCa.leafFromCsr(signer, csr)
                    : FakeCa.leaf(signer, FakeCa.csrKey(csr), Certs.serviceId(trustDomain, name, service));
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

    private ObjectNode leafBody(X509Certificate leaf) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("SerialNumber", Certs.colonHex(leaf.getSerialNumber()));
        body.put("CertPEM", FakeCa.pem(leaf, signer.cert()));
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
