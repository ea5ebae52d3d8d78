/**
 * Cold start of the deployables on the JVM: a local Lambda Runtime API and a driver that forks
 * each function as Lambda's java21 runtime would and times fork to first answer
 * ({@link dev.meshfed.bench.cold.ColdStart}, run by {@code bench/run-cold.sh}; results in
 * docs/benchmarks.md, "Cold start").
 */
package dev.meshfed.bench.cold;
