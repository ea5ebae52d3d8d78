package dev.meshfed.dev.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * One real mutual-TLS 1.3 exchange in process, through JSSE: a server on {@code 127.0.0.1:0} with
 * one identity and one set of trusted roots, requiring a client certificate, and a client with
 * another identity and its own roots. Each side sends one line, reads the other's, and reports
 * the peer's URI SAN. Nothing here knows meshfed: it is what two sidecars do.
 */
final class MtlsProbe {

    /** Bound on accept, connect, handshake and each read. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final String PROTOCOL = "TLSv1.3";

    /**
     * One side: a private key, its certificate chain (leaf first), the roots it trusts, and the
     * SPIFFE ID it accepts from its peer (it hangs up on any other, as a sidecar's authorization does).
     */
    record Identity(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> trustedRoots,
            String expectedPeer) {
    }

    /** What one handshake showed. */
    record Result(String protocol, String cipherSuite, String serverSawClient, String clientSawServer,
            String serverReceived, String clientReceived) {
    }

    private MtlsProbe() {
    }

    /**
     * Runs the exchange. Throws when the handshake or the exchange fails, with the client's and
     * (if it failed too) the server's reason.
     */
    static Result exchange(Identity server, Identity client) throws Exception {
        SSLContext serverCtx = context(server);
        SSLContext clientCtx = context(client);
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "demo-mtls-server");
            t.setDaemon(true);
            return t;
        });
        try (SSLServerSocket listener = (SSLServerSocket) serverCtx.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setEnabledProtocols(new String[] {PROTOCOL});
            listener.setNeedClientAuth(true);
            listener.setSoTimeout((int) TIMEOUT.toMillis());
            Future<String[]> serverSide = pool.submit(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    s.setSoTimeout((int) TIMEOUT.toMillis());
                    s.startHandshake();
                    String peer = checkedPeer(s.getSession(), server.expectedPeer(), "server");
                    BufferedReader in = reader(s);
                    String line = in.readLine();
                    Writer w = writer(s);
                    w.write("hello from the server\n");
                    w.flush();
                    return new String[] {peer, line};
                }
            });
            String[] clientSide;
            String protocol;
            String suite;
            try (Socket plain = new Socket()) {
                plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()),
                        (int) TIMEOUT.toMillis());
                plain.setSoTimeout((int) TIMEOUT.toMillis());
                try (SSLSocket s = (SSLSocket) clientCtx.getSocketFactory()
                        .createSocket(plain, "127.0.0.1", listener.getLocalPort(), true)) {
                    s.setEnabledProtocols(new String[] {PROTOCOL});
                    s.startHandshake();
                    SSLSession session = s.getSession();
                    protocol = session.getProtocol();
                    suite = session.getCipherSuite();
                    String peer = checkedPeer(session, client.expectedPeer(), "client");
                    Writer w = writer(s);
                    w.write("hello from the client\n");
                    w.flush();
                    String line = reader(s).readLine();
                    clientSide = new String[] {peer, line};
                }
            } catch (IOException e) {
                String serverReason = serverFailure(serverSide);
                throw new Walk.StepFailed("handshake failed: client: " + Walk.describe(e)
                        + (serverReason.isEmpty() ? "" : "; server: " + serverReason));
            }
            String[] serverResult;
            try {
                serverResult = serverSide.get(TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof Walk.StepFailed refused) {
                    throw refused;
                }
                throw new Walk.StepFailed("server failed: " + Walk.describe(e.getCause()));
            }
            return new Result(protocol, suite, serverResult[0], clientSide[0], serverResult[1], clientSide[1]);
        } finally {
            pool.shutdownNow();
        }
    }

    private static String serverFailure(Future<String[]> serverSide) {
        try {
            serverSide.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return "";
        } catch (java.util.concurrent.ExecutionException e) {
            return Walk.describe(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            serverSide.cancel(true);
            return "no answer";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** An SSL context holding only this identity and only these roots, in memory. */
    private static SSLContext context(Identity id) throws GeneralSecurityException, IOException {
        char[] password = randomPassword();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, password);
        keys.setKeyEntry("leaf", id.key(), password, id.chain().toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(keys, password);

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, password);
        for (int i = 0; i < id.trustedRoots().size(); i++) {
            trust.setCertificateEntry("root-" + i, id.trustedRoots().get(i));
        }
        PKIXBuilderParameters pkix = new PKIXBuilderParameters(trust, new X509CertSelector());
        pkix.setRevocationEnabled(false);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(new CertPathTrustManagerParameters(pkix));

        SSLContext ctx = SSLContext.getInstance(PROTOCOL);
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
        return ctx;
    }

    /** The peer's SPIFFE ID, checked against the expected one before any data is exchanged. */
    private static String checkedPeer(SSLSession session, String expected, String side) throws Exception {
        X509Certificate peer = (X509Certificate) session.getPeerCertificates()[0];
        String id = Certs.spiffeId(peer);
        if (!id.equals(expected)) {
            throw new Walk.StepFailed(side + " refused its peer " + id + ", expected " + expected);
        }
        return id;
    }

    private static char[] randomPassword() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b).toCharArray();
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    }

    private static Writer writer(Socket s) throws IOException {
        return new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8);
    }
}
