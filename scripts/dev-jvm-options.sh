# shellcheck shell=bash
# The JVM options `meshfed dev` runs with: sourced by scripts/dev.sh and by the benchmark scripts
# that start meshfed-dev.jar (bench/run-load.sh, run-open-loop.sh, run-cold.sh), so that what is
# measured is what ./meshfed dev runs. MESHFED_DEV_JAVA_OPTS comes after these and wins.
#
# -XX:MaxGCPauseMillis=2: meshfed dev keeps every issued leaf's inventory record in memory (about
# 1 KB each), so under a sustained signing load each young collection copies what was signed since
# the last one. With G1's default goal (200 ms) the young generation grows to hundreds of MB and
# each pause takes about 50 ms, which at 2,000 requests a second is the whole p99 (docs/benchmarks.md,
# "open loop"). A low goal keeps the young generation small: pauses of about 10-15 ms, more often,
# for about 3 % of a core.
MESHFED_DEV_DEFAULT_JAVA_OPTS="-XX:MaxGCPauseMillis=2"
