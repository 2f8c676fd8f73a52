#!/usr/bin/env bash
# Bring up a local Docker engine and the images quizdock's challenges need.
#
# Used by CI (as root, before the tests) and by developers. Idempotent: every step is skipped
# when its result is already there. No image registry on the internet is needed: both images
# are built from Debian packages on this machine.
#
#   busybox:latest  Debian's static busybox, every applet linked on PATH
#   registry:2      a stand-in for the official registry image, built from Debian's
#                   docker-registry binary; same entrypoint, config path, port and storage
#                   directory, so `docker run -d -p 127.0.0.1:PORT:5000 registry:2` (with the
#                   REGISTRY_AUTH* env overrides) behaves like the real one
#   docker:dind     a stand-in for the official Docker-in-Docker image (quizdock's private lab),
#                   built from Debian's docker.io binaries: `dockerd ARGS` as the command starts
#                   an engine, as with the official image
#
# Usage: bash .ci/engine.sh [--rebuild]   (--rebuild: rebuild the images even if present)
set -euo pipefail

LOG=/tmp/quizdock-dockerd.log
WAIT_SECONDS=60
PACKAGES=(docker.io busybox-static docker-registry apache2-utils tini iptables sqlite3)

say() { printf 'engine.sh: %s\n' "$*"; }
die() { printf 'engine.sh: ERROR: %s\n' "$*" >&2; exit 1; }

REBUILD=0
for arg in "$@"; do
  case "$arg" in
    --rebuild) REBUILD=1 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) die "unknown argument '$arg' (usage: bash .ci/engine.sh [--rebuild])" ;;
  esac
done

engine_answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

install_missing_packages() {
  local missing=() pkg
  for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' \
      || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "packages missing: ${missing[*]}; run this script as root (sudo bash .ci/engine.sh)"
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || die "apt-get update failed (see above)"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed (see above)"
}

start_dockerd() {
  [ "$(id -u)" -eq 0 ] || die "no Docker engine answers and starting dockerd needs root: run sudo bash .ci/engine.sh"
  command -v dockerd >/dev/null || die "dockerd not found after installing docker.io"
  local pid=""
  if pidof dockerd >/dev/null 2>&1; then
    say "a dockerd process exists but does not answer yet; waiting for it"
  else
    say "starting dockerd (log: $LOG)"
    # setsid + nohup: the daemon must outlive this script and its terminal.
    setsid nohup dockerd >"$LOG" 2>&1 </dev/null &
    pid=$!
  fi
  local waited=0 hint=""
  if [ -n "${DOCKER_HOST:-}" ]; then
    hint=" (DOCKER_HOST=$DOCKER_HOST is set: the docker CLI asks there, not the default socket; unset it?)"
  fi
  until engine_answers; do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$LOG" >&2 2>/dev/null || true
      die "dockerd exited at start; last lines of $LOG above"
    fi
    if [ "$waited" -ge "$WAIT_SECONDS" ]; then
      tail -n 20 "$LOG" >&2 2>/dev/null || true
      die "dockerd did not answer within ${WAIT_SECONDS}s$hint; last lines of $LOG above"
    fi
    sleep 1
    waited=$((waited + 1))
  done
  say "dockerd answers after ${waited}s"
}

image_present() { docker image inspect "$1" >/dev/null 2>&1; }

# After a rebuild the previous image would stay as a dangling <none> image: drop it if unused.
drop_image() { [ -n "$1" ] && docker image rm "$1" >/dev/null 2>&1 || true; }

