#!/usr/bin/env bash
# Cold start benchmarks (docs/benchmarks.md, "Cold start"): quality.md's "process start to first
# answered request, JVM, per function and for `meshfed dev`".
#
#   (1) per deployable, JVM artifact: dev.meshfed.bench.cold.ColdStart unpacks nothing itself;
#       this script unpacks functions/lambda/target/function.zip as Lambda does (/var/task:
#       classes at the root, lib/*.jar), fetches the AWS Lambda runtime interface client (the
#       open-source equivalent of the java21 runtime's own client) into bench/target/ric/,
#       starts an in-memory dynalite, and ColdStart then forks, RUNS times per deployable, the
#       client's main with the deployed handler against its local Runtime API and times fork to
#       first answer (see ColdStart's Javadoc for environment and set-up). Variants (VARIANTS):
#         lambda-like  the flags Lambda's java21 runtime documents (C1 only, Serial GC, CDS auto)
#         one-cpu      lambda-like, pinned to one CPU (taskset): Lambda gives ≤ 1 vCPU below 1769 MB
#         jvm-default  no flags (C2 on, G1, JVM's own heap sizing)
#         appcds       lambda-like plus a dynamic AppCDS archive made by one training run
#                      per deployable (-XX:ArchiveClassesAtExit, then -XX:SharedArchiveFile)
#         diag         (not in the default list) one lambda-like run each with the class-load log,
#                      summarised into cold-diag-classload.txt
#         jdk25        lambda-like on JDK 25 (JDK25 [/usr/lib/jvm/temurin-25-jdk-amd64/bin/java])
#         funqy-handler  (not in the default list) lambda-like with Funqy's own handler instead of
#                      the deployed one (Deployment.JVM_HANDLER, meshfed's, which starts the DC's
#                      wiring beside Quarkus' boot): what that early start is worth
#   (2) meshfed dev: the method of run-load.sh (a): `java -jar functions/dev/target/meshfed-dev.jar
#       --port <p>` (two DCs, in memory) from just before the fork to the stdout line starting
#       `meshfed dev ready`, RUNS times; then, per run, the first answered GET of dc1's roots.
#
# Writes bench/results/<UTC date>/cold-*.txt (machine, per variant, dev ready).
# The function processes' own output goes to bench/results/tmp/cold/ (git-ignored).
#
# Settings (environment variables, defaults in brackets):
#   RUNS [5]  VARIANTS [lambda-like one-cpu jvm-default appcds jdk25]  FUNCTIONS [all]  JAVA [java]
#   SKIP_BUILD [0]  SKIP_DEV [0]  OUT [bench/results/<UTC date>]  RIC_VERSION [2.10.1]
#   READY_TIMEOUT [60]
#
# Usage: bench/run-cold.sh                 build if needed, run every variant, then meshfed dev
#        bench/run-cold.sh summarize DIR   markdown tables from DIR's cold-*.txt
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# meshfed dev's own JVM options (what ./meshfed dev runs with)
# shellcheck source=../scripts/dev-jvm-options.sh
. "$ROOT/scripts/dev-jvm-options.sh"

# `run-cold.sh summarize DIR`: the markdown tables docs/benchmarks.md, "Cold start" quotes, from
# DIR's cold-<variant>.txt summary lines (median/min/max ms, median init ms, last answer).
if [[ ${1:-} == summarize ]]; then
    dir=${2:?usage: run-cold.sh summarize DIR}
    for f in "$dir"/cold-*.txt; do
        grep -q '^summary ' "$f" || continue
        echo "#### $(basename "$f" .txt)"
        echo
        echo "| deployable | median ms | min | max | median init ms (fork to first next) | first answer |"
        echo "|---|---:|---:|---:|---:|---|"
        awk '/^summary /{
            for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
            last = $0; sub(/.*last=/, "", last)
            printf "| %s | %s | %s | %s | %s | %s |\n", $2, v["median_ms"], v["min_ms"], v["max_ms"], v["init_median_ms"], last
        }' "$f"
        echo
    done
    exit 0
fi

