#!/usr/bin/env bash
# Identity read replica under an import: a fresh `clienteled --services=ingest,identity` (the
# primary) and `clienteled --services=identity-replica --primary=...`, then
# `clientele import --format=events-jsonl EVENTS` into the primary and `clientele sync`. While
# it runs the replica's /metrics is sampled every 0.2 s (clientele_identity_replica_lag_changes,
# _lag_seconds, _applied_sequence). Prints: the import + sync time, the primary's changes, the
# replica's apply throughput (changes and records per second from its first to its last applied
# change), the largest lag seen (changes, seconds), and how long after the sync the replica
# had caught up.
#
#   bench/identity_replica_bench.sh EVENTS
#
# Make EVENTS with e.g. build/bin/clientele gen --people=40000 --seed=11 --out=ev.jsonl
# Release binaries from build/bin (scripts/build clienteled clientele).
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS=$1
BIN=${BIN:-build/bin}
WORK=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

records=$(grep '"customerUpsert"' "$EVENTS" | sed -E 's/.*"source":\{"system":"([^"]*)","id":"([^"]*)"\}.*/\1\/\2/' | sort -u | wc -l)
echo "events $(grep -c . "$EVENTS"), records $records, load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

start_server() {  # NAME ARGS...: starts clienteled, sets addr_NAME and metrics_NAME
  local name=$1; shift
  "$BIN/clienteled" --data_dir="$WORK/$name" --listen=127.0.0.1:0 --auth=none \
    --metrics_listen=127.0.0.1:0 --port_file="$WORK/$name.port" --log_level=warn "$@" &
  pids+=($!)
  for _ in $(seq 1 400); do [[ -s "$WORK/$name.port" ]] && break; sleep 0.05; done
  local port_file=($(cat "$WORK/$name.port"))  # address, then the metrics port
  eval "addr_$name=${port_file[0]} metrics_$name=${port_file[1]}"
}
metric() {  # PORT NAME: the value, or nothing
  { curl -s "http://127.0.0.1:$1/metrics" || true; } | awk -v n="$2" '$1 == n {print $2}'
}

start_server primary --services=ingest,identity
start_server replica --services=identity-replica --primary="$addr_primary"
for _ in $(seq 1 200); do
  [[ "$(metric "$metrics_replica" clientele_identity_replica_applied_sequence)" != "" ]] && break
  sleep 0.05
done

# Samples: time lag_changes lag_seconds applied
(
  while true; do
    printf '%s %s %s %s\n' "$(date +%s.%N)" \
      "$(metric "$metrics_replica" clientele_identity_replica_lag_changes)" \
      "$(metric "$metrics_replica" clientele_identity_replica_lag_seconds)" \
      "$(metric "$metrics_replica" clientele_identity_replica_applied_sequence)"
    sleep 0.2
  done
) >"$WORK/samples" &
sampler=$!
pids+=($sampler)

start=$(date +%s.%N)
"$BIN/clientele" --server="$addr_primary" import --format=events-jsonl --json "$EVENTS" >/dev/null
"$BIN/clientele" --server="$addr_primary" sync --timeout=3600 >/dev/null
synced=$(date +%s.%N)
# Caught up: no lag, and the applied sequence stays put over three samples.
last=""; same=0
for _ in $(seq 1 6000); do
  lag=$(metric "$metrics_replica" clientele_identity_replica_lag_changes)
  applied=$(metric "$metrics_replica" clientele_identity_replica_applied_sequence)
  if [[ "$lag" == "0" && "$applied" == "$last" ]]; then same=$((same + 1)); else same=0; fi
  last=$applied
  [[ $same -ge 3 ]] && break
  sleep 0.1
done
caught_up=$(date +%s.%N)
sleep 0.3
kill "$sampler" 2>/dev/null || true

awk -v start="$start" -v synced="$synced" -v caught="$caught_up" -v records="$records" '
  NF == 4 && $4 != "" {
    if ($4 > 0 && first == "") { first = $1; first_seq = $4 }
    if ($4 > prev) { last_change = $1; last_seq = $4 }
    prev = $4
    if ($2 > max_lag) max_lag = $2
    if ($3 > max_lag_s) max_lag_s = $3
  }
  END {
    span = last_change - start
    printf "import+sync %.2f s; primary changes %d; replica applied them at %.0f changes/s = %.0f records/s (import start to last applied change %.2f s); largest lag %d changes, %.2f s; caught up %.2f s after the sync (with a 0.3 s stability check)\n",
      synced - start, last_seq, last_seq / span, records / span, span, max_lag, max_lag_s,
      caught - synced
  }' "$WORK/samples"
