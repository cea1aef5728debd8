#!/usr/bin/env bash
# Runs the platform on the embedded SQLite database (./data/workflows.db) with the sample definitions:
# the Host (API) and the Designer (the web UI for process designers and administrators), together.
# Development environment: the development users and API keys of the README are created.
set -euo pipefail
cd "$(dirname "$0")"
PORT="${PORT:-5080}"
DESIGNER_PORT="${DESIGNER_PORT:-5090}"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
# The embedded database lives in ./data (created and migrated on first run).
export ConnectionStrings__Sqlite="${ConnectionStrings__Sqlite:-Data Source=$PWD/data/workflows.db}"
# Notifications (SMS, e-mail) are written as files here unless SMTP is configured.
export Notifications__Folder="${Notifications__Folder:-$PWD/data/notifications}"
# The Designer's sign-in cookies survive a restart: its data-protection keys are kept here.
export DataProtection__KeysPath="${DataProtection__KeysPath:-$PWD/data/designer-keys}"
export Host__BaseUrl="http://127.0.0.1:${PORT}"

if ! command -v npm >/dev/null 2>&1; then
  echo "npm is needed to build the Designer's diagram canvas: install Node.js (e.g. apt-get install nodejs npm)." >&2
  exit 1
fi
dotnet build Workflows.Host --nologo -v quiet
dotnet build Workflows.Designer --nologo -v quiet

dotnet run --project Workflows.Host --no-build --no-launch-profile --urls "http://127.0.0.1:${PORT}" &
host_pid=$!
trap 'kill $host_pid 2>/dev/null || true' EXIT INT TERM

# Plain bash (no curl needed): one HTTP request to /health.
host_healthy() {
  (exec 3<>"/dev/tcp/127.0.0.1/${PORT}" && printf 'GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 && head -n 1 <&3 | grep -q ' 200') 2>/dev/null
}

# The Designer needs the Host: wait until it answers (first start migrates the database).
for _ in $(seq 1 120); do
  if host_healthy; then break; fi
  if ! kill -0 $host_pid 2>/dev/null; then echo "The Host stopped; see its messages above." >&2; exit 1; fi
  sleep 1
done

echo "Workflows Host (API):  http://127.0.0.1:${PORT}   (API page: /swagger, health: /health)"
echo "Workflows Designer:    http://127.0.0.1:${DESIGNER_PORT}   (open it in a browser and sign in)"
dotnet run --project Workflows.Designer --no-build --no-launch-profile --urls "http://127.0.0.1:${DESIGNER_PORT}"