RUNS=${RUNS:-5}
VARIANTS=${VARIANTS:-lambda-like one-cpu jvm-default appcds jdk25}
FUNCTIONS=${FUNCTIONS:-}
JAVA=${JAVA:-java}
SKIP_BUILD=${SKIP_BUILD:-0}
SKIP_DEV=${SKIP_DEV:-0}
RIC_VERSION=${RIC_VERSION:-2.10.1}
READY_TIMEOUT=${READY_TIMEOUT:-60}
OUT=${OUT:-$ROOT/bench/results/$(date -u +%F)}
TMP=$ROOT/bench/results/tmp/cold
ZIP=$ROOT/functions/lambda/target/function.zip
DEV_JAR=$ROOT/functions/dev/target/meshfed-dev.jar
BENCH_JAR=$ROOT/bench/target/meshfed-benchmarks.jar
RIC_DIR=$ROOT/bench/target/ric
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
# Lambda's java21 runtime: C1 only and the Serial GC are documented defaults (docs.aws.amazon.com,
# "Customize Java runtime startup behavior"); CDS with the JDK's archive is the JVM's default.
LAMBDA_FLAGS="-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -Djava.net.preferIPv4Stack=true"
FUNQY_HANDLER=io.quarkus.funqy.lambda.FunqyStreamHandler::handleRequest

die() { echo "run-cold: $*" >&2; exit 1; }
mkdir -p "$OUT" "$TMP"
MACHINE=$OUT/cold-machine.txt
log() { echo "$*" | tee -a "$MACHINE"; }
load() { log "uptime ($1): $(uptime)"; }

echo "==== bench/run-cold.sh, VARIANTS='$VARIANTS' SKIP_DEV=$SKIP_DEV" >>"$MACHINE"
log "date (UTC): $(date -u +%FT%TZ)"
log "cpu: $(lscpu | awk -F: '/^Model name/{gsub(/^ +/, "", $2); print $2; exit}'); $(nproc) cores online"
log "memory: $(awk '/^MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo); kernel: $(uname -sr)"
log "java ($(command -v "$JAVA")): $("$JAVA" -version 2>&1 | tr '\n' ' ' | sed 's/ *$//')"
log "git: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
log "settings: runs=$RUNS variants='$VARIANTS' functions='${FUNCTIONS:-all}' ric=$RIC_VERSION"
load "start"

if [[ $SKIP_BUILD != 1 ]]; then
    log "command: (cd $ROOT && ./mvnw -o -B -q install -pl functions/lambda,functions/dev,bench -am -DskipTests)"
    (cd "$ROOT" && ./mvnw -o -B -q install -pl functions/lambda,functions/dev,bench -am -DskipTests)
fi
[[ -f $ZIP && -f $BENCH_JAR ]] || die "$ZIP or $BENCH_JAR is missing; build them or unset SKIP_BUILD"

# ---- the runtime interface client (Maven Central; offline first, from ~/.m2) -------------------
if [[ ! -f $RIC_DIR/aws-lambda-java-runtime-interface-client-$RIC_VERSION.jar ]]; then
    mkdir -p "$RIC_DIR"
    for a in com.amazonaws:aws-lambda-java-runtime-interface-client:$RIC_VERSION \
             com.amazonaws:aws-lambda-java-core:1.4.0 \
             com.amazonaws:aws-lambda-java-serialization:1.2.0 \
             software.amazon.awssdk:utils-lite:2.34.0; do
        (cd "$ROOT" && { ./mvnw -o -B -q dependency:copy -Dartifact="$a" -DoutputDirectory="$RIC_DIR" \
            || ./mvnw -B -q dependency:copy -Dartifact="$a" -DoutputDirectory="$RIC_DIR"; })
    done
