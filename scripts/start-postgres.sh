#!/usr/bin/env bash
# Starts a dedicated PostgreSQL cluster for the Host's tests and prints its connection string.
# Idempotent: installs the server if missing, creates the cluster and role only when absent.
#   eval "$(scripts/start-postgres.sh --export)"   # sets WORKFLOWS_TEST_POSTGRES
set -euo pipefail

PG_VERSION="${PG_VERSION:-15}"
CLUSTER="${CLUSTER:-workflows_test}"
PORT="${PORT:-5433}"
ROLE="workflows"
PASSWORD="workflows"

# A caller's PG* settings would point the tools elsewhere.
unset PGCLUSTER PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE PGSERVICE

log() { echo "$*" >&2; }

if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ ! -x "/usr/lib/postgresql/${PG_VERSION}/bin/postgres" ]; then
  log "Installing PostgreSQL ${PG_VERSION}..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi

if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "${PG_VERSION} ${CLUSTER}"; then
  log "Creating cluster ${PG_VERSION}/${CLUSTER} on port ${PORT}..."
  pg_createcluster "${PG_VERSION}" "${CLUSTER}" --port "${PORT}" >&2
fi

if ! pg_lsclusters -h | awk -v v="${PG_VERSION}" -v c="${CLUSTER}" '$1==v && $2==c {print $4}' | grep -q online; then
  log "Starting cluster ${PG_VERSION}/${CLUSTER}..."
  pg_ctlcluster "${PG_VERSION}" "${CLUSTER}" start >&2
fi

for _ in $(seq 1 60); do
  if pg_isready -q -h 127.0.0.1 -p "${PORT}"; then break; fi
  sleep 0.5
done
pg_isready -h 127.0.0.1 -p "${PORT}" >&2

as_postgres() { runuser -u postgres -- "$@"; }
if ! as_postgres psql -p "${PORT}" -tAc "SELECT 1 FROM pg_roles WHERE rolname = '${ROLE}'" | grep -q 1; then
  log "Creating role ${ROLE}..."
  as_postgres psql -p "${PORT}" -v ON_ERROR_STOP=1 -qc "CREATE ROLE ${ROLE} LOGIN CREATEDB PASSWORD '${PASSWORD}'"
fi

CONNECTION="Host=127.0.0.1;Port=${PORT};Username=${ROLE};Password=${PASSWORD};Database=postgres"
if [ "${1:-}" = "--export" ]; then
  echo "export WORKFLOWS_TEST_POSTGRES='${CONNECTION}'"
else
  echo "${CONNECTION}"
fi
