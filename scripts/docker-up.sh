#!/usr/bin/env bash
# docker-up.sh: install Debian's docker.io if missing, start dockerd by hand (no systemd) WITHOUT a
# bridge network (containers get loopback only, no iptables rules), and import an offline busybox
# test image. Idempotent. Never pulls from a registry.
set -euo pipefail
SOCK="${DOCKER_SOCK:-/var/run/docker.sock}"
DATA_ROOT="${DOCKER_DATA_ROOT:-/var/lib/docker}"
EXEC_ROOT="${DOCKER_EXEC_ROOT:-/var/run/docker}"
PIDFILE="${DOCKERD_PIDFILE:-/var/run/docker.pid}"
LOG="${DOCKERD_LOG:-/var/log/dockerd.log}"
IMAGE="${TEST_IMAGE:-localtest/busybox}"
TAG="${TEST_IMAGE_TAG:-latest}"

ping_engine() { curl -sf --max-time 2 --unix-socket "$SOCK" http://localhost/_ping >/dev/null 2>&1; }
alive() { [ -n "${1:-}" ] && [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status"; }

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v git >/dev/null 2>&1 || need+=(git)
if [ "${#need[@]}" -gt 0 ]; then
  echo "docker-up: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if ping_engine; then
  echo "docker-up: engine already answering on $SOCK"
else
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  if ! { alive "$pid" && grep -q '^Name:[[:space:]]*dockerd' "/proc/$pid/status"; }; then
    mkdir -p "$(dirname "$SOCK")" "$(dirname "$LOG")"
    setsid nohup dockerd -H "unix://$SOCK" --data-root "$DATA_ROOT" --exec-root "$EXEC_ROOT" \
      --pidfile "$PIDFILE" --bridge=none --iptables=false --ip6tables=false --ip-masq=false \
      >>"$LOG" 2>&1 </dev/null &
    pid=$!
  fi
  for _ in $(seq 1 300); do
    ping_engine && break
    alive "$pid" || { echo "docker-up: dockerd exited; log tail:" >&2; tail -n 30 "$LOG" >&2; exit 1; }
    sleep 0.1
  done
  ping_engine || { echo "docker-up: dockerd did not answer on $SOCK within 30s" >&2; tail -n 30 "$LOG" >&2; exit 1; }
  echo "docker-up: dockerd answering on $SOCK"
fi

if curl -sf --unix-socket "$SOCK" "http://localhost/v1.41/images/$IMAGE:$TAG/json" >/dev/null; then
  echo "docker-up: image $IMAGE:$TAG present"
else
  root="$(mktemp -d)"
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,proc,sys,dev,root,workspace}
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  chroot "$root" /bin/busybox --install -s
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  out="$(tar -C "$root" -c . | curl -sS --unix-socket "$SOCK" -X POST -H 'Content-Type: application/x-tar' \
        --data-binary @- "http://localhost/v1.41/images/create?fromSrc=-&repo=$IMAGE&tag=$TAG&changes=CMD%20%5B%22%2Fbin%2Fsh%22%5D")"
  rm -rf "$root"
  case "$out" in *'"error'*) echo "docker-up: image import failed: $out" >&2; exit 1;; esac
  echo "docker-up: imported $IMAGE:$TAG"
fi
