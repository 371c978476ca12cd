#!/usr/bin/env bash
# Runs every test on a fresh Debian machine: installs what is missing, type-checks, runs the unit and
# integration tests, builds the dashboard and runs its end-to-end tests in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
# Debian packages: Chromium (e2e), Fashion-MNIST (the demo), WordNet 3.0 (metadata-building tests), and fonts
# for the worldwide pages' Chinese, Japanese and Thai (the e2e screenshots show the scripts, not boxes)
need=()
command -v chromium >/dev/null || need+=(chromium)
[ -d /usr/share/fonts/truetype/wqy ] || need+=(fonts-wqy-zenhei)
[ -d /usr/share/fonts/opentype/tlwg-loma ] || need+=(fonts-tlwg-loma-otf)
[ -d /usr/share/datasets/fashion-mnist ] || need+=(dataset-fashion-mnist)
[ -f /usr/share/wordnet/data.noun ] || need+=(wordnet-base)
if [ ${#need[@]} -gt 0 ] && command -v apt-get >/dev/null; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${need[@]}" \
    || { $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq && $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${need[@]}"; }
fi
node scripts/install-deps.mjs   # npm ci when node_modules differs from package-lock.json (never rewrites it)
npm run --silent typecheck
# a real single-node Slurm for the slurm executor's tests (tests/slurm.test.ts), stopped however the run ends;
# where it cannot start (not root, not Debian), those tests are skipped with the reason, except in CI
export SLURM_RUN_DIR=${SLURM_RUN_DIR:-/tmp/metacurate-slurm}
if [ "$(id -u)" = 0 ] && [ -r /etc/debian_version ]; then
  trap 'bash scripts/slurm-stop.sh' EXIT
  bash scripts/slurm-start.sh || { [ -n "${CI:-}" ] && exit 1; echo "Slurm did not start: its tests will be skipped" >&2; }
fi
npm test
# the dashboard for the e2e tests is built into .next-test, never into the .next a running `metacurate serve`
# uses: a person can run the tests while using the app (checked below: .next is left as it was)
export METACURATE_NEXT_DIR=.next-test
before=$(stat -c '%Y %s' .next/BUILD_ID 2>/dev/null || echo none)
npm run --silent build
npx playwright test
after=$(stat -c '%Y %s' .next/BUILD_ID 2>/dev/null || echo none)
[ "$before" = "$after" ] || { echo "test.sh: the tests changed .next/BUILD_ID (a served dashboard would reload)" >&2; exit 1; }
