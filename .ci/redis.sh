#!/usr/bin/env bash
# Starts Debian's redis-server for the cluster tests unless one already answers on the port:
# daemonized, no persistence, loopback only. Idempotent. Prints the URL for MIA_TEST_REDIS_URL.
# Needs the redis-server package (apt-get install redis-server).
set -euo pipefail
port="${MIA_TEST_REDIS_PORT:-6390}"
if ! redis-cli -p "$port" ping >/dev/null 2>&1; then
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --logfile "${TMPDIR:-/tmp}/mia-test-redis-$port.log" >/dev/null
  for _ in $(seq 1 50); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  redis-cli -p "$port" ping >/dev/null
fi
echo "redis://127.0.0.1:$port"
