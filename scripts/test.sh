#!/usr/bin/env bash
# Runs the whole test suite from a clean clone: checks and installs prerequisites, then Maven.
# Extra arguments go to Maven (e.g. ./meshfed test -pl functions/pki -am).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Java 17 or newer.
if ! command -v java >/dev/null 2>&1; then
  echo "test: a JDK 17+ is required (java not found)" >&2
  exit 1
fi

# openssl is an independent certificate verifier in the tests.
if ! command -v openssl >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "test: installing openssl" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >/dev/null
  else
    echo "test: openssl is required (install it with your package manager)" >&2
    exit 1
  fi
fi

# Node tools of the tests, installed into .tools/ (git-ignored), each pinned to one exact version;
# a different installed version is replaced:
# - dynalite: the DynamoDB-API server the DynamoDB adapter's tests run against (in memory, on a
#   free loopback port);
# - @cdktf/hcl2json: HashiCorp's HCL parser (compiled to WebAssembly) through which the infra tests
#   read infra/terraform.
DYNALITE_VERSION=4.0.0
HCL2JSON_VERSION=0.21.0
installed_version() {
  local pkg="$ROOT/.tools/node_modules/$1/package.json"
  [ -f "$pkg" ] || return 0
  node -p 'require(process.argv[1]).version' "$pkg" 2>/dev/null || true
}
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "test: node (20 or newer) and npm are required: the DynamoDB adapter's tests run against dynalite" >&2
  exit 1
fi
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
  echo "test: dynalite $DYNALITE_VERSION needs node 20 or newer (found $(node --version))" >&2
  exit 1
fi
if [ "$(installed_version dynalite)" != "$DYNALITE_VERSION" ] \
    || [ "$(installed_version @cdktf/hcl2json)" != "$HCL2JSON_VERSION" ]; then
  echo "test: installing dynalite@$DYNALITE_VERSION and @cdktf/hcl2json@$HCL2JSON_VERSION into .tools/" >&2
  mkdir -p "$ROOT/.tools"
  npm install --prefix "$ROOT/.tools" --no-audit --no-fund --save-exact \
    "dynalite@$DYNALITE_VERSION" "@cdktf/hcl2json@$HCL2JSON_VERSION" >&2
fi

exec ./mvnw -B -ntp verify "$@"
