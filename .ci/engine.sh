#!/usr/bin/env bash
# Bring up a local Docker engine and the images quizdock's challenges need.
#
# Used by CI (as root, before the tests) and by developers. Idempotent: every step is skipped
# when its result is already there. No image registry is needed: every image is built from
# Debian packages (the lab's from pinned packages of Debian's archive, downloaded once from the
# system's own Debian mirror and kept).
#
#   busybox:latest  Debian's static busybox, every applet linked on PATH
#   registry:2      a stand-in for the official registry image, built from Debian's
#                   docker-registry binary; same entrypoint, config path, port and storage
#                   directory, so `docker run -d -p 127.0.0.1:PORT:5000 registry:2` (with the
#                   REGISTRY_AUTH* env overrides) behaves like the real one
#   LAB_IMAGE       the lab's image as quizdock/lab/engine.py pins it (docker:VERSION-dind): a
#                   stand-in for the official Docker-in-Docker image of that engine, built from
#                   Debian's packages of the same version (sid's docker.io and containerd, pinned
#                   below; bookworm's runc, tini, legacy iptables, busybox): `dockerd ARGS` as
#                   the command starts an engine, as with the official image
#   quizdock-ci/LAB_IMAGE-containerd-store
#                   the same engine with the containerd image store (Engine 29's default), for
#                   the tests only (tests/docker_fixtures.py names it the same way)
#
# Usage: bash .ci/engine.sh [--rebuild]   (--rebuild: rebuild the images even if present)
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
LOG=/tmp/quizdock-dockerd.log
WAIT_SECONDS=60
# zsh and fish: the shell-completion tests run the real shells; sqlite3: a test reads the
# database with SQLite's own command line while a review writes
PACKAGES=(docker.io runc busybox-static docker-registry apache2-utils tini iptables zsh fish sqlite3)

# The lab engine's packages, from Debian's unstable suite (sid): their binaries run on bookworm's
# C library (sid's runc does not: bookworm's is used). Pinned by version and by the SHA-256 of the
# .deb, so every build holds the same binaries. To move to another engine version: change
# LAB_ENGINE_VERSION in quizdock/lab/engine.py, then these four lines (`apt-cache show` of sid
# gives both: see the sid_apt function).
SID_DOCKER_IO_VERSION=28.5.2+dfsg4-5
SID_DOCKER_IO_SHA256=69a59cc77a1fb8ee9ad6859abc2e6de5d76b70887405595c2b1307818fecf682
SID_CONTAINERD_VERSION=2.1.9+ds1-5
SID_CONTAINERD_SHA256=2dda86ce7033fd612fc50e136679d8174ccad680eb29cd4611e0d2a1b84cf591
# Downloaded packages are kept (verified again before each use): a second run downloads nothing.
if [ "$(id -u)" -eq 0 ]; then DEB_CACHE_DEFAULT=/var/cache/quizdock-ci; else DEB_CACHE_DEFAULT="${XDG_CACHE_HOME:-$HOME/.cache}/quizdock-ci"; fi
DEB_CACHE="${QUIZDOCK_DEB_CACHE:-$DEB_CACHE_DEFAULT}"

say() { printf 'engine.sh: %s\n' "$*"; }
die() { printf 'engine.sh: ERROR: %s\n' "$*" >&2; exit 1; }

REBUILD=0
for arg in "$@"; do
  case "$arg" in
    --rebuild) REBUILD=1 ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
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

