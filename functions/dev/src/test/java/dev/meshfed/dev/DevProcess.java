package dev.meshfed.dev;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./meshfed dev ...} started as the README starts it, in a separate process, on the
 * artifact the build made ({@code MESHFED_DEV_NO_BUILD=1}: never rebuilt by a test). Its output
 * lines are collected as they come.
 */
final class DevProcess implements AutoCloseable {

    static final Path ROOT = Path.of(System.getProperty("meshfed.root", "../..")).toAbsolutePath().normalize();

    final Process process;
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final Thread reader;

    private DevProcess(Process process) {
        this.process = process;
        reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "meshfed-dev-output");
        reader.setDaemon(true);
        reader.start();
    }

    static DevProcess start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("meshfed").toString(), "dev"));
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        b.environment().put("MESHFED_DEV_NO_BUILD", "1");
        return new DevProcess(b.start());
    }

    /** Two consecutive free loopback ports, the first returned. */
    static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int first;
            try (ServerSocket s = new ServerSocket(0)) {
                first = s.getLocalPort();
            }
            if (first >= 65535) {
                continue;
            }
            try (ServerSocket a = new ServerSocket(first); ServerSocket b = new ServerSocket(first + 1)) {
                return first;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no two consecutive free ports");
    }

    /** The first output line starting with {@code prefix}, waiting up to {@code timeout}. */
    String awaitLine(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            boolean ended = !process.isAlive();
            if (ended) {
                reader.join(2000); // every line the process wrote has been read
            }
            synchronized (lines) {
                for (String l : lines) {
                    if (l.startsWith(prefix)) {
                        return l;
                    }
                }
            }
            if (ended) {
                break;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no line starting \"" + prefix + "\" within " + timeout + "; output:\n" + output());
    }

    String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    /** SIGKILL: no shutdown hook, no flush. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
