#!/usr/bin/env bash
# The main job on a fresh Debian machine: install, build the demo workspace, show what curation did.
# (The dashboard that serves it is issue #4; until then this is the engine's demo.)
set -euo pipefail
cd "$(dirname "$0")/.."
npm install --no-audit --no-fund --loglevel=error
node bin/metacurate.mjs demo --out workspaces/demo
