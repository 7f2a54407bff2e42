#!/usr/bin/env bash
# Starts the machine's Debian PostgreSQL cluster for the store tests and prints the JDBC URL they
# read from MIA_TEST_POSTGRES_URL. Installs nothing (run `apt-get install postgresql` first) and may
# run any number of times: it starts the cluster only if it is down and creates the role and the
# database only if they are missing. Runs as root.
#
#   export MIA_TEST_POSTGRES_URL="$(.ci/postgres.sh | tail -n 1)"
#   .ci/postgres.sh stop      # stops the cluster again
set -euo pipefail

role=mia
password=mia
database=mia_test

version="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)"
if [ -z "$version" ]; then
  echo "PostgreSQL is not installed: apt-get install postgresql" >&2
  exit 1
fi
if [ "${1:-}" = stop ]; then
  pg_ctlcluster "$version" main stop 2>/dev/null || true
  exit 0
fi
# Debian makes the cluster 'main' when the package is installed; make it if it was dropped.
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version main"; then
  pg_createcluster "$version" main >&2
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -qx online; then
  pg_ctlcluster "$version" main start >&2
fi
port="$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $3}')"

as_postgres() { su postgres -c "$*"; }
psql_postgres() { su postgres -c "psql -p $port -v ON_ERROR_STOP=1 -qtAc \"$1\""; }

# Waits for the server to take connections (pg_ctlcluster returns once it is started, but be sure).
for _ in $(seq 1 30); do
  if as_postgres "pg_isready -q -p $port"; then break; fi
  sleep 1
done

if [ "$(psql_postgres "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" != 1 ]; then
  psql_postgres "CREATE ROLE $role LOGIN PASSWORD '$password'"
fi
if [ "$(psql_postgres "SELECT 1 FROM pg_database WHERE datname = '$database'")" != 1 ]; then
  as_postgres "createdb -p $port -O $role $database"
fi

echo "jdbc:postgresql://127.0.0.1:$port/$database?user=$role&password=$password"
