#!/usr/bin/env bash
# Runs every test on a fresh Debian machine: installs what is missing, type-checks, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
npm install --no-audit --no-fund --loglevel=error
npm run --silent typecheck
npm test
