package dev.meshfed.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The open-loop driver's client against the JDK's HTTP server (the one meshfed dev's gateway uses). */
class RawHttpTest {

    private HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final Set<Object> connections = ConcurrentHashMap.newKeySet();
    private final BlockingQueue<Boolean> release = new ArrayBlockingQueue<>(16);
    private volatile boolean holdRequests;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", exchange -> {
            connections.add(exchange.getRemoteAddress());
            byte[] in = exchange.getRequestBody().readAllBytes();
            bodies.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("X-Consul-Token") + " " + new String(in, StandardCharsets.UTF_8));
            if (holdRequests) {
                try {
                    release.poll(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] out = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            boolean chunked = exchange.getRequestURI().getPath().startsWith("/chunked");
            int status = exchange.getRequestURI().getPath().startsWith("/missing") ? 404 : 200;
            exchange.sendResponseHeaders(status, chunked ? 0 : out.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(out);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private int port() {
        return server.getAddress().getPort();
    }

    private static final class Outcomes implements RawHttp.Done {
        final BlockingQueue<Integer> statuses = new ArrayBlockingQueue<>(1000);

        @Override
        public void done(int status, IOException failure) {
            statuses.add(status);
        }

        int next() throws InterruptedException {
            Integer s = statuses.poll(10, TimeUnit.SECONDS);
            assertThat(s).as("an answer within 10 s").isNotNull();
            return s;
        }
    }

    @Test
    void requestsGoOutAsEncodedAndStatusesComeBackOverOneKeptAliveConnection() throws Exception {
        Outcomes outcomes = new Outcomes();
        try (RawHttp http = new RawHttp("127.0.0.1", port(), 4)) {
            String host = "127.0.0.1:" + port();
            byte[] post = RawHttp.encode("POST", "/v1/connect/ca/sign", host, "secret", "application/json",
                    "{\"CSR\":\"x\"}".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 5; i++) {
                assertThat(http.send(post, outcomes)).isTrue();
                assertThat(outcomes.next()).isEqualTo(200);
            }
            assertThat(http.send(RawHttp.encode("GET", "/chunked", host, null, null, null), outcomes)).isTrue();
            assertThat(outcomes.next()).isEqualTo(200);
            assertThat(http.send(RawHttp.encode("GET", "/missing", host, null, null, null), outcomes)).isTrue();
            assertThat(outcomes.next()).isEqualTo(404);
            assertThat(http.openConnections()).isEqualTo(1);
        }
        assertThat(bodies).hasSize(7);
        assertThat(bodies.get(0)).isEqualTo("POST /v1/connect/ca/sign secret {\"CSR\":\"x\"}");
        assertThat(bodies.get(5)).isEqualTo("GET /chunked null ");
        assertThat(connections).hasSize(1);
    }

    @Test
    void aBusyConnectionIsNotReusedAndTheCapRefusesASendWithoutSendingIt() throws Exception {
        holdRequests = true;
        Outcomes outcomes = new Outcomes();
        try (RawHttp http = new RawHttp("127.0.0.1", port(), 2)) {
            byte[] get = RawHttp.encode("GET", "/a", "127.0.0.1:" + port(), null, null, null);
            assertThat(http.send(get, outcomes)).isTrue();
            assertThat(http.send(get, outcomes)).isTrue();
            assertThat(http.send(get, outcomes)).as("both connections busy").isFalse();
            assertThat(http.openConnections()).isEqualTo(2);
            release.add(true);
            release.add(true);
            assertThat(outcomes.next()).isEqualTo(200);
            assertThat(outcomes.next()).isEqualTo(200);
        }
        assertThat(bodies).hasSize(2);
    }

    @Test
    void aServerThatGoesAwayFailsTheRequestInFlightAsAnIoError() throws Exception {
        holdRequests = true;
        CountDownLatch failed = new CountDownLatch(1);
        try (RawHttp http = new RawHttp("127.0.0.1", port(), 2)) {
            assertThat(http.send(RawHttp.encode("GET", "/a", "h", null, null, null), (status, failure) -> {
                if (status == -1 && failure != null) {
                    failed.countDown();
                }
            })).isTrue();
            while (bodies.isEmpty()) {
                Thread.sleep(5);
            }
            server.stop(0);
            release.add(true);
            assertThat(failed.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(http.openConnections()).isZero();
        }
    }

    @Test
    void aResponseWithoutALengthIsRefusedRatherThanMisread() {
        byte[] response = "HTTP/1.1 200 OK\r\nServer: x\r\n\r\nbody".getBytes(StandardCharsets.US_ASCII);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RawHttp.readResponse(new ByteArrayInputStream(response)))
                .isInstanceOf(IOException.class).hasMessageContaining("Content-Length");
    }
}
