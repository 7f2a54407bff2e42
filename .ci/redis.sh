#!/usr/bin/env bash
# Starts Debian's redis-server for the cluster tests (daemonized, on a fixed port, nothing written
# to disk) and prints the URL they read from MIA_TEST_REDIS_URL. Installs nothing (run
# `apt-get install redis-server` first) and may run any number of times: it starts the server only
# if nothing answers on the port.
#
#   export MIA_TEST_REDIS_URL="$(.ci/redis.sh | tail -n 1)"
#   .ci/redis.sh stop
set -euo pipefail

port="${MIA_TEST_REDIS_PORT:-6390}"

if ! command -v redis-server >/dev/null 2>&1; then
  echo "Redis is not installed: apt-get install redis-server" >&2
  exit 1
fi
if [ "${1:-}" = stop ]; then
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  exit 0
fi
if ! redis-cli -p "$port" ping >/dev/null 2>&1; then
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --logfile /tmp/mia-test-redis.log >&2
  for _ in $(seq 1 50); do
    if redis-cli -p "$port" ping >/dev/null 2>&1; then break; fi
    sleep 0.1
  done
fi
redis-cli -p "$port" ping >/dev/null
echo "redis://127.0.0.1:$port"
