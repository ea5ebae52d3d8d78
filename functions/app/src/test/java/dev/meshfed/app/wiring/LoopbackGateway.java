package dev.meshfed.app.wiring;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A test's HTTP server on 127.0.0.1 in front of one DC's handler, so a secondary's forwarding goes
 * over real HTTP (the {@code meshfed dev} gateway does the same for users).
 */
final class LoopbackGateway implements AutoCloseable {

    private final HttpServer server;

    LoopbackGateway(Function<HttpRequest, HttpResponse> handler) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on loopback", e);
        }
        server.createContext("/", exchange -> serve(exchange, handler));
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static void serve(HttpExchange exchange, Function<HttpRequest, HttpResponse> handler) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            HttpRequest.Builder b = HttpRequest.builder(exchange.getRequestMethod(), uri.getRawPath())
                    .rawQueryString(uri.getRawQuery() == null ? "" : uri.getRawQuery());
            for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
                b.header(h.getKey(), String.join(",", h.getValue()));
            }
            try (InputStream in = exchange.getRequestBody()) {
                b.body(in.readAllBytes());
            }
            HttpResponse r = handler.apply(b.build());
            r.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] body = r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(r.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
