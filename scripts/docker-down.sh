#!/usr/bin/env bash
# docker-down.sh: stop the dockerd that docker-up.sh started and undo the mounts it leaves. Idempotent.
set -u
PIDFILE="${DOCKERD_PIDFILE:-/var/run/docker.pid}"
DATA_ROOT="${DOCKER_DATA_ROOT:-/var/lib/docker}"
EXEC_ROOT="${DOCKER_EXEC_ROOT:-/var/run/docker}"
SOCK="${DOCKER_SOCK:-/var/run/docker.sock}"
alive() { [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status"; }
pid="$(cat "$PIDFILE" 2>/dev/null || true)"
if [ -n "$pid" ] && alive "$pid" && grep -q '^Name:[[:space:]]*dockerd' "/proc/$pid/status"; then
  # kill running containers first: otherwise each one's 10 s stop timeout delays shutdown
  for id in $(curl -sf --max-time 5 --unix-socket "$SOCK" 'http://localhost/v1.41/containers/json' \
              | grep -o '"Id":"[0-9a-f]*"' | cut -d'"' -f4); do
    curl -sf --max-time 5 --unix-socket "$SOCK" -X POST "http://localhost/v1.41/containers/$id/kill" >/dev/null || true
  done
  kill -TERM "$pid"
  for _ in $(seq 1 600); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then echo "docker-down: dockerd $pid still running after 60s" >&2; exit 1; fi
  echo "docker-down: dockerd $pid stopped"
else
  echo "docker-down: no running dockerd from $PIDFILE"
fi
for m in "$EXEC_ROOT/netns/default" "$DATA_ROOT"; do
  mountpoint -q "$m" 2>/dev/null && umount "$m" && echo "docker-down: unmounted $m"
done
exit 0
