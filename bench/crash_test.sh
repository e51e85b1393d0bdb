#!/usr/bin/env bash
# Crash test (issue 12): imports generated events (events-jsonl from `clientele gen`) and the
# Online Retail file in chunks while killing clienteled with SIGKILL at random moments, restarts
# it and re-imports every chunk whose import was not acknowledged. At the end it compares the
# server's log and every consumer's state with a reference run of the same chunks without kills:
#   - acknowledged events: the distinct event ids of the reference log (every chunk is finally
#     acknowledged); lost = acknowledged ids missing from the log; duplicates = log entries
#     whose event id appears more than once; also extra ids and the log order;
#   - identity: the profile map (source key -> profile id), and its groups of source keys;
#   - analytics: `clientele rfm --json` (every profile's RFM row);
#   - recommender: a `train` job (TRAIN_FLAGS): users, items, interactions, baskets,
#     itemsets, rules, and the rules themselves (`clientele rules --json`).
# Prints per mode (without and with --sync_writes): kills, events acknowledged, lost, duplicates,
# equal/different per consumer, and exits non-zero unless lost = duplicates = 0 and all equal.
#
#   bench/crash_test.sh
#   KILLS=25 PEOPLE=40000 bench/crash_test.sh
#
# Environment (all optional):
#   KILLS=20           SIGKILLs per mode (at least; the loop also ends only when every chunk is acknowledged)
#   MODES="nosync sync"  nosync: default flags; sync: --sync_writes
#   PEOPLE=20000       people of `clientele gen` (about 3 events each); SEED=7 (gen and kill times)
#   GEN_CHUNK=2000     events per imported events-jsonl chunk
#   RETAIL_CHUNK=20000 rows per Online Retail chunk (chunks end at an invoice boundary)
#   CLIENTELE_ONLINE_RETAIL=../shared/data/online_retail/online_retail.csv (not committed)
#   MAX_KILL_DELAY=1.5 a kill comes a uniformly random 0..MAX seconds after the server's start
#   TRAIN_FLAGS="--models=popularity --max-itemset-size=3"  flags of the recommender's train job
#   BIN=build/bin TOOLS=build/tests  binaries (Release: scripts/build clienteled clientele state_dump)
#   KEEP=dir           keep the work directory here (default: a temporary one, removed)
set -euo pipefail
cd "$(dirname "$0")/.."
# Bash reports every server it started and we SIGKILLed ("... Killed ..."): expected, not shown.
exec 2> >(grep --line-buffered -v '^[^ ]*: line [0-9]*: *[0-9]* Killed ' >&2)
KILLS=${KILLS:-20}
MODES=${MODES:-nosync sync}
PEOPLE=${PEOPLE:-20000}
SEED=${SEED:-7}
GEN_CHUNK=${GEN_CHUNK:-2000}
RETAIL_CHUNK=${RETAIL_CHUNK:-20000}
RETAIL=${CLIENTELE_ONLINE_RETAIL:-../shared/data/online_retail/online_retail.csv}
MAX_KILL_DELAY=${MAX_KILL_DELAY:-1.5}
TRAIN_FLAGS=${TRAIN_FLAGS:---models=popularity --max-itemset-size=3}
BIN=${BIN:-build/bin}
TOOLS=${TOOLS:-build/tests}
RANDOM=$SEED
if [[ -n "${KEEP:-}" ]]; then WORK=$KEEP; mkdir -p "$WORK"; else WORK=$(mktemp -d); fi
server_pid=""
killer_pid=""
cleanup() {
  if [[ -n "$killer_pid" ]]; then kill "$killer_pid" 2>/dev/null || true; fi
  if [[ -n "$server_pid" ]]; then kill -KILL "$server_pid" 2>/dev/null || true; fi
  if [[ -z "${KEEP:-}" ]]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT
for f in "$BIN/clienteled" "$BIN/clientele" "$TOOLS/state_dump" "$RETAIL"; do
  [[ -e "$f" ]] || { echo "crash_test: $f not found" >&2; exit 2; }
done

# --- Input: chunks, alternating events-jsonl and Online Retail, in a fixed order. ---
mkdir -p "$WORK/chunks"
"$BIN/clientele" gen --people="$PEOPLE" --seed="$SEED" --out="$WORK/gen.jsonl" >/dev/null
split -l "$GEN_CHUNK" -d -a 4 --additional-suffix=.jsonl "$WORK/gen.jsonl" "$WORK/chunks/g_"
# Each retail chunk repeats the header and ends where the invoice number changes.
awk -F, -v n="$RETAIL_CHUNK" -v dir="$WORK/chunks" '
  NR == 1 { header = $0; next }
  { if (out == "" || (rows >= n && $1 != last)) {
      if (out != "") close(out)
      out = sprintf("%s/r_%04d.csv", dir, chunk++); print header > out; rows = 0 }
    print > out; rows++; last = $1 }' "$RETAIL"
gen_chunks=("$WORK"/chunks/g_*.jsonl)
retail_chunks=("$WORK"/chunks/r_*.csv)
chunks=()
for ((j = 0; j < ${#gen_chunks[@]} || j < ${#retail_chunks[@]}; j++)); do
  if ((j < ${#gen_chunks[@]})); then chunks+=("${gen_chunks[j]}"); fi
  if ((j < ${#retail_chunks[@]})); then chunks+=("${retail_chunks[j]}"); fi
done
echo "input: $(wc -l <"$WORK/gen.jsonl") generated events in ${#gen_chunks[@]} chunks," \
  "$(($(wc -l <"$RETAIL") - 1)) Online Retail rows in ${#retail_chunks[@]} chunks" >&2

format_of() { [[ $1 == *.csv ]] && echo online-retail || echo events-jsonl; }

# Starts clienteled on DATA with FLAGS; sets server_pid and addr ("" if it did not come up).
# With ARM=1 it also starts a killer that sends SIGKILL a random 0..MAX_KILL_DELAY seconds
# after the start (so some kills hit the recovery at start-up); sets killer_pid.
start_server() {
  local data=$1 flags=$2 arm=${3:-0}
  rm -f "$WORK/port"
  # shellcheck disable=SC2086
  "$BIN/clienteled" --services=all --data_dir="$data" --listen=127.0.0.1:0 --auth=none --metrics_listen=off \
    --port_file="$WORK/port" --log_level=error $flags 2>>"$WORK/server.log" &
  server_pid=$!
  killer_pid=""
  if ((arm)); then
    local delay
    delay=$(awk -v r=$RANDOM -v max="$MAX_KILL_DELAY" 'BEGIN { printf "%.3f", max * r / 32767 }')
    (sleep "$delay" && kill -KILL "$server_pid" 2>/dev/null) &
    killer_pid=$!
  fi
  addr=""
  for _ in $(seq 1 1200); do
    if [[ -s "$WORK/port" ]]; then addr=$(head -n 1 "$WORK/port"); return 0; fi
    kill -0 "$server_pid" 2>/dev/null || return 0
    sleep 0.05
  done
}

# Imports chunks[next..] one by one until one fails; appends acknowledged results to ACKS.
import_chunks() {
  local acks=$1 out
  while ((next < ${#chunks[@]})); do
    if out=$("$BIN/clientele" --server="$addr" --json import --format="$(format_of "${chunks[next]}")" \
      "${chunks[next]}" 2>>"$WORK/client.log" | tail -n 1) && [[ $out == "{"* ]]; then
      echo "$out" >>"$acks"
      next=$((next + 1))
    else
      return 1
    fi
  done
}

# The comparable state of the server at addr, into DIR.
dump_state() {
  local dir=$1
  mkdir -p "$dir"
  "$BIN/clientele" --server="$addr" sync --timeout=600 >/dev/null
  "$TOOLS/state_dump" --server="$addr" --out="$dir"
  "$BIN/clientele" --server="$addr" --json rfm | sort >"$dir/rfm.txt"
  # shellcheck disable=SC2086
  # The job's state and result, without what differs between runs (ids, times, seconds).
  "$BIN/clientele" --server="$addr" --json jobs start train $TRAIN_FLAGS --wait | tail -n 1 |
    python3 -c 'import json, sys
j = json.load(sys.stdin)
r = j.get("result") or {}
r.pop("itemsets_seconds", None)
print(json.dumps({"state": j["state"], "result": r}, sort_keys=True, separators=(",", ":")))' \
    >"$dir/recommender_train.txt"
  "$BIN/clientele" --server="$addr" --json rules --limit=10000000 | sort >"$dir/recommender_rules.txt"
}

# Sum of the events reported duplicate by the acknowledged imports in ACKS.
event_duplicates() {
  grep -o '"events":{[^}]*}' "$1" | grep -o '"duplicates":[0-9]*' | cut -d: -f2 |
    awk '{ s += $1 } END { print s + 0 }'
}

stop_server() {
  kill -TERM "$server_pid"
  wait "$server_pid" || true
  server_pid=""
}

# --- Reference: the same chunks, no kills. ---
next=0
start_server "$WORK/ref/data" "" 0
[[ -n "$addr" ]] || { echo "crash_test: reference server did not start" >&2; exit 1; }
import_chunks "$WORK/ref/acks" || { echo "crash_test: reference import failed" >&2; exit 1; }
dump_state "$WORK/ref/state"
stop_server
sort "$WORK/ref/state/log_event_ids.txt" >"$WORK/ref/expected_ids"
if ! grep -q '"state":"succeeded"' "$WORK/ref/state/recommender_train.txt"; then
  echo "crash_test: the reference train job failed (TRAIN_FLAGS?):" >&2
  cat "$WORK/ref/state/recommender_train.txt" >&2
  exit 1
fi
echo "reference: $(wc -l <"$WORK/ref/expected_ids") events in the log," \
  "train $(cat "$WORK/ref/state/recommender_train.txt")" >&2

failed=0
summary=()
for mode in $MODES; do
  case $mode in
    nosync) flags="" ;;
    sync) flags="--sync_writes" ;;
    *) echo "crash_test: unknown mode $mode" >&2; exit 2 ;;
  esac
  dir="$WORK/$mode"
  mkdir -p "$dir"
  next=0 kills=0 import_kills=0
  start=$(date +%s.%N)
  while true; do
    start_server "$dir/data" "$flags" $((kills < KILLS))
    was_importing=$((next < ${#chunks[@]}))
    if [[ -n "$addr" ]]; then
      if ((next < ${#chunks[@]})); then
        import_chunks "$dir/acks" || true
      else
        # Everything acknowledged: the remaining kills hit consumers catching up, or an idle server.
        "$BIN/clientele" --server="$addr" sync --timeout=600 >/dev/null 2>>"$WORK/client.log" || true
      fi
    fi
    killed=0
    if [[ -n "$killer_pid" ]]; then
      # The kill comes at most MAX_KILL_DELAY after the start; the killer exits 0 once sent.
      if { wait "$killer_pid"; } 2>/dev/null; then killed=1; fi
      killer_pid=""
    fi
    if ((!killed)) && kill -0 "$server_pid" 2>/dev/null; then
      if ((next >= ${#chunks[@]} && kills >= KILLS)); then break; fi
      echo "crash_test: import of ${chunks[next]} failed with the server running:" >&2
      tail -n 3 "$WORK/client.log" >&2
      exit 1
    fi
    if { wait "$server_pid"; } 2>/dev/null; then rc=0; else rc=$?; fi
    server_pid=""
    if ((!killed || rc != 137)); then
      echo "crash_test: clienteled exited with $rc by itself (see $WORK/server.log):" >&2
      tail -n 5 "$WORK/server.log" >&2
      exit 1
    fi
    kills=$((kills + 1))
    import_kills=$((import_kills + was_importing))
  done
  seconds=$(echo "$(date +%s.%N) - $start" | bc -l)
  dump_state "$dir/state"
  stop_server

  # --- Compare with what was acknowledged and with the reference. ---
  log="$dir/state/log_event_ids.txt"
  acknowledged=$(wc -l <"$WORK/ref/expected_ids")
  entries=$(wc -l <"$log")
  distinct=$(sort -u "$log" | wc -l)
  duplicates=$((entries - distinct))
  lost=$(sort -u "$log" | comm -23 "$WORK/ref/expected_ids" - | wc -l)
  extra=$(sort -u "$log" | comm -13 "$WORK/ref/expected_ids" - | wc -l)
  # Events stored before a kill but not acknowledged: the re-import reports them as duplicates.
  resent_dups=$(($(event_duplicates "$dir/acks") - $(event_duplicates "$WORK/ref/acks")))
  same() { cmp -s "$WORK/ref/state/$1" "$dir/state/$1" && echo equal || echo different; }
  log_order=$(same log_event_ids.txt)
  identity=$(same identity_map.txt)
  identity_groups=$(same identity_groups.txt)
  analytics=$(same rfm.txt)
  recommender=$( [[ $(same recommender_train.txt) == equal && $(same recommender_rules.txt) == equal ]] &&
    echo equal || echo different)
  line=$(printf '%-6s kills %d (%d during imports), events acknowledged %d, log entries %d, lost %d, duplicates %d, extra %d, stored-but-unacknowledged then resent %d, log order %s; identity %s (groups %s), analytics RFM %s, recommender %s; %.0f s' \
    "$mode" "$kills" "$import_kills" "$acknowledged" "$entries" "$lost" "$duplicates" "$extra" \
    "$resent_dups" "$log_order" "$identity" "$identity_groups" "$analytics" "$recommender" "$seconds")
  echo "$line"
  summary+=("$line")
  if ((lost || duplicates || extra)) || [[ "$identity $analytics $recommender" != "equal equal equal" ]]; then
    failed=1
  fi
done
if ((failed)); then
  echo "crash_test: FAILED (work directory: $WORK; set KEEP=dir to keep it)" >&2
  exit 1
fi
echo "crash_test: OK"
