#!/usr/bin/env bash
# Runs the performance scenarios of docs/PERFORMANCE.md against the Java server and the
# reference Node server, one after the other on this machine, with the same fake OpenAI and
# the same load generator (../shared/bench), and prints their ratios.
#
#   bench/run.sh [smoke|cpu|ttfc|memory|connections|stream|all]...   (default: all)
#
# Results: one JSON line per run in bench/target/results.jsonl (appended), and a table of
# ratios (java / reference) on stdout. MIA_JAVA_OPTS overrides the JVM flags and
# MIA_WORKER_THREADS the Java server's I/O threads (default 1); SKIP_REFERENCE=1 runs the Java
# server only. Needs the jar (mvn -B package -DskipTests), Node 20+ and npm.
# `smoke` is a few clients and messages against the Java server only, for CI: it fails on any
# error or mismatch, never on timing.
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH/.." && pwd)"
SHARED="$(cd "$REPO/../shared/bench" && pwd)"
COMPARE="$SHARED/compare.sh"
JAR="$REPO/mia-server/target/mia-server.jar"
# The server's JVM flags (docs/PERFORMANCE.md, "JVM flags"): mia.jvm.flags in mia-server/pom.xml,
# which the build writes to this argument file; read here so that the command line, and what
# compare.sh logs of it, shows them.
JVM_OPTIONS="$REPO/mia-server/target/jvm.options"
[[ -f "$JAR" && -f "$JVM_OPTIONS" ]] || {
  echo "bench: $JAR or $JVM_OPTIONS is missing; run: mvn -B package -DskipTests" >&2
  exit 1
}
JAVA_OPTS="${MIA_JAVA_OPTS:-$(grep -v '^#' "$JVM_OPTIONS" | xargs)}"
# One Socket.IO I/O thread, as the reference is one Node thread: the fake OpenAI and the load
# generator run on the same two cores (docs/PERFORMANCE.md, "Threads").
WORKERS="${MIA_WORKER_THREADS:-1}"
# Each server start gets a fresh embedded store (MIA_STORE=memory or a MIA_DATABASE_URL in the
# environment choose another store, as for any start).
JAVA_CMD="MIA_DATA_DIR=\"\$(mktemp -d)\" MIA_WORKER_THREADS=$WORKERS exec java $JAVA_OPTS -jar $JAR"
OUT="$BENCH/target/results.jsonl"
mkdir -p "$BENCH/target"

[[ -d "$BENCH/node_modules" ]] || (cd "$BENCH" && npm ci --no-audit --no-fund --silent)

log() { printf 'bench: %s\n' "$*" >&2; }

# one LABEL SCENARIO [compare.sh args...]: one compare.sh run, tagged and appended to $OUT.
one() {
  local label="$1" scenario="$2"; shift 2
  local server=()
  if [[ "$label" == java ]]; then server=(--server "$JAVA_CMD" --cwd "$REPO" --label java); fi
  log "$scenario / $label: ${*}"
  local line status=0
  line="$("$COMPARE" "${server[@]}" "$@" 2>>"$BENCH/target/compare.log")" || status=$?
  line="$(printf '%s\n' "$line" | tail -n 1)"
  [[ -n "$line" ]] || line='{"failed":true}'
  node -e 'const o=JSON.parse(process.argv[1]); o.scenario=process.argv[2]; o.label=process.argv[3]; o.exit_status=Number(process.argv[4]); o.at=new Date().toISOString(); console.log(JSON.stringify(o))' \
    "$line" "$scenario" "$label" "$status" | tee -a "$OUT"
  return "$status"
}

# pair SCENARIO [compare.sh args...]: the reference, then Java, same arguments.
pair() {
  local scenario="$1"; shift
  if [[ "${SKIP_REFERENCE:-0}" != 1 ]]; then one reference "$scenario" "$@" || true; fi
  one java "$scenario" "$@" || true
}

