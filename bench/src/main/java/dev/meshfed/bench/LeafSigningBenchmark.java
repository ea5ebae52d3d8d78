package dev.meshfed.bench;

import dev.meshfed.core.pki.LeafSigningCore;
import dev.meshfed.core.pki.LeafSigningGates;
import dev.meshfed.core.pki.SignedLeaf;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The leaf signing core as the {@code sign-csr} function runs it, one thread, EC P-256: parse the
 * CSR PEM, check it in order (its signature included), decide the leaf, build and sign it, append
 * the chain ({@link LeafSigningCore#sign}). Each invocation takes the next of 1,024 distinct CSRs.
 *
 * <p>{@link #leavesPerSecond} is the figure of quality.md; {@link #latency} samples the time of
 * single invocations of the same work for percentiles. bench/run-jmh.sh runs both on JDK 17 and
 * JDK 25 for each provider. The defaults below are overridden by the script's command line.
 */
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class LeafSigningBenchmark {

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void leavesPerSecond(LeafSigningFixture f, Blackhole bh) {
        bh.consume(signNext(f));
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public SignedLeaf latency(LeafSigningFixture f) {
        return signNext(f);
    }

    private static SignedLeaf signNext(LeafSigningFixture f) {
        return f.core.sign(f.csrPems[f.next()], f.policy, LeafSigningGates.OPEN, f.signer, f.now,
                LeafSigningFixture.LEAF_TTL);
    }
}
