#!/usr/bin/env bash
# The backup of docs/operations.md ("Back up and restore a data volume", stopped): a copy of the
# data directory of a server stopped by SIGTERM passes `clienteled --check` and, served by a new
# server, answers as the original did (RFM of every customer, the log's and its consumers'
# positions).
#
#   tests/e2e/backup_restore_test.sh BIN_DIR
set -euo pipefail
bin="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
pid=""
cleanup() {
  [[ -n "$pid" ]] && kill -KILL "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "backup_restore_test: FAIL: $*" >&2
  exit 1
}

start() {  # start DATA_DIR: serves it on a free loopback port, sets $pid and $server
  rm -f "$1.port"
  "$bin/clienteled" --services=all --auth=none --data_dir="$1" --listen=127.0.0.1:0 \
    --metrics_listen=off --port_file="$1.port" >"$1.log" 2>&1 &
  pid=$!
  local deadline=$((SECONDS + 60))
  until [[ -s "$1.port" ]]; do
    kill -0 "$pid" 2>/dev/null || { cat "$1.log" >&2; fail "clienteled on $1 exited"; }
    ((SECONDS < deadline)) || fail "clienteled on $1 did not start within 60 s"
    sleep 0.05
  done
  server="$(head -n 1 "$1.port")"
}
stop() {  # SIGTERM and the exit status 0 of a clean stop (every store flushed)
  kill -TERM "$pid"
  local status=0
  wait "$pid" || status=$?
  pid=""
  ((status == 0)) || fail "clienteled exited $status on SIGTERM"
}
snapshot() {  # what the server answers: RFM of every customer, the log's and consumers' positions
  "$bin/clientele" --server="$server" sync --timeout=60 >/dev/null
  "$bin/clientele" --server="$server" rfm --json | sort >"$1.rfm"
  "$bin/clientele" --server="$server" log --json | grep -oE '"(last|applied)_sequence":"[0-9]+"' >"$1.log-positions" ||
    fail "clientele log --json shows no positions"
}

mkdir "$work/data"
"$bin/clientele" gen --seed=7 --online-retail="$root/tests/data/online_retail_sample.csv" \
  --out="$work/events.jsonl" --truth="$work/truth.csv" >/dev/null 2>&1
start "$work/data"
"$bin/clientele" --server="$server" import --format=events-jsonl "$work/events.jsonl" >/dev/null
snapshot "$work/original"
stop

cp -a "$work/data" "$work/restored"
"$bin/clienteled" --check --data_dir="$work/restored" >"$work/check.txt" 2>&1 ||
  { cat "$work/check.txt" >&2; fail "clienteled --check refused the copy"; }

start "$work/restored"
snapshot "$work/copy"
stop

[[ -s "$work/original.rfm" ]] || fail "the original server answered no RFM rows"
diff "$work/original.rfm" "$work/copy.rfm" >&2 || fail "RFM of the restored copy differs (above)"
diff "$work/original.log-positions" "$work/copy.log-positions" >&2 ||
  fail "the restored log's positions differ (above)"
echo "backup_restore_test: $(wc -l <"$work/original.rfm") RFM rows and the log's positions equal after restoring a stopped server's data directory"