# gaps LABEL: inter-chunk gaps of 2,000 streams of 200 tokens at 20 ms (our own client, since
# the shared load generator does not time chunk gaps).
gaps() {
  local label="$1" clients="$2" fake_port server_port fake_pid server_pid status=0
  read -r fake_port server_port < <(node -e 'const n=require("net");const a=n.createServer(),b=n.createServer();a.listen(0,"127.0.0.1",()=>b.listen(0,"127.0.0.1",()=>{console.log(a.address().port+" "+b.address().port);a.close();b.close();}))')
  FAKE_PORT="$fake_port" FAKE_QUIET=1 FAKE_TOKENS=200 FAKE_DELAY_MS=20 node "$SHARED/fake-openai/server.js" >"$BENCH/target/gaps-fake.log" 2>&1 &
  fake_pid=$!
  local cmd="$JAVA_CMD" cwd="$REPO"
  if [[ "$label" == reference ]]; then
    cmd="exec node server.js"; cwd="$SHARED/reference-node"
    [[ -d "$cwd/node_modules" ]] || (cd "$cwd" && npm ci --no-audit --no-fund --silent)
  fi
  (cd "$cwd" && ulimit -n "$(ulimit -Hn)" && PORT="$server_port" HOST=127.0.0.1 OPENAI_BASE_URL="http://127.0.0.1:$fake_port/v1" \
     OPENAI_API_KEY=test-key LOG_LEVEL=warn MIA_RATE_LIMIT_BURST=1000 bash -c "$cmd") >"$BENCH/target/gaps-$label.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$server_port/health" >/dev/null 2>&1 && break; sleep 0.1; done
  local line
  line="$(ulimit -n "$(ulimit -Hn)"; node "$BENCH/chunk-gaps.mjs" --url "http://127.0.0.1:$server_port" --clients "$clients" --ramp-ms 2000)" || status=$?
  kill "$server_pid" "$fake_pid" 2>/dev/null || true
  wait "$server_pid" "$fake_pid" 2>/dev/null || true
  node -e 'const o=JSON.parse(process.argv[1]); o.scenario="stream-gaps"; o.label=process.argv[2]; o.exit_status=Number(process.argv[3]); o.at=new Date().toISOString(); console.log(JSON.stringify(o))' \
    "$line" "$label" "$status" | tee -a "$OUT"
  return "$status"
}

scenarios=("$@")
[[ ${#scenarios[@]} -gt 0 ]] || scenarios=(cpu ttfc memory connections stream)
[[ " ${scenarios[*]} " == *" all "* ]] && scenarios=(cpu ttfc memory connections stream)
START_LINE=$( [[ -f "$OUT" ]] && wc -l <"$OUT" || echo 0 )

for s in "${scenarios[@]}"; do
  case "$s" in
    smoke)
      one java smoke --clients 5 --messages 2
      FAKE_TOKENS=20 FAKE_DELAY_MS=5 one java smoke-stream --clients 3 --messages 1
      ;;
    cpu)
      FAKE_TOKENS=20 FAKE_DELAY_MS=0 pair cpu --warmup '--clients 200 --messages 10' --clients 200 --messages 5
      ;;
    ttfc)
      FAKE_TOKENS=20 FAKE_DELAY_MS=20 pair ttfc --warmup '--clients 200 --messages 5' --clients 500 --messages 2 --ramp-ms 1000
      ;;
    memory)
      pair idle-2000 --warmup '--clients 50 --messages 2' --idle --clients 2000 --hold-ms 3000 --ramp-ms 2000
      pair idle-10000 --warmup '--clients 50 --messages 2' --idle --clients 10000 --hold-ms 3000 --ramp-ms 5000
      ;;
    connections)
      pair hold-10000 --idle --clients 10000 --hold-ms 30000 --ramp-ms 5000
      ;;
    stream)
      FAKE_TOKENS=200 FAKE_DELAY_MS=20 pair stream --warmup '--clients 100 --messages 2' --clients 2000 --messages 1 --ramp-ms 2000 --timeout-ms 120000
      [[ "${SKIP_REFERENCE:-0}" == 1 ]] || gaps reference 2000 || true
      gaps java 2000 || true
      ;;
    *) echo "bench: unknown scenario $s" >&2; exit 2 ;;
  esac
done

node "$BENCH/ratios.mjs" "$OUT" "$START_LINE"
