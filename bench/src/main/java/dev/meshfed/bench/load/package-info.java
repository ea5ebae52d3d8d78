/**
 * Load drivers against a running {@code meshfed dev} (the HTTP figures of quality.md), plain
 * {@code main} programs run by {@code bench/run-load.sh}, never by the test suite; results in
 * {@code docs/benchmarks.md}.
 *
 * <ul>
 *   <li>{@link dev.meshfed.bench.load.SignLoad}: closed-loop {@code POST /v1/connect/ca/sign}
 *       with pre-generated CSRs;</li>
 *   <li>{@link dev.meshfed.bench.load.LatencyHistogram}: the fixed log-linear latency buckets
 *       it records into.</li>
 * </ul>
 */
package dev.meshfed.bench.load;
