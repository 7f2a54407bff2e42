#!/usr/bin/env bash
# Runs the performance scenarios of docs/PERFORMANCE.md against the Java server and the
# reference Node server, one after the other on this machine, with the same fake OpenAI and
# the same load generator (../shared/bench), and prints their ratios.
#
#   bench/run.sh [smoke|cpu|split|ttfc|memory|connections|stream|stores|cluster|all]...   (default: all)
#
# Results: one JSON line per run in bench/target/results.jsonl (appended), and a table of
# ratios (java / reference) on stdout. The Java server runs exactly as the README's run command
# starts it (`java @mia-server/target/jvm.options -jar mia-server/target/mia-server.jar`, default
# settings, so the embedded store in a fresh folder). Each server is pinned to CPU 0 and the fake
# OpenAI and the load generator to the other CPUs (SERVER_CPUS / LOAD_CPUS override, empty values
# turn pinning off), so each server has one core to itself, as the reference's one Node thread
# uses one; on one core the Java server's default is one I/O thread. MIA_JAVA_OPTS overrides the
# JVM flags; SKIP_REFERENCE=1 runs the Java server only. `stores` runs `cpu` and `ttfc` again with
# MIA_STORE=memory and, if MIA_BENCH_POSTGRES_URL is set, with that PostgreSQL database;
# `cluster` holds 10,000 joined connections on two servers sharing MIA_BENCH_POSTGRES_URL and
# MIA_BENCH_REDIS_URL. Needs the jar (mvn -B package -DskipTests), Node 20+ and npm.
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
if [[ "$(nproc)" -ge 2 ]]; then
  export SERVER_CPUS="${SERVER_CPUS-0}" LOAD_CPUS="${LOAD_CPUS-1-$(($(nproc) - 1))}"
fi
# STORE_ENV: variables put before the server's command for the store under test (`stores`).
STORE_ENV=""
# Each server start gets a fresh embedded store, unless STORE_ENV chooses another.
java_cmd() {
  echo "MIA_DATA_DIR=\"\$(mktemp -d)\" $STORE_ENV exec java $JAVA_OPTS -jar $JAR"
}
OUT="$BENCH/target/results.jsonl"
mkdir -p "$BENCH/target"

[[ -d "$BENCH/node_modules" ]] || (cd "$BENCH" && npm ci --no-audit --no-fund --silent)

log() { printf 'bench: %s\n' "$*" >&2; }

