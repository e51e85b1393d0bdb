#!/usr/bin/env bash
# End-to-end identity resolution throughput: a fresh `clienteled --services=ingest,identity`,
# `clientele import --format=events-jsonl EVENTS`, `clientele sync` (identity has applied the
# whole log), then `clientele identity eval --truth TRUTH`. Per run: wall time of the import and
# of import + sync (records/s = records / that), CPU-seconds of client and server, the server's
# peak RSS, and the eval figures. Prints one line per run and the medians.
#
#   bench/identity_e2e_bench.sh EVENTS TRUTH [RUNS]      (default 3 runs)
#   SERVER_FLAGS="--sync_writes" bench/identity_e2e_bench.sh ...   (extra clienteled flags)
#
# Make EVENTS and TRUTH with e.g.
#   build/bin/clientele gen --people=40000 --seed=11 --out=ev.jsonl --truth=truth.csv
# Release binaries from build/bin (build them first: scripts/build clienteled clientele).
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS=$1
TRUTH=$2
RUNS=${3:-3}
BIN=${BIN:-build/bin}  # BIN=dir runs other binaries (e.g. a copy of the previous build, for A/B runs)
WORK=$(mktemp -d)
pid=""
cleanup() {
  if [[ -n "$pid" ]]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
ticks=$(getconf CLK_TCK)
# utime + stime of a live process, in seconds.
cpu_of() { awk -v t="$ticks" '{print ($14 + $15) / t}' "/proc/$1/stat"; }

# Records = distinct source keys of customer upserts (what the issue counts as records).
records=$(grep '"customerUpsert"' "$EVENTS" | sed -E 's/.*"source":\{"system":"([^"]*)","id":"([^"]*)"\}.*/\1\/\2/' | sort -u | wc -l)
events=$(grep -c . "$EVENTS")
echo "events $events, records $records, load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

imports=(); totals=(); rates=(); server_cpus=(); client_cpus=(); rss=()
for i in $(seq 1 "$RUNS"); do
  rm -rf "$WORK/data" "$WORK/port"
  "$BIN/clienteled" --services=ingest,identity --data_dir="$WORK/data" --listen=127.0.0.1:0 --auth=none \
    --metrics_listen=off --port_file="$WORK/port" --log_level=warn ${SERVER_FLAGS:-} &
  pid=$!
  for _ in $(seq 1 400); do [[ -s "$WORK/port" ]] && break; sleep 0.05; done
  addr=$(head -n 1 "$WORK/port")
  cpu0=$(cpu_of "$pid")
  start=$(date +%s.%N)
  /usr/bin/time -f '%U %S' -o "$WORK/import_time" \
    "$BIN/clientele" --server="$addr" import --format=events-jsonl --json "$EVENTS" >"$WORK/import.json"
  mid=$(date +%s.%N)
  /usr/bin/time -f '%U %S' -o "$WORK/sync_time" \
    "$BIN/clientele" --server="$addr" sync --timeout=3600 >/dev/null
  end=$(date +%s.%N)
  cpu1=$(cpu_of "$pid")
  peak=$(awk '/VmHWM/ {print $2 / 1024}' "/proc/$pid/status")
  eval_json=$("$BIN/clientele" --server="$addr" --json identity eval --truth "$TRUTH" | tail -n 1)
  kill -TERM "$pid"; wait "$pid" || true; pid=""
  imp=$(echo "$mid - $start" | bc -l)
  tot=$(echo "$end - $start" | bc -l)
  rate=$(echo "$records / $tot" | bc -l)
  scpu=$(echo "$cpu1 - $cpu0" | bc -l)
  ccpu=$(cat "$WORK/import_time" "$WORK/sync_time" | awk '{s += $1 + $2} END {print s}')
  imports+=("$imp"); totals+=("$tot"); rates+=("$rate"); server_cpus+=("$scpu")
  client_cpus+=("$ccpu"); rss+=("$peak")
  printf 'run %d: import %.2f s, import+sync %.2f s = %.0f records/s; CPU server %.2f s, client %.2f s; server peak RSS %.0f MiB; eval %s\n' \
    "$i" "$imp" "$tot" "$rate" "$scpu" "$ccpu" "$peak" "$eval_json"
done
printf 'median of %d: import %.2f s, import+sync %.2f s, %.0f records/s, CPU server %.2f s + client %.2f s, peak RSS %.0f MiB (load after: %s)\n' \
  "$RUNS" "$(printf '%s\n' "${imports[@]}" | median)" "$(printf '%s\n' "${totals[@]}" | median)" \
  "$(printf '%s\n' "${rates[@]}" | median)" "$(printf '%s\n' "${server_cpus[@]}" | median)" \
  "$(printf '%s\n' "${client_cpus[@]}" | median)" "$(printf '%s\n' "${rss[@]}" | median)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
