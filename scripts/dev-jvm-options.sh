# shellcheck shell=bash
# The JVM options `meshfed dev` runs with: sourced by scripts/dev.sh and by the benchmark scripts
# that start meshfed-dev.jar (bench/run-load.sh, run-open-loop.sh, run-cold.sh), so that what is
# measured is what ./meshfed dev runs. MESHFED_DEV_JAVA_OPTS comes after these and wins.
#
# Both for meshfed dev's tail latency under sustained signing (docs/benchmarks.md, "open loop"):
# meshfed dev keeps every issued leaf's inventory record in memory (about 1 KB each), so each young
# collection finds everything signed since the last one still alive.
# -XX:MaxTenuringThreshold=0: promote those survivors at once instead of copying them between
#   survivor spaces up to 15 times; most of a young pause was that copying.
# -XX:MaxGCPauseMillis=2: keep the young generation small, so each pause has little to copy.
# Measured at 2,000 signs a second: young pauses of about 7 ms instead of about 50 ms, sign p99
# 7.4 ms instead of 35-50 ms (G1's defaults), for a few per cent of a core.
MESHFED_DEV_DEFAULT_JAVA_OPTS="-XX:MaxGCPauseMillis=2 -XX:MaxTenuringThreshold=0"