# one LABEL SCENARIO [compare.sh args...]: one compare.sh run, tagged and appended to $OUT.
one() {
  local label="$1" scenario="$2"; shift 2
  local server=()
  if [[ "$label" == java ]]; then server=(--server "$(java_cmd)" --cwd "$REPO" --label java); fi
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
  local cmd cwd="$REPO"
  cmd="$(java_cmd)"
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

# cluster CLIENTS: CLIENTS idle joined connections, half on each of two Java servers sharing one
# PostgreSQL database and one Redis (every connection takes a cluster-wide connection place in
# Redis, every join writes a session row); prints connections held, failures and memory per node.
cluster() {
  local clients="$1" half=$(( $1 / 2 )) pids=() ports=() status=0
  [[ -n "${MIA_BENCH_POSTGRES_URL:-}" && -n "${MIA_BENCH_REDIS_URL:-}" ]] || {
    log "cluster: set MIA_BENCH_POSTGRES_URL and MIA_BENCH_REDIS_URL"; return 1; }
  local loadgen="$SHARED/loadgen"
  if [[ ! -w "$loadgen" ]]; then
    mkdir -p "$BENCH/target/loadgen" && cp -R "$loadgen/." "$BENCH/target/loadgen/" && loadgen="$BENCH/target/loadgen"
  fi
  [[ -d "$loadgen/node_modules" ]] || (cd "$loadgen" && npm ci --no-audit --no-fund --silent)
  read -r -a ports < <(node -e 'const n=require("net");const a=n.createServer(),b=n.createServer();a.listen(0,"127.0.0.1",()=>b.listen(0,"127.0.0.1",()=>{console.log(a.address().port+" "+b.address().port);a.close();b.close();}))')
  local prefix="bench-$$-$RANDOM:" secret
  secret="$(head -c 48 /dev/urandom | base64 -w0)"
  for port in "${ports[@]}"; do
    (cd "$REPO" && ulimit -n "$(ulimit -Hn)" && PORT="$port" HOST=127.0.0.1 LOG_LEVEL=warn JWT_SECRET="$secret" \
       MIA_DATABASE_URL="$MIA_BENCH_POSTGRES_URL" MIA_REDIS_URL="$MIA_BENCH_REDIS_URL" MIA_REDIS_KEY_PREFIX="$prefix" \
       MIA_MAX_SESSIONS=1000000 bash -c "$(java_cmd)") >"$BENCH/target/cluster-$port.log" 2>&1 &
    pids+=($!)
  done
  for port in "${ports[@]}"; do
    for _ in $(seq 1 600); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
  done
  rss() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
  local before=() peak=(0 0) sampler
  for p in "${pids[@]}"; do before+=("$(rss "$p")"); done
  ( while sleep 0.2; do echo "$(rss "${pids[0]}") $(rss "${pids[1]}")"; done ) >"$BENCH/target/cluster-rss.txt" &
  sampler=$!
  local out_a="$BENCH/target/cluster-a.json" out_b="$BENCH/target/cluster-b.json"
  ( ulimit -n "$(ulimit -Hn)"; node "$loadgen/loadgen.mjs" --url "http://127.0.0.1:${ports[0]}" --idle --clients "$half" --hold-ms 30000 --ramp-ms 5000 >"$out_a" 2>"$out_a.err" ) &
  local la=$!
  ( ulimit -n "$(ulimit -Hn)"; node "$loadgen/loadgen.mjs" --url "http://127.0.0.1:${ports[1]}" --idle --clients "$half" --hold-ms 30000 --ramp-ms 5000 >"$out_b" 2>"$out_b.err" ) &
  local lb=$!
  # While every connection is held: each server's own count of its Socket.IO connections.
  sleep 20
  local held
  held="$(for port in "${ports[@]}"; do curl -fsS "http://127.0.0.1:$port/metrics" | awk '/^mia_connections\{transport="websocket"/ {print $2}'; done | xargs)"
  wait "$la" || status=$?
  wait "$lb" || status=$?
  kill "$sampler" 2>/dev/null || true
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  node -e '
    const fs = require("fs");
    const [a, b, rssFile, before0, before1, held, clients, status] = process.argv.slice(1);
    const A = JSON.parse(fs.readFileSync(a, "utf8").trim().split("\n").pop() || "{}");
    const B = JSON.parse(fs.readFileSync(b, "utf8").trim().split("\n").pop() || "{}");
    const peak = [0, 0];
    for (const line of fs.readFileSync(rssFile, "utf8").trim().split("\n")) {
      line.split(" ").forEach((v, i) => { peak[i] = Math.max(peak[i], Number(v) || 0); });
    }
    const kib = (p, s) => ((p - s) / (Number(clients) / 2));
    console.log(JSON.stringify({ scenario: "cluster-" + clients, label: "java", clients: Number(clients),
      connected: (A.connected || 0) + (B.connected || 0), failed: (A.failed || 0) + (B.failed || 0),
      held_per_node: held.split(" ").map(Number), rss_mb: peak.map((p) => Math.round(p / 1024)),
      kib_per_connection: [kib(peak[0], Number(before0)), kib(peak[1], Number(before1))].map((v) => Math.round(v * 10) / 10),
      exit_status: Number(status), at: new Date().toISOString() }));
  ' "$out_a" "$out_b" "$BENCH/target/cluster-rss.txt" "${before[0]}" "${before[1]}" "$held" "$clients" "$status" | tee -a "$OUT"
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
    split)
      # CPU per connection and per message apart: the `cpu` load's connections with no message,
      # then with nine each (ratios.mjs divides them).
      FAKE_TOKENS=20 FAKE_DELAY_MS=0 pair split-0 --warmup '--clients 200 --messages 10' --clients 400 --messages 0
      FAKE_TOKENS=20 FAKE_DELAY_MS=0 pair split-9 --warmup '--clients 200 --messages 10' --clients 400 --messages 9
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
    stores)
      STORE_ENV="MIA_STORE=memory"
      FAKE_TOKENS=20 FAKE_DELAY_MS=0 pair cpu-memory --warmup '--clients 200 --messages 10' --clients 200 --messages 5
      FAKE_TOKENS=20 FAKE_DELAY_MS=20 pair ttfc-memory --warmup '--clients 200 --messages 5' --clients 500 --messages 2 --ramp-ms 1000
      if [[ -n "${MIA_BENCH_POSTGRES_URL:-}" ]]; then
        STORE_ENV="MIA_DATABASE_URL='$MIA_BENCH_POSTGRES_URL'"
        FAKE_TOKENS=20 FAKE_DELAY_MS=0 pair cpu-postgres --warmup '--clients 200 --messages 10' --clients 200 --messages 5
        FAKE_TOKENS=20 FAKE_DELAY_MS=20 pair ttfc-postgres --warmup '--clients 200 --messages 5' --clients 500 --messages 2 --ramp-ms 1000
      fi
      STORE_ENV=""
      ;;
    cluster)
      cluster 10000 || true
      ;;
    *) echo "bench: unknown scenario $s" >&2; exit 2 ;;
  esac
done

node "$BENCH/ratios.mjs" "$OUT" "$START_LINE"
