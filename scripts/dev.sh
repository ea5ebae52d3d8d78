#!/usr/bin/env bash
# Runs `meshfed dev`: builds the dev launcher on first run (and again when sources changed), then
# starts it. Options are local.md's; see ./meshfed dev --help.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/functions/dev/target/meshfed-dev.jar"

if ! command -v java >/dev/null 2>&1; then
  echo "meshfed dev: a JDK 17+ is required (java not found)" >&2
  exit 1
fi

# Rebuild when the launcher is missing or any main source or POM is newer than it. The Lambda
# module and the benchmarks are not part of meshfed dev, so they never trigger a rebuild.
stale() {
  [ -f "$JAR" ] || return 0
  [ -n "$(find "$ROOT/pom.xml" "$ROOT/functions" \( -path '*/functions/lambda' -o -name target \) -prune -o \
        \( -path '*/src/main/*' -o -name pom.xml \) -type f -newer "$JAR" -print -quit)" ]
}
# MESHFED_DEV_NO_BUILD=1 (the end-to-end tests): run the artifact as built, never rebuild.
if [ "${MESHFED_DEV_NO_BUILD:-}" = "1" ]; then
  [ -f "$JAR" ] || { echo "meshfed dev: $JAR is missing and MESHFED_DEV_NO_BUILD=1" >&2; exit 1; }
elif stale; then
  mkdir -p "$ROOT/.tools"
  BUILD_LOG="$ROOT/.tools/dev-build.log"
  echo "meshfed dev: building the launcher (first run or changed sources; about a minute, log in .tools/dev-build.log)..." >&2
  if ! (cd "$ROOT" && ./mvnw -B -ntp -pl functions/dev -am package -DskipTests >"$BUILD_LOG" 2>&1); then
    echo "meshfed dev: the build failed; the end of $BUILD_LOG:" >&2
    tail -n 30 "$BUILD_LOG" >&2
    exit 1
  fi
  touch "$JAR"
  echo "meshfed dev: built" >&2
fi
# shellcheck source=dev-jvm-options.sh
. "$ROOT/scripts/dev-jvm-options.sh"
# shellcheck disable=SC2086 # lists of options on purpose
exec java $MESHFED_DEV_DEFAULT_JAVA_OPTS ${MESHFED_DEV_JAVA_OPTS:-} -jar "$JAR" "$@"
