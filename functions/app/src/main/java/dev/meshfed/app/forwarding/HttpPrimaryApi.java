package dev.meshfed.app.forwarding;

import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.app.http.Tokens;
import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.error.NotPrimary;

import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * {@link PrimaryApi} over HTTPS with the JDK's {@link HttpClient} (no SDK, no new dependency).
 *
 * <p>What goes to the primary: the method, raw path and raw query string as received (so a
 * {@code ?token=} goes along), the body, {@code Content-Type}, the caller's token headers
 * ({@code X-Consul-Token}, {@code Authorization}), plus {@value PrimaryApi#IDEMPOTENCY_KEY} and
 * {@value PrimaryApi#FORWARDED_FROM}. Nothing else: no cookies, no client addresses, no gateway
 * headers. What comes back: the status, the body and {@link #RETURNED_HEADERS}.
 *
 * <p>Refused as {@link NotPrimary} (outcome unknown, retry with the same key is safe): no connection
 * within {@link #CONNECT_TIMEOUT}, no complete answer within {@link #REQUEST_TIMEOUT}, a body over
 * {@link #MAX_RESPONSE_BYTES}, a redirect (never followed: it would carry the caller's token to
 * another host, and the primary's API never redirects), a status outside 100–599, a body that is
 * not UTF-8.
 *
 * <p>The base URI must be {@code https}; plain {@code http} is accepted only for a loopback host
 * ({@code localhost}, {@code 127.0.0.0/8}, {@code ::1}), which is how {@code meshfed dev} and the
 * tests reach a primary in the same machine. Logs name the DCs, the method and the path, never the
 * query string, a header value or the body. Thread-safe.
 */
public final class HttpPrimaryApi implements PrimaryApi {

    /** How long to wait for a connection (TCP and TLS) to the primary. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * How long the whole forwarded call may take, from sending to the last byte of the answer. API
     * Gateway gives an integration at most 29 s (architecture.md flow 6); 25 s leaves the secondary
     * time to answer its own client with a 503 and {@code Retry-After} before the gateway cuts it
     * off with a bare 504, and the primary's own gateway limit still applies on its side.
     */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(25);
    /** The largest answer accepted from the primary: far above any write response, far below Lambda's 6 MB. */
    public static final int MAX_RESPONSE_BYTES = 1024 * 1024;
    /** The request headers forwarded besides the two meshfed adds. */
    public static final List<String> FORWARDED_HEADERS = List.of("Content-Type", Tokens.HEADER, Tokens.AUTHORIZATION);
    /** The response headers returned to the caller; all others (cookies, gateway headers) are dropped. */
    public static final List<String> RETURNED_HEADERS = List.of("Content-Type", "X-Consul-Index",
            "X-Consul-KnownLeader", "X-Consul-LastContact", "Retry-After", "Allow", PrimaryApi.IDEMPOTENT_REPLAY);

    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.\\d{1,3}){3}");
    private static final System.Logger LOG = System.getLogger(HttpPrimaryApi.class.getName());

    private final String base;
    private final String primaryDc;
    private final String localDc;
    private final HttpClient client;
    private final Duration requestTimeout;
    private final int maxResponseBytes;

    /**
     * Forwards to the primary's API at {@code baseUri} with the default timeouts and limit.
     *
     * @param baseUri   the primary's API, for example {@code https://abc.execute-api.eu-west-1.amazonaws.com};
     *                  a path prefix is kept, a trailing {@code /} dropped
     * @param primaryDc the primary's DC name, for messages and logs
     * @param localDc   this DC's name, sent as {@value PrimaryApi#FORWARDED_FROM}
     * @throws IllegalArgumentException for a URI that is not https (or http to a loopback host), or
     *     that carries user information, a query or a fragment
     */
    public HttpPrimaryApi(URI baseUri, String primaryDc, String localDc) {
        this(baseUri, primaryDc, localDc, CONNECT_TIMEOUT, REQUEST_TIMEOUT, MAX_RESPONSE_BYTES);
    }

    /** As {@link #HttpPrimaryApi(URI, String, String)} with other timeouts and limit (tests use tiny ones). */
    public HttpPrimaryApi(URI baseUri, String primaryDc, String localDc, Duration connectTimeout,
                          Duration requestTimeout, int maxResponseBytes) {
        this.base = checkedBase(baseUri);
        this.primaryDc = Objects.requireNonNull(primaryDc, "primaryDc");
        this.localDc = Objects.requireNonNull(localDc, "localDc");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (maxResponseBytes <= 0) {
            throw new IllegalArgumentException("maxResponseBytes must be positive");
        }
        this.maxResponseBytes = maxResponseBytes;
        this.client = HttpClient.newBuilder()
                .connectTimeout(Objects.requireNonNull(connectTimeout, "connectTimeout"))
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /**
     * Checks that {@code uri} can be a primary's API base URI (the rule of the class comment), so
     * configuration can refuse it before anything is built.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static void checkBaseUri(URI uri) {
        checkedBase(uri);
    }

    private static String checkedBase(URI uri) {
        Objects.requireNonNull(uri, "baseUri");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("the primary's API URI must be scheme://host[:port][/path] without"
                    + " user information, query or fragment");
        }
        if (!scheme.equals("https") && !(scheme.equals("http") && loopback(uri.getHost()))) {
            throw new IllegalArgumentException("the primary's API URI must be https (plain http only to a loopback"
                    + " host, for meshfed dev): " + scheme + "://" + uri.getHost());
        }
        String s = uri.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** A loopback host by its literal form only: no name lookup decides whether plain http is allowed. */
    static boolean loopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost") || IPV4_LOOPBACK.matcher(h).matches()) {
            return true;
        }
        if (h.indexOf(':') >= 0) {
            try {
                return InetAddress.getByName(h).isLoopbackAddress(); // an IPv6 literal: parsed, never resolved
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    @Override
    public HttpResponse forward(HttpRequest request, String idempotencyKey) {
        java.net.http.HttpRequest outgoing = outgoing(request, idempotencyKey);
        CompletableFuture<java.net.http.HttpResponse<byte[]>> call =
                client.sendAsync(outgoing, info -> new BoundedBody(maxResponseBytes));
        java.net.http.HttpResponse<byte[]> answer;
        try {
            answer = call.get(requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw unreachable(request, "did not answer within " + seconds(requestTimeout), e);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw unreachable(request, "could not be asked: the call was interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TooLarge) {
                throw unreachable(request, "answered more than " + maxResponseBytes + " bytes", cause);
            }
            if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException) {
                throw unreachable(request, "could not be connected to", cause);
            }
            if (cause instanceof HttpTimeoutException) {
                throw unreachable(request, "did not answer within " + seconds(requestTimeout), cause);
            }
            throw unreachable(request, "could not be reached", cause);
        }
        return response(request, answer);
    }

    private java.net.http.HttpRequest outgoing(HttpRequest request, String idempotencyKey) {
        URI target;
        try {
            target = URI.create(base + request.rawPath()
                    + (request.rawQueryString().isEmpty() ? "" : "?" + request.rawQueryString()));
        } catch (IllegalArgumentException e) {
            // Nothing was sent: the outcome is known, and the request itself is at fault.
            throw new InvalidInput("the request path or query string cannot be forwarded to the primary: it is not"
                    + " a valid URI");
        }
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(target)
                .timeout(requestTimeout)
                .method(request.method(), request.hasBody()
                        ? java.net.http.HttpRequest.BodyPublishers.ofByteArray(request.body())
                        : java.net.http.HttpRequest.BodyPublishers.noBody());
        for (String name : FORWARDED_HEADERS) {
            request.header(name).ifPresent(v -> b.header(name, v));
        }
        b.header(PrimaryApi.IDEMPOTENCY_KEY, idempotencyKey);
        b.header(PrimaryApi.FORWARDED_FROM, localDc);
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new InvalidInput("the request cannot be forwarded to the primary: a method or header value is"
                    + " not valid HTTP");
        }
    }

    private HttpResponse response(HttpRequest request, java.net.http.HttpResponse<byte[]> answer) {
        int status = answer.statusCode();
        if (status >= 300 && status < 400) {
            throw unreachable(request, "answered a redirect (" + status + "), which is never followed", null);
        }
        if (status < 100 || status > 599) {
            throw unreachable(request, "answered an invalid HTTP status", null);
        }
        String body;
        try {
            body = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(answer.body()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw unreachable(request, "answered a body that is not UTF-8", null);
        }
        HttpResponse out = HttpResponse.empty(status).withBody(body);
        try {
            for (String name : RETURNED_HEADERS) {
                Optional<String> value = answer.headers().firstValue(name);
                if (value.isPresent()) {
                    out = out.withHeader(name, value.get());
                }
            }
        } catch (IllegalArgumentException e) {
            throw unreachable(request, "answered a malformed header", null);
        }
        return out;
    }

    private NotPrimary unreachable(HttpRequest request, String what, Throwable cause) {
        // The request's toString is method and path only; the JDK's exception text is never logged
        // (it may hold the URI with a ?token=).
        LOG.log(System.Logger.Level.WARNING, "forwarding to the primary failed: dc=" + localDc + " primary="
                + primaryDc + " request=\"" + request + "\" reason=\"" + what + "\""
                + (cause == null ? "" : " exception=" + cause.getClass().getSimpleName()));
        return new NotPrimary("the primary datacenter " + primaryDc + " " + what);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** The primary's DC name. */
    public String primaryDc() {
        return primaryDc;
    }

    @Override
    public String toString() {
        return "HttpPrimaryApi[" + primaryDc + " at " + base + "]";
    }

    /** The answer's body is over the limit. */
    static final class TooLarge extends RuntimeException {
        TooLarge() {
            super(null, null, false, false);
        }
    }

    /** Collects a body up to a limit; over it, cancels the stream and fails with {@link TooLarge}. */
    static final class BoundedBody implements java.net.http.HttpResponse.BodySubscriber<byte[]> {
        private final int limit;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        BoundedBody(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                if (bytes.size() + (long) b.remaining() > limit) {
                    subscription.cancel();
                    result.completeExceptionally(new TooLarge());
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }
    }
}