fi
RIC_CP=$(ls "$RIC_DIR"/*.jar | tr '\n' ':' | sed 's/:$//')
log "runtime interface client: $(ls "$RIC_DIR" | tr '\n' ' ')"

# ---- /var/task: the zip as Lambda unpacks it -------------------------------------------------
TASK=$TMP/task
rm -rf "$TASK" && mkdir -p "$TASK" && unzip -q "$ZIP" -d "$TASK"
log "function.zip: $(stat -c %s "$ZIP") bytes, $(ls "$TASK/lib" | wc -l) jars in lib/, unpacked to $TASK"

# ---- dynalite (in memory) ---------------------------------------------------------------------
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { local p=$1; while ! port_free "$p"; do p=$((p + 1)); done; echo "$p"; }
DYN_PID=
DEV_PID=
cleanup() {
    [[ -z $DEV_PID ]] || { kill -TERM "$DEV_PID" 2>/dev/null || true; wait "$DEV_PID" 2>/dev/null || true; }
    [[ -z $DYN_PID ]] || { kill -TERM "$DYN_PID" 2>/dev/null || true; wait "$DYN_PID" 2>/dev/null || true; }
}
trap cleanup EXIT
start_dynalite() {
    local cli=$ROOT/.tools/node_modules/dynalite/cli.js
    [[ -f $cli ]] || die "dynalite is missing ($cli): run ./meshfed test once to install .tools/"
    DYN_PORT=$(free_port 18700)
    node "$cli" --host 127.0.0.1 --port "$DYN_PORT" --createTableMs 0 --deleteTableMs 0 --updateTableMs 0 \
        >"$TMP/dynalite.log" 2>&1 &
    DYN_PID=$!
    for _ in $(seq 100); do port_free "$DYN_PORT" || return 0; sleep 0.1; done
    die "dynalite did not listen on $DYN_PORT"
}
stop_dynalite() { kill -TERM "$DYN_PID" 2>/dev/null || true; wait "$DYN_PID" 2>/dev/null || true; DYN_PID=; }

# One ColdStart session on a fresh dynalite (each variant bootstraps its own DC).
cold() {
    local label=$1 flags=$2; shift 2
    start_dynalite
    rm -f "$TMP/kek-$label"
    log "command ($label): $JAVA -cp $BENCH_JAR dev.meshfed.bench.cold.ColdStart label=$label runs=$RUNS jvm-flags='$flags' $* (dynalite :$DYN_PORT)"
    "$JAVA" -cp "$BENCH_JAR" dev.meshfed.bench.cold.ColdStart task="$TASK" runtime-cp="$RIC_CP" \
        events="$ROOT/functions/lambda/src/test/resources/events" endpoint="http://127.0.0.1:$DYN_PORT" \
        kek="$TMP/kek-$label" logs="$TMP/logs-$label" java="$JAVA" runs="$RUNS" label="$label" \
        jvm-flags="$flags" ${FUNCTIONS:+functions=$FUNCTIONS} "$@" out="$OUT/cold-$label.txt" || log "($label: some runs did not answer; see the file)"
    stop_dynalite
}

# Per deployable: classes loaded by library group, and the JVM uptime at the first class of each.
summarize_classload() {
    echo "# classes loaded per library group and JVM uptime (s) when the group's first class loaded"
    echo "# (one run with -Xlog:class+load, which itself slows the run; $(date -u +%FT%TZ))"
    local f
    for f in "$TMP"/classload/*.log; do
        [[ $(basename "$f") == *setup* ]] && continue
        awk -v fn="$(basename "$f" .log)" '
            /\] / {
                t = substr($1, 2) + 0; name = $2
                if (name ~ /^(java|javax|jdk|sun|com\.sun)\./) g = "jdk"
                else if (name ~ /^io\.quarkus\.|^io\.smallrye\.|^org\.jboss\.|^io\.vertx\.|^io\.netty\./) g = "quarkus+smallrye+jboss"
                else if (name ~ /^com\.amazonaws\.services\.lambda\./) g = "lambda-ric"
                else if (name ~ /^software\.amazon\.awssdk\./) g = "aws-sdk"
                else if (name ~ /^com\.amazon\.corretto\./) g = "accp"
                else if (name ~ /^org\.bouncycastle\./) g = "bouncycastle"
                else if (name ~ /^com\.fasterxml\./) g = "jackson"
                else if (name ~ /^dev\.meshfed\./) g = "meshfed"
                else g = "other"
                n[g]++; total++; if (!(g in first)) first[g] = t; last = t
            }
            END {
                printf "%s: %d classes, last at %.2fs;", fn, total, last
                for (g in n) printf " %s=%d@%.2fs", g, n[g], first[g]
                printf "\n"
            }' "$f"
    done
}

for v in $VARIANTS; do
    load "before $v"
    case $v in
        lambda-like) cold lambda-like "$LAMBDA_FLAGS" ;;
        one-cpu) cold one-cpu "$LAMBDA_FLAGS" taskset=1 ;;
        jvm-default) cold jvm-default "" ;;
        jdk25) cold jdk25 "$LAMBDA_FLAGS" java="$JDK25" ;;  # Lambda offers java25 too; here Temurin 25
        funqy-handler) cold funqy-handler "$LAMBDA_FLAGS" handler="$FUNQY_HANDLER" ;;
        appcds)
            # training: one process per deployable writes the classes it loaded at exit (SIGTERM)
            # ({fn}: ColdStart puts the deployable's name there, one archive each)
            rm -f "$TMP"/app-*.jsa
            RUNS_SAVED=$RUNS; RUNS=1
            cold appcds-training "$LAMBDA_FLAGS -XX:ArchiveClassesAtExit=$TMP/app-{fn}.jsa"
            RUNS=$RUNS_SAVED
            log "appcds archives: $(ls -l "$TMP"/app-*.jsa 2>/dev/null | awk '{printf "%s=%d ", $NF, $5}')"
            cold appcds "$LAMBDA_FLAGS -XX:SharedArchiveFile=$TMP/app-{fn}.jsa"
            ;;
        diag)
            # one run each with the class-load log: which libraries load, how many classes, and
            # when each starts loading (the log slows the run; proportions only)
            rm -rf "$TMP/classload" && mkdir -p "$TMP/classload"
            RUNS_SAVED=$RUNS; RUNS=1
            cold diag "$LAMBDA_FLAGS -Xlog:class+load=info:file=$TMP/classload/{fn}.log:uptime"
            RUNS=$RUNS_SAVED
            summarize_classload >"$OUT/cold-diag-classload.txt"
            ;;
        *) die "unknown variant $v" ;;
    esac
    load "after $v"
done

# ---- meshfed dev: command to ready (run-load.sh's method), then the first answered request ----
if [[ $SKIP_DEV != 1 ]]; then
    [[ -f $DEV_JAR ]] || die "$DEV_JAR is missing"
    READY=$OUT/cold-dev-ready.txt
    : >"$READY"
    log "command (dev ready, x$RUNS): $JAVA -jar $DEV_JAR --port <p>; then curl dc1 /v1/agent/connect/ca/roots"
    load "before dev ready"
    times=()
    for ((i = 1; i <= RUNS; i++)); do
        port=$(free_port 18600)
        while ! port_free $((port + 1)); do port=$(free_port $((port + 2))); done
        out=$TMP/dev-run$i.out
        rm -f "$out"
        start_us=${EPOCHREALTIME/./}
        # shellcheck disable=SC2086 # a list of options on purpose
        "$JAVA" $MESHFED_DEV_DEFAULT_JAVA_OPTS -jar "$DEV_JAR" --port "$port" \
            > >(while IFS= read -r line; do printf '%s %s\n' "${EPOCHREALTIME/./}" "$line"; done >"$out") 2>"$out.err" &
        DEV_PID=$!
        deadline=$((SECONDS + READY_TIMEOUT)); line=
        while ((SECONDS < deadline)); do
            line=$(grep -m1 '^[0-9]* meshfed dev ready' "$out" 2>/dev/null || true)
            [[ -n $line ]] && break
            kill -0 "$DEV_PID" 2>/dev/null || break
            sleep 0.05
        done
        if [[ -z $line ]]; then
            # recorded, not fatal: a start that never gets ready is a finding, not a timing
            kill -TERM "$DEV_PID" 2>/dev/null || true; wait "$DEV_PID" 2>/dev/null || true; DEV_PID=
            echo "run $i NOT_READY within ${READY_TIMEOUT}s: $(tail -1 "$out.err" 2>/dev/null)" | tee -a "$READY"
            continue
        fi
        ready_us=$((${line%% *} - start_us))
        code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v1/agent/connect/ca/roots" || echo 000)
        answer_us=$((${EPOCHREALTIME/./} - start_us))
        kill -TERM "$DEV_PID" 2>/dev/null || true; wait "$DEV_PID" 2>/dev/null || true; DEV_PID=
        own=$(sed -n 's/.*meshfed dev ready (\(.*\))$/\1/p' <<<"$line" | tr -d ' ')
        ms=$((ready_us / 1000))
        times+=("$ms")
        echo "run $i ready_ms $ms launcher ${own:-?} first_answer_ms $((answer_us / 1000)) status $code" | tee -a "$READY"
    done
    median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END{print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}')
    echo "median ready $median ms (runs: ${times[*]}; min $(printf '%s\n' "${times[@]}" | sort -n | head -1), max $(printf '%s\n' "${times[@]}" | sort -n | tail -1))" | tee -a "$READY"
    load "after dev ready"
fi
log "done: $(date -u +%FT%TZ)"
