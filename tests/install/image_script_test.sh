#!/usr/bin/env bash
# scripts/image against fake podman, buildah and docker on a PATH that holds nothing else (bash,
# dirname, head): it builds with the first usable engine in the order podman, buildah, docker
# (or CLIENTELE_IMAGE_ENGINE), from the repository's root, in Docker's image format, and with
# no usable engine exits 1 saying for each engine why.
#
#   tests/install/image_script_test.sh SCRIPTS_IMAGE
set -euo pipefail
export LC_ALL=C
(($# == 1)) || { echo "usage: image_script_test.sh SCRIPTS_IMAGE" >&2; exit 2; }
script=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$script")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
check() {  # check DESCRIPTION CONDITION...
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what" >&2; failures=$((failures + 1)); fi
}

mkdir -p "$tmp/bin"
for tool in bash dirname head; do ln -s "$(command -v "$tool")" "$tmp/bin/$tool"; done
# A fake engine: `info` succeeds when $FAKE_DIR/NAME.ok exists (docker's failure has the real
# client's words); any other call is recorded as "NAME ARGS|CWD|DOCKER_BUILDKIT" and exits
# $FAKE_BUILD_RC.
fake_engine() {
  cat >"$tmp/bin/$1" <<'EOF'
#!/usr/bin/env bash
name=${0##*/}
if [[ "$1" == info ]]; then
  [[ -e "$FAKE_DIR/$name.ok" ]] && exit 0
  if [[ "$name" == docker ]]; then
    echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock." \
      "Is the docker daemon running?" >&2
  else
    echo "Error: $name: cannot start (fake)" >&2
  fi
  exit 1
fi
printf '%s %s|%s|%s\n' "$name" "$*" "$PWD" "${DOCKER_BUILDKIT:-}" >>"$FAKE_DIR/calls"
exit "${FAKE_BUILD_RC:-0}"
EOF
  chmod +x "$tmp/bin/$1"
}
# run [VAR=VALUE]... COMMAND ARGS...: runs COMMAND from another directory with only the fakes'
# PATH; sets rc, out (stderr and stdout) and calls.
run() {
  rm -f "$tmp/calls"
  rc=0
  out=$(cd "$tmp" && env PATH="$tmp/bin" FAKE_DIR="$tmp" "$@" 2>&1) || rc=$?
  calls=$(cat "$tmp/calls" 2>/dev/null || true)
}
has() { [[ "$1" == *"$2"* ]]; }

run "$script"
check "no engine: exit 1" test "$rc" = 1
check "no engine: each named as not installed" has "$out" "podman: not installed
  buildah: not installed
  docker: not installed"

fake_engine docker
run "$script"
check "docker without a daemon: exit 1" test "$rc" = 1
check "docker without a daemon: says why" \
  has "$out" "docker: installed, but 'docker info' failed: Cannot connect to the Docker daemon"
check "docker without a daemon: nothing built" test -z "$calls"

fake_engine podman
fake_engine buildah
touch "$tmp/buildah.ok" "$tmp/docker.ok"
run "$script"
check "podman unusable, buildah usable: exit 0" test "$rc" = 0
check "buildah builds in Docker format from the root with the default tag" test "$calls" = \
  "buildah build --format docker -t clientele/clienteled:latest -f Dockerfile .|$root|"

touch "$tmp/podman.ok"
run "$script" my/clienteled:1.2
check "podman first, with the given tag" test "$calls" = \
  "podman build --format docker -t my/clienteled:1.2 -f Dockerfile .|$root|"

run CLIENTELE_IMAGE_ENGINE=docker "$script"
check "CLIENTELE_IMAGE_ENGINE=docker: docker with BuildKit" test "$calls" = \
  "docker build -t clientele/clienteled:latest -f Dockerfile .|$root|1"

run CLIENTELE_IMAGE_ENGINE=nerdctl "$script"
check "CLIENTELE_IMAGE_ENGINE=nerdctl: exit 2" test "$rc" = 2
check "CLIENTELE_IMAGE_ENGINE=nerdctl: names the variable" \
  has "$out" "CLIENTELE_IMAGE_ENGINE must be podman, buildah or docker"

run "$script" a b
check "two arguments: exit 2" test "$rc" = 2
check "two arguments: usage" has "$out" "usage: scripts/image [TAG]"

run FAKE_BUILD_RC=3 "$script"
check "a failed build's exit code is the script's" test "$rc" = 3

((failures == 0)) || { echo "$failures checks failed" >&2; exit 1; }
