/**
 * JMH benchmarks for the figures of quality.md that are measured in process. Run by
 * {@code bench/run-jmh.sh}, never by the test suite; results and how to read them are in
 * {@code docs/benchmarks.md}.
 *
 * <ul>
 *   <li>{@link dev.meshfed.bench.LeafSigningBenchmark}: the leaf signing core, the figure itself;</li>
 *   <li>{@link dev.meshfed.bench.LeafSigningPartsBenchmark}: its pieces, to say where the time goes;</li>
 *   <li>{@link dev.meshfed.bench.LeafSigningFixture}: the CA, signer, policy and CSR pool they share.</li>
 * </ul>
 */
package dev.meshfed.bench;
