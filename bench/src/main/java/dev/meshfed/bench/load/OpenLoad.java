package dev.meshfed.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load on one {@code meshfed dev} DC: requests are sent at a constant arrival rate on a
 * fixed schedule, whatever the server does, and each latency is measured from the request's
 * <em>intended</em> send time (so a stall of the server or of the driver shows as latency of
 * every request that should have gone out during it, not as fewer requests: no coordinated
 * omission). Run by {@code bench/run-open-loop.sh}:
 *
 * <pre>
 * java -cp bench/target/meshfed-benchmarks.jar dev.meshfed.bench.load.OpenLoad \
 *     --mode sign|authorize|get --url http://127.0.0.1:8501 [--rate 2000] [--duration 60s] [--warmup 15s]
 *     [--max-in-flight 1024] [--csrs 4000] [--path /v1/agent/self] [--primary http://127.0.0.1:8500]
 *     [--intentions 10000] [--token T] [--server-pid PID]
 * </pre>
 *
 * Modes:
 * <ul>
 *   <li>{@code sign}: {@code POST /v1/connect/ca/sign} with {@code --csrs} distinct pre-generated
 *       EC P-256 CSRs (round robin), rate limit off first, as {@link SignLoad} does.</li>
 *   <li>{@code authorize}: first makes sure {@code --intentions} intentions exist in the primary
 *       ({@code PUT /v1/connect/intentions/exact}, skipped if already there) and waits until the
 *       target DC lists them all; then {@code POST /v1/agent/connect/authorize} for random
 *       (source, destination) pairs: half of the sources have an exact allow, half fall through
 *       to the destination's {@code *} deny (the shape of AuthorizeDecisionBenchmark).</li>
 *   <li>{@code get}: {@code GET --path}, the gateway baseline (a request that does no real
 *       work, through the same HTTP server, routing, ACL resolution and JSON).</li>
 * </ul>
 *
 * <p>The driver: one pacing thread computes send time i as {@code start + i / rate}, parks until
 * then, and writes the pre-encoded request to an idle keep-alive connection of {@link RawHttp}
 * (a new one whenever all are busy; {@code --client jdk} uses the JDK HttpClient asynchronously
 * instead, which costs the driver about 0.45 ms of CPU per request). A send more than 1 ms after its time is counted as late
 * (the driver, not the server, was behind; its latency still counts from the intended time). A
 * send that would exceed {@code --max-in-flight} is not made and counted as dropped, with the
 * latency it would have had at least (the time until the run's end) recorded as an error: the
 * run then fails rather than silently sending fewer. Prints text, then one JSON line (the last).
 * Exit 0 if no send was dropped and at most 0.1 % of measured requests failed, 1 otherwise, 2
 * for bad options or a failed set-up.
 */
public final class OpenLoad {

    static final double MAX_ERROR_RATE = 0.001;
    /** A send later than this after its intended time is "late". */
    static final long LATE_NANOS = 1_000_000;
    static final int DESTINATIONS = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> o;
    private final URI base;
    private final String mode;
    private final double rate;
    private final Duration duration;
    private final Duration warmup;
    private final int maxInFlight;
    private final String token;
    private final long serverPid;
    private final HttpClient client;
    /** {@code raw} (the default): {@link RawHttp}; {@code jdk}: the JDK HttpClient, as before 2026-11-26. */
    private final String transport;

    /** One request of the load, sent by either transport. */
    record Call(String method, String path, String json) {
    }

    private OpenLoad(Map<String, String> o) {
        this.o = o;
        this.base = URI.create(o.get("--url").replaceAll("/+$", ""));
        this.mode = o.get("--mode");
        if (!List.of("sign", "authorize", "get").contains(mode)) {
            throw new IllegalArgumentException("--mode must be sign, authorize or get, got " + mode);
        }
        this.rate = Double.parseDouble(o.get("--rate"));
        if (!(rate > 0)) {
            throw new IllegalArgumentException("--rate must be positive");
        }
        this.duration = SignLoad.duration("--duration", o.get("--duration"));
        this.warmup = SignLoad.duration("--warmup", o.get("--warmup"));
        this.maxInFlight = Integer.parseInt(o.get("--max-in-flight"));
        this.token = o.get("--token").isEmpty() ? null : o.get("--token");
        this.serverPid = Long.parseLong(o.get("--server-pid"));
        this.transport = o.get("--client");
        if (!List.of("raw", "jdk").contains(transport)) {
            throw new IllegalArgumentException("--client must be raw or jdk, got " + transport);
        }
        System.setProperty("jdk.httpclient.connectionPoolSize", Integer.toString(maxInFlight));
        System.setProperty("jdk.httpclient.keepalive.timeout", "600");
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newFixedThreadPool(4, r -> {
                    Thread t = new Thread(r, "http-client");
                    t.setDaemon(true);
                    return t;
                }))
                .build();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new TreeMap<>(Map.ofEntries(Map.entry("--mode", "sign"),
                Map.entry("--url", "http://127.0.0.1:8501"), Map.entry("--rate", "2000"),
                Map.entry("--duration", "60s"), Map.entry("--warmup", "15s"), Map.entry("--max-in-flight", "1024"),
                Map.entry("--csrs", "4000"), Map.entry("--path", "/v1/agent/self"),
                Map.entry("--primary", "http://127.0.0.1:8500"), Map.entry("--intentions", "10000"),
                Map.entry("--token", ""), Map.entry("--server-pid", "0"), Map.entry("--seed", "1"),
                Map.entry("--client", "raw")));
        OpenLoad load;
        try {
            for (int i = 0; i < args.length; i += 2) {
                if (!o.containsKey(args[i]) || i + 1 >= args.length) {
                    throw new IllegalArgumentException("unknown option or missing value: " + args[i]);
                }
                o.put(args[i], args[i + 1]);
            }
            load = new OpenLoad(o);
        } catch (IllegalArgumentException e) {
            System.err.println("open-load: " + e.getMessage());
            System.err.println("usage: OpenLoad --mode sign|authorize|get --url URL [--rate 2000] [--duration 60s]"
                    + " [--warmup 15s] [--max-in-flight 1024] [--csrs 4000] [--path P] [--primary URL]"
                    + " [--intentions 10000] [--token T] [--server-pid PID] [--seed 1] [--client raw|jdk]");
            System.exit(2);
            return;
        }
        int code;
        try {
            code = load.run();
        } catch (SignLoad.SetupFailed e) {
            System.err.println("open-load: set-up failed: " + e.getMessage());
            code = 2;
        }
        System.exit(code);
    }

    // ---- set-up: the request bodies ---------------------------------------------------------------

    int run() throws Exception {
        JsonNode roots = getJson(base, "/v1/connect/ca/roots");
        String trustDomain = roots.path("TrustDomain").asText("");
        String dc = getJson(base, "/v1/agent/self").path("Config").path("Datacenter").asText("");
        if (trustDomain.isEmpty() || dc.isEmpty()) {
            throw new SignLoad.SetupFailed("no trust domain or datacenter at " + base);
        }
        System.out.printf("open-load: %s %s dc=%s trust domain %s%n", mode, base, dc, trustDomain);
        List<Call> requests = switch (mode) {
            case "sign" -> signRequests(trustDomain, dc);
            case "authorize" -> authorizeRequests(trustDomain);
            default -> List.of(new Call("GET", o.get("--path"), null));
        };
        // One request of the load, so that a wrong set-up fails here, not as errors.
        HttpResponse<String> first = client.send(jdk(requests.get(0)), HttpResponse.BodyHandlers.ofString());
        boolean okFirst = "get".equals(mode) ? first.statusCode() < 500 : first.statusCode() == 200;
        if (!okFirst) {
            throw new SignLoad.SetupFailed("the first request answered " + first.statusCode() + ": " + first.body());
        }
        System.out.printf("open-load: first request answered %d (%d bytes)%n", first.statusCode(), first.body().length());
        Result r = load(requests);
        r.print(dc);
        return r.passed() ? 0 : 1;
    }

    private List<Call> signRequests(String trustDomain, String dc) throws Exception {
        // Rate limit off, as SignLoad (and the closed-loop figure) does.
        String body = "{\"Provider\":\"consul\",\"Config\":{\"CSRMaxPerSecond\":0,\"CSRMaxConcurrent\":0}}";
        int put = client.send(request(base, "/v1/connect/ca/configuration").PUT(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        JsonNode config = getJson(base, "/v1/connect/ca/configuration").path("Config");
        if (put != 200 || config.path("CSRMaxPerSecond").asDouble(-1) != 0 || config.path("CSRMaxConcurrent").asLong(-1) != 0) {
            throw new SignLoad.SetupFailed("could not turn the rate limit off (PUT answered " + put + ")");
        }
        int n = Integer.parseInt(o.get("--csrs"));
        long t0 = System.nanoTime();
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC", "SunEC");
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        List<Call> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            KeyPair key = gen.generateKeyPair();
            String uri = "spiffe://" + trustDomain + "/ns/default/dc/" + dc + "/svc/load-" + (i % SignLoad.SERVICES);
            String pem = LoadCsrs.pem(key, uri);
            String json = JSON.writeValueAsString(JSON.createObjectNode().put("CSR", pem));
            out.add(new Call("POST", "/v1/connect/ca/sign", json));
        }
        System.out.printf("open-load: %d CSRs made in %.1f s; rate limit off%n", n, (System.nanoTime() - t0) / 1e9);
        return out;
    }

    /**
     * The intentions: destination {@code dst-d} (d &lt; 100) has exact allows from {@code src-0}
     * … {@code src-(k-2)} and a {@code *} deny, k = intentions / 100.
     */
    private List<Call> authorizeRequests(String trustDomain) throws Exception {
        int total = Integer.parseInt(o.get("--intentions"));
        int perDestination = total / DESTINATIONS;
        URI primary = URI.create(o.get("--primary").replaceAll("/+$", ""));
        int present = getJson(primary, "/v1/connect/intentions").size();
        if (present < total) {
            long t0 = System.nanoTime();
            Semaphore inFlight = new Semaphore(16);
            AtomicLong failed = new AtomicLong();
            CountDownLatch all = new CountDownLatch(total);
            for (int d = 0; d < DESTINATIONS; d++) {
                for (int s = 0; s < perDestination; s++) {
                    boolean wildcard = s == perDestination - 1;
                    String q = "?source=" + (wildcard ? "*" : "src-" + s) + "&destination=dst-" + d;
                    String body = "{\"Action\":\"" + (wildcard ? "deny" : "allow") + "\",\"Description\":\"open-loop load\"}";
                    inFlight.acquire();
                    client.sendAsync(request(primary, "/v1/connect/intentions/exact" + q.replace("*", "%2A"))
                                    .PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString()).whenComplete((resp, e) -> {
                                if (e != null || resp.statusCode() != 200) {
                                    if (failed.getAndIncrement() == 0) {
                                        System.err.println("open-load: intention write failed: "
                                                + (e != null ? e : resp.statusCode() + " " + resp.body()));
                                    }
                                }
                                inFlight.release();
                                all.countDown();
                            });
                }
            }
            all.await();
            if (failed.get() > 0) {
                throw new SignLoad.SetupFailed(failed.get() + " intention writes failed");
            }
            System.out.printf("open-load: %d intentions written to %s in %.1f s%n", total, primary,
                    (System.nanoTime() - t0) / 1e9);
        }
        long t0 = System.nanoTime();
        int seen;
        while ((seen = getJson(base, "/v1/connect/intentions").size()) < total) {
            if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(120)) {
                throw new SignLoad.SetupFailed("only " + seen + " of " + total + " intentions in " + base + " after 120 s");
            }
            Thread.sleep(200);
        }
        System.out.printf("open-load: %s lists %d intentions (waited %.1f s)%n", base, seen, (System.nanoTime() - t0) / 1e9);
        // Random pairs, drawn once with a fixed seed; the client's DC is the primary (dc1).
        SplittableRandom random = new SplittableRandom(Long.parseLong(o.get("--seed")));
        List<Call> out = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            int d = random.nextInt(DESTINATIONS);
            String source = random.nextBoolean() ? "src-" + random.nextInt(perDestination - 1)
                    : "stranger-" + random.nextInt(1000);
            String body = JSON.writeValueAsString(JSON.createObjectNode().put("Target", "dst-" + d)
                    .put("ClientCertURI", "spiffe://" + trustDomain + "/ns/default/dc/dc1/svc/" + source));
            out.add(new Call("POST", "/v1/agent/connect/authorize", body));
        }
        // A check that the answers are what the intentions say (the load itself only counts statuses).
        String allowed = client.send(jdk(out.get(0)), HttpResponse.BodyHandlers.ofString()).body();
        System.out.println("open-load: sample authorize answer " + allowed);
        return out;
    }

    // ---- the load ---------------------------------------------------------------------------------

    private Result load(List<Call> calls) throws Exception {
        // Encoded once, before the clock starts: the load sends the same objects over and over.
        List<HttpRequest> requests = new ArrayList<>(calls.size());
        List<byte[]> raw = new ArrayList<>(calls.size());
        String host = base.getHost() + ":" + base.getPort();
        for (Call c : calls) {
            if ("raw".equals(transport)) {
                raw.add(RawHttp.encode(c.method(), c.path(), host, token, "application/json",
                        c.json() == null ? null : c.json().getBytes(StandardCharsets.UTF_8)));
            } else {
                requests.add(jdk(c));
            }
        }
        RawHttp rawClient = "raw".equals(transport) ? new RawHttp(base.getHost(), base.getPort(), maxInFlight) : null;
        long period = Math.round(1e9 / rate);
        long total = (warmup.toNanos() + duration.toNanos()) / period;
        long warmupSends = warmup.toNanos() / period;
        Result r = new Result();
        Semaphore inFlight = new Semaphore(maxInFlight);
        AtomicLong outstanding = new AtomicLong();
        System.out.printf("open-load: %.0f/s, warm-up %s, measured %s, at most %d in flight, client %s%n", rate, warmup,
                duration, maxInFlight, transport);
        long gc0 = 0;
        long gcCount0 = 0;
        long cpu0 = 0;
        long server0 = -1;
        long start = System.nanoTime() + 50_000_000;
        long measureFrom = start + warmupSends * period;
        for (long i = 0; i < total; i++) {
            long intended = start + i * period;
            boolean measured = i >= warmupSends;
            if (i == warmupSends) {
                gc0 = gcMillis();
                gcCount0 = gcCount();
                cpu0 = cpuNanos();
                server0 = serverTicks();
            }
            long now;
            while ((now = System.nanoTime()) < intended) {
                long left = intended - now;
                if (left > 200_000) {
                    LockSupport.parkNanos(left - 100_000);
                } else {
                    Thread.onSpinWait();
                }
            }
            if (measured && now - intended > LATE_NANOS) {
                r.late.incrementAndGet();
                r.maxLateMicros.accumulateAndGet((now - intended) / 1000, Math::max);
            }
            if (rawClient != null) {
                outstanding.incrementAndGet();
                boolean sent = rawClient.send(raw.get((int) (i % raw.size())), (status, failure) -> {
                    r.answered(measured, intended, status, failure);
                    outstanding.decrementAndGet();
                });
                if (!sent) {
                    outstanding.decrementAndGet();
                    if (measured) {
                        r.dropped.incrementAndGet();
                    }
                } else if (measured) {
                    r.sent.incrementAndGet();
                }
                continue;
            }
            if (!inFlight.tryAcquire()) {
                if (measured) {
                    r.dropped.incrementAndGet();
                }
                continue;
            }
            outstanding.incrementAndGet();
            HttpRequest req = requests.get((int) (i % requests.size()));
            client.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((resp, e) -> {
                inFlight.release();
                r.answered(measured, intended, e != null ? -1 : resp.statusCode(), e);
                outstanding.decrementAndGet();
            });
            if (measured) {
                r.sent.incrementAndGet();
            }
        }
        long lastIntended = start + (total - 1) * period;
        long sendEnd = System.nanoTime();
        double gcMs = gcMillis() - gc0;
        long gcCount = gcCount() - gcCount0;
        double cpu = (cpuNanos() - cpu0) / 1e9;
        long server1 = serverTicks();
        // Wait for the answers still in flight (bounded by the request timeout).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(35);
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        r.unanswered = outstanding.get();
        if (rawClient != null) {
            r.connections = rawClient.openConnections();
            rawClient.close();
        }
        r.measuredSeconds = (lastIntended - measureFrom) / 1e9 + period / 1e9;
        r.sendSeconds = (sendEnd - measureFrom) / 1e9;
        r.driverCores = cpu / r.sendSeconds;
        r.serverCores = server0 < 0 || server1 < 0 ? -1 : (server1 - server0) / 100.0 / r.sendSeconds;
        r.driverGcMs = gcMs;
        r.driverGcCount = gcCount;
        return r;
    }

    private boolean ok(int status) {
        return "get".equals(mode) ? status < 500 : status == 200;
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }

    private static long gcCount() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private long serverTicks() {
        if (serverPid == 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(serverPid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (Exception e) {
            return -1;
        }
    }

    /** Figures of the measured sends; recorded from the client's threads. */
    final class Result {
        final LatencyHistogram histogram = new LatencyHistogram();
        final Map<String, Long> errors = new ConcurrentHashMap<>();
        final Map<String, Long> warmupErrors = new ConcurrentHashMap<>();
        final AtomicLong sent = new AtomicLong();
        final AtomicLong late = new AtomicLong();
        final AtomicLong maxLateMicros = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();
        long unanswered;
        double measuredSeconds;
        double sendSeconds;
        double driverCores;
        double serverCores;
        double driverGcMs;
        long driverGcCount;
        int connections = -1;

        /** One answer (or failure) of the request meant to go out at {@code intended}, timed from then. */
        void answered(boolean measured, long intended, int status, Throwable failure) {
            long micros = (System.nanoTime() - intended + 999) / 1000;
            String outcome = failure != null ? "io " + failure.getClass().getSimpleName()
                    : ok(status) ? null : "http " + status;
            record(measured, outcome, micros);
        }

        void record(boolean measured, String outcome, long micros) {
            if (!measured) {
                if (outcome != null) {
                    warmupErrors.merge(outcome, 1L, Long::sum);
                }
                return;
            }
            if (outcome != null) {
                errors.merge(outcome, 1L, Long::sum);
                return;
            }
            synchronized (histogram) {
                histogram.record(micros);
            }
        }

        long errorCount() {
            return errors.values().stream().mapToLong(Long::longValue).sum() + dropped.get() + unanswered;
        }

        double errorRate() {
            long all = sent.get() + dropped.get();
            return all == 0 ? 1 : (double) errorCount() / all;
        }

        boolean passed() {
            return dropped.get() == 0 && errorRate() <= MAX_ERROR_RATE;
        }

        void print(String dc) throws Exception {
            LatencyHistogram h = histogram;
            String what = switch (mode) {
                case "sign" -> "POST /v1/connect/ca/sign";
                case "authorize" -> "POST /v1/agent/connect/authorize";
                default -> "GET " + o.get("--path");
            };
            System.out.printf(Locale.ROOT, "%n%s on %s (%s), OPEN LOOP at %.0f/s, %s measured after %s warm-up%n", what,
                    dc, base, rate, duration, warmup);
            System.out.printf(Locale.ROOT, "  sent           %,d in %.2f s (achieved %.1f/s; intended %.0f/s)%n", sent.get(),
                    sendSeconds, sent.get() / sendSeconds, rate);
            System.out.printf(Locale.ROOT, "  ok             %,d  (%.1f/s over the schedule)%n", h.count(), h.count() / measuredSeconds);
            System.out.printf(Locale.ROOT, "  late sends     %,d (> 1 ms behind schedule; worst %.1f ms)  dropped %,d  unanswered %d%n",
                    late.get(), maxLateMicros.get() / 1000.0, dropped.get(), unanswered);
            System.out.printf(Locale.ROOT, "  errors         %s  warm-up errors %s%n", errors, warmupErrors);
            System.out.printf(Locale.ROOT, "  latency µs (from intended send)  mean %.0f  p50 %d  p90 %d  p99 %d  p99.9 %d  max %d%n",
                    h.mean(), h.valueAt(50), h.valueAt(90), h.valueAt(99), h.valueAt(99.9), h.max());
            System.out.printf(Locale.ROOT, "  cpu (cores)    driver %.2f  server %s;  driver GC %d collections, %.0f ms%n",
                    driverCores, serverCores < 0 ? "–" : String.format(Locale.ROOT, "%.2f", serverCores), driverGcCount, driverGcMs);
            ObjectNode j = JSON.createObjectNode();
            j.put("benchmark", "open-loop-" + mode).put("date", Instant.now().toString()).put("url", base.toString())
                    .put("datacenter", dc).put("request", what).put("rate", rate)
                    .put("durationSeconds", duration.toMillis() / 1e3).put("warmupSeconds", warmup.toMillis() / 1e3)
                    .put("sent", sent.get()).put("achievedRate", Math.round(sent.get() / sendSeconds * 10) / 10.0)
                    .put("ok", h.count()).put("late", late.get()).put("maxLateMicros", maxLateMicros.get())
                    .put("dropped", dropped.get()).put("unanswered", unanswered).put("maxInFlight", maxInFlight)
                    .put("errorCount", errorCount()).put("errorRate", errorRate());
            j.putPOJO("errors", new TreeMap<>(errors));
            j.putPOJO("warmupErrors", new TreeMap<>(warmupErrors));
            ObjectNode l = j.putObject("latencyMicros");
            l.put("mean", Math.round(h.mean())).put("p50", h.valueAt(50)).put("p90", h.valueAt(90))
                    .put("p99", h.valueAt(99)).put("p99_9", h.valueAt(99.9)).put("max", h.max());
            ObjectNode c = j.putObject("cpuCores");
            c.put("driver", Math.round(driverCores * 100) / 100.0);
            if (serverCores >= 0) {
                c.put("server", Math.round(serverCores * 100) / 100.0);
            }
            j.put("driverGcMillis", driverGcMs).put("driverGcCount", driverGcCount).put("client", transport);
            if (connections >= 0) {
                j.put("connections", connections);
            }
            j.put("passed", passed());
            System.out.println(JSON.writeValueAsString(j));
        }
    }

    // ---- HTTP helpers ----------------------------------------------------------------------------

    private HttpRequest jdk(Call c) {
        HttpRequest.Builder b = request(base, c.path());
        return c.json() == null ? b.GET().build()
                : b.header("Content-Type", "application/json").method(c.method(), HttpRequest.BodyPublishers.ofString(c.json())).build();
    }

    private HttpRequest.Builder request(URI at, String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(at + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("X-Consul-Token", token);
        }
        return b;
    }

    private JsonNode getJson(URI at, String path) throws Exception {
        HttpResponse<String> r = client.send(request(at, path).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new SignLoad.SetupFailed("GET " + at + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
