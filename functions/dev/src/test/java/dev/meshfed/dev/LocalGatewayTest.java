package dev.meshfed.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.meshfed.app.ca.CaFunctionsHandler;
import dev.meshfed.app.http.ErrorMapper;
import dev.meshfed.app.http.FunctionName;
import dev.meshfed.app.http.HttpFunction;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.app.http.RouteMatch;
import dev.meshfed.app.http.RouteTable;
import dev.meshfed.core.error.RateLimited;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The local gateway over real HTTP on 127.0.0.1: the payload 2.0 events it builds, as a recording
 * function sees them through {@link CaFunctionsHandler} (the requests) and as {@link RouteKeys} selects
 * their route keys; limits, errors, concurrency and shutdown.
 */
@Timeout(60)
class LocalGatewayTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    /** Every request a function received. */
    private final ConcurrentLinkedQueue<HttpRequest> received = new ConcurrentLinkedQueue<>();
    /** Every event the gateway built, before the adapter. */
    private final ConcurrentLinkedQueue<APIGatewayV2HTTPEvent> events = new ConcurrentLinkedQueue<>();
    private LocalGateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    /** Every HTTP function answers 200 with {@code function=<name>} and records the request. */
    private CaFunctionsHandler recording() {
        Map<FunctionName, HttpFunction> functions = new EnumMap<>(FunctionName.class);
        for (FunctionName f : FunctionName.values()) {
            if (f.http()) {
                functions.put(f, (request, match) -> {
                    received.add(request);
                    return HttpResponse.text(200, "function=" + f.functionName());
                });
            }
        }
        return new CaFunctionsHandler(RouteTable.local(), functions, new ErrorMapper());
    }

    private LocalGateway start(CaFunctionsHandler handler) {
        gateway = LocalGateway.start("dc1", ANY_PORT, handler, events::add);
        return gateway;
    }

    private LocalGateway start(FunctionName name, HttpFunction function) {
        return start(new CaFunctionsHandler(RouteTable.local(), Map.of(name, function), new ErrorMapper()));
    }

    private java.net.http.HttpResponse<String> send(String method, String pathAndQuery, byte[] body,
                                                    String... headers) throws Exception {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(URI.create(gateway.uri() + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null
                        ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), BodyHandlers.ofString());
    }

    private java.net.http.HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
        return send("GET", pathAndQuery, null, headers);
    }

    @Test
    void uri_names_the_loopback_address_and_the_bound_port() {
        start(recording());
        assertThat(gateway.port()).isPositive();
        assertThat(gateway.uri()).isEqualTo(URI.create("http://127.0.0.1:" + gateway.port()));
    }

    @Test
    void route_keys_come_from_the_route_table() {
        RouteKeys keys = RouteKeys.of(RouteTable.local());
        // exact and parameter routes: ANY, the function answers other methods itself
        assertThat(keys.routeKey("GET", "/v1/connect/ca/roots")).isEqualTo("ANY /v1/connect/ca/roots");
        assertThat(keys.routeKey("DELETE", "/v1/connect/ca/roots")).isEqualTo("ANY /v1/connect/ca/roots");
        assertThat(keys.routeKey("GET", "/v1/agent/connect/ca/leaf/web"))
                .isEqualTo("ANY /v1/agent/connect/ca/leaf/{service}");
        // split path: the exact method beats ANY
        assertThat(keys.routeKey("GET", "/v1/connect/ca/configuration")).isEqualTo("GET /v1/connect/ca/configuration");
        assertThat(keys.routeKey("PUT", "/v1/connect/ca/configuration")).isEqualTo("ANY /v1/connect/ca/configuration");
        assertThat(keys.routeKey("HEAD", "/v1/connect/ca/configuration")).isEqualTo("ANY /v1/connect/ca/configuration");
        // literal beats parameter
        assertThat(keys.routeKey("GET", "/v1/connect/intentions/exact")).isEqualTo("ANY /v1/connect/intentions/exact");
        assertThat(keys.routeKey("GET", "/v1/connect/intentions/abc")).isEqualTo("ANY /v1/connect/intentions/{id}");
        // a malformed parameter is still routed (the function refuses it)
        assertThat(keys.routeKey("GET", "/v1/agent/connect/ca/leaf/%ZZ")).isEqualTo("ANY /v1/agent/connect/ca/leaf/{service}");
        // no match
        assertThat(keys.routeKey("GET", "/v1/nope")).isEqualTo("$default");
        assertThat(keys.routeKey("GET", "/v1/connect/ca/roots/")).isEqualTo("$default");
        assertThat(keys.routeKey("GET", "/v1/agent/connect/ca/leaf/")).isEqualTo("$default");
        assertThat(keys.routeKey("GET", "/")).isEqualTo("$default");
        // the dev controls are not API Gateway routes
        assertThat(keys.routeKey("POST", "/v1/dev/heal")).isEqualTo("$default");
        // every key selected is a key the table declares
        assertThat(RouteTable.local().apiGatewayRouteKeys()).contains(
                keys.routeKey("GET", "/v1/acl/token/self"), keys.routeKey("GET", "/v1/acl/token/x"));
    }

    @Test
    void the_event_carries_the_route_key_the_request_selects() throws Exception {
        start(recording());
        assertThat(get("/v1/connect/ca/roots").body()).isEqualTo("function=fetch-roots");
        assertThat(get("/v1/agent/connect/ca/leaf/web").body()).isEqualTo("function=sign-csr");
        assertThat(get("/v1/connect/ca/configuration").body()).isEqualTo("function=fetch-roots");
        assertThat(send("PUT", "/v1/connect/ca/configuration", "{}".getBytes(StandardCharsets.UTF_8)).body())
                .isEqualTo("function=ca-admin");
        assertThat(get("/v1/unknown").statusCode()).isEqualTo(404);
        assertThat(events).extracting(APIGatewayV2HTTPEvent::getRouteKey).containsExactly(
                "ANY /v1/connect/ca/roots",
                "ANY /v1/agent/connect/ca/leaf/{service}",
                "GET /v1/connect/ca/configuration",
                "ANY /v1/connect/ca/configuration",
                "$default");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.getRequestContext().getRouteKey()).isEqualTo(e.getRouteKey());
            assertThat(RouteTable.local().apiGatewayRouteKeys()).contains(e.getRouteKey());
        });
        assertThat(received).hasSize(4);
    }

    @Test
    void an_unknown_path_goes_to_default_and_answers_consuls_404() throws Exception {
        start(recording());
        var r = get("/v1/not/a/route");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).isEqualTo(RouteMatch.NotFound.UNKNOWN_ENDPOINT + "\n");
        assertThat(r.headers().firstValue("content-type")).contains(HttpResponse.TEXT_PLAIN);
        assertThat(received).isEmpty();
    }

    @Test
    void raw_path_and_raw_query_pass_unchanged() throws Exception {
        start(recording());
        get("/v1/agent/connect/ca/leaf/web%41x%20y+z?tag=a&tag=b&q=a+b%2Bc%26d&empty=&flag");
        HttpRequest r = received.remove();
        assertThat(r.rawPath()).isEqualTo("/v1/agent/connect/ca/leaf/web%41x%20y+z");
        assertThat(r.rawQueryString()).isEqualTo("tag=a&tag=b&q=a+b%2Bc%26d&empty=&flag");
        APIGatewayV2HTTPEvent e = events.remove();
        assertThat(e.getRawPath()).isEqualTo("/v1/agent/connect/ca/leaf/web%41x%20y+z");
        assertThat(e.getRouteKey()).isEqualTo("ANY /v1/agent/connect/ca/leaf/{service}");

        get("/v1/connect/ca/roots");
        assertThat(received.remove().rawQueryString()).isEmpty();
        assertThat(events.remove().getRawQueryString()).isEmpty();

        // API Gateway routes a parameter holding %2F; the route table refuses it (400), not the gateway
        var slash = get("/v1/agent/connect/ca/leaf/a%2Fb");
        assertThat(slash.statusCode()).isEqualTo(400);
        assertThat(events.remove().getRouteKey()).isEqualTo("ANY /v1/agent/connect/ca/leaf/{service}");
        assertThat(received).isEmpty();
    }

    @Test
    void headers_are_lower_cased_and_repeated_ones_joined_with_commas() throws Exception {
        start(recording());
        get("/v1/connect/ca/roots", "X-Consul-Token", "t1", "X-Tag", "a", "X-Tag", "b", "X-TAG", "c",
                "Cookie", "a=1; b=2");
        HttpRequest r = received.remove();
        assertThat(r.headers()).containsKey("x-consul-token");
        assertThat(r.headers().keySet()).allSatisfy(name -> assertThat(name).isLowerCase());
        assertThat(r.header("x-tag")).contains("a,b,c");
        assertThat(r.header("cookie")).as("cookies move to the cookies list").isEmpty();
        assertThat(r.header("x-forwarded-proto")).contains("http");
        assertThat(r.sourceIp()).isEqualTo("127.0.0.1");
        Map<String, String> eventHeaders = events.remove().getHeaders();
        assertThat(eventHeaders).containsEntry("x-tag", "a,b,c").containsEntry("x-consul-token", "t1");
        assertThat(eventHeaders.keySet()).allSatisfy(name -> assertThat(name).isLowerCase());
    }

    @Test
    void the_built_event_is_payload_2_0() throws Exception {
        start(recording());
        long before = System.currentTimeMillis();
        get("/v1/connect/ca/roots?x=1", "User-Agent", "test-agent", "Cookie", "a=1; b=2", "Cookie", "c=3");
        APIGatewayV2HTTPEvent e = events.remove();
        assertThat(e.getVersion()).isEqualTo("2.0");
        assertThat(e.getRawPath()).isEqualTo("/v1/connect/ca/roots");
        assertThat(e.getRawQueryString()).isEqualTo("x=1");
        assertThat(e.getCookies()).containsExactly("a=1", "b=2", "c=3");
        assertThat(e.getHeaders()).doesNotContainKey("cookie")
                .containsEntry("user-agent", "test-agent")
                .containsEntry("x-forwarded-for", "127.0.0.1")
                .containsEntry("x-forwarded-port", Integer.toString(gateway.port()));
        assertThat(e.getBody()).isNull();
        assertThat(e.getIsBase64Encoded()).isFalse();
        APIGatewayV2HTTPEvent.RequestContext c = e.getRequestContext();
        assertThat(c.getAccountId()).isEqualTo("local");
        assertThat(c.getStage()).isEqualTo("$default");
        assertThat(c.getDomainName()).isEqualTo("127.0.0.1");
        assertThat(c.getRequestId()).isNotBlank();
        assertThat(c.getTimeEpoch()).isBetween(before - 1000, System.currentTimeMillis() + 1000);
        assertThat(c.getTime()).matches("\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000");
        assertThat(c.getHttp().getMethod()).isEqualTo("GET");
        assertThat(c.getHttp().getPath()).isEqualTo("/v1/connect/ca/roots");
        assertThat(c.getHttp().getProtocol()).isEqualTo("HTTP/1.1");
        assertThat(c.getHttp().getSourceIp()).isEqualTo("127.0.0.1");
        assertThat(c.getHttp().getUserAgent()).isEqualTo("test-agent");

        get("/v1/connect/ca/roots");
        assertThat(events.remove().getRequestContext().getRequestId()).isNotEqualTo(c.getRequestId());
    }

    @Test
    void a_binary_body_arrives_intact() throws Exception {
        start(recording());
        byte[] body = new byte[256];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }
        var r = send("POST", "/v1/connect/ca/sign", body, "Content-Type", "application/octet-stream");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(received.remove().body()).isEqualTo(body);
        APIGatewayV2HTTPEvent binary = events.remove();
        assertThat(binary.getIsBase64Encoded()).isTrue();
        assertThat(java.util.Base64.getDecoder().decode(binary.getBody())).isEqualTo(body);

        String text = "{\"CSR\":\"é ✓\"}";
        send("POST", "/v1/connect/ca/sign", text.getBytes(StandardCharsets.UTF_8));
        assertThat(received.remove().bodyUtf8()).isEqualTo(text);
        APIGatewayV2HTTPEvent utf8 = events.remove();
        assertThat(utf8.getIsBase64Encoded()).isFalse();
        assertThat(utf8.getBody()).isEqualTo(text);
    }

    @Test
    void a_body_over_six_megabytes_is_413_and_the_function_is_not_called() throws Exception {
        start(recording());
        var r = send("POST", "/v1/connect/ca/sign", new byte[LocalGateway.MAX_BODY_BYTES + 1]);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).isEqualTo(LocalGateway.BODY_TOO_LARGE);
        assertThat(received).isEmpty();
    }

    @Test
    void a_declared_length_over_the_limit_is_refused_before_the_body_is_sent() throws Exception {
        start(recording());
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("POST /v1/connect/ca/sign HTTP/1.1\r\nHost: x\r\nContent-Length: "
                    + (LocalGateway.MAX_BODY_BYTES + 1) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String response = readResponse(s.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 413").contains(LocalGateway.BODY_TOO_LARGE);
        }
        assertThat(received).isEmpty();
    }

    @Test
    void a_chunked_body_over_the_limit_is_counted_and_refused() throws Exception {
        start(recording());
        var request = java.net.http.HttpRequest.newBuilder(URI.create(gateway.uri() + "/v1/connect/ca/sign"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(new byte[LocalGateway.MAX_BODY_BYTES + 1])))
                .build();
        var r = client.send(request, BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(received).isEmpty();
    }

    @Test
    void a_response_keeps_status_headers_and_body() throws Exception {
        String json = "{\"ActiveRootID\":\"r1\",\"Name\":\"é ✓\"}";
        start(FunctionName.FETCH_ROOTS, (request, match) -> HttpResponse.json(200, json)
                .withHeader("X-Consul-Index", "42")
                .withHeader("X-Consul-KnownLeader", "true")
                .withHeader("Retry-After", "3"));
        var r = get("/v1/connect/ca/roots");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(json);
        assertThat(r.headers().firstValue("retry-after")).contains("3");
        assertThat(r.headers().firstValue("x-consul-index")).contains("42");
        assertThat(r.headers().firstValue("x-consul-knownleader")).contains("true");
        assertThat(r.headers().firstValue("content-type")).contains("application/json");
        assertThat(r.headers().firstValue("content-length"))
                .contains(Integer.toString(json.getBytes(StandardCharsets.UTF_8).length));
    }

    @Test
    void a_core_error_becomes_the_error_mappers_response_with_retry_after() throws Exception {
        start(FunctionName.SIGN_CSR, (request, match) -> {
            throw new RateLimited("too many signing requests", Duration.ofMillis(1500));
        });
        var r = send("POST", "/v1/connect/ca/sign", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("retry-after")).contains("2");
        assertThat(r.body()).isEqualTo("too many signing requests");
    }

    @Test
    void a_function_that_throws_gives_a_500_without_a_stack_trace() throws Exception {
        start(FunctionName.FETCH_ROOTS, (request, match) -> {
            throw new IllegalStateException("secret detail at dev.meshfed.Something");
        });
        var r = get("/v1/connect/ca/roots");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).startsWith(ErrorMapper.INTERNAL_ERROR + ", error ID ")
                .doesNotContain("secret", "Exception", "at dev.");
    }

    @Test
    void a_fault_inside_the_gateway_is_a_plain_500() throws Exception {
        gateway = LocalGateway.start("dc1", ANY_PORT, recording(), event -> {
            throw new IllegalStateException("gateway bug with secret detail");
        });
        var r = get("/v1/connect/ca/roots", "X-Consul-Token", "secret");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).isEqualTo(ErrorMapper.INTERNAL_ERROR);
        assertThat(r.headers().firstValue("content-type")).contains(HttpResponse.TEXT_PLAIN);
        assertThat(received).isEmpty();
        // the gateway keeps serving
        assertThat(get("/v1/connect/ca/roots").statusCode()).isEqualTo(500);
    }

    @Test
    void a_wrong_method_is_405_with_allow_and_options_and_head_go_through() throws Exception {
        start(recording());
        var r = send("DELETE", "/v1/connect/ca/configuration", null);
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("allow")).contains("OPTIONS,GET,PUT");
        assertThat(r.body()).isEqualTo("method DELETE not allowed");

        var options = send("OPTIONS", "/v1/connect/ca/roots", null);
        assertThat(options.statusCode()).isEqualTo(200);
        assertThat(options.headers().firstValue("allow")).contains("OPTIONS,GET");

        var head = send("HEAD", "/v1/connect/ca/roots", null);
        assertThat(head.statusCode()).as("HEAD is not an allowed method of the route").isEqualTo(405);
        assertThat(head.body()).isEmpty();
        assertThat(received).isEmpty();
    }

    @Test
    void keep_alive_and_connection_close_both_work() throws Exception {
        start(recording());
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write("GET /v1/connect/ca/roots HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200").endsWith("function=fetch-roots");
            out.write("GET /v1/agent/self HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200").endsWith("function=fetch-roots");
            assertThat(in.read()).as("the server closes after Connection: close").isEqualTo(-1);
        }
        assertThat(received).hasSize(2);
    }

    @Test
    void sixty_four_concurrent_requests_run_at_once() throws Exception {
        int n = 64;
        CountDownLatch arrived = new CountDownLatch(n);
        start(FunctionName.FETCH_ROOTS, (request, match) -> {
            arrived.countDown();
            try {
                boolean all = arrived.await(20, TimeUnit.SECONDS);
                return HttpResponse.text(all ? 200 : 503, all ? "together" : "alone");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return HttpResponse.text(503, "interrupted");
            }
        });
        List<CompletableFuture<java.net.http.HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(client.sendAsync(java.net.http.HttpRequest.newBuilder(URI.create(gateway.uri() + "/v1/connect/ca/roots"))
                    .timeout(Duration.ofSeconds(30)).build(), BodyHandlers.ofString()));
        }
        for (var f : futures) {
            var r = f.get(40, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("together");
        }
    }

    @Test
    void close_frees_the_port_and_is_idempotent() throws Exception {
        start(recording());
        int port = gateway.port();
        assertThat(get("/v1/connect/ca/roots").statusCode()).isEqualTo(200);
        long t0 = System.nanoTime();
        gateway.close();
        gateway.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        assertThatCode(() -> {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            }
        }).doesNotThrowAnyException();
        gateway = null;
    }

    @Test
    void close_lets_a_short_request_finish_and_cuts_a_long_one_within_about_a_second() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        start(FunctionName.FETCH_ROOTS, (request, match) -> {
            arrived.countDown();
            try {
                Thread.sleep(request.rawQueryString().equals("long") ? 25_000 : 300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return HttpResponse.text(200, "done");
        });
        var shortRequest = client.sendAsync(java.net.http.HttpRequest.newBuilder(
                URI.create(gateway.uri() + "/v1/connect/ca/roots")).build(), BodyHandlers.ofString());
        assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
        gateway.close();
        assertThat(shortRequest.get(10, TimeUnit.SECONDS).body()).isEqualTo("done");

        CountDownLatch arrivedLong = new CountDownLatch(1);
        gateway = LocalGateway.start("dc1", ANY_PORT, new CaFunctionsHandler(RouteTable.local(),
                Map.of(FunctionName.FETCH_ROOTS, (request, match) -> {
                    arrivedLong.countDown();
                    try {
                        Thread.sleep(25_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return HttpResponse.text(200, "late");
                }), new ErrorMapper()));
        client.sendAsync(java.net.http.HttpRequest.newBuilder(URI.create(gateway.uri() + "/v1/connect/ca/roots"))
                .build(), BodyHandlers.discarding());
        assertThat(arrivedLong.await(10, TimeUnit.SECONDS)).isTrue();
        long t0 = System.nanoTime();
        gateway.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void one_fine_line_per_request_without_query_or_header_values() throws Exception {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(LocalGateway.class.getName());
        List<java.util.logging.LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(java.util.logging.Level.ALL);
        java.util.logging.Level before = logger.getLevel();
        logger.setLevel(java.util.logging.Level.FINE);
        logger.addHandler(capture);
        try {
            start(recording());
            get("/v1/connect/ca/roots?token=query-secret", "X-Consul-Token", "header-secret");
            gateway.close();
            assertThat(records).hasSize(1);
            java.util.logging.LogRecord r = records.get(0);
            assertThat(r.getLevel()).isEqualTo(java.util.logging.Level.FINE);
            assertThat(r.getMessage()).contains("dc=dc1", "method=GET", "path=/v1/connect/ca/roots", "status=200", "ms=")
                    .doesNotContain("secret", "token", "?");
        } finally {
            logger.removeHandler(capture);
            logger.setLevel(before);
        }
    }

    /** Reads one HTTP/1.1 response with a {@code Content-Length}: status line, headers, body. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the headers: " + head);
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        return headers + new String(body, StandardCharsets.UTF_8);
    }
}
