#!/usr/bin/env bash
# The main job on a fresh Debian machine: install what is missing, build the demo workspace if there is
# none, build the dashboard and serve it on http://127.0.0.1:${PORT:-3000}.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
need=()
[ -d /usr/share/datasets/fashion-mnist ] || need+=(dataset-fashion-mnist)
if [ ${#need[@]} -gt 0 ]; then
  apt-get -o DPkg::Lock::Timeout=600 install -y "${need[@]}" || { apt-get update && apt-get -o DPkg::Lock::Timeout=600 install -y "${need[@]}"; }
fi
node scripts/install-deps.mjs   # npm ci when node_modules differs from package-lock.json (never rewrites it)
[ -f workspaces/demo/manifest.json ] || node bin/metacurate.mjs demo --out workspaces/demo
# the demo's training runs (raw, matched, a sweep of t; 3 seeds each: ~2.5 min on 2 cores), once
[ -f workspaces/demo-experiment/experiment.json ] || node bin/metacurate.mjs demo --out workspaces/demo --experiment
npm run build
exec node bin/metacurate.mjs serve --data-dir workspaces --port "${PORT:-3000}"
