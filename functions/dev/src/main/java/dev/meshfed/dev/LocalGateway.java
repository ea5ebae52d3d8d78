package dev.meshfed.dev;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.meshfed.apigateway.ApiGatewayAdapter;
import dev.meshfed.app.ca.CaFunctionsHandler;
import dev.meshfed.app.http.ErrorMapper;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.app.http.Utf8;
import dev.meshfed.app.http.RouteTable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The local stand-in for one DC's API Gateway HTTP API: an HTTP server that turns each request into
 * a payload 2.0 {@link APIGatewayV2HTTPEvent}, runs it through the same {@link ApiGatewayAdapter}
 * and {@link CaFunctionsHandler} the Lambda shims use, and writes the {@link APIGatewayV2HTTPResponse}
 * back. So the function code under {@code meshfed dev} sees the events a deployment's would.
 *
 * <p>The event, as API Gateway builds it:
 * <ul>
 *   <li>{@code routeKey} (also in {@code requestContext}) is the key the request selects among
 *       {@link RouteTable#local()}'s {@link RouteTable#apiGatewayRoutes()} ({@link RouteKeys}), or
 *       {@code $default}; never written here twice.</li>
 *   <li>{@code rawPath} and {@code rawQueryString} as sent (percent-escapes and {@code +} kept, no
 *       {@code ?}); {@code requestContext.http.path} is the same raw path.</li>
 *   <li>Header names lower-case; a header sent several times arrives once, its values joined by
 *       commas. {@code Cookie} headers become {@code cookies} (split on {@code ;}) and leave the
 *       headers. {@code x-forwarded-for}, {@code x-forwarded-port} and {@code x-forwarded-proto} are
 *       added as API Gateway adds them.</li>
 *   <li>The body as text when it is valid UTF-8, otherwise base64 with {@code isBase64Encoded}; no
 *       body: {@code null}.</li>
 * </ul>
 *
 * <p>Limits, as in AWS: a request body over Lambda's payload limit ({@value #MAX_BODY_BYTES} bytes)
 * is refused with 413 before it is read (from {@code Content-Length}) or as soon as the count passes
 * the limit (a chunked body); the function is not called. The number and total size of request
 * headers are bounded by the JDK server ({@code sun.net.httpserver.maxReqHeaders},
 * {@code sun.net.httpserver.maxReqHeadersSize}), which refuses more itself. Bodies are held in memory
 * up to that limit (a development tool on loopback; a deployment never sees them).
 * A fault inside the gateway is a 500 with the plain text {@value ErrorMapper#INTERNAL_ERROR}, logged
 * without body, query string or header values; a response never carries a stack trace.
 *
 * <p>Threads: {@value #THREADS} daemon threads named {@code gateway-<dc>-N}; a blocking query holds
 * one for up to its wait (at most 25 s), so that many requests run at once, and more wait in the queue.
 * One {@code FINE} log line per request: dc, method, raw path (no query: a {@code token} parameter may
 * be a secret), status, milliseconds.
 */
public final class LocalGateway implements AutoCloseable {

    /** Lambda's synchronous invocation payload limit: the largest request body passed on, in bytes. */
    public static final int MAX_BODY_BYTES = 6 * 1024 * 1024;
    /** The 413 text for a body over {@link #MAX_BODY_BYTES}. */
    public static final String BODY_TOO_LARGE = "request body too large: the limit is " + MAX_BODY_BYTES + " bytes";
    /**
     * After a 413, at most this many more body bytes are read and thrown away before the connection is
     * closed, so that a client still sending its body reads the answer instead of a reset (a lingering
     * close, as nginx does). Nothing of it is kept.
     */
    public static final long MAX_DISCARDED_BYTES = 2L * MAX_BODY_BYTES;
    /** Handler threads per gateway: a blocking query holds one for up to 25 s. */
    public static final int THREADS = 128;
    /** The listen backlog: connections the kernel holds before the server accepts them. */
    public static final int BACKLOG = 1024;
    /** How long {@link #close()} lets requests in flight finish, in seconds. */
    public static final int STOP_DELAY_SECONDS = 1;

    private static final System.Logger LOG = System.getLogger(LocalGateway.class.getName());
    /** API Gateway's {@code requestContext.time}, for example {@code 12/Mar/2020:19:03:58 +0000}. */
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final String datacenter;
    private final HttpServer server;
    private final ExecutorService executor;
    private final CaFunctionsHandler handler;
    private final ApiGatewayAdapter adapter = new ApiGatewayAdapter(new ErrorMapper());
    private final RouteKeys routeKeys = RouteKeys.of(RouteTable.local());
    private final Consumer<APIGatewayV2HTTPEvent> observer;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Exchanges being served (not idle keep-alive connections). */
    private final AtomicInteger inFlight = new AtomicInteger();

    private LocalGateway(String datacenter, HttpServer server, ExecutorService executor, CaFunctionsHandler handler,
                         Consumer<APIGatewayV2HTTPEvent> observer) {
        this.datacenter = datacenter;
        this.server = server;
        this.executor = executor;
        this.handler = handler;
        this.observer = observer;
    }

    /**
     * Starts serving on {@code address} (port 0: any free port); each request becomes an API Gateway
     * HTTP API payload 2.0 event for {@code handler}.
     *
     * @throws UncheckedIOException if the address cannot be bound
     */
    public static LocalGateway start(String datacenter, InetSocketAddress address, CaFunctionsHandler handler) {
        return start(datacenter, address, handler, event -> { });
    }

    /**
     * Turns Nagle's algorithm off for the JDK server's sockets (it reads this property once, when
     * its first server is made). With it on, the server writes headers and body separately and
     * the body waits for the client's delayed ACK: about 40 ms per request (measured: 706 signed
     * leaves per second at 32 clients with it on, about 2,970 with it off). An explicit setting by
     * the operator wins.
     */
    private static void noDelay() {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** {@link #start(String, InetSocketAddress, CaFunctionsHandler)}, showing each event to {@code observer} first (tests). */
    static LocalGateway start(String datacenter, InetSocketAddress address, CaFunctionsHandler handler,
                              Consumer<APIGatewayV2HTTPEvent> observer) {
        Objects.requireNonNull(observer, "observer");
        Objects.requireNonNull(datacenter, "datacenter");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(handler, "handler");
        HttpServer server;
        try {
            noDelay();
            server = HttpServer.create(address, BACKLOG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the gateway of " + datacenter + " to " + address, e);
        }
        ExecutorService executor = executor(datacenter);
        LocalGateway gateway = new LocalGateway(datacenter, server, executor, handler, observer);
        server.createContext("/", gateway::exchange);
        server.setExecutor(executor);
        server.start();
        return gateway;
    }

    private static ExecutorService executor(String datacenter) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "gateway-" + datacenter + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** {@code http://127.0.0.1:<port>} (the bound address). */
    public URI uri() {
        InetSocketAddress bound = server.getAddress();
        String host = bound.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + bound.getPort());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Lets requests in flight finish for up to {@value #STOP_DELAY_SECONDS} s, then stops: the port is
     * free and blocked handlers (a blocking query) are interrupted when this returns. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // HttpServer.stop(delay) waits the whole delay on JDK 17 even when nothing is in flight, so
        // wait for the requests in flight here and stop at once.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_DELAY_SECONDS);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        server.stop(0);
        executor.shutdownNow();
    }

    private void exchange(HttpExchange exchange) {
        long start = System.nanoTime();
        inFlight.incrementAndGet();
        String method = exchange.getRequestMethod();
        String rawPath = exchange.getRequestURI().getRawPath();
        try {
            serve(exchange, method, rawPath);
        } catch (IOException e) {
            // The client went away: nothing to answer.
            LOG.log(System.Logger.Level.DEBUG, () -> "gateway dc=" + datacenter + " method=" + method
                    + " path=" + rawPath + " connection lost: " + e.getClass().getSimpleName());
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "gateway dc=" + datacenter + " method=" + method
                    + " path=" + rawPath + ": unexpected error", e);
            trySend(exchange, 500, ErrorMapper.INTERNAL_ERROR);
            if (e instanceof Error error && !(e instanceof StackOverflowError)) {
                throw error;
            }
        } finally {
            exchange.close();
            long ms = (System.nanoTime() - start) / 1_000_000;
            int logged = exchange.getResponseCode();
            LOG.log(System.Logger.Level.DEBUG, () -> "request dc=" + datacenter + " method=" + method
                    + " path=" + rawPath + " status=" + logged + " ms=" + ms);
            inFlight.decrementAndGet(); // after the log line: close() waits for it
        }
    }

    /** Answers one exchange. */
    private void serve(HttpExchange exchange, String method, String rawPath) throws IOException {
        Headers requestHeaders = exchange.getRequestHeaders();
        long declared = contentLength(requestHeaders);
        if (declared > MAX_BODY_BYTES) {
            refuseTooLarge(exchange, Math.min(declared, MAX_DISCARDED_BYTES));
            return;
        }
        byte[] body = readBody(exchange.getRequestBody(), declared);
        if (body == null) {
            refuseTooLarge(exchange, MAX_DISCARDED_BYTES);
            return;
        }
        APIGatewayV2HTTPEvent event = event(exchange, method, rawPath, body);
        observer.accept(event);
        APIGatewayV2HTTPResponse response = adapter.handle(event, handler);
        write(exchange, method, response);
    }

    /** Bodies up to this declared length are read into one array of exactly that size. */
    static final int EXACT_READ_BYTES = 64 * 1024;

    /** The declared body length; -1 when there is none or it is not a number (the JDK server refuses those). */
    private static long contentLength(Headers headers) {
        String value = headers.getFirst("Content-Length");
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The whole body, or {@code null} once it passes {@link #MAX_BODY_BYTES}. */
    private static byte[] readBody(InputStream in, long declared) throws IOException {
        if (declared >= 0 && declared <= EXACT_READ_BYTES) {
            // The common case (a CSR, an intention): one array of the declared size, no buffer and
            // no copies; at 2,000 requests a second the garbage otherwise shows up as GC pauses.
            // Larger declared sizes take the loop below, so a client cannot make the server
            // allocate megabytes by declaring them.
            byte[] body = new byte[(int) declared];
            int n = in.readNBytes(body, 0, body.length);
            return n == body.length ? body : Arrays.copyOf(body, n);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = in.read(buffer)) != -1) {
            if ((long) out.size() + n > MAX_BODY_BYTES) {
                return null;
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /** Writes the 413, then discards up to {@code discard} body bytes and closes the connection. */
    private static void refuseTooLarge(HttpExchange exchange, long discard) throws IOException {
        exchange.getResponseHeaders().set("Connection", "close");
        sendText(exchange, 413, BODY_TOO_LARGE);
        InputStream in = exchange.getRequestBody();
        byte[] buffer = new byte[16 * 1024];
        long left = discard;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                break;
            }
            left -= n;
        }
    }

    private APIGatewayV2HTTPEvent event(HttpExchange exchange, String method, String rawPath, byte[] body) {
        String rawQuery = exchange.getRequestURI().getRawQuery();
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> cookies = new ArrayList<>();
        for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("cookie")) {
                for (String line : h.getValue()) {
                    for (String cookie : line.split(";")) {
                        if (!cookie.isBlank()) {
                            cookies.add(cookie.strip());
                        }
                    }
                }
                continue;
            }
            headers.merge(name, String.join(",", h.getValue()), (a, b) -> a + "," + b);
        }
        String sourceIp = exchange.getRemoteAddress().getAddress().getHostAddress();
        headers.merge("x-forwarded-for", sourceIp, (a, b) -> a + ", " + b);
        headers.putIfAbsent("x-forwarded-port", Integer.toString(port()));
        headers.putIfAbsent("x-forwarded-proto", "http");

        String routeKey = routeKeys.routeKey(method, rawPath);
        Instant now = Instant.now();
        String domainName = domainName(headers.get("host"));
        APIGatewayV2HTTPEvent.RequestContext context = APIGatewayV2HTTPEvent.RequestContext.builder()
                .withAccountId("local")
                .withApiId(datacenter)
                .withDomainName(domainName)
                .withDomainPrefix(domainName.contains(".") ? domainName.substring(0, domainName.indexOf('.')) : domainName)
                .withRequestId(UUID.randomUUID().toString())
                .withRouteKey(routeKey)
                .withStage("$default")
                .withTime(TIME.format(now))
                .withTimeEpoch(now.toEpochMilli())
                .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                        .withMethod(method)
                        .withPath(rawPath)
                        .withProtocol(exchange.getProtocol())
                        .withSourceIp(sourceIp)
                        .withUserAgent(headers.getOrDefault("user-agent", ""))
                        .build())
                .build();
        APIGatewayV2HTTPEvent.APIGatewayV2HTTPEventBuilder event = APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(routeKey)
                .withRawPath(rawPath)
                .withRawQueryString(rawQuery == null ? "" : rawQuery)
                .withHeaders(headers)
                .withRequestContext(context)
                .withIsBase64Encoded(false);
        if (!cookies.isEmpty()) {
            event.withCookies(cookies);
        }
        if (body.length > 0) {
            String text = utf8(body);
            if (text != null) {
                event.withBody(text);
            } else {
                event.withBody(Base64.getEncoder().encodeToString(body)).withIsBase64Encoded(true);
            }
        }
        return event.build();
    }

    /** The host of a {@code Host} header, without its port; {@code localhost} when there is none. */
    private static String domainName(String host) {
        if (host == null || host.isBlank()) {
            return "localhost";
        }
        String h = host.strip();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 ? h.substring(0, end + 1) : h;
        }
        int colon = h.indexOf(':');
        return colon >= 0 ? h.substring(0, colon) : h;
    }

    private static String utf8(byte[] body) {
        return Utf8.decode(body).orElse(null);
    }

    /** Writes {@code response} as API Gateway does. */
    private static void write(HttpExchange exchange, String method, APIGatewayV2HTTPResponse response) throws IOException {
        int status = response.getStatusCode();
        if (status < 100 || status > 599) {
            // API Gateway answers a malformed integration response with a 500.
            throw new IllegalStateException("integration response with status " + status);
        }
        Headers out = exchange.getResponseHeaders();
        if (response.getHeaders() != null) {
            response.getHeaders().forEach((name, value) -> {
                if (name != null && value != null && !name.equalsIgnoreCase("Content-Length")) {
                    out.set(name, value);
                }
            });
        }
        if (response.getMultiValueHeaders() != null) {
            response.getMultiValueHeaders().forEach((name, values) -> {
                if (name != null && values != null && !name.equalsIgnoreCase("Content-Length")) {
                    values.stream().filter(Objects::nonNull).forEach(v -> out.add(name, v));
                }
            });
        }
        if (response.getCookies() != null) {
            response.getCookies().stream().filter(Objects::nonNull).forEach(c -> out.add("Set-Cookie", c));
        }
        String body = response.getBody();
        byte[] bytes;
        if (body == null) {
            bytes = new byte[0];
        } else if (response.getIsBase64Encoded()) {
            bytes = Base64.getDecoder().decode(body);
        } else {
            bytes = body.getBytes(StandardCharsets.UTF_8);
        }
        send(exchange, method, status, bytes);
    }

    private static void sendText(HttpExchange exchange, int status, String text) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", HttpResponse.TEXT_PLAIN);
        send(exchange, exchange.getRequestMethod(), status, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Status, {@code Content-Length} and body (none for HEAD, 204 and 304). */
    private static void send(HttpExchange exchange, String method, int status, byte[] bytes) throws IOException {
        boolean noBody = method.equals("HEAD") || status == 204 || status == 304 || status < 200;
        if (noBody) {
            if (method.equals("HEAD") && status != 204 && status != 304) {
                exchange.getResponseHeaders().set("Content-Length", Integer.toString(bytes.length));
            }
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            // Flushed, not closed: the exchange is closed once the request body is dealt with.
            OutputStream os = exchange.getResponseBody();
            os.write(bytes);
            os.flush();
        }
    }

    /** The 500 for a fault, if the status line has not gone out yet. */
    private static void trySend(HttpExchange exchange, int status, String text) {
        if (exchange.getResponseCode() != -1) {
            return; // headers already sent: closing the exchange cuts the response short
        }
        try {
            exchange.getResponseHeaders().clear();
            sendText(exchange, status, text);
        } catch (IOException | RuntimeException ignored) {
            // the client is gone
        }
    }

    @Override
    public String toString() {
        return "LocalGateway[" + datacenter + " " + (closed.get() ? "closed" : uri()) + "]";
    }
}
