package dev.meshfed.bench.cold;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ExecutorService;

/**
 * A minimal local AWS Lambda Runtime API (2018-06-01) for one cold start at a time: the first
 * {@code GET /runtime/invocation/next} of a run gets the run's one event, any later one is held
 * open (Lambda would freeze the sandbox there); the first {@code POST .../response},
 * {@code .../error} or {@code /runtime/init/error} ends the run. Each is timestamped with
 * {@link System#nanoTime()} on arrival, so the driver can split process start to response into
 * init (until the first {@code next}) and first invocation.
 *
 * <p>Headers as Lambda sends them, the ones both the AWS runtime interface client and Quarkus'
 * poll loop read: {@code Lambda-Runtime-Aws-Request-Id}, {@code Lambda-Runtime-Deadline-Ms},
 * {@code Lambda-Runtime-Invoked-Function-Arn}, {@code Lambda-Runtime-Trace-Id}.
 */
final class RuntimeApiServer implements AutoCloseable {

    private static final String PREFIX = "/2018-06-01/runtime/";

    /** What one run saw; completed by the first answer (response or error). */
    record Outcome(String kind, long answeredNanos, long firstNextNanos, String body) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "runtime-api");
        t.setDaemon(true);
        return t;
    });
    private volatile Run current;

    private static final class Run {
        final String requestId;
        final byte[] event;
        final String functionArn;
        final long deadlineMs;
        volatile long firstNextNanos;
        volatile boolean delivered;
        final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        final CompletableFuture<Void> release = new CompletableFuture<>();

        Run(String requestId, byte[] event, String functionArn, long deadlineMs) {
            this.requestId = requestId;
            this.event = event;
            this.functionArn = functionArn;
            this.deadlineMs = deadlineMs;
        }
    }

    RuntimeApiServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(executor);
        server.createContext(PREFIX, this::handle);
        server.start();
    }

    /** {@code host:port}, the value of {@code AWS_LAMBDA_RUNTIME_API}. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Arms the next run: one event for the next process that asks. */
    CompletableFuture<Outcome> arm(String requestId, byte[] event, String functionArn, long timeoutMs) {
        Run previous = current;
        if (previous != null) {
            previous.release.complete(null); // let a parked `next` of the last process go
        }
        Run run = new Run(requestId, event, functionArn, System.currentTimeMillis() + timeoutMs);
        current = run;
        return run.outcome;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
            String method = exchange.getRequestMethod();
            byte[] body = readAll(exchange.getRequestBody());
            long now = System.nanoTime();
            Run run = current;
            if (run == null) {
                send(exchange, 500, "{\"errorMessage\":\"no run armed\"}");
                return;
            }
            if (method.equals("GET") && path.equals("invocation/next")) {
                if (run.firstNextNanos == 0) {
                    run.firstNextNanos = now;
                }
                synchronized (run) {
                    if (!run.delivered) {
                        run.delivered = true;
                        exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", run.requestId);
                        exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms", Long.toString(run.deadlineMs));
                        exchange.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn", run.functionArn);
                        exchange.getResponseHeaders().add("Lambda-Runtime-Trace-Id",
                                "Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0");
                        exchange.getResponseHeaders().add("Content-Type", "application/json");
                        exchange.sendResponseHeaders(200, run.event.length);
                        try (OutputStream out = exchange.getResponseBody()) {
                            out.write(run.event);
                        }
                        return;
                    }
                }
                // a second `next`: Lambda freezes the sandbox here; hold it until the driver moves on
                try {
                    run.release.get(120, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // released by timeout: answer nothing useful, the process is being stopped anyway
                }
                send(exchange, 500, "{\"errorMessage\":\"run over\"}");
                return;
            }
            if (method.equals("POST") && path.equals("init/error")) {
                run.outcome.complete(new Outcome("init-error", now, run.firstNextNanos, text(body)));
                send(exchange, 202, "{\"status\":\"OK\"}");
                return;
            }
            if (method.equals("POST") && path.startsWith("invocation/")) {
                String rest = path.substring("invocation/".length());
                int slash = rest.indexOf('/');
                String id = slash < 0 ? rest : rest.substring(0, slash);
                String kind = slash < 0 ? "" : rest.substring(slash + 1);
                if (!id.equals(run.requestId) || !(kind.equals("response") || kind.equals("error"))) {
                    send(exchange, 400, "{\"errorMessage\":\"unknown request id or path\"}");
                    return;
                }
                run.outcome.complete(new Outcome(kind, now, run.firstNextNanos, text(body)));
                send(exchange, 202, "{\"status\":\"OK\"}");
                return;
            }
            send(exchange, 404, "{\"errorMessage\":\"not part of the runtime API\"}");
        }
    }

    private static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        Run run = current;
        if (run != null) {
            run.release.complete(null);
        }
        server.stop(0);
        executor.shutdownNow();
    }
}
