package dev.meshfed.dev;

import dev.meshfed.app.ca.lifecycle.RotateLeaves;
import dev.meshfed.app.intentions.ReplicateIntentions;
import dev.meshfed.app.config.DcConfig;
import dev.meshfed.app.forwarding.HttpPrimaryApi;
import dev.meshfed.app.forwarding.PrimaryApi;
import dev.meshfed.app.http.BlockingQuery;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.app.wiring.DcFunctions;
import dev.meshfed.core.bundle.TrustBundle;
import dev.meshfed.core.ca.Membership;
import dev.meshfed.core.store.Table;
import dev.meshfed.core.store.Versioned;
import dev.meshfed.custody.LocalKeyCustody;
import dev.meshfed.pki.CryptoProviders;
import dev.meshfed.store.embedded.EmbeddedFederation;
import dev.meshfed.store.embedded.stream.StreamSubscriber;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Every DC of {@code meshfed dev} in one process (local.md "What runs inside"): per DC its own
 * stores on the embedded substrate, key custody, and the same function graph Lambda runs
 * ({@link DcFunctions}), each DC behind a {@link LocalGateway} on its port; the replicator, the
 * CA-table stream feeds into {@code rotate-leaves} and the ticks run in the background on one
 * {@link DevClock}. Secondaries forward primary-owned writes over local HTTP to the primary's port.
 *
 * <p>{@link #start} builds and serves; {@link #bringUp} then does what an operator does in AWS:
 * bootstrap ACLs, register every secondary's enrolment key in the primary's membership, and wait
 * until every secondary holds an intermediate.
 */
public final class DevFederation implements AutoCloseable {

    /** How often background delivery polls for replication, stream records and due ticks. */
    static final Duration POLL = Duration.ofMillis(5);
    /** How long start-up waits for the primary's root and every secondary's join. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** The management token's file in the data directory (owner-only). */
    static final String TOKEN_FILE = "management-token";

    private static final System.Logger LOG = System.getLogger(DevFederation.class.getName());

    private final DevOptions options;
    private final DevClock clock;
    private final EmbeddedFederation federation;
    private final Map<String, DcFunctions> dcs = new LinkedHashMap<>();
    private final Map<String, LocalGateway> gateways = new LinkedHashMap<>();
    private volatile boolean closed;
    private String managementToken;
    private boolean tokenCreated;

    private DevFederation(DevOptions options, DevClock clock, EmbeddedFederation federation) {
        this.options = options;
        this.clock = clock;
        this.federation = federation;
    }

    /**
     * Builds every DC, starts its gateway on {@code 127.0.0.1:<port + i>} and background delivery.
     *
     * @throws IllegalStateException when a port is taken or the data directory cannot be used
     */
    public static DevFederation start(DevOptions options) {
        DevClock clock = new DevClock(Clock.systemUTC());
        EmbeddedFederation federation = options.dataDir()
                .map(dir -> EmbeddedFederation.open(options.datacenters(), options.primary(), clock, dir))
                .orElseGet(() -> new EmbeddedFederation(options.datacenters(), options.primary(), clock));
        DevFederation dev = new DevFederation(options, clock, federation);
        try {
            dev.wire();
        } catch (RuntimeException e) {
            dev.close();
            throw e;
        }
        return dev;
    }

    private void wire() {
        federation.setReplicationDelay(options.replicationDelay());
        CryptoProviders providers = CryptoProviders.get();
        String primary = options.primary();
        URI primaryUri = uriOf(primary);
        for (String name : options.datacenters()) {
            var d = federation.dc(name);
            Optional<PrimaryApi> forward = name.equals(primary) ? Optional.empty()
                    : Optional.of(new PartitionablePrimaryApi(new HttpPrimaryApi(primaryUri, primary, name), federation,
                            name, primary));
            // metrics: the EMF lines a Lambda prints, written to the log file (the terminal shows the status line)
            DcFunctions f = DcFunctions.build(d.caStore(), d.intentionStore(), d.privateStore(), custody(name), providers,
                    options.acl(), forward, BlockingQuery.DEFAULT_MAX_BLOCKING_WAIT, clock,
                    dev.meshfed.app.metrics.EmfMetrics.toLogger(
                            java.util.logging.Logger.getLogger("meshfed.metrics"), clock));
            dcs.put(name, f);
            federation.subscribe(name, Table.CA, StreamSubscriber.perRecord(f.rotateLeavesStream()::onRecord), b -> b);
            federation.scheduler().register("rotate-leaves-" + name, RotateLeaves.TICK_INTERVAL,
                    Duration.ZERO, f.rotateLeaves()::tick);
            federation.subscribe(name, Table.INTENTIONS, StreamSubscriber.perRecord(f.replicateIntentionsStream()::onRecord),
                    b -> b);
            federation.scheduler().register("replicate-intentions-" + name, ReplicateIntentions.RECONCILE_INTERVAL,
                    Duration.ZERO, f.replicateIntentions()::reconcile);
        }
        for (String name : options.datacenters()) {
            DevControls controls = new DevControls(federation, clock, dcs.get(name).authorizer(), name);
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), options.portOf(name));
            try {
                gateways.put(name, LocalGateway.start(name, address, dcs.get(name).localHandler(controls)));
            } catch (RuntimeException e) {
                throw new IllegalStateException("cannot serve " + name + " on 127.0.0.1:" + options.portOf(name)
                        + " (is the port in use? choose another with --port)", e);
            }
        }
        federation.startBackground(POLL);
    }

    /** Local custody per DC: a KEK file in the data directory (kept across restarts), else a random key. */
    private LocalKeyCustody custody(String dc) {
        if (options.dataDir().isPresent()) {
            return LocalKeyCustody.fromFile(options.dataDir().get().resolve("keys").resolve(dc + ".kek"));
        }
        byte[] kek = new byte[LocalKeyCustody.KEK_BYTES];
        new SecureRandom().nextBytes(kek);
        return new LocalKeyCustody(kek);
    }

    private URI uriOf(String dc) {
        return URI.create("http://127.0.0.1:" + options.portOf(dc));
    }

    /**
     * The operator's start-up: ACL bootstrap (first start only), the primary's root, each
     * secondary's enrolment key in the membership, every secondary joined.
     *
     * @throws IllegalStateException when a step does not finish within {@link #READY_TIMEOUT}
     */
    public void bringUp() {
        if (options.acl() == DcConfig.AclMode.ON) {
            bootstrapAcls();
        }
        DcFunctions primary = dcs.get(options.primary());
        await("the primary's root", () -> primary.ca().bundle(true).isPresent());
        registerSecondaries();
        for (String name : secondaries()) {
            await(name + " to join (hold an intermediate)", () -> dcs.get(name).rotateLeaves().status().signingKeyId() != null);
        }
        await("the primary's intermediate", () -> primary.rotateLeaves().status().signingKeyId() != null);
    }

    private void bootstrapAcls() {
        Optional<Path> file = options.dataDir().map(d -> d.resolve(TOKEN_FILE));
        if (file.isPresent() && Files.exists(file.get())) {
            managementToken = read(file.get());
            return;
        }
        if (dcs.get(options.primary()).intentions().bootstrapMarker(true).isPresent()) {
            throw new IllegalStateException("ACLs were bootstrapped before, but the management token file "
                    + file.map(Path::toString).orElse("(none)") + " is missing");
        }
        managementToken = dcs.get(options.primary()).acls().bootstrap().secretId();
        tokenCreated = true;
        file.ifPresent(f -> writeOwnerOnly(f, managementToken + "\n"));
    }

    /** What an operator does with PUT /v1/operator/federation/datacenters, through the primary's API. */
    private void registerSecondaries() {
        List<Membership.Member> wanted = new ArrayList<>();
        for (String name : secondaries()) {
            DcFunctions f = dcs.get(name);
            await(name + "'s enrolment key", () -> f.privateStore().enrolmentKey().isPresent());
            wanted.add(new Membership.Member(name, f.privateStore().enrolmentKey().orElseThrow().value().publicKeyPem()));
        }
        List<Membership.Member> current = dcs.get(options.primary()).ca().membership(true).map(Versioned::value)
                .map(Membership::members).orElse(List.of());
        if (current.containsAll(wanted) || wanted.isEmpty()) {
            return;
        }
        List<Map<String, String>> body = new ArrayList<>();
        for (Membership.Member m : current) {
            if (wanted.stream().noneMatch(w -> w.datacenter().equals(m.datacenter()))) {
                body.add(Map.of("Name", m.datacenter(), "EnrolmentKey", m.enrolmentKeyPem()));
            }
        }
        wanted.forEach(m -> body.add(Map.of("Name", m.datacenter(), "EnrolmentKey", m.enrolmentKeyPem())));
        HttpRequest.Builder put = HttpRequest.builder("PUT", "/v1/operator/federation/datacenters")
                .body(dev.meshfed.app.http.Json.write(body));
        if (managementToken != null) {
            put.header("X-Consul-Token", managementToken);
        }
        HttpResponse r = dcs.get(options.primary()).localHandler().handle(put.build());
        if (r.status() != 200) {
            throw new IllegalStateException("registering the secondaries failed: " + r.status() + " " + r.body());
        }
    }

    private List<String> secondaries() {
        return options.datacenters().stream().filter(d -> !d.equals(options.primary())).toList();
    }

    private void await(String what, BooleanSupplier done) {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (!done.getAsBoolean()) {
            if (closed) {
                throw new IllegalStateException("stopped while waiting for " + what);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("timed out after " + READY_TIMEOUT.toSeconds() + " s waiting for " + what
                        + " (see the log file)");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
    }

    // ---- what the command prints ----------------------------------------------------------------

    public DevOptions options() {
        return options;
    }

    public URI uri(String dc) {
        return gateways.get(dc).uri();
    }

    public Optional<String> managementToken() {
        return Optional.ofNullable(managementToken);
    }

    /** Whether this start made the management token (first start), rather than reading it back. */
    public boolean tokenCreated() {
        return tokenCreated;
    }

    public Optional<Path> tokenFile() {
        return options.dataDir().map(d -> d.resolve(TOKEN_FILE));
    }

    public Optional<TrustBundle> bundle() {
        return dcs.get(options.primary()).ca().bundle(true).map(Versioned::value);
    }

    public DcFunctions dc(String name) {
        return dcs.get(name);
    }

    EmbeddedFederation federation() {
        return federation;
    }

    DevClock clock() {
        return clock;
    }

    // ---- shutdown -------------------------------------------------------------------------------

    /** Stops the gateways, background delivery and (durable) flushes and closes the journals. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (LocalGateway g : gateways.values()) {
            try {
                g.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "gateway close failed: " + e);
            }
        }
        federation.close();
    }

    // ---- files ----------------------------------------------------------------------------------

    private static String read(Path file) {
        try {
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) {
                throw new IllegalStateException("the management token file " + file + " is empty");
            }
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Writes {@code content} to a new file only its owner may read, then moves it into place. */
    static void writeOwnerOnly(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(tmp);
            }
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
