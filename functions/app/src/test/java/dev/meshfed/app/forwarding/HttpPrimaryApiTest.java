package dev.meshfed.app.forwarding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.core.error.NotPrimary;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link HttpPrimaryApi} against a real HTTP server on 127.0.0.1 standing in for the primary's API. */
class HttpPrimaryApiTest {

    private static final String TOKEN = "3f1c6a5e-5b1d-4c2e-9a7f-0123456789ab";

    /** What the stand-in primary received. */
    record Received(String method, String path, String query, Map<String, String> headers, String body) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.stop(0);
        }
    }

    private interface Answer {
        void answer(HttpExchange exchange) throws Exception;
    }

    /** Starts the stand-in primary answering every path with {@code answer}; returns its base URI. */
    private URI primary(Answer answer) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, String.join(",", v)));
                received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                        exchange.getRequestURI().getRawQuery(), headers,
                        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                answer.answer(exchange);
            } catch (Exception e) {
                // the client went away (a timeout test): nothing to answer
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static void send(HttpExchange ex, int status, String body, Map<String, String> headers) throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static HttpPrimaryApi api(URI base) {
        return new HttpPrimaryApi(base, "dc1", "dc2", Duration.ofSeconds(2), Duration.ofSeconds(5), 1024);
    }

    private static HttpRequest tokenCreate() {
        return HttpRequest.builder("PUT", "/v1/acl/token")
                .rawQueryString("dc=dc1&x=%2Fa")
                .header("Content-Type", "application/json")
                .header("X-Consul-Token", TOKEN)
                .header("Cookie", "session=should-not-travel")
                .header("X-Forwarded-For", "203.0.113.9")
                .body("{\"Description\":\"web\"}")
                .build();
    }

    @Test
    void methodPathQueryBodyAndTokenGoToThePrimaryWithTheKeyAndOrigin() throws Exception {
        URI base = primary(ex -> send(ex, 200, "{\"SecretID\":\"s\"}", Map.of("Content-Type", "application/json",
                "X-Consul-Index", "42", "X-Consul-KnownLeader", "true", "X-Consul-LastContact", "0",
                "Set-Cookie", "a=b", "X-Amzn-RequestId", "r1")));

        HttpResponse r = api(base).forward(tokenCreate(), "key-1");

        Received got = received.get(0);
        assertThat(got.method()).isEqualTo("PUT");
        assertThat(got.path()).isEqualTo("/v1/acl/token");
        assertThat(got.query()).isEqualTo("dc=dc1&x=%2Fa");
        assertThat(got.body()).isEqualTo("{\"Description\":\"web\"}");
        assertThat(got.headers()).containsEntry("X-Consul-Token", TOKEN)
                .containsEntry("Content-Type", "application/json")
                .containsEntry(PrimaryApi.IDEMPOTENCY_KEY, "key-1")
                .containsEntry(PrimaryApi.FORWARDED_FROM, "dc2")
                .doesNotContainKeys("Cookie", "X-Forwarded-For");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"SecretID\":\"s\"}");
        assertThat(r.header("Content-Type")).contains("application/json");
        assertThat(r.header("X-Consul-Index")).contains("42");
        assertThat(r.header("X-Consul-KnownLeader")).contains("true");
        assertThat(r.header("X-Consul-LastContact")).contains("0");
        assertThat(r.header("Set-Cookie")).isEmpty();
        assertThat(r.header("X-Amzn-RequestId")).isEmpty();
    }

    @Test
    void aBearerTokenAndABodylessDeleteGoAsTheyCame() throws Exception {
        URI base = primary(ex -> send(ex, 200, "true", Map.of()));
        HttpRequest delete = HttpRequest.builder("DELETE", "/v1/acl/token/a%2B1")
                .header("Authorization", "Bearer " + TOKEN).build();

        api(URI.create(base + "/")).forward(delete, "k");

        assertThat(received.get(0).method()).isEqualTo("DELETE");
        assertThat(received.get(0).path()).isEqualTo("/v1/acl/token/a%2B1");
        assertThat(received.get(0).query()).isNull();
        assertThat(received.get(0).body()).isEmpty();
        assertThat(received.get(0).headers()).containsEntry("Authorization", "Bearer " + TOKEN);
    }

    @Test
    void aPathPrefixOfTheBaseUriIsKept() throws Exception {
        URI base = primary(ex -> send(ex, 200, "ok", Map.of()));
        api(URI.create(base + "/prod")).forward(tokenCreate(), "k");
        assertThat(received.get(0).path()).isEqualTo("/prod/v1/acl/token");
    }

    @Test
    void thePrimarysRefusalsAreAnswersNotFailures() throws Exception {
        URI base = primary(ex -> send(ex, 403, "Permission denied", Map.of("Content-Type", "text/plain; charset=utf-8")));
        HttpResponse r = api(base).forward(tokenCreate(), "k");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).isEqualTo("Permission denied");
        URI base2 = primary(ex -> send(ex, 503, "not ready", Map.of("Retry-After", "7")));
        assertThat(api(base2).forward(tokenCreate(), "k").header("Retry-After")).contains("7");
    }

    @Test
    void noAnswerWithinTheTimeoutIsNotPrimary() throws Exception {
        URI base = primary(ex -> {
            release.await(10, TimeUnit.SECONDS);
            send(ex, 200, "late", Map.of());
        });
        HttpPrimaryApi api = new HttpPrimaryApi(base, "dc1", "dc2", Duration.ofSeconds(2), Duration.ofMillis(200), 1024);
        long start = System.nanoTime();
        assertThatThrownBy(() -> api.forward(tokenCreate(), "k"))
                .isInstanceOf(NotPrimary.class)
                .hasMessage("the primary datacenter dc1 did not answer within 200 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aRefusedConnectionIsNotPrimary() throws Exception {
        URI base = primary(ex -> send(ex, 200, "", Map.of()));
        server.stop(0);
        server = null;
        assertThatThrownBy(() -> api(base).forward(tokenCreate(), "k"))
                .isInstanceOf(NotPrimary.class)
                .hasMessageStartingWith("the primary datacenter dc1 ")
                .hasMessageNotContaining(TOKEN);
    }

    @Test
    void anAnswerOverTheLimitIsNotPrimaryAndOneAtTheLimitIsFine() throws Exception {
        AtomicInteger size = new AtomicInteger(1025);
        URI base = primary(ex -> send(ex, 200, "x".repeat(size.get()), Map.of()));
        assertThatThrownBy(() -> api(base).forward(tokenCreate(), "k"))
                .isInstanceOf(NotPrimary.class)
                .hasMessage("the primary datacenter dc1 answered more than 1024 bytes");
        size.set(1024);
        assertThat(api(base).forward(tokenCreate(), "k").body()).hasSize(1024);
    }

    @Test
    void aRedirectIsNeverFollowed() throws Exception {
        AtomicInteger elsewhere = new AtomicInteger();
        URI base = primary(ex -> {
            if (ex.getRequestURI().getPath().startsWith("/elsewhere")) {
                elsewhere.incrementAndGet();
                send(ex, 200, "followed", Map.of());
            } else {
                send(ex, 307, "", Map.of("Location", "/elsewhere"));
            }
        });
        assertThatThrownBy(() -> api(base).forward(tokenCreate(), "k"))
                .isInstanceOf(NotPrimary.class)
                .hasMessageContaining("redirect");
        assertThat(elsewhere.get()).isZero();
        assertThat(received).hasSize(1);
    }

    @Test
    void aBodyThatIsNotUtf8IsNotPrimary() throws Exception {
        URI base = primary(ex -> {
            ex.sendResponseHeaders(200, 2);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(new byte[] {(byte) 0xC3, (byte) 0x28});
            }
        });
        assertThatThrownBy(() -> api(base).forward(tokenCreate(), "k")).isInstanceOf(NotPrimary.class)
                .hasMessageContaining("not UTF-8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://primary.example.com", "http://10.0.0.1:8500", "http://localhost.example.com",
        "ftp://127.0.0.1", "https://user:pw@primary.example.com", "https://primary.example.com?x=1",
        "https://primary.example.com#f", "primary.example.com", "http://[::2]:8500", "http://127.example.com"})
    void aUriThatIsNotHttpsOrLoopbackHttpIsRefused(String uri) {
        assertThatThrownBy(() -> new HttpPrimaryApi(URI.create(uri), "dc1", "dc2"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://abc.execute-api.eu-west-1.amazonaws.com", "https://api.example.com/prod/",
        "http://127.0.0.1:8500", "http://localhost:8500", "http://[::1]:8500", "http://127.1.2.3"})
    void httpsAndLoopbackHttpAreAccepted(String uri) {
        assertThat(new HttpPrimaryApi(URI.create(uri), "dc1", "dc2").primaryDc()).isEqualTo("dc1");
    }

    @Test
    void theDefaultsFitUnderApiGatewaysLimit() {
        assertThat(HttpPrimaryApi.REQUEST_TIMEOUT).isLessThan(Duration.ofSeconds(29));
        assertThat(HttpPrimaryApi.CONNECT_TIMEOUT).isLessThan(HttpPrimaryApi.REQUEST_TIMEOUT);
        assertThat(HttpPrimaryApi.MAX_RESPONSE_BYTES).isEqualTo(1024 * 1024);
    }
}
