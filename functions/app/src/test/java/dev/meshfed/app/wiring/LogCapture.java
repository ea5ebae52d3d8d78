package dev.meshfed.app.wiring;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Everything a DC writes while it is open: every {@code java.util.logging} record at every level
 * (where {@code System.Logger} lands on this classpath, which {@code KeyMaterialScanTest} proves by
 * planting a line through it), as the formatted line with its stack trace plus the raw message and
 * parameters, and everything written to {@code System.out} and {@code System.err} (a Lambda's log
 * stream; still passed through to the original streams).
 */
final class LogCapture implements AutoCloseable {

    private final List<String> lines = new ArrayList<>();
    private final Logger root = Logger.getLogger("");
    private final Logger ours = Logger.getLogger("dev.meshfed");
    private final Level rootBefore = root.getLevel();
    private final Level oursBefore = ours.getLevel();
    private final PrintStream outBefore = System.out;
    private final PrintStream errBefore = System.err;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final Handler handler = new Handler() {
        private final SimpleFormatter format = new SimpleFormatter();

        @Override
        public void publish(LogRecord r) {
            StringBuilder b = new StringBuilder(format.format(r));
            b.append(" | raw: ").append(r.getMessage());
            if (r.getParameters() != null) {
                for (Object p : r.getParameters()) {
                    b.append(" | param: ").append(p);
                }
            }
            synchronized (lines) {
                lines.add(b.toString());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    LogCapture() {
        handler.setLevel(Level.ALL);
        root.setLevel(Level.ALL);
        ours.setLevel(Level.ALL);
        root.addHandler(handler);
        System.setOut(new PrintStream(tee(outBefore, stdout), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(tee(errBefore, stderr), true, StandardCharsets.UTF_8));
    }

    private static OutputStream tee(OutputStream a, ByteArrayOutputStream b) {
        return new OutputStream() {
            @Override
            public void write(int x) {
                synchronized (b) {
                    b.write(x);
                }
                try {
                    a.write(x);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }

            @Override
            public void write(byte[] buf, int off, int len) {
                synchronized (b) {
                    b.write(buf, off, len);
                }
                try {
                    a.write(buf, off, len);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
    }

    /** The lines so far: log records, then stdout and stderr lines. */
    List<String> lines() {
        List<String> all;
        synchronized (lines) {
            all = new ArrayList<>(lines);
        }
        synchronized (stdout) {
            all.addAll(List.of(stdout.toString(StandardCharsets.UTF_8).split("\n")));
        }
        synchronized (stderr) {
            all.addAll(List.of(stderr.toString(StandardCharsets.UTF_8).split("\n")));
        }
        all.removeIf(String::isEmpty);
        return all;
    }

    @Override
    public void close() {
        root.removeHandler(handler);
        root.setLevel(rootBefore);
        ours.setLevel(oursBefore);
        System.setOut(outBefore);
        System.setErr(errBefore);
    }
}
