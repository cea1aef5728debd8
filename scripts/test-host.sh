#!/usr/bin/env bash
# Runs the Host tests on SQLite and PostgreSQL (starting the local test cluster first).
set -euo pipefail
cd "$(dirname "$0")/.."
export WORKFLOWS_TEST_POSTGRES="${WORKFLOWS_TEST_POSTGRES:-$(scripts/start-postgres.sh)}"
dotnet test tests/Workflows.Host.Tests/Workflows.Host.Tests.csproj "$@"
