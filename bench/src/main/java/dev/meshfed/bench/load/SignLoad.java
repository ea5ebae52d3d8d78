package dev.meshfed.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop load on {@code POST /v1/connect/ca/sign} of a running {@code meshfed dev} DC (the
 * figure of quality.md "sign against meshfed dev"; results in docs/benchmarks.md). Run by
 * {@code bench/run-load.sh}:
 *
 * <pre>
 * java -cp bench/target/meshfed-benchmarks.jar dev.meshfed.bench.load.SignLoad \
 *     [--url http://127.0.0.1:8501] [--concurrency 32] [--duration 30s] [--warmup 10s] [--csrs 2000] [--token T]
 *     [--server-pid PID]
 * </pre>
 *
 * <ol>
 *   <li>Reads the trust domain ({@code GET /v1/connect/ca/roots}) and the DC name
 *       ({@code GET /v1/agent/self}, {@code Config.Datacenter}).</li>
 *   <li>Turns the DC's rate limit off: {@code PUT /v1/connect/ca/configuration} with
 *       {@code {"Provider":"consul","Config":{"CSRMaxPerSecond":0,"CSRMaxConcurrent":0}}} (keys left
 *       out take their defaults, as in Consul, which is what meshfed dev runs with; 0 and 0 is "no
 *       limit", rate-limiting.md), then reads the configuration back and checks both are 0. Signing
 *       re-reads the configuration at most every 5 s, so the warm-up must be longer than that;
 *       a refusal in the measured period fails the run.</li>
 *   <li>Makes {@code --csrs} distinct EC P-256 CSRs (SunEC keys, Bouncy Castle PKCS#10), each with
 *       the URI SAN {@code spiffe://<td>/ns/default/dc/<dc>/svc/load-<i % 50>}, and signs one,
 *       checking the leaf's URI, before any load.</li>
 *   <li>{@code --concurrency} threads each send the next CSR (round robin over the pool), wait for
 *       the answer, and repeat: warm-up, then the measured period. A request is measured if it
 *       started in the measured period and finished before its end; throughput is measured 200s
 *       divided by the period's length (requests in flight at either edge are left out, at most
 *       one per thread).</li>
 * </ol>
 *
 * CPU: the driver's own process CPU time over the measured period, and with {@code --server-pid}
 * (Linux) the server's, from {@code /proc/<pid>/stat} at 100 ticks per second, so that a run on
 * one machine shows how the cores were shared.
 *
 * <p>Prints the figures as text and then as one JSON line (the last line, starting with
 * {@code {}). Exit 0 if at most 0.1 % of the measured requests were not 200, 1 otherwise, 2 for
 * bad options or a failed set-up.
 */
public final class SignLoad {

    /** The run fails if more than this share of measured requests is not a 200. */
    static final double MAX_ERROR_RATE = 0.001;
    /** Distinct services the CSRs ask for. */
    static final int SERVICES = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final int concurrency;
    private final Duration duration;
    private final Duration warmup;
    private final int csrCount;
    private final String token;
    private final HttpClient client;
    private final long serverPid; // 0: not sampled

    private SignLoad(URI base, int concurrency, Duration duration, Duration warmup, int csrCount, String token,
            long serverPid) {
        this.serverPid = serverPid;
        this.base = base;
        this.concurrency = concurrency;
        this.duration = duration;
        this.warmup = warmup;
        this.csrCount = csrCount;
        this.token = token;
        // HTTP/1.1 only: the JDK server behind meshfed dev speaks nothing else. The pool is
        // unbounded by default; set it explicitly so that every client thread keeps its own
        // keep-alive connection (the property is read when the first client is built).
        System.setProperty("jdk.httpclient.connectionPoolSize", Integer.toString(Math.max(64, 2 * concurrency)));
        System.setProperty("jdk.httpclient.keepalive.timeout", "600");
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newFixedThreadPool(Math.max(4, concurrency / 4), r -> {
                    Thread t = new Thread(r, "http-client");
                    t.setDaemon(true);
                    return t;
                }))
                .build();
    }

    public static void main(String[] args) throws Exception {
        SignLoad load;
        try {
            load = fromArgs(args);
        } catch (IllegalArgumentException e) {
            System.err.println("sign-load: " + e.getMessage());
            System.err.println("usage: SignLoad [--url http://127.0.0.1:8501] [--concurrency 32] [--duration 30s]"
                    + " [--warmup 10s] [--csrs 2000] [--token T] [--server-pid PID]");
            System.exit(2);
            return;
        }
        int code;
        try {
            code = load.run();
        } catch (SetupFailed e) {
            System.err.println("sign-load: set-up failed: " + e.getMessage());
            code = 2;
        }
        System.exit(code);
    }

    static SignLoad fromArgs(String[] args) {
        Map<String, String> o = new TreeMap<>(Map.of("--url", "http://127.0.0.1:8501", "--concurrency", "32",
                "--duration", "30s", "--warmup", "10s", "--csrs", "2000"));
        String token = null;
        long serverPid = 0;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + name + " needs a value");
            }
            String value = args[++i];
            if ("--token".equals(name)) {
                token = value;
            } else if ("--server-pid".equals(name)) {
                serverPid = positive(name, value);
            } else if (o.containsKey(name)) {
                o.put(name, value);
            } else {
                throw new IllegalArgumentException("unknown option " + name);
            }
        }
        int concurrency = positive("--concurrency", o.get("--concurrency"));
        int csrs = positive("--csrs", o.get("--csrs"));
        return new SignLoad(URI.create(o.get("--url").replaceAll("/+$", "")), concurrency,
                duration("--duration", o.get("--duration")), duration("--warmup", o.get("--warmup")), csrs, token,
                serverPid);
    }

    private static int positive(String name, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(name + " must be a positive integer, got " + value);
    }

    /** {@code 30s}, {@code 500ms}, {@code 2m}. */
    static Duration duration(String name, String value) {
        var m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m)").matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException(name + " must be like 30s, 500ms or 2m, got " + value);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
    }

    // ---- the run ----------------------------------------------------------------------------------

    int run() throws Exception {
        JsonNode roots = getJson("/v1/connect/ca/roots");
        String trustDomain = roots.path("TrustDomain").asText("");
        JsonNode self = getJson("/v1/agent/self");
        String dc = self.path("Config").path("Datacenter").asText("");
        if (trustDomain.isEmpty() || dc.isEmpty()) {
            throw new SetupFailed("no trust domain (" + trustDomain + ") or datacenter (" + dc + ") at " + base
                    + ": is meshfed dev ready?");
        }
        System.out.println("sign-load: " + base + " dc=" + dc + " trust domain " + trustDomain);
        rateLimitOff();

        long t0 = System.nanoTime();
        List<String> csrs = csrs(trustDomain, dc);
        System.out.printf("sign-load: %d CSRs made in %.1f s%n", csrs.size(), (System.nanoTime() - t0) / 1e9);
        smokeTest(csrs.get(0), "spiffe://" + trustDomain + "/ns/default/dc/" + dc + "/svc/load-0");

        Result result = load(csrs);
        result.print(dc);
        return result.errorRate() > MAX_ERROR_RATE ? 1 : 0;
    }

    /** PUT both limits to 0 and read them back. */
    private void rateLimitOff() throws Exception {
        String body = "{\"Provider\":\"consul\",\"Config\":{\"CSRMaxPerSecond\":0,\"CSRMaxConcurrent\":0}}";
        HttpResponse<String> put = client.send(request("/v1/connect/ca/configuration")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() != 200) {
            throw new SetupFailed("PUT /v1/connect/ca/configuration answered " + put.statusCode() + ": " + put.body());
        }
        JsonNode config = getJson("/v1/connect/ca/configuration").path("Config");
        double rate = config.path("CSRMaxPerSecond").asDouble(-1);
        long concurrent = config.path("CSRMaxConcurrent").asLong(-1);
        if (rate != 0 || concurrent != 0) {
            throw new SetupFailed("the rate limit is still on after the PUT: CSRMaxPerSecond=" + rate
                    + " CSRMaxConcurrent=" + concurrent);
        }
        System.out.println("sign-load: rate limit off (CSRMaxPerSecond 0, CSRMaxConcurrent 0 read back);"
                + " signing sees it within 5 s");
    }

    private List<String> csrs(String trustDomain, String dc) throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC", "SunEC");
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        List<String> out = new ArrayList<>(csrCount);
        for (int i = 0; i < csrCount; i++) {
            KeyPair key = gen.generateKeyPair();
            String uri = "spiffe://" + trustDomain + "/ns/default/dc/" + dc + "/svc/load-" + (i % SERVICES);
            String pem = LoadCsrs.pem(key, uri);
            ObjectNode json = JSON.createObjectNode().put("CSR", pem);
            out.add(JSON.writeValueAsString(json));
        }
        return out;
    }

    /** One signature before the load: a 200 whose first certificate carries the CSR's URI. */
    private void smokeTest(String body, String expectedUri) throws Exception {
        HttpResponse<String> r = client.send(sign(body), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new SetupFailed("the first signature answered " + r.statusCode() + ": " + r.body());
        }
        String certPem = JSON.readTree(r.body()).path("CertPEM").asText("");
        var certs = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(certPem.getBytes(StandardCharsets.US_ASCII)));
        X509Certificate leaf = (X509Certificate) certs.iterator().next();
        boolean found = leaf.getSubjectAlternativeNames() != null && leaf.getSubjectAlternativeNames().stream()
                .anyMatch(san -> expectedUri.equals(san.get(1)));
        if (!found) {
            throw new SetupFailed("the first leaf does not carry " + expectedUri);
        }
        System.out.println("sign-load: first leaf checked (" + certs.size() + " certificates, " + expectedUri + ")");
    }

    private Result load(List<String> csrs) throws Exception {
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long measureTo = measureFrom + duration.toNanos();
        AtomicLong next = new AtomicLong();
        List<Worker> workers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        System.out.printf("sign-load: %d clients, warm-up %s, measured %s%n", concurrency, warmup, duration);
        for (int i = 0; i < concurrency; i++) {
            Worker w = new Worker(csrs, next, measureFrom, measureTo);
            workers.add(w);
            done.add(pool.submit(w));
        }
        long[] cpu = new long[4]; // client ns at from, at to; server ticks at from, at to
        var sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.schedule(() -> { cpu[0] = clientCpuNanos(); cpu[2] = serverCpuTicks(); },
                measureFrom - System.nanoTime(), java.util.concurrent.TimeUnit.NANOSECONDS);
        sampler.schedule(() -> { cpu[1] = clientCpuNanos(); cpu[3] = serverCpuTicks(); },
                measureTo - System.nanoTime(), java.util.concurrent.TimeUnit.NANOSECONDS);
        for (var f : done) {
            f.get();
        }
        pool.shutdown();
        sampler.shutdown();
        sampler.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        Result r = new Result(concurrency, duration, warmup, csrs.size(), base);
        r.clientCpuSeconds = (cpu[1] - cpu[0]) / 1e9;
        r.serverCpuSeconds = serverPid == 0 || cpu[2] < 0 || cpu[3] < 0 ? -1 : (cpu[3] - cpu[2]) / 100.0;
        for (Worker w : workers) {
            r.add(w);
        }
        return r;
    }

    private static long clientCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** utime + stime of the server process in clock ticks (100 per second on Linux), -1 if unreadable. */
    private long serverCpuTicks() {
        if (serverPid == 0) {
            return -1;
        }
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(serverPid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
        } catch (Exception e) {
            return -1;
        }
    }

    /** One client: send, wait, record, repeat until the measured period ends. */
    private final class Worker implements Runnable {
        final LatencyHistogram histogram = new LatencyHistogram();
        final Map<String, Long> errors = new TreeMap<>();
        final Map<String, Long> warmupErrors = new TreeMap<>();
        long warmupOk;
        private final List<String> csrs;
        private final AtomicLong next;
        private final long measureFrom;
        private final long measureTo;

        Worker(List<String> csrs, AtomicLong next, long measureFrom, long measureTo) {
            this.csrs = csrs;
            this.next = next;
            this.measureFrom = measureFrom;
            this.measureTo = measureTo;
        }

        @Override
        public void run() {
            while (true) {
                long begin = System.nanoTime();
                if (begin >= measureTo) {
                    return;
                }
                HttpRequest req = sign(csrs.get((int) (next.getAndIncrement() % csrs.size())));
                String outcome;
                try {
                    HttpResponse<byte[]> r = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
                    outcome = r.statusCode() == 200 ? null : "http " + r.statusCode();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    outcome = "io " + e.getClass().getSimpleName();
                }
                long end = System.nanoTime();
                boolean measured = begin >= measureFrom && end <= measureTo;
                if (measured) {
                    if (outcome == null) {
                        histogram.record((end - begin + 999) / 1000);
                    } else {
                        errors.merge(outcome, 1L, Long::sum);
                    }
                } else if (begin < measureFrom) {
                    if (outcome == null) {
                        warmupOk++;
                    } else {
                        warmupErrors.merge(outcome, 1L, Long::sum);
                    }
                }
            }
        }
    }

    /** The measured figures of all clients together. */
    static final class Result {
        final LatencyHistogram histogram = new LatencyHistogram();
        final Map<String, Long> errors = new TreeMap<>();
        final Map<String, Long> warmupErrors = new TreeMap<>();
        long warmupOk;
        final int concurrency;
        final Duration duration;
        final Duration warmup;
        final int csrs;
        final URI base;
        double clientCpuSeconds;
        double serverCpuSeconds = -1;

        Result(int concurrency, Duration duration, Duration warmup, int csrs, URI base) {
            this.concurrency = concurrency;
            this.duration = duration;
            this.warmup = warmup;
            this.csrs = csrs;
            this.base = base;
        }

        void add(Worker w) {
            histogram.add(w.histogram);
            w.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
            w.warmupErrors.forEach((k, v) -> warmupErrors.merge(k, v, Long::sum));
            warmupOk += w.warmupOk;
        }

        long errorCount() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }

        double errorRate() {
            long all = histogram.count() + errorCount();
            return all == 0 ? 1 : (double) errorCount() / all;
        }

        double throughput() {
            return histogram.count() / (duration.toNanos() / 1e9);
        }

        void print(String dc) throws Exception {
            System.out.printf("%nPOST /v1/connect/ca/sign on %s (%s), closed loop, %d clients, %s measured after %s warm-up%n",
                    dc, base, concurrency, duration, warmup);
            System.out.printf("  ok (200)       %,d  (%.0f leaves/s)%n", histogram.count(), throughput());
            System.out.printf("  errors         %,d  %s  (%.3f %%; the run fails above %.1f %%)%n", errorCount(), errors,
                    100 * errorRate(), 100 * MAX_ERROR_RATE);
            System.out.printf("  warm-up        %,d ok, errors %s%n", warmupOk, warmupErrors);
            System.out.printf("  latency µs     mean %.0f  p50 %d  p90 %d  p99 %d  p99.9 %d  max %d%n", histogram.mean(),
                    histogram.valueAt(50), histogram.valueAt(90), histogram.valueAt(99), histogram.valueAt(99.9),
                    histogram.max());
            double seconds = duration.toNanos() / 1e9;
            System.out.printf("  cpu (cores)    driver %.2f%s%n", clientCpuSeconds / seconds, serverCpuSeconds < 0 ? ""
                    : String.format("  server %.2f  (server CPU per leaf %.0f µs)", serverCpuSeconds / seconds,
                            1e6 * serverCpuSeconds / Math.max(1, histogram.count())));
            ObjectNode j = JSON.createObjectNode();
            j.put("benchmark", "sign-load").put("date", Instant.now().toString()).put("url", base.toString())
                    .put("datacenter", dc).put("concurrency", concurrency).put("durationSeconds", duration.toMillis() / 1e3)
                    .put("warmupSeconds", warmup.toMillis() / 1e3).put("csrs", csrs).put("ok", histogram.count())
                    .put("throughputPerSecond", Math.round(throughput() * 10) / 10.0)
                    .put("errorCount", errorCount()).put("errorRate", errorRate());
            j.putPOJO("errors", errors);
            j.put("warmupOk", warmupOk);
            j.putPOJO("warmupErrors", warmupErrors);
            ObjectNode l = j.putObject("latencyMicros");
            l.put("mean", Math.round(histogram.mean())).put("p50", histogram.valueAt(50))
                    .put("p90", histogram.valueAt(90)).put("p99", histogram.valueAt(99))
                    .put("p99_9", histogram.valueAt(99.9)).put("max", histogram.max());
            ObjectNode c = j.putObject("cpuCores");
            c.put("driver", Math.round(clientCpuSeconds / seconds * 100) / 100.0);
            if (serverCpuSeconds >= 0) {
                c.put("server", Math.round(serverCpuSeconds / seconds * 100) / 100.0)
                        .put("serverMicrosPerLeaf", Math.round(1e6 * serverCpuSeconds / Math.max(1, histogram.count())));
            }
            j.put("passed", errorRate() <= MAX_ERROR_RATE);
            System.out.println(JSON.writeValueAsString(j));
        }
    }

    // ---- HTTP helpers ----------------------------------------------------------------------------

    private HttpRequest sign(String body) {
        return request("/v1/connect/ca/sign").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("X-Consul-Token", token);
        }
        return b;
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> r = client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new SetupFailed("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** The DC cannot be loaded: not ready, refused the configuration, or signed wrongly. */
    static final class SetupFailed extends Exception {
        SetupFailed(String message) {
            super(message);
        }
    }
}
