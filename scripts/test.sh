#!/usr/bin/env bash
# Runs every test on a fresh Debian machine: installs what is missing, type-checks, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
# WordNet 3.0 (Debian's wordnet-base) for the metadata-building tests
if [ ! -f /usr/share/wordnet/data.noun ] && command -v apt-get >/dev/null; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  { $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq && $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq wordnet-base; } \
    || echo "scripts/test.sh: could not install wordnet-base; the WordNet 3.0 tests will say they skip" >&2
fi
npm install --no-audit --no-fund --loglevel=error
npm run --silent typecheck
npm test
