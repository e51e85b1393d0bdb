#!/usr/bin/env bash
# Soak (issue 12): DURATION seconds of mixed open-loop load from clientele-load at fixed rates,
# one call kind per RPC family (recommend: RecommenderService.Recommend, get_profile:
# IdentityService.GetProfile, ingest: IngestService.Ingest of generated interaction events),
# while a recommender retrain and an analytics recluster job run; the server's RSS (VmRSS of
# /proc/PID/status) is sampled every SAMPLE seconds. Reports errors per call kind (target 0),
# p50/p99/p99.9/max per call kind, the jobs' outcomes and the RSS growth after warm-up (RSS at
# the end against RSS at RSS_FROM seconds; target under 5%). Exits non-zero on any error or a
# failed job.
#
#   bench/soak.sh                         # 10 minutes
#   DURATION=120 RSS_FROM=40 bench/soak.sh
#
# Environment (all optional):
#   DURATION=600        seconds of load
#   RSS_FROM=120        warm-up: RSS growth is measured from this second to the end
#   SAMPLE=5            seconds between RSS samples
#   RATE_RECOMMEND=200 RATE_GET_PROFILE=200 RATE_INGEST=200   calls per second of each kind
#                       (0 leaves the kind out)
#   JOBS_AT=30          second of the load at which the retrain and the recluster job start
#                       (off: no jobs; with RATE_RECOMMEND=0 too, no initial training either)
#   TRAIN_FLAGS="--models=popularity,item_cf,ease"   the initial train and the retrain
#   PEOPLE=20000        people of `clientele gen --online-retail` (the imported customers)
#   SERVER_FLAGS=...    extra clienteled flags
#   CLIENTELE_ONLINE_RETAIL=../shared/data/online_retail/online_retail.csv (not committed)
#   KEEP=dir            keep the work directory (server data, RSS samples, load reports)
# The RSS samples (rss.txt) also hold the size of the stores' live write-ahead logs (*.log under
# the data directory): RocksDB deletes a WAL once its memtables are flushed, so it follows the
# data held in memtables, the first suspect when RSS grows under ingest; after the run the
# memtables' sizes per column family are read from the flushes at shutdown (RocksDB's LOG).
# Needs Release build/bin/clienteled, clientele and clientele-load.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-600}
RSS_FROM=${RSS_FROM:-120}
SAMPLE=${SAMPLE:-5}
RATE_RECOMMEND=${RATE_RECOMMEND:-200}
RATE_GET_PROFILE=${RATE_GET_PROFILE:-200}
RATE_INGEST=${RATE_INGEST:-200}
JOBS_AT=${JOBS_AT:-30}
TRAIN_FLAGS=${TRAIN_FLAGS:---models=popularity,item_cf,ease}
PEOPLE=${PEOPLE:-20000}
RETAIL=${CLIENTELE_ONLINE_RETAIL:-../shared/data/online_retail/online_retail.csv}
BIN=${BIN:-build/bin}
for f in "$BIN/clienteled" "$BIN/clientele" "$BIN/clientele-load" "$RETAIL"; do
  [[ -e "$f" ]] || { echo "soak: $f not found" >&2; exit 2; }