# The lab image's name and engine version, read from the code (one place: quizdock/lab/engine.py).
read_lab_image() {
  local found
  found=$(PYTHONPATH="$REPO" python3 -S -c \
    'from quizdock.lab.engine import LAB_ENGINE_VERSION, LAB_IMAGE; print(LAB_IMAGE, LAB_ENGINE_VERSION)') \
    || die "cannot read LAB_IMAGE and LAB_ENGINE_VERSION from $REPO/quizdock/lab/engine.py (python3 error above)"
  LAB_IMAGE=${found% *}
  LAB_ENGINE_VERSION=${found#* }
  CONTAINERD_STORE_IMAGE="quizdock-ci/${LAB_IMAGE}-containerd-store"
  # "28.5.2+dfsg4-5" is Debian's packaging of upstream 28.5.2.
  [ "${SID_DOCKER_IO_VERSION%%+*}" = "$LAB_ENGINE_VERSION" ] \
    || die "quizdock/lab/engine.py pins Docker Engine $LAB_ENGINE_VERSION but this script pins docker.io $SID_DOCKER_IO_VERSION: update SID_DOCKER_IO_VERSION (and its SHA-256, and containerd's) to a Debian package of $LAB_ENGINE_VERSION"
}

# apt-get and apt-cache on a sources list of sid alone, in a folder of their own: the system's
# package sources and state are never touched. Signed by Debian's archive key, as bookworm is.
sid_apt() {
  local tool=$1; shift
  local dir="$DEB_CACHE/apt" mirror
  mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror sid main" >"$dir/sources.list"
  local options=(-o "Dir::Etc::sourcelist=$dir/sources.list" -o Dir::Etc::sourceparts=/nonexistent
                 -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache" -o Debug::NoLocking=1)
  # apt drops to the _apt user to download, who cannot write to a root-owned cache.
  [ "$(id -u)" -ne 0 ] || options+=(-o APT::Sandbox::User=root)
  "$tool" "${options[@]}" "$@"
}

deb_ok() {  # FILE PACKAGE VERSION SHA256: the file is that package, that version, those bytes
  [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$4" ] \
    && [ "$(dpkg-deb -f "$1" Package)" = "$2" ] && [ "$(dpkg-deb -f "$1" Version)" = "$3" ]
}

# A verified .deb of PACKAGE=VERSION in FETCHED (its path), downloaded from sid if needed.
fetch_sid_deb() {
  local package=$1 version=$2 sha256=$3 file got
  [ "$(dpkg --print-architecture)" = amd64 ] \
    || die "the pinned $package package is for amd64; this machine is $(dpkg --print-architecture)"
  file="$DEB_CACHE/${package}_${version}_amd64.deb"
  FETCHED=$file
  if deb_ok "$file" "$package" "$version" "$sha256"; then return 0; fi
  rm -f "$file"
  mkdir -p "$DEB_CACHE" || die "cannot create $DEB_CACHE (set QUIZDOCK_DEB_CACHE to a writable folder)"
  if [ -z "${SID_UPDATED:-}" ]; then
    say "reading Debian sid's package index"
    sid_apt apt-get update -qq || die "apt-get update of Debian sid failed (see above): is the Debian mirror reachable?"
    SID_UPDATED=1
  fi
  (cd "$DEB_CACHE" && sid_apt apt-get download -qq "$package=$version") \
    || die "cannot download $package=$version from Debian sid (see above). If sid moved on, \`apt-cache show $package\` with sid's list gives the new version and SHA256: pin them in .ci/engine.sh (and LAB_ENGINE_VERSION in quizdock/lab/engine.py if the engine version changed)"
  [ -f "$file" ] || die "apt-get download of $package=$version wrote no $file"
  got=$(sha256sum "$file" | cut -d' ' -f1)
  [ "$got" = "$sha256" ] || { rm -f "$file"; die "$package $version from Debian sid has SHA-256 $got, not the pinned $sha256: the package was rebuilt or the download is corrupt; check, then pin the new SHA-256 in .ci/engine.sh"; }
  deb_ok "$file" "$package" "$version" "$sha256" \
    || die "$file is not $package $version (dpkg-deb -f says $(dpkg-deb -f "$file" Package Version | tr '\n' ' '))"
  say "downloaded $package $version (SHA-256 verified)"
}

copy_with_libraries() {  # ROOT SOURCE TARGET: a binary and every library ldd lists
  local root=$1 source=$2 target=$3 lib
  [ -x "$source" ] || die "$source missing"
  mkdir -p "$root$(dirname "$target")"
  cp -L "$source" "$root$target"
  for lib in $(ldd "$source" 2>/dev/null | grep -o '/[^ ]*' || true); do
    [ -e "$root$lib" ] && continue
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}

# The lab's root filesystem: sid's engine (dockerd, docker-proxy, containerd and its runc shim)
# with bookworm's runc, tini as docker-init, legacy iptables and busybox.
make_lab_rootfs() {
  local root=$1 sid=$2 bin applet target lib dep
  mkdir -p "$root/bin" "$root/usr/bin" "$root/usr/sbin" "$root/sbin" "$root/etc/docker" "$root/tmp" \
    "$root/run" "$root/var/lib/docker" "$root/root"
  chmod 1777 "$root/tmp"
  ln -s ../run "$root/var/run"
  # Static busybox for a shell and wget (the lab's own checks and learners' `exec` use them).
  cp /bin/busybox "$root/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  for bin in /usr/sbin/dockerd /usr/sbin/docker-proxy /usr/bin/containerd /usr/bin/containerd-shim-runc-v2; do
    copy_with_libraries "$root" "$sid$bin" "$bin"
  done
  for bin in /usr/sbin/runc /usr/sbin/xtables-legacy-multi; do
    [ -x "$bin" ] || die "$bin missing: install runc and iptables"
    copy_with_libraries "$root" "$bin" "$bin"
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
}

# What the lab image is made of, as labels: a present image with other labels is rebuilt.
lab_labels() {
  printf 'org.quizdock.engine=%s org.quizdock.docker-io=%s org.quizdock.containerd=%s org.quizdock.runc=%s' \
    "$LAB_ENGINE_VERSION" "$SID_DOCKER_IO_VERSION" "$SID_CONTAINERD_VERSION" \
    "$(dpkg-query -W -f='${Version}' runc 2>/dev/null || echo unknown)"
}

lab_image_current() {  # TAG
  [ "$(docker image inspect -f '{{index .Config.Labels "org.quizdock.docker-io"}} {{index .Config.Labels "org.quizdock.containerd"}} {{index .Config.Labels "org.quizdock.runc"}}' "$1" 2>/dev/null)" \
    = "$SID_DOCKER_IO_VERSION $SID_CONTAINERD_VERSION $(dpkg-query -W -f='${Version}' runc 2>/dev/null || echo unknown)" ]
}

import_lab_image() {  # ROOT TAG WHAT
  tar -C "$1" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'VOLUME ["/var/lib/docker"]' \
    --change 'EXPOSE 2375 2376' \
    --change 'CMD ["dockerd"]' \
    --change "LABEL $(lab_labels)" \
    -m "$2 stand-in: $3 (built by .ci/engine.sh)" \
    - "$2" >/dev/null || die "docker import of $2 failed (see above)"
}

build_lab_images() {
  local started=$SECONDS docker_io containerd sid root
  fetch_sid_deb docker.io "$SID_DOCKER_IO_VERSION" "$SID_DOCKER_IO_SHA256"
  docker_io=$FETCHED
  fetch_sid_deb containerd "$SID_CONTAINERD_VERSION" "$SID_CONTAINERD_SHA256"
  containerd=$FETCHED
  sid=$(mktemp -d)
  root=$(mktemp -d)
  dpkg-deb -x "$docker_io" "$sid" && dpkg-deb -x "$containerd" "$sid" || die "cannot unpack $docker_io and $containerd"
  make_lab_rootfs "$root" "$sid"
  import_lab_image "$root" "$LAB_IMAGE" "Docker Engine $LAB_ENGINE_VERSION from Debian docker.io $SID_DOCKER_IO_VERSION, containerd $SID_CONTAINERD_VERSION"
  # The same engine with the containerd image store, as Engine 29 has by default.
  printf '{"features":{"containerd-snapshotter":true}}\n' >"$root/etc/docker/daemon.json"
  import_lab_image "$root" "$CONTAINERD_STORE_IMAGE" "Docker Engine $LAB_ENGINE_VERSION with the containerd image store"
  rm -rf "$root" "$sid"
  say "built $LAB_IMAGE and $CONTAINERD_STORE_IMAGE in $((SECONDS - started))s"
}

smoke_lab_image() {  # TAG: its dockerd is the pinned version and runs on these libraries
  local out
  out=$(docker run --rm "$1" dockerd --version 2>&1) || die "$1 does not run dockerd: $out"
  [[ "$out" == "Docker version $LAB_ENGINE_VERSION+"* || "$out" == "Docker version $LAB_ENGINE_VERSION,"* ]] \
    || die "$1 runs '$out', not Docker Engine $LAB_ENGINE_VERSION"
  out=$(docker run --rm "$1" containerd --version 2>&1) || die "$1 does not run containerd: $out"
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

read_lab_image
old_busybox=""; old_registry=""; old_lab=""; old_containerd_store=""
if [ "$REBUILD" -eq 1 ]; then
  old_busybox=$(docker image inspect -f '{{.Id}}' busybox:latest 2>/dev/null || true)
  old_registry=$(docker image inspect -f '{{.Id}}' registry:2 2>/dev/null || true)
fi
if [ "$REBUILD" -eq 1 ] || ! image_present busybox:latest; then build_busybox; fi
smoke_busybox
if [ "$REBUILD" -eq 1 ] || ! image_present registry:2; then build_registry; fi
smoke_registry
if [ "$REBUILD" -eq 1 ] || ! lab_image_current "$LAB_IMAGE" || ! lab_image_current "$CONTAINERD_STORE_IMAGE"; then
  old_lab=$(docker image inspect -f '{{.Id}}' "$LAB_IMAGE" 2>/dev/null || true)
  old_containerd_store=$(docker image inspect -f '{{.Id}}' "$CONTAINERD_STORE_IMAGE" 2>/dev/null || true)
  build_lab_images
fi
smoke_lab_image "$LAB_IMAGE"
smoke_lab_image "$CONTAINERD_STORE_IMAGE"
drop_image "$old_busybox"
drop_image "$old_registry"
drop_image "$old_lab"
drop_image "$old_containerd_store"

say "ready: $(docker version --format 'engine {{.Server.Version}}, API {{.Server.APIVersion}}'); images busybox:latest, registry:2, $LAB_IMAGE (Docker Engine $LAB_ENGINE_VERSION) and $CONTAINERD_STORE_IMAGE present"