build_busybox() {
  local bb=/bin/busybox root
  [ -x "$bb" ] || die "$bb missing: install busybox-static"
  # ldd fails on a static binary: a dynamic busybox would not run inside an empty rootfs.
  if ldd "$bb" >/dev/null 2>&1; then die "$bb is dynamically linked: install busybox-static"; fi
  root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/tmp" "$root/etc"
  chmod 1777 "$root/tmp"
  cp "$bb" "$root/bin/busybox"
  local applet
  for applet in $("$bb" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  tar -C "$root" -c . | docker import \
    --change 'CMD ["sh"]' \
    --change 'ENV PATH=/bin' \
    -m 'busybox from Debian busybox-static (built by .ci/engine.sh)' \
    - busybox:latest >/dev/null
  rm -rf "$root"
  say "built busybox:latest"
}

build_registry() {
  local bin=/usr/bin/docker-registry root lib
  [ -x "$bin" ] || die "$bin missing: install docker-registry"
  root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/etc/docker/registry" "$root/var/lib/registry" "$root/tmp"
  chmod 1777 "$root/tmp"
  cp "$bin" "$root/bin/registry"
  # Copy every library ldd lists (including the loader) at its own path, symlinks resolved.
  for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
  # The official image's default configuration.
  cat >"$root/etc/docker/registry/config.yml" <<'YAML'
version: 0.1
log:
  fields:
    service: registry
storage:
  cache:
    blobdescriptor: inmemory
  filesystem:
    rootdirectory: /var/lib/registry
http:
  addr: :5000
  headers:
    X-Content-Type-Options: [nosniff]
health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
YAML
  tar -C "$root" -c . | docker import \
    --change 'ENTRYPOINT ["/bin/registry","serve","/etc/docker/registry/config.yml"]' \
    --change 'EXPOSE 5000' \
    --change 'VOLUME ["/var/lib/registry"]' \
    -m 'registry:2 stand-in from Debian docker-registry (built by .ci/engine.sh)' \
    - registry:2 >/dev/null
  rm -rf "$root"
  say "built registry:2"
}

build_dind() {
  local root bin lib target
  root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/usr/bin" "$root/usr/sbin" "$root/sbin" "$root/etc" "$root/tmp" \
    "$root/run" "$root/var/lib/docker" "$root/root"
  chmod 1777 "$root/tmp"
  ln -s ../run "$root/var/run"
  # Static busybox for a shell and wget (the lab's own checks and learners' `exec` use them).
  cp /bin/busybox "$root/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  for bin in /usr/sbin/dockerd /usr/bin/containerd /usr/bin/containerd-shim-runc-v2 /usr/sbin/runc \
             /usr/sbin/docker-proxy /usr/sbin/xtables-legacy-multi; do
    [ -x "$bin" ] || die "$bin missing: install docker.io and iptables"
    cp -L "$bin" "$root$bin"
    for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*' || true); do
      mkdir -p "$root$(dirname "$lib")"
      cp -L "$lib" "$root$lib"
    done
  done
  [ -x /usr/bin/tini-static ] || die "/usr/bin/tini-static missing: install tini"
  cp /usr/bin/tini-static "$root/usr/bin/docker-init"
  for target in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
    ln -sf xtables-legacy-multi "$root/usr/sbin/$target"
  done
  # iptables looks for its extensions where it was built to; copy them to both usual places.
  for lib in /usr/lib/x86_64-linux-gnu/xtables /lib/x86_64-linux-gnu/xtables; do
    mkdir -p "$root$lib"
    cp -L /usr/lib/x86_64-linux-gnu/xtables/*.so "$root$lib/"
    for dep in $(ldd /usr/lib/x86_64-linux-gnu/xtables/*.so 2>/dev/null | grep -o '/[^ ]*' | grep -v ':$' | sort -u || true); do
      [ -e "$root$dep" ] || { mkdir -p "$root$(dirname "$dep")"; cp -L "$dep" "$root$dep"; }
    done
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\ndocker:x:2375:\n' >"$root/etc/group"
  tar -C "$root" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'VOLUME ["/var/lib/docker"]' \
    --change 'EXPOSE 2375 2376' \
    --change 'CMD ["dockerd"]' \
    -m 'docker:dind stand-in from Debian docker.io (built by .ci/engine.sh)' \
    - docker:dind >/dev/null
  rm -rf "$root"
  say "built docker:dind"
}

smoke_busybox() {
  local out
  out=$(docker run --rm busybox:latest sh -c 'echo ok') || die "busybox:latest does not run"
  [ "$out" = ok ] || die "busybox:latest printed '$out' instead of 'ok'"
}

smoke_registry() {
  local cid port status="" i
  cid=$(docker run -d -p 127.0.0.1::5000 registry:2) || die "registry:2 does not start"
  port=$(docker port "$cid" 5000/tcp | head -n1 | sed 's/.*://')
  # Bash's /dev/tcp (in a subshell, so the redirections stay there): no curl on a fresh machine.
  for i in $(seq 1 20); do
    status=$( (exec 3<>"/dev/tcp/127.0.0.1/$port" \
      && printf 'GET /v2/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 \
      && head -n1 <&3 | tr -d '\r') 2>/dev/null || true)
    [[ "$status" == *" 200 "* ]] && break
    sleep 0.5
  done
  if [[ "$status" != *" 200 "* ]]; then
    docker logs "$cid" 2>&1 | tail -n 20 >&2
    docker rm -f -v "$cid" >/dev/null 2>&1 || true
    die "registry:2 did not answer GET /v2/ with 200 on 127.0.0.1:$port (got '${status:-nothing}')"
  fi
  docker rm -f -v "$cid" >/dev/null  # -v: the image declares VOLUME /var/lib/registry
}

if engine_answers; then
  say "Docker engine already answers"
else
  install_missing_packages
  start_dockerd
fi
# Even with an engine up, the images need their packages.
install_missing_packages

old_busybox=""; old_registry=""; old_dind=""
if [ "$REBUILD" -eq 1 ]; then
  old_busybox=$(docker image inspect -f '{{.Id}}' busybox:latest 2>/dev/null || true)
  old_registry=$(docker image inspect -f '{{.Id}}' registry:2 2>/dev/null || true)
  old_dind=$(docker image inspect -f '{{.Id}}' docker:dind 2>/dev/null || true)
fi
if [ "$REBUILD" -eq 1 ] || ! image_present busybox:latest; then build_busybox; fi
smoke_busybox
if [ "$REBUILD" -eq 1 ] || ! image_present registry:2; then build_registry; fi
smoke_registry
if [ "$REBUILD" -eq 1 ] || ! image_present docker:dind; then build_dind; fi
drop_image "$old_busybox"
drop_image "$old_registry"
drop_image "$old_dind"

say "ready: $(docker version --format 'engine {{.Server.Version}}, API {{.Server.APIVersion}}'); images busybox:latest, registry:2 and docker:dind present"
