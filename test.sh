#!/usr/bin/env bash
# Runs every test project. Installs and starts what the tests need when it is missing:
# PostgreSQL (a dedicated cluster on port 5433), Debian's Chromium for the browser tests, and Node.js/npm
# (the Designer's build bundles its diagram canvas from npm packages).
# Prints a closing line "N passed, N failed[, N skipped]" summed over all test projects.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v chromium >/dev/null 2>&1; then
  echo "Installing Chromium (Debian package)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
fi

# The Designer's build bundles its canvas from npm packages (npm ci + esbuild, see Workflows.Designer.csproj).
if ! command -v npm >/dev/null 2>&1; then
  echo "Installing Node.js and npm (Debian packages)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

WORKFLOWS_TEST_POSTGRES="$(bash scripts/start-postgres.sh | tail -n 1)"
export WORKFLOWS_TEST_POSTGRES

results="$(mktemp -d)"
status=0
for project in tests/*.Tests/*.csproj; do
  name="$(basename "$project" .csproj)"
  echo "== $name"
  if ! dotnet test "$project" --nologo --logger "trx;LogFileName=$name.trx" --results-directory "$results" 2>&1 | tee "$results/$name.log"; then
    status=1
  fi
done

# Sum the outcome counters of every TRX report (one per test project).
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  value() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  skipped=$((skipped + $(value notExecuted)))
done
projects=$(ls tests/*.Tests/*.csproj | wc -l)
reports=$(ls "$results"/*.trx 2>/dev/null | wc -l)
if [ "$reports" -lt "$projects" ]; then
  echo "Only $reports of $projects test projects produced results."
  status=1
fi

if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit $status
