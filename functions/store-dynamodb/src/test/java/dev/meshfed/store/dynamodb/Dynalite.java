package dev.meshfed.store.dynamodb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A real dynalite server for one test class: {@code node <repo>/.tools/node_modules/dynalite/cli.js}
 * in memory on a free loopback port, started before the class's first test and stopped after its
 * last, whether the tests passed or not (and by a shutdown hook if the JVM ends first).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final Dynalite DYNALITE = new Dynalite();
 * }</pre>
 *
 * dynalite is installed by {@code ./meshfed test} (scripts/test.sh) into the git-ignored
 * {@code .tools/}; when it is missing the tests fail and say so, never skip.
 */
public final class Dynalite implements BeforeAllCallback, AfterAllCallback {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final int START_ATTEMPTS = 3;
    /** Tables in dynalite stay CREATING for this long (its default is 500 ms). */
    private static final int CREATE_TABLE_MS = 0;

    private Process process;
    private Thread shutdownHook;
    private int port;
    private Path log;
    private DynamoDbClient client;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    /** The server's endpoint, {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        requireRunning();
        return URI.create("http://127.0.0.1:" + port);
    }

    /** A client for this server, built like production clients by {@link DynamoDbClients}; closed on stop. */
    public DynamoDbClient client() {
        requireRunning();
        if (client == null) {
            client = newClient(List.of());
        }
        return client;
    }

    /** A new client with SDK interceptors; the caller closes it. */
    public DynamoDbClient newClient(List<ExecutionInterceptor> interceptors) {
        return DynamoDbClients.create(Region.US_EAST_1, Optional.of(endpoint()), interceptors);
    }

    /** Creates a table with meshfed's layout under a fresh name and returns the name. */
    public String createTable(String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        TableDefinitions.create(client(), name, Duration.ofSeconds(10));
        return name;
    }

    synchronized void start() throws IOException, InterruptedException {
        if (process != null) {
            return;
        }
        Path root = repositoryRoot();
        Path cli = root.resolve(".tools/node_modules/dynalite/cli.js");
        if (!Files.isRegularFile(cli)) {
            throw new IllegalStateException("dynalite is not installed (" + cli + " is missing): run ./meshfed test, "
                    + "which installs it into .tools/ before running the tests");
        }
        String node = findNode();
        Path logDir = Path.of("target");
        Files.createDirectories(logDir);
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int candidate = freePort();
            log = logDir.resolve("dynalite-" + candidate + ".log");
            Process p = new ProcessBuilder(node, cli.toString(), "--host", "127.0.0.1", "--port", Integer.toString(candidate),
                    "--createTableMs", Integer.toString(CREATE_TABLE_MS), "--deleteTableMs", "0", "--updateTableMs", "0")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            try {
                awaitListening(p, candidate);
                process = p;
                port = candidate;
                shutdownHook = new Thread(() -> kill(p), "dynalite-shutdown");
                Runtime.getRuntime().addShutdownHook(shutdownHook);
                return;
            } catch (IllegalStateException e) {
                kill(p);
                last = e; // most likely the port was taken between choosing and binding: try another
            }
        }
        throw last;
    }

    synchronized void stop() {
        if (client != null) {
            client.close();
            client = null;
        }
        if (process != null) {
            kill(process);
            process = null;
        }
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook runs anyway
            }
            shutdownHook = null;
        }
    }

    private void requireRunning() {
        if (process == null) {
            throw new IllegalStateException("dynalite is not running: register it with @RegisterExtension on a static field");
        }
    }

    private void awaitListening(Process p, int candidatePort) throws InterruptedException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!p.isAlive()) {
                throw new IllegalStateException("dynalite exited with status " + p.exitValue() + " before listening on port "
                        + candidatePort + ": " + tail(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), candidatePort), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("dynalite did not listen on port " + candidatePort + " within " + START_TIMEOUT
                + ": " + tail(log));
    }

    private static void kill(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The directory holding {@code mvnw}, found by walking up from the working directory. */
    static Path repositoryRoot() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root (a directory with mvnw) above " + start);
    }

    private static String findNode() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "node");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException("node is not on the PATH: dynalite needs node 20 or newer; run ./meshfed test, "
                + "which checks the prerequisites");
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private static String tail(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "(no output)" : text.substring(Math.max(0, text.length() - 2000));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
