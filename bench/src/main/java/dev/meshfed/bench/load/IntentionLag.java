package dev.meshfed.bench.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Intention replication lag in {@code meshfed dev} (quality.md: p99 &lt; 100 ms with no injected
 * delay): writes an intention in the primary with {@code PUT /v1/connect/intentions/exact}, then
 * polls the secondary's {@code GET /v1/connect/intentions/exact} for the same pair until it
 * answers 200; the lag of one write is the time from the primary's answer to the secondary's first
 * 200. Writes are sequential, so each lag is measured alone; the intentions are deleted at the end.
 *
 * <pre>
 * java -cp bench/target/meshfed-benchmarks.jar dev.meshfed.bench.load.IntentionLag \
 *     [--primary http://127.0.0.1:8500] [--secondary http://127.0.0.1:8501] [--writes 300] [--token T]
 * </pre>
 */
public final class IntentionLag {

    /** A write not seen in the secondary after this long fails the run. */
    static final Duration GIVE_UP = Duration.ofSeconds(10);

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new TreeMap<>(Map.of("--primary", "http://127.0.0.1:8500", "--secondary",
                "http://127.0.0.1:8501", "--writes", "300", "--token", ""));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!o.containsKey(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
            o.put(args[i], args[i + 1]);
        }
        URI primary = URI.create(o.get("--primary"));
        URI secondary = URI.create(o.get("--secondary"));
        int writes = Integer.parseInt(o.get("--writes"));
        String token = o.get("--token");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        LatencyHistogram lags = new LatencyHistogram();
        String run = Long.toString(System.currentTimeMillis(), 36);
        for (int i = 0; i < writes; i++) {
            String pair = "?source=lag-" + run + "-" + i + "&destination=lag-target";
            int put = send(http, request(primary, pair, token).PUT(HttpRequest.BodyPublishers.ofString(
                    "{\"Action\":\"deny\",\"Description\":\"replication lag benchmark\"}")));
            if (put != 200) {
                throw new IllegalStateException("write " + i + " answered " + put);
            }
            long written = System.nanoTime();
            while (send(http, request(secondary, pair, token).GET()) != 200) {
                if (System.nanoTime() - written > GIVE_UP.toNanos()) {
                    throw new IllegalStateException("write " + i + " not seen in the secondary after " + GIVE_UP);
                }
                Thread.onSpinWait();
            }
            lags.record((System.nanoTime() - written) / 1_000);
        }
        for (int i = 0; i < writes; i++) {
            send(http, request(primary, "?source=lag-" + run + "-" + i + "&destination=lag-target", token).DELETE());
        }
        System.out.printf(Locale.ROOT, "intention replication lag over %d writes: p50 %.2f ms, p90 %.2f ms, "
                        + "p99 %.2f ms, max %.2f ms%n", lags.count(), lags.valueAt(50) / 1000.0,
                lags.valueAt(90) / 1000.0, lags.valueAt(99) / 1000.0, lags.max() / 1000.0);
        System.out.printf(Locale.ROOT, "{\"writes\":%d,\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f}%n",
                lags.count(), lags.valueAt(50) / 1000.0, lags.valueAt(90) / 1000.0, lags.valueAt(99) / 1000.0,
                lags.max() / 1000.0);
    }

    private static HttpRequest.Builder request(URI base, String pair, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/v1/connect/intentions/exact" + pair))
                .timeout(Duration.ofSeconds(10));
        if (!token.isEmpty()) {
            b.header("X-Consul-Token", token);
        }
        return b;
    }

    private static int send(HttpClient http, HttpRequest.Builder b) throws Exception {
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
