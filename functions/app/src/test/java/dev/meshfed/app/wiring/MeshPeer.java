package dev.meshfed.app.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.core.pki.Certificates;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertPathValidatorException;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * One mesh workload as a sidecar runs it against its DC's HTTP API: a managed leaf from
 * {@code GET /v1/agent/connect/ca/leaf/{service}} (key, leaf and chain, replaced when the query
 * returns another serial) and the roots of {@code GET /v1/connect/ca/roots} as its only trust
 * anchors (re-read when its poll is due, kept when the index did not move). Handshakes are real
 * TLS 1.3 through JSSE {@link SSLEngine}s in memory; certificate paths are checked at the
 * harness clock ({@link PKIXBuilderParameters#setDate}), not the wall clock.
 */
final class MeshPeer {
    static final String PROTOCOL = "TLSv1.3";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final char[] PASSWORD = "meshfed-test".toCharArray();

    final String dc;
    final String service;
    private final WiredFederation f;
    private final Duration rootsPoll;
    private Instant lastRootsPoll;
    private String rootsIndex = "";
    List<X509Certificate> roots = List.of();
    List<String> rootIds = List.of();
    String serial = "";
    List<X509Certificate> chain = List.of();
    PrivateKey key;
    int leafChanges;
    int rootChanges;

    /** {@code rootsPoll}: how often it re-reads the roots (zero: before every handshake round). */
    MeshPeer(WiredFederation f, String dc, String service, Duration rootsPoll) {
        this.f = f;
        this.dc = dc;
        this.service = service;
        this.rootsPoll = rootsPoll;
    }

    /** Re-reads the roots if its poll is due (or {@code force}), and the leaf; true when either changed. */
    boolean refresh(boolean force) {
        boolean changed = false;
        Instant now = f.harness.clock().instant();
        if (force || lastRootsPoll == null || !now.isBefore(lastRootsPoll.plus(rootsPoll))) {
            lastRootsPoll = now;
            HttpResponse r = f.call(dc, "GET", "/v1/connect/ca/roots", null, null);
            check(r, "roots");
            String index = r.header("X-Consul-Index").orElse("");
            if (!index.equals(rootsIndex)) {
                JsonNode body = read(r);
                List<X509Certificate> certs = new ArrayList<>();
                List<String> ids = new ArrayList<>();
                body.get("Roots").forEach(n -> {
                    certs.add(Certificates.fromPem(n.get("RootCert").asText()).get(0));
                    ids.add(n.get("ID").asText());
                });
                rootsIndex = index;
                if (!ids.equals(rootIds)) {
                    roots = List.copyOf(certs);
                    rootIds = List.copyOf(ids);
                    rootChanges++;
                    changed = true;
                }
            }
        }
        HttpResponse r = f.call(dc, "GET", "/v1/agent/connect/ca/leaf/" + service, null, null);
        check(r, "leaf");
        JsonNode leaf = read(r);
        if (!leaf.get("SerialNumber").asText().equals(serial)) {
            serial = leaf.get("SerialNumber").asText();
            chain = Certificates.fromPem(leaf.get("CertPEM").asText());
            key = privateKey(leaf.get("PrivateKeyPEM").asText());
            leafChanges++;
            changed = true;
        }
        return changed;
    }

    X509Certificate leaf() {
        return chain.get(0);
    }

    /** An SSL context with its current leaf and chain and only its current roots, paths checked at {@code at}. */
    SSLContext context(Instant at) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, PASSWORD);
        keys.setKeyEntry("leaf", key, PASSWORD, chain.toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(keys, PASSWORD);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, PASSWORD);
        for (int i = 0; i < roots.size(); i++) {
            trust.setCertificateEntry("root-" + i, roots.get(i));
        }
        PKIXBuilderParameters pkix = new PKIXBuilderParameters(trust, new X509CertSelector());
        pkix.setRevocationEnabled(false);
        pkix.setDate(Date.from(at));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(new CertPathTrustManagerParameters(pkix));
        SSLContext ctx = SSLContext.getInstance(PROTOCOL);
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
        return ctx;
    }

    /**
     * One mutual-TLS 1.3 handshake of {@code client} to {@code server} at {@code clock}'s instant,
     * then one application record each way (so the server's check of the client certificate has
     * surely happened). Each side checks the peer's SPIFFE service. Returns null on success, else why
     * it failed.
     */
    static String handshake(MeshPeer client, MeshPeer server, Clock clock) {
        Instant at = clock.instant();
        try {
            // no peer host: no session resumption, every handshake checks both certificate paths
            SSLEngine c = client.context(at).createSSLEngine();
            c.setUseClientMode(true);
            c.setEnabledProtocols(new String[] {PROTOCOL});
            SSLEngine s = server.context(at).createSSLEngine();
            s.setUseClientMode(false);
            s.setNeedClientAuth(true);
            s.setEnabledProtocols(new String[] {PROTOCOL});
            int size = 1 << 17;
            ByteBuffer toServer = ByteBuffer.allocate(size);
            ByteBuffer toClient = ByteBuffer.allocate(size);
            ByteBuffer clientApp = ByteBuffer.allocate(size);
            ByteBuffer serverApp = ByteBuffer.allocate(size);
            c.beginHandshake();
            s.beginHandshake();
            pump(c, s, toServer, toClient, clientApp, serverApp);
            if (!PROTOCOL.equals(c.getSession().getProtocol())) {
                return "negotiated " + c.getSession().getProtocol();
            }
            c.wrap(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)), toServer);
            pump(c, s, toServer, toClient, clientApp, serverApp);
            s.wrap(ByteBuffer.wrap("pong".getBytes(StandardCharsets.UTF_8)), toClient);
            pump(c, s, toServer, toClient, clientApp, serverApp);
            if (!text(serverApp).endsWith("ping") || !text(clientApp).endsWith("pong")) {
                return "no application data (server got '" + text(serverApp) + "', client got '" + text(clientApp) + "')";
            }
            String sawServer = uri((X509Certificate) c.getSession().getPeerCertificates()[0]);
            String sawClient = uri((X509Certificate) s.getSession().getPeerCertificates()[0]);
            if (!sawServer.endsWith("/svc/" + server.service) || !sawClient.endsWith("/svc/" + client.service)) {
                return "unexpected peers " + sawServer + ", " + sawClient;
            }
            return null;
        } catch (SSLException e) {
            return describe(e);
        } catch (Exception e) {
            throw new IllegalStateException("handshake setup failed: " + client + " " + describe(client.chain) + "; "
                    + server + " " + describe(server.chain), e);
        }
    }

    private static void pump(SSLEngine c, SSLEngine s, ByteBuffer toServer, ByteBuffer toClient, ByteBuffer clientApp,
            ByteBuffer serverApp) throws SSLException {
        for (int i = 0; i < 200; i++) {
            boolean moved = step(c, toServer, toClient, clientApp);
            moved |= step(s, toClient, toServer, serverApp);
            if (!moved) {
                return;
            }
        }
        throw new SSLException("handshake did not finish in 200 steps");
    }

    /** One step of {@code e}: writes to {@code out}, reads from {@code in} (both kept in write mode). */
    private static boolean step(SSLEngine e, ByteBuffer out, ByteBuffer in, ByteBuffer app) throws SSLException {
        SSLEngineResult.HandshakeStatus hs = e.getHandshakeStatus();
        switch (hs) {
            case NEED_TASK -> {
                Runnable t;
                while ((t = e.getDelegatedTask()) != null) {
                    t.run();
                }
                return true;
            }
            case NEED_WRAP -> {
                SSLEngineResult r = e.wrap(ByteBuffer.allocate(0), out);
                return r.bytesProduced() > 0 || r.getHandshakeStatus() != hs;
            }
            default -> {
                if (in.position() == 0) {
                    return false;
                }
                in.flip();
                try {
                    SSLEngineResult r = e.unwrap(in, app);
                    return r.bytesConsumed() > 0 || r.getHandshakeStatus() != hs;
                } finally {
                    in.compact();
                }
            }
        }
    }

    private static String text(ByteBuffer app) {
        return new String(app.array(), 0, app.position(), StandardCharsets.UTF_8);
    }

    private static String uri(X509Certificate cert) throws Exception {
        for (List<?> san : cert.getSubjectAlternativeNames()) {
            if (Integer.valueOf(6).equals(san.get(0))) {
                return (String) san.get(1);
            }
        }
        return "";
    }

    private static String describe(List<X509Certificate> chain) {
        StringBuilder b = new StringBuilder("[");
        for (X509Certificate c : chain) {
            b.append(c.getSubjectX500Principal()).append(" <- ").append(c.getIssuerX500Principal()).append(" (")
                    .append(c.getNotBefore().toInstant()).append("..").append(c.getNotAfter().toInstant()).append("); ");
        }
        return b.append(']').toString();
    }

    private static String describe(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (!b.isEmpty()) {
                b.append(" <- ");
            }
            b.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
            if (t instanceof CertPathValidatorException) {
                break;
            }
        }
        return b.toString();
    }

    private static void check(HttpResponse r, String what) {
        if (r.status() != 200) {
            throw new IllegalStateException(what + ": " + r.status() + " " + r.body());
        }
    }

    private static JsonNode read(HttpResponse r) {
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static PrivateKey privateKey(String pem) {
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            Object o = p.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            return o instanceof PEMKeyPair kp ? conv.getKeyPair(kp).getPrivate() : conv.getPrivateKey((PrivateKeyInfo) o);
        } catch (Exception e) {
            throw new IllegalStateException("unreadable PrivateKeyPEM", e);
        }
    }

    @Override
    public String toString() {
        return service + "@" + dc;
    }
}
