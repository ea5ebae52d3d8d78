package dev.meshfed.dev;

import dev.meshfed.app.config.DcConfig;
import dev.meshfed.core.config.GoDuration;
import dev.meshfed.core.error.InvalidInput;
import dev.meshfed.core.identity.Datacenter;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The options of {@code meshfed dev} (local.md "Command"), parsed and checked.
 *
 * @param datacenters the DCs in the order given; the i-th serves on {@code port + i}
 * @param primary     the primary DC, one of {@code datacenters}
 * @param port        the first DC's port
 * @param acl         ACLs on or off (off by default)
 * @param dataDir     where state survives restarts; empty: in memory
 * @param replicationDelay the global tables' replication delay
 * @param demo        run the demo walk after ready, then exit with its result
 */
public record DevOptions(List<String> datacenters, String primary, int port, DcConfig.AclMode acl,
        Optional<Path> dataDir, Duration replicationDelay, boolean demo) {

    /** The most DCs one process runs. */
    public static final int MAX_DATACENTERS = 16;
    /** The longest replication delay accepted. */
    public static final Duration MAX_REPLICATION_DELAY = Duration.ofMinutes(10);

    public static final String USAGE = """
            usage: meshfed dev [--datacenters dc1,dc2,...] [--primary dc1] [--port 8500]
                               [--acl on|off] [--data-dir DIR] [--replication-delay 0ms]
                               [--demo]
              --datacenters        the datacenters, in order (default dc1,dc2); the i-th serves on port + i
              --primary            the primary datacenter (default: dc1, else the first)
              --port               the first datacenter's port on 127.0.0.1 (default 8500)
              --acl                on: tokens and policies decide, a management token is made; off (default)
              --data-dir           keep state in DIR across restarts (default: in memory)
              --replication-delay  delay of every global-table copy, a Go duration (default 0ms)
              --demo               walk through the federation after ready, then exit 0 only if every step held
            """;

    public DevOptions {
        datacenters = List.copyOf(datacenters);
        Objects.requireNonNull(primary, "primary");
        Objects.requireNonNull(acl, "acl");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(replicationDelay, "replicationDelay");
    }

    /** The DC's index in the order given. */
    public int indexOf(String dc) {
        return datacenters.indexOf(dc);
    }

    /** The port {@code dc} serves on. */
    public int portOf(String dc) {
        return port + indexOf(dc);
    }

    /**
     * Parses {@code args}.
     *
     * @throws InvalidInput naming the option and what is wrong with it
     */
    public static DevOptions parse(String... args) {
        List<String> dcs = List.of("dc1", "dc2");
        String primary = null;
        int port = 8500;
        DcConfig.AclMode acl = DcConfig.AclMode.OFF;
        Optional<Path> dataDir = Optional.empty();
        Duration delay = Duration.ZERO;
        boolean demo = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            switch (name) {
                case "--demo" -> {
                    if (value != null) {
                        throw new InvalidInput("--demo takes no value");
                    }
                    demo = true;
                }
                case "--datacenters", "--primary", "--port", "--acl", "--data-dir", "--replication-delay" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new InvalidInput(name + " needs a value");
                        }
                        value = args[++i];
                    }
                    switch (name) {
                        case "--datacenters" -> dcs = datacenters(value);
                        case "--primary" -> primary = new Datacenter(value).name();
                        case "--port" -> port = port(value);
                        case "--acl" -> acl = switch (value) {
                            case "on" -> DcConfig.AclMode.ON;
                            case "off" -> DcConfig.AclMode.OFF;
                            default -> throw new InvalidInput("--acl must be on or off");
                        };
                        case "--data-dir" -> {
                            if (value.isBlank()) {
                                throw new InvalidInput("--data-dir needs a directory");
                            }
                            dataDir = Optional.of(Path.of(value).toAbsolutePath().normalize());
                        }
                        default -> delay = delay(value);
                    }
                }
                default -> throw new InvalidInput("unknown option " + (arg.length() > 40 ? arg.substring(0, 40) + "..." : arg));
            }
        }
        if (primary == null) {
            primary = dcs.contains("dc1") ? "dc1" : dcs.get(0);
        }
        if (!dcs.contains(primary)) {
            throw new InvalidInput("--primary " + primary + " is not one of --datacenters " + String.join(",", dcs));
        }
        if (port + dcs.size() - 1 > 65535) {
            throw new InvalidInput("--port " + port + " leaves no port for datacenter " + dcs.get(dcs.size() - 1));
        }
        return new DevOptions(dcs, primary, port, acl, dataDir, delay, demo);
    }

    private static List<String> datacenters(String value) {
        List<String> out = new ArrayList<>();
        for (String s : value.split(",", -1)) {
            out.add(new Datacenter(s.strip()).name());
        }
        if (new LinkedHashSet<>(out).size() != out.size()) {
            throw new InvalidInput("--datacenters names a datacenter twice");
        }
        if (out.size() > MAX_DATACENTERS) {
            throw new InvalidInput("--datacenters: at most " + MAX_DATACENTERS + " datacenters");
        }
        return out;
    }

    private static int port(String value) {
        try {
            int p = Integer.parseInt(value);
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new InvalidInput("--port must be a number from 1 to 65535");
        }
    }

    private static Duration delay(String value) {
        Duration d = GoDuration.parse(value);
        if (d.isNegative() || d.compareTo(MAX_REPLICATION_DELAY) > 0) {
            throw new InvalidInput("--replication-delay must be between 0s and 10m");
        }
        return d;
    }
}
