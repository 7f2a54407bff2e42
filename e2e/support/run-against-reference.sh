#!/usr/bin/env bash
# Runs the e2e suite against the reference Node server (shared/bench/reference-node) instead of
# the Java jar, with the page opened from disk (the reference server does not serve it).
#   bash e2e/support/run-against-reference.sh [node --test args…]
set -euo pipefail
e2e="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ref_src="$e2e/../../shared/bench/reference-node"
ref="$e2e/target/reference-node"
if [[ ! -d "$ref/node_modules" ]]; then
  mkdir -p "$ref"
  cp "$ref_src/package.json" "$ref_src/package-lock.json" "$ref_src/server.js" "$ref/"
  chmod u+w "$ref"/*
  (cd "$ref" && npm ci --no-audit --no-fund --loglevel=error)
fi
cd "$e2e"
export SERVER_CMD="exec node '$ref/server.js'"
export PAGE_URL_MODE="${PAGE_URL_MODE:-file}"
if [[ $# -eq 0 ]]; then set -- *.test.mjs; fi
exec node --test --test-concurrency=1 --test-reporter=spec "$@"