done
if [[ -n "${KEEP:-}" ]]; then WORK=$KEEP; mkdir -p "$WORK"; else WORK=$(mktemp -d); fi
server_pid=""
load_pids=()
cleanup() {
  for p in "${load_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [[ -n "$server_pid" ]]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [[ -z "${KEEP:-}" ]]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

rm -f "$WORK/port"
# shellcheck disable=SC2086
"$BIN/clienteled" --services=all --data_dir="$WORK/data" --listen=127.0.0.1:0 --auth=none \
  --metrics_listen=off --port_file="$WORK/port" --log_level=warn ${SERVER_FLAGS:-} \
  2>"$WORK/server.log" &
server_pid=$!
for _ in $(seq 1 1200); do
  [[ -s "$WORK/port" ]] && break
  kill -0 "$server_pid" 2>/dev/null || { echo "soak: clienteled failed to start" >&2; exit 1; }
  sleep 0.05
done
addr=$(head -n 1 "$WORK/port")
cli=("$BIN/clientele" --server="$addr")
state_of() { grep -o '"state":"[^"]*"' | tail -n 1 | cut -d'"' -f4; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$server_pid/status"; }
# One RSS sample: seconds, RSS MiB, threads, MiB of live RocksDB WALs.
sample() {
  printf '%.0f %.1f %s %.1f\n' "$1" "$(echo "$(rss_kb) / 1024" | bc -l)" \
    "$(awk '/^Threads/ { print $2 }' "/proc/$server_pid/status")" \
    "$(find "$WORK/data" -name '[0-9]*.log' -printf '%s\n' | awk '{ s += $1 } END { print s / 1048576 }')"
}

# --- Data: an omnichannel scenario over Online Retail's customers, imported, scored, trained. ---
t0=$(date +%s)
"${cli[@]}" gen --people="$PEOPLE" --seed=5 --online-retail="$RETAIL" --out="$WORK/events.jsonl" \
  >/dev/null
"${cli[@]}" --json import --format=events-jsonl "$WORK/events.jsonl" | tail -n 1 >"$WORK/import.json"
"${cli[@]}" sync --timeout=1200 >/dev/null
"${cli[@]}" --json rfm >/dev/null
if [[ $JOBS_AT != off || $RATE_RECOMMEND != 0 ]]; then
  # shellcheck disable=SC2086
  train=$("${cli[@]}" --json jobs start train $TRAIN_FLAGS --wait | tail -n 1)
  [[ $(state_of <<<"$train") == succeeded ]] || { echo "soak: initial train failed: $train" >&2; exit 1; }
fi
echo "setup: $(grep -o '"events":{[^}]*}' "$WORK/import.json"), set up in $(($(date +%s) - t0)) s" \
  "(gen, import, sync, rfm, train), RSS $(($(rss_kb) / 1024)) MiB" >&2

# --- Load, jobs, RSS samples. ---
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
calls=() rates=()  # A rate of 0 leaves the call kind out (e.g. RATE_INGEST=0: no writes).
for kind in recommend:$RATE_RECOMMEND get_profile:$RATE_GET_PROFILE ingest:$RATE_INGEST; do
  if [[ ${kind#*:} != 0 ]]; then calls+=("${kind%%:*}"); rates+=("${kind#*:}"); fi
done
for i in "${!calls[@]}"; do
  "$BIN/clientele-load" --server="$addr" --call="${calls[i]}" --rate="${rates[i]}" \
    --concurrency=1000 --duration="$DURATION" --warmup=0 --json \
    >"$WORK/load_${calls[i]}.json" 2>"$WORK/load_${calls[i]}.err" &
  load_pids+=($!)
done
start=$(date +%s.%N)
elapsed() { echo "$(date +%s.%N) - $start" | bc -l; }
echo "t_s rss_mib threads wal_mib" >"$WORK/rss.txt"
train_id="" recluster_id="" train_end="" recluster_end=""
train_state="" recluster_state=""
while true; do
  t=$(elapsed)
  alive=0
  for p in "${load_pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
  ((alive)) || break
  sample "$t" >>"$WORK/rss.txt"
  if [[ -z "$train_id" && $JOBS_AT != off ]] && (($(echo "$t >= $JOBS_AT" | bc))); then
    # shellcheck disable=SC2086
    train_id=$("${cli[@]}" --json jobs start train $TRAIN_FLAGS | grep -o '"job_id":"[^"]*"' |
      cut -d'"' -f4)
    recluster_id=$("${cli[@]}" --json jobs start recluster | grep -o '"job_id":"[^"]*"' |
      head -n 1 | cut -d'"' -f4)
    echo "t=$(printf '%.0f' "$t") s: started retrain $train_id and recluster $recluster_id" >&2
  fi
  if [[ -n "$train_id" && -z "$train_end" ]]; then
    train_state=$("${cli[@]}" --json jobs get "$train_id" | state_of)
    [[ $train_state == succeeded || $train_state == failed || $train_state == cancelled ]] &&
      train_end=$(printf '%.0f' "$t")
  fi
  if [[ -n "$recluster_id" && -z "$recluster_end" ]]; then
    recluster_state=$("${cli[@]}" --json jobs get "$recluster_id" | state_of)
    [[ $recluster_state == succeeded || $recluster_state == failed ||
      $recluster_state == cancelled ]] && recluster_end=$(printf '%.0f' "$t")
  fi
  sleep "$SAMPLE"
done
sample "$(elapsed)" >>"$WORK/rss.txt"
for p in "${load_pids[@]}"; do wait "$p" || true; done
load_pids=()
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)" >&2

# --- Report. ---
failed=0
echo "| call kind | rate/s | calls | errors | p50 ms | p99 ms | p99.9 ms | max ms |"
echo "|---|---|---|---|---|---|---|---|"
for c in "${calls[@]}"; do
  line=$(tail -n 1 "$WORK/load_$c.json")
  if [[ $line != "{"* ]]; then
    echo "soak: clientele-load --call=$c failed:" >&2
    tail -n 5 "$WORK/load_$c.err" >&2
    failed=1
    continue
  fi
  python3 -c '
import json, sys
r = json.loads(sys.argv[1])
print("| %s | %.0f | %d | %d %s | %.2f | %.2f | %.2f | %.2f |" % (r["call"], r["rate"], r["calls"],
      r["errors"], json.dumps(r["errors_by_code"]) if r["errors"] else "", r["p50_ms"],
      r["p99_ms"], r["p999_ms"], r["max_ms"]))
sys.exit(1 if r["errors"] else 0)' "$line" || failed=1
done
if [[ $JOBS_AT != off ]]; then
  [[ $train_state == succeeded ]] || failed=1
  [[ $recluster_state == succeeded ]] || failed=1
  echo "jobs: retrain $train_id $train_state at ${train_end:-?} s, recluster $recluster_id" \
    "$recluster_state at ${recluster_end:-?} s (both started at $JOBS_AT s)"
fi
awk -v from="$RSS_FROM" 'NR > 1 {
    if (base == "" && $1 >= from) { base = $2; base_t = $1 }
    if (first == "") first = $2
    if ($2 > max) max = $2
    if (base_wal == "" && $1 >= from) base_wal = $4
    last = $2; last_t = $1; threads = $3; wal = $4 }
  END { printf "RSS: %.0f MiB at the start, %.0f MiB at %d s, %.0f MiB at the end (%d s): growth after warm-up %+.1f%% (target < 5%%); max %.0f MiB; %d threads; live WALs %.0f -> %.0f MiB\n",
        first, base, base_t, last, last_t, 100 * (last - base) / base, max, threads, base_wal, wal }' \
  "$WORK/rss.txt"
if [[ -n "${KEEP:-}" ]]; then echo "RSS samples (s MiB threads WAL-MiB): $WORK/rss.txt"; fi
# SIGTERM flushes every memtable; RocksDB's LOG records each flush's memtable size, so the
# memtables held at the end are accounted for per store and column family.
kill -TERM "$server_pid"
wait "$server_pid" || true
server_pid=""
for store in "$WORK"/data/*/; do
  grep -h -A1 'Flushing memtable' "$store/LOG" | grep -v '^--' | paste - - |
    sed "s|^|$(basename "$store") |"
done | python3 -c '
import json, re, sys
sizes = []
for line in sys.stdin:
    if "Manual Flush" not in line:
        continue
    cf = re.search(r"\] \[([a-z_]+)\] \[JOB", line).group(1)
    j = json.loads(line[line.index("{"):])
    sizes.append((j["memory_usage"] / 1048576, "%s/%s" % (line.split()[0], cf), j["num_entries"]))
sizes.sort(reverse=True)
print("memtables at the end: %.0f MiB in %d column families; largest: %s" % (
    sum(s[0] for s in sizes), len(sizes),
    ", ".join("%s %.1f MiB (%d entries)" % (n, m, e) for m, n, e in sizes[:6])))'

if ((failed)); then
  echo "soak: FAILED" >&2
  exit 1
fi
