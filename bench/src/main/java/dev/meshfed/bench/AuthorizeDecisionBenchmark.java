package dev.meshfed.bench;

import dev.meshfed.core.intentions.Decision;
import dev.meshfed.core.intentions.DecisionQuery;
import dev.meshfed.core.intentions.Intention;
import dev.meshfed.core.intentions.IntentionDefault;
import dev.meshfed.core.intentions.IntentionIndex;
import dev.meshfed.core.intentions.IntentionRules;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.Versioned;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The authorize decision path with 10,000 intentions (quality.md: p99 &lt; 50 µs in process): the
 * DC's {@link IntentionIndex} answering {@code decide} for a query, as {@code POST
 * /v1/agent/connect/authorize} and {@code check} do after parsing. Sample-time mode, so JMH reports
 * percentiles of single calls.
 *
 * <p>The intentions: {@code destinations} services, each with exact allows from
 * {@code 10,000 / destinations - 2} sources, one datacenter-scoped deny and one {@code *} deny (so
 * a source without its own rule walks the destination's whole list and lands on the wildcard);
 * queries are drawn at random, half of them for sources with an exact rule and half for sources
 * without one (the worst case per destination). {@link #rebuildIndex} times what a view change costs:
 * building the index of all 10,000.
 */
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@State(Scope.Benchmark)
public class AuthorizeDecisionBenchmark {

    /** Total intentions. */
    static final int INTENTIONS = 10_000;

    @Param({"200", "20"})
    public int destinations;

    private List<Versioned<Intention>> live;
    private IntentionIndex index;
    private DecisionQuery[] queries;
    private int next;
    private final IntentionDefault deny = IntentionDefault.byAcls(true);

    @Setup
    public void setUp() {
        Instant at = Instant.parse("2026-11-25T00:00:00Z");
        int perDestination = INTENTIONS / destinations;
        live = new ArrayList<>(INTENTIONS);
        long version = 1;
        for (int d = 0; d < destinations; d++) {
            String dest = "svc-" + d;
            for (int s = 0; s < perDestination - 2; s++) {
                live.add(versioned(intention("client-" + s, dest, null, "allow", at), version++));
            }
            live.add(versioned(intention("client-0", dest, "dc9", "deny", at), version++));
            live.add(versioned(intention("*", dest, null, "deny", at), version++));
        }
        index = IntentionIndex.of(live, version);
        Random random = new Random(42);
        queries = new DecisionQuery[4096];
        for (int i = 0; i < queries.length; i++) {
            String dest = "svc-" + random.nextInt(destinations);
            String source = i % 2 == 0 ? "client-" + random.nextInt(perDestination - 2) : "stranger-" + i;
            queries[i] = new DecisionQuery("default", source, Optional.of("dc1"), "default", dest, Optional.of("dc2"));
        }
    }

    private static Intention intention(String source, String destination, String sourceDc, String action, Instant at) {
        return IntentionRules.prepare(new Intention(UUID.randomUUID().toString(), "default", source, "default",
                destination, sourceDc, null, "consul", action, null, null, Map.of(), 0, at, at));
    }

    private static Versioned<Intention> versioned(Intention i, long version) {
        return new Versioned<>(new ItemKey("dc1", "intention", i.id()), i, version, i.updatedAt(), null);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Decision decide() {
        DecisionQuery q = queries[next++ & (queries.length - 1)];
        return index.decide(q, deny);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public IntentionIndex rebuildIndex() {
        return IntentionIndex.of(live, 1);
    }
}
