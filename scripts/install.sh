#!/usr/bin/env bash
# Install everything and run the main job: Bun (npm) if missing, dependencies, the compiled
# binary (installed as clauderon on PATH), a local Docker engine if none answers (Debian docker.io,
# started by hand without a bridge network), then one reconcile pass over your sessions.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v bun >/dev/null 2>&1; then
  echo "install: installing Bun with npm"
  npm install -g bun >/dev/null
fi
sock="${DOCKER_HOST:-unix:///var/run/docker.sock}"
if ! curl -sf --max-time 2 --unix-socket "${sock#unix://}" http://localhost/_ping >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then bash scripts/docker-up.sh; else echo "install: no Docker engine answers on $sock (start one; scripts/docker-up.sh does it as root)" >&2; fi
fi
bun install --frozen-lockfile
bun run build
dest="${PREFIX:-$([ "$(id -u)" = 0 ] && echo /usr/local/bin || echo "$HOME/.local/bin")}"
mkdir -p "$dest"
install -m 0755 dist/clauderon "$dest/clauderon"
echo "install: $dest/clauderon $("$dest/clauderon" --version)"
"$dest/clauderon" reconcile || { code=$?; [ "$code" -ge 5 ] || exit "$code"; }
