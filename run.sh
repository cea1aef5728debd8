#!/usr/bin/env bash
# Runs the platform on the embedded SQLite database (./data/workflows.db) with the sample definitions.
# Development environment: the development API keys of the README walkthrough are created.
set -euo pipefail
cd "$(dirname "$0")"
PORT="${PORT:-5080}"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
# The embedded database lives in ./data (created and migrated on first run).
export ConnectionStrings__Sqlite="${ConnectionStrings__Sqlite:-Data Source=$PWD/data/workflows.db}"
# Notifications (SMS, e-mail) are written as files here unless SMTP is configured.
export Notifications__Folder="${Notifications__Folder:-$PWD/data/notifications}"
dotnet build Workflows.Host --nologo -v quiet
echo "Workflows is starting at http://127.0.0.1:${PORT} (API page: http://127.0.0.1:${PORT}/swagger, health: /health)"
exec dotnet run --project Workflows.Host --no-build --no-launch-profile --urls "http://127.0.0.1:${PORT}"
