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

exec ./mvnw -B -ntp verify "$@"
