#!/usr/bin/env bash
# The installed tree, as the image's runtime stage gets it (containers cannot run in CI, so this
# checks what goes into the image instead):
#   1. `cmake --install BUILD_DIR --prefix TMP` installs exactly bin/clienteled, bin/clientele and
#      bin/clientele-load, without RPATH/RUNPATH;
#   2. every shared library of each resolves, and the Debian packages owning them are all in the
#      Dockerfile's RUNTIME_PACKAGES (scripts/runtime-packages --check); a sanitizer build's
#      runtime (libasan8, libubsan1, ...) is left out: the image is built without sanitizers;
#   3. an end-to-end run of the installed binaries only (PATH = TMP/bin and the system's, the
#      working directory and every input inside TMP): clienteled with all services and API keys
#      required on 127.0.0.1 with free ports, health SERVING, import of the committed Online
#      Retail sample, sync, RFM with a row for customer 12431, SIGTERM and exit 0.
#
#   tests/install/installed_tree_test.sh BUILD_DIR SOURCE_DIR
#
# Environment: CLIENTELE_SANITIZE (the build's sanitizers, empty for none); the sanitizers'
# *_OPTIONS pass through to the binaries.
set -euo pipefail
export LC_ALL=C

if (($# != 2)); then
  echo "usage: installed_tree_test.sh BUILD_DIR SOURCE_DIR" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
tmp=$(mktemp -d)
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill -KILL "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  if [[ -s "$tmp/server.log" ]]; then
    echo "--- clienteled's log (last 30 lines):" >&2
    tail -n 30 "$tmp/server.log" >&2
  fi
  exit 1
}
# Polls COMMAND until it succeeds or SECONDS pass.
poll() {
  local seconds=$1
  shift
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# --- 1. Install: the three binaries and nothing else. ---
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" || {
  cat "$tmp/install.log" >&2
  fail "cmake --install $build failed"
}
installed=$(cd "$prefix" && find . -mindepth 1 -not -type d | sort | tr '\n' ' ')
expected="./bin/clientele ./bin/clientele-load ./bin/clienteled "
[[ "$installed" == "$expected" ]] || fail "installed files are '$installed', expected '$expected'"
bins=("$prefix/bin/clienteled" "$prefix/bin/clientele" "$prefix/bin/clientele-load")
for b in "${bins[@]}"; do
  if readelf -d "$b" | grep -E "\((RPATH|RUNPATH)\)"; then
    fail "$b has an RPATH/RUNPATH (every library it needs is a system library)"
  fi
  if ldd "$b" | grep "not found"; then fail "$b: a shared library does not resolve"; fi
done
echo "installed: $installed(no RPATH, every library resolves)"

# --- 2. Every library's package is in the image. ---
packages=$("$src/scripts/runtime-packages" "${bins[@]}") || fail "scripts/runtime-packages failed"
ignore=()
if [[ -n "${CLIENTELE_SANITIZE:-}" ]]; then
  while read -r p; do ignore+=("--ignore=$p"); done < <(
    grep -E '^lib(a|ub|t|l)san[0-9]+$' <<<"$packages" || true)
fi
"$src/scripts/runtime-packages" --check="$src/Dockerfile" "${ignore[@]+"${ignore[@]}"}" \
  "${bins[@]}" ||
  fail "the Dockerfile's RUNTIME_PACKAGES lacks a package of the binaries' libraries"

# --- 3. End to end with the installed binaries only. ---
cp "$src/tests/data/online_retail_sample.csv" "$tmp/sample.csv"
cd "$tmp"
export PATH="$prefix/bin:/usr/bin:/bin"
unset CLIENTELE_SERVER CLIENTELE_API_KEY CLIENTELE_TLS_CA CLIENTELE_TLS_CERT CLIENTELE_TLS_KEY
[[ "$(command -v clienteled)" == "$prefix/bin/clienteled" ]] ||
  fail "clienteled on PATH is not the installed one"
version=$(clienteled --version) || fail "clienteled --version failed"
[[ "$version" == "clienteled "* ]] || fail "clienteled --version printed '$version'"

clienteled --services=all --data_dir=data --listen=127.0.0.1:0 --metrics_listen=127.0.0.1:0 \
  --port_file=port --log_level=warn >"$tmp/server.log" 2>&1 &
server_pid=$!
port_written() {
  kill -0 "$server_pid" 2>/dev/null || fail "clienteled exited during start-up"
  [[ -s port ]] && (($(wc -w <port) >= 2))
}
poll 60 port_written || fail "clienteled wrote no port file within 60 s"
read -r address _ <port
# --auth=required (the default, as in the image): the admin key of the first start.
[[ -s data/bootstrap-admin.key ]] || fail "no data/bootstrap-admin.key after the first start"
CLIENTELE_API_KEY=$(head -n 1 data/bootstrap-admin.key)
export CLIENTELE_API_KEY CLIENTELE_SERVER=$address

# Health: the image's HEALTHCHECK command (gRPC health of the whole server). A CLI without the
# health command: an authenticated call answered (clientele log) instead.
if clientele --help | grep -qE "^  health( |$)"; then
  health=$(clientele health --server="$address") || fail "clientele health exited $?: $health"
  [[ "$health" == *SERVING* && "$health" != *NOT_SERVING* ]] ||
    fail "clientele health printed '$health'"
  echo "health: $health"
else
  clientele log >/dev/null || fail "clientele log failed on a started server"
  echo "health: clientele has no health command; clientele log answered"
fi

import=$(clientele --json import --format=online-retail sample.csv | tail -n 1) ||
  fail "clientele import failed: $import"
# The file's row counts: the top-level fields, not those of the nested "events" object.
field() { sed 's/"events":{[^}]*}//' <<<"$import" | grep -o "\"$1\":[0-9]*" | cut -d: -f2; }
rows=$(field rows) accepted=$(field accepted)
rejected=$(field rejected) duplicates=$(field duplicates)
sample_rows=$(($(wc -l <sample.csv) - 1))
[[ "$rows" == "$sample_rows" ]] || fail "import read ${rows:-?} rows of $sample_rows: $import"
((accepted > 0 && rows == accepted + rejected + duplicates)) || fail "import counts: $import"
echo "import: $rows rows, $accepted accepted, $rejected rejected, $duplicates duplicates"

clientele sync --timeout=60 >/dev/null || fail "clientele sync failed"
clientele rfm --json >rfm.jsonl || fail "clientele rfm failed"
customers=$(wc -l <rfm.jsonl)
((customers > 100)) || fail "rfm has $customers rows, expected more than 100"
row=$(grep '"online_retail/12431"' rfm.jsonl) || fail "rfm has no row for online_retail/12431"
[[ "$row" =~ \"frequency\":[1-9] ]] || fail "rfm row of online_retail/12431: $row"
echo "rfm: $customers customers; online_retail/12431: $row"

# SIGTERM: drain, flush, exit 0 (docs/operations.md, "Shutdown").
kill -TERM "$server_pid"
stopped() { ! kill -0 "$server_pid" 2>/dev/null; }
poll 30 stopped || fail "clienteled still running 30 s after SIGTERM"
rc=0
wait "$server_pid" || rc=$?
server_pid=""
((rc == 0)) || fail "clienteled exited $rc after SIGTERM"
echo "clienteled stopped on SIGTERM with exit 0"
