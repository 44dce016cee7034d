#!/usr/bin/env bash
# The test command (README "Run the tests", and what .ci/run calls): installs what is missing
# (Bun via npm, Debian's docker.io + busybox-static + git), starts the Docker engine without a
# bridge network, imports the offline test image, installs dependencies, type-checks, builds the
# binary and runs `bun test`. Never pulls an image; tests talk only to this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v bun >/dev/null 2>&1; then
  echo "test: installing Bun with npm"
  npm install -g bun >/dev/null
fi
bash scripts/docker-up.sh
bun install --frozen-lockfile
bun run typecheck
bun run build
bun test --timeout 120000 "$@"
