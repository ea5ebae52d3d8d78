package dev.meshfed.bench;

import dev.meshfed.app.config.DcConfig;
import dev.meshfed.app.ca.ManagedLeafReissue;
import dev.meshfed.app.forwarding.PrimaryApi;
import dev.meshfed.app.http.BlockingQuery;
import dev.meshfed.app.http.HttpRequest;
import dev.meshfed.app.http.HttpResponse;
import dev.meshfed.app.ca.lifecycle.RotateLeaves;
import dev.meshfed.app.wiring.DcFunctions;
import dev.meshfed.core.clock.MutableClock;
import dev.meshfed.core.ca.Membership;
import dev.meshfed.core.config.CaConfig;
import dev.meshfed.core.metrics.Metrics;
import dev.meshfed.core.rotation.ReissueWindow;
import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.PrivateStore;
import dev.meshfed.core.store.Table;
import dev.meshfed.core.store.Versioned;
import dev.meshfed.custody.LocalKeyCustody;
import dev.meshfed.pki.CryptoProviders;
import dev.meshfed.store.embedded.EmbeddedFederation;
import dev.meshfed.store.embedded.stream.StreamSubscriber;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Re-issue of many managed leaves in a secondary after a root rotation (issue 8, certificates.md
 * Rotation step 4): how long the work takes, and how much of the CSR budget it uses.
 *
 * <p>Two DCs on the embedded substrate, each wired by {@link DcFunctions#build} as deployed (ACLs
 * off), their CA streams feeding {@code rotate-leaves} as in {@code meshfed dev}, on a
 * {@link MutableClock}. dc1 bootstraps its root, dc2 joins through the CSR exchange; then
 * {@code --leaves} managed leaves are made in dc2 through {@code GET /v1/agent/connect/ca/leaf/<svc>}
 * (one service each, with the rate limit off), dc2's {@code CSRMaxPerSecond} is set to
 * {@code --rate}, and {@code POST /v1/connect/ca/rotate} is sent to dc1. The run then drives the
 * federation tick by tick: dc1's and dc2's {@code rotate-leaves} ticks, replication and stream
 * delivery, the clock set to the next tick. dc2's {@code rotate-leaves} is the one
 * {@code DcFunctions} built, with one change: the re-issue's pause until each slot moves the
 * simulated clock instead of sleeping, so the simulated 125 s cost only the CPU work.
 *
 * <p>Each re-issue is seen as a write of a managed leaf with a new serial on dc2's private table
 * (a sink on the table; the instant is the clock's at the write). Printed: the planned window W,
 * simulated time to the re-key and to the last re-issue, the wall time of the re-issue ticks,
 * the re-issues in any one simulated second (aligned seconds and any sliding second) against
 * 80 % of the budget, and failures (leaves still under the old signer at the end).
 *
 * <pre>
 * java -cp bench/target/meshfed-benchmarks.jar dev.meshfed.bench.ReissueBenchmark [--leaves 10000] [--rate 100]
 * </pre>
 */
public final class ReissueBenchmark {

    private static final String LEAF = "/v1/agent/connect/ca/leaf/";

    private ReissueBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new TreeMap<>(Map.of("--leaves", "10000", "--rate", "100"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!o.containsKey(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
            o.put(args[i], args[i + 1]);
        }
        int n = Integer.parseInt(o.get("--leaves"));
        double rate = Double.parseDouble(o.get("--rate"));

        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
        EmbeddedFederation fed = new EmbeddedFederation(List.of("dc1", "dc2"), "dc1", clock);
        CryptoProviders providers = CryptoProviders.get();
        Map<String, DcFunctions> dcs = new LinkedHashMap<>();
        for (String name : List.of("dc1", "dc2")) {
            var d = fed.dc(name);
            byte[] kek = new byte[LocalKeyCustody.KEK_BYTES];
            new SecureRandom().nextBytes(kek);
            // dc2 forwards nothing in this run (no write goes through its API but the leaf GETs)
            Optional<PrimaryApi> forward = name.equals("dc1") ? Optional.empty()
                    : Optional.of((request, key) -> {
                        throw new UnsupportedOperationException("the benchmark forwards no write");
                    });
            DcFunctions f = DcFunctions.build(d.caStore(), d.intentionStore(), d.privateStore(),
                    new LocalKeyCustody(kek), providers, DcConfig.AclMode.OFF, forward,
                    BlockingQuery.DEFAULT_MAX_BLOCKING_WAIT, clock, Metrics.NONE);
            dcs.put(name, f);
            fed.subscribe(name, Table.CA, StreamSubscriber.perRecord(f.rotateLeavesStream()::onRecord), b -> b);
        }
        DcFunctions dc1 = dcs.get("dc1");
        DcFunctions dc2 = dcs.get("dc2");
        // the one change to dc2's rotate-leaves: a pause until a slot moves the simulated clock
        RotateLeaves dc2Ticks = dc2.rotateLeaves().withLeafReissue(
                dc2.signCsr().managedLeafReissue(clock::advance));

        // bring-up: dc1's root and intermediate, dc2 registered and joined
        dc1.rotateLeaves().tick();
        fed.settle();
        String enrolment = dc2.rotateLeaves().enrolmentPublicKeyPem();
        dc1.ca().putMembership(new Membership(List.of(new Membership.Member("dc2", enrolment))),
                dc1.ca().membership(true).map(Versioned::version).orElse(0L));
        for (int round = 0; dc2Ticks.status().signingKeyId() == null; round++) {
            if (round > 10) {
                throw new IllegalStateException("dc2 did not join: " + dc2Ticks.status());
            }
            dc1.rotateLeaves().tick();
            dc2Ticks.tick();
            fed.settle();
        }
        String firstKey = dc2Ticks.status().signingKeyId();

        // the managed leaves, the rate limit off while they are made
        setRate(dc2, 0);
        long made = System.nanoTime();
        for (int i = 0; i < n; i++) {
            HttpResponse r = dc2.localHandler().handle(
                    HttpRequest.builder("GET", LEAF + String.format(Locale.ROOT, "svc-%05d", i)).build());
            if (r.status() != 200) {
                throw new IllegalStateException("leaf " + i + " answered " + r.status() + ": " + r.body());
            }
        }
        double makeSeconds = (System.nanoTime() - made) / 1e9;
        setRate(dc2, rate);
        clock.advance(Duration.ofSeconds(10)); // past the signer's config cache: the new rate is read

        // re-issues, seen on dc2's private table: a managed leaf written with another serial
        List<Instant> reissues = Collections.synchronizedList(new ArrayList<>());
        fed.dc("dc2").table(Table.PRIVATE).addSink(change -> {
            if (change.oldImage() != null && change.newImage() != null
                    && PrivateStore.MANAGED_LEAF.equals(change.newImage().key().kind())
                    && !serial(change.oldImage().body()).equals(serial(change.newImage().body()))) {
                reissues.add(clock.instant());
            }
        });

        Instant requested = clock.instant();
        HttpResponse rotate = dc1.localHandler().handle(HttpRequest.builder("POST", "/v1/connect/ca/rotate").body("{}").build());
        if (rotate.status() != 200) {
            throw new IllegalStateException("rotate answered " + rotate.status() + ": " + rotate.body());
        }
        fed.settle();
        Instant rekeyedAt = null;
        Instant windowStart = null;
        long tickWallNanos = 0;
        List<Integer> perTick = new ArrayList<>();
        Instant tick = clock.instant();
        ManagedLeafReissue.Progress progress = ManagedLeafReissue.Progress.NONE;
        for (int t = 0; t < 60; t++) {
            clock.set(tick);
            dc1.rotateLeaves().tick();
            fed.settle();
            if (rekeyedAt == null && !firstKey.equals(dc2Ticks.status().signingKeyId())) {
                rekeyedAt = clock.instant();
            }
            int before = reissues.size();
            long wall = System.nanoTime();
            if (rekeyedAt != null && windowStart == null) {
                windowStart = clock.instant();
            }
            dc2Ticks.tick();
            fed.settle();
            if (rekeyedAt != null) {
                tickWallNanos += System.nanoTime() - wall;
                perTick.add(reissues.size() - before);
            }
            if (rekeyedAt == null && !firstKey.equals(dc2Ticks.status().signingKeyId())) {
                rekeyedAt = clock.instant(); // re-keyed during dc2's tick: its re-issue starts next tick
            }
            progress = dc2Ticks.reissueProgress();
            if (rekeyedAt != null && progress.total() > 0 && progress.done()) {
                break;
            }
            tick = tick.plus(RotateLeaves.TICK_INTERVAL);
        }
        if (rekeyedAt == null) {
            throw new IllegalStateException("dc2 never re-keyed: " + dc2Ticks.status());
        }

        String newKey = dc2Ticks.status().signingKeyId();
        long stillOld = dc2.privateStore().managedLeaves().stream()
                .filter(v -> !newKey.equals(v.value().signingKeyId())).count();
        List<Instant> at = new ArrayList<>(reissues);
        Collections.sort(at);
        ReissueWindow planned = ReissueWindow.plan(windowStart, n, rate);
        long budget = (long) Math.ceil(0.8 * rate);
        Map<Long, Integer> perSecond = new TreeMap<>();
        at.forEach(i -> perSecond.merge(i.getEpochSecond(), 1, Integer::sum));
        int maxAligned = perSecond.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        int maxSliding = 0;
        for (int i = 0, j = 0; i < at.size(); i++) {
            while (j < at.size() && at.get(j).isBefore(at.get(i).plusSeconds(1))) {
                j++;
            }
            maxSliding = Math.max(maxSliding, j - i);
        }
        Duration span = at.isEmpty() ? Duration.ZERO : Duration.between(at.get(0), at.get(at.size() - 1));
        double mean = span.isZero() ? 0 : (at.size() - 1) / (span.toNanos() / 1e9);
        double tickWall = tickWallNanos / 1e9;

        System.out.printf(Locale.ROOT, "managed leaves in dc2: %d (made in %.1f s wall, rate limit off)%n", n, makeSeconds);
        System.out.printf(Locale.ROOT, "CSRMaxPerSecond in dc2: %s; re-issue budget 80 %% = %.1f/s%n", fmt(rate), 0.8 * rate);
        System.out.printf(Locale.ROOT, "rotation: requested in dc1 at t=0; dc2 signs under the new root at t=%.1f s (simulated)%n",
                Duration.between(requested, rekeyedAt).toNanos() / 1e9);
        System.out.printf(Locale.ROOT, "planned window W = max(30 s, N / (0.8 x rate)) = %.3f s; last slot %s after the window start%n",
                planned.width().toNanos() / 1e9, progress.lastSlot() == null ? "-"
                        : String.format(Locale.ROOT, "%.3f s", Duration.between(windowStart, progress.lastSlot()).toNanos() / 1e9));
        System.out.printf(Locale.ROOT, "re-issued: %d of %d (progress %d/%d); first to last %.3f s simulated, mean %.2f/s%n",
                at.size(), n, progress.reissued(), progress.total(), span.toNanos() / 1e9, mean);
        System.out.printf(Locale.ROOT, "re-issues per tick (60 s): %s%n", perTick);
        System.out.printf(Locale.ROOT, "max re-issues in one aligned second: %d; in any sliding second [a, a+1s): %d;"
                + " budget share ceil(0.8 x rate) = %d -> %.1f %% of the 80 %% share, %.1f %% of CSRMaxPerSecond%n",
                maxAligned, maxSliding, budget, 100.0 * maxSliding / budget, 100.0 * maxSliding / rate);
        System.out.printf(Locale.ROOT, "wall time of dc2's re-issue ticks: %.2f s (%.0f re-issues/s of CPU work, %.2f ms each)%n",
                tickWall, at.size() / tickWall, tickWall * 1000 / Math.max(1, at.size()));
        System.out.printf(Locale.ROOT, "failures: %d leaves still under the old signer; %d re-issues over the budget%n",
                stillOld, Math.max(0, maxSliding - budget));
        System.out.printf(Locale.ROOT, "{\"leaves\":%d,\"csr_max_per_second\":%s,\"window_s\":%.3f,\"rekey_s\":%.3f,"
                        + "\"reissued\":%d,\"span_s\":%.3f,\"max_per_aligned_second\":%d,\"max_per_sliding_second\":%d,"
                        + "\"budget_per_second\":%d,\"tick_wall_s\":%.3f,\"still_old\":%d}%n",
                n, fmt(rate), planned.width().toNanos() / 1e9, Duration.between(requested, rekeyedAt).toNanos() / 1e9,
                at.size(), span.toNanos() / 1e9, maxAligned, maxSliding, budget, tickWall, stillOld);
        if (stillOld > 0 || maxSliding > budget || at.size() != n) {
            System.exit(1);
        }
    }

    private static void setRate(DcFunctions dc, double rate) {
        long version = dc.ca().caConfig("dc2", true).map(Versioned::version).orElse(0L);
        CaConfig current = dc.ca().caConfig("dc2", true).map(Versioned::value).orElseGet(CaConfig::defaults);
        dc.ca().putCaConfig(current.toBuilder().csrMaxPerSecond(rate).build(), version);
    }

    private static String serial(Map<String, Attr> body) {
        return body.get("serial") instanceof Attr.S s ? s.value() : "";
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
