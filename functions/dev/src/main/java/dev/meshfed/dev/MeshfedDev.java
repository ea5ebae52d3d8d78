package dev.meshfed.dev;

import dev.meshfed.app.config.DcConfig;
import dev.meshfed.core.config.GoDuration;
import dev.meshfed.core.error.MeshfedException;
import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.core.store.Table;
import dev.meshfed.dev.demo.Demo;
import dev.meshfed.store.embedded.EmbeddedFederation;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * {@code meshfed dev}: the whole federation on one machine (local.md). Prints one line per DC, the
 * trust domain, the management token when ACLs are on, {@code meshfed dev ready} once every
 * secondary has joined, then a compact status line whenever it changes (at most every
 * {@link #STATUS_INTERVAL}). Logs go to a file. SIGINT and SIGTERM stop it cleanly.
 *
 * <p>Exit codes: 0 after a clean stop (or a demo whose every step held), 1 when start-up or the
 * demo failed, 2 for bad options.
 */
public final class MeshfedDev {

    /** How often the status line is considered for printing. */
    static final Duration STATUS_INTERVAL = Duration.ofSeconds(10);
    /** The log file's name in the data directory. */
    static final String LOG_FILE = "meshfed-dev.log";

    private MeshfedDev() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help")) {
                out.print(DevOptions.USAGE);
                return 0;
            }
        }
        DevOptions options;
        try {
            options = DevOptions.parse(args);
        } catch (MeshfedException e) {
            err.println("meshfed dev: " + e.getMessage());
            err.print(DevOptions.USAGE);
            return 2;
        }
        long started = System.nanoTime();
        Path log;
        try {
            log = logToFile(options.dataDir());
        } catch (IOException e) {
            err.println("meshfed dev: cannot open a log file: " + e.getMessage());
            return 1;
        }
        DevFederation dev;
        try {
            dev = DevFederation.start(options);
        } catch (RuntimeException e) {
            err.println("meshfed dev: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            dev.close();
            out.println("meshfed dev stopped");
            out.flush();
            stopped.countDown();
        }, "meshfed-dev-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        out.println("meshfed dev: " + options.datacenters().size() + " datacenters, primary " + options.primary()
                + (options.dataDir().map(d -> ", data in " + d).orElse(", in memory")));
        int width = options.datacenters().stream().mapToInt(String::length).max().orElse(3);
        for (String dc : options.datacenters()) {
            out.printf("  %-" + width + "s  %-9s  %s%n", dc, dc.equals(options.primary()) ? "primary" : "secondary",
                    dev.uri(dc));
        }
        out.println("logs: " + log);
        out.flush();
        try {
            dev.bringUp();
        } catch (RuntimeException e) {
            err.println("meshfed dev: start-up failed: " + e.getMessage());
            return 1; // the shutdown hook closes everything
        }
        dev.bundle().ifPresent(b -> out.println("trust domain: " + b.trustDomain().value()));
        if (options.acl() == DcConfig.AclMode.ON) {
            String where = dev.tokenFile().map(f -> " (kept in " + f + ")").orElse(" (in memory only: use --data-dir to keep it)");
            if (dev.tokenCreated()) {
                out.println("management token: " + dev.managementToken().orElseThrow() + where);
            } else {
                out.println("management token: in " + dev.tokenFile().map(Path::toString).orElse("?"));
            }
        }
        out.printf("meshfed dev ready (%.1f s)%n", (System.nanoTime() - started) / 1e9);
        out.flush();

        if (options.demo()) {
            List<Demo.Endpoint> endpoints = new ArrayList<>();
            endpoints.add(new Demo.Endpoint(options.primary(), dev.uri(options.primary())));
            options.datacenters().stream().filter(d -> !d.equals(options.primary()))
                    .forEach(d -> endpoints.add(new Demo.Endpoint(d, dev.uri(d))));
            boolean held = Demo.run(endpoints, dev.managementToken(), out);
            out.flush();
            return held ? 0 : 1;
        }
        String last = "";
        while (true) {
            try {
                if (stopped.await(STATUS_INTERVAL.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    return 0;
                }
            } catch (InterruptedException e) {
                return 0;
            }
            String status = status(dev);
            if (!status.equals(last)) {
                out.println(status);
                out.flush();
                last = status;
            }
        }
    }

    /**
     * One compact line: per DC its signer, leaves issued, managed-leaf re-issue while one is under
     * way ({@code reissued 48/100}), partitions; an open root rotation ({@code rotation
     * IN_PROGRESS}); changes waiting to replicate; clock offset.
     */
    static String status(DevFederation dev) {
        StringBuilder s = new StringBuilder("status");
        EmbeddedFederation fed = dev.federation();
        for (String dc : dev.options().datacenters()) {
            var f = dev.dc(dc);
            String signer = Optional.ofNullable(f.rotateLeaves().status().signingKeyId())
                    .map(k -> k.length() > 11 ? k.substring(0, 11) : k).orElse("none");
            long leaves = fed.dc(dc).table(Table.PRIVATE).snapshot().stream()
                    .filter(i -> i.key().kind().startsWith(PrivateStore.LEAF + ".")).count();
            s.append(" | ").append(dc).append(" signer ").append(signer).append(" leaves ").append(leaves);
            s.append(reissuePart(f.rotateLeaves().reissueProgress())); // as the last tick stored it: one item read
            if (fed.isPartitioned(dc)) {
                s.append(" PARTITIONED");
            }
        }
        // the primary's request, only while it is open
        s.append(rotationPart(dev.dc(dev.options().primary()).ca().rotation(false).map(v -> v.value()).orElse(null)));
        int pending = fed.replicator(Table.CA).pending() + fed.replicator(Table.INTENTIONS).pending();
        s.append(" | replication pending ").append(pending);
        if (!dev.clock().offset().isZero()) {
            s.append(" | clock +").append(GoDuration.format(dev.clock().offset()));
        }
        return s.toString();
    }

    /** {@code " reissued 48/100"} while a DC's managed leaves are being re-issued, else empty. */
    static String reissuePart(dev.meshfed.app.ca.ManagedLeafReissue.Progress p) {
        return p.done() ? "" : " reissued " + p.reissued() + "/" + p.total();
    }

    /** {@code " | rotation IN_PROGRESS"} while the primary's rotation request is open, else empty. */
    static String rotationPart(dev.meshfed.core.ca.RotationRequest request) {
        return request == null || !request.open() ? "" : " | rotation " + request.state();
    }

    /** Routes every log record to one file (the data directory's, or a temporary one), none to the terminal. */
    static Path logToFile(Optional<Path> dataDir) throws IOException {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s %5$s%6$s%n");
        Path file;
        if (dataDir.isPresent()) {
            Files.createDirectories(dataDir.get());
            file = dataDir.get().resolve(LOG_FILE);
        } else {
            file = Files.createTempFile("meshfed-dev-", ".log");
        }
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        FileHandler handler = new FileHandler(file.toString(), true);
        handler.setFormatter(new SimpleFormatter());
        handler.setLevel(Level.INFO);
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        return file;
    }
}
