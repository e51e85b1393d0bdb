#!/usr/bin/env bash
# The recommender at catalog scale, through the service: a synthetic catalog (bench/catalog_gen:
# 200,000 items, 100,000 users, 5M interactions by default) imported into a fresh clienteled,
# the default train job timed with the server's peak memory, then Recommend latency open loop
# (clientele-load) on the trained model.
#
#   bench/catalog_scale.sh                   # generate, import, train, Recommend at 2,000/s
#   EVALUATE=1 bench/catalog_scale.sh        # also: evaluate job of als (80/20 split), nDCG@10
#
# Environment (all optional):
#   USERS=100000 ITEMS=200000 INTERACTIONS=5000000 SEED=1   the catalog (catalog_gen flags)
#   DATA_DIR=dir     keep the imported store (and u.data) here; an existing one is reused
#                    (no import), its train job run again
#   RATE=2000        Recommend calls per second (open loop); DURATION=20, WARMUP=5, RUNS=3
#   BUDGET=8G        clienteled --recommender_memory_budget
#   EVALUATE=0       1: an evaluate job of als after the runs (--split=random:0.8)
#   QUIET_WAIT=0     wait up to this many seconds for the 1-minute load average to fall below
#                    QUIET_LOAD=0.5 before the train job and before the latency runs
# Needs build/bin/{catalog_gen,clienteled,clientele,clientele-load} in Release
# (scripts/build catalog_gen clienteled clientele clientele-load).
# Peak memory: the server's VmHWM from /proc, reset (clear_refs 5) just before the train job,
# so it is the peak of the train job (and of whatever else the server did meanwhile: nothing).
set -euo pipefail
cd "$(dirname "$0")/.."
USERS=${USERS:-100000}
ITEMS=${ITEMS:-200000}
INTERACTIONS=${INTERACTIONS:-5000000}
SEED=${SEED:-1}
RATE=${RATE:-2000}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-5}
RUNS=${RUNS:-3}
BUDGET=${BUDGET:-8G}
for b in catalog_gen clienteled clientele clientele-load; do
  [[ -x build/bin/$b ]] || { echo "missing build/bin/$b: scripts/build $b" >&2; exit 1; }
done

WORK=$(mktemp -d)
DATA_DIR=${DATA_DIR:-$WORK/data}
SERVER_PID=
stop_server() {
  if [[ -n "$SERVER_PID" ]]; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
  fi
}
trap 'stop_server; rm -rf "$WORK"' EXIT

quiet() {
  [[ ${QUIET_WAIT:-0} -gt 0 ]] || return 0
  for _ in $(seq 1 "$QUIET_WAIT"); do
    awk -v max="${QUIET_LOAD:-0.5}" '{exit !($1 < max)}' /proc/loadavg && break
    sleep 1
  done
}
field() {  # field NAME JSON: a top-level number or string of one JSON object
  python3 -c 'import json,sys; v=json.loads(sys.argv[2]); print(v.get(sys.argv[1], ""))' "$1" "$2"
}

fresh=0
[[ -d "$DATA_DIR/store" ]] || fresh=1
mkdir -p "$DATA_DIR/store"
if [[ $fresh == 1 ]]; then
  /usr/bin/time -f "catalog_gen: %e s wall" build/bin/catalog_gen --users="$USERS" \
    --items="$ITEMS" --interactions="$INTERACTIONS" --seed="$SEED" --out="$DATA_DIR/u.data"
fi

build/bin/clienteled --services=all --data_dir="$DATA_DIR/store" --listen=127.0.0.1:0 \
  --metrics_listen=off --port_file="$WORK/port" --log_level=warn \
  --recommender_memory_budget="$BUDGET" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
  [[ -s "$WORK/port" ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "clienteled failed to start" >&2; exit 1; }
  sleep 0.1
done
ADDR=$(head -n 1 "$WORK/port")
CLI=(build/bin/clientele --server="$ADDR")

if [[ $fresh == 1 ]]; then
  start=$(date +%s.%N)
  "${CLI[@]}" import --format=movielens --json "$DATA_DIR/u.data" | tail -n 1
  "${CLI[@]}" sync --timeout=1800 >/dev/null
  echo "import + sync: $(echo "$(date +%s.%N) - $start" | bc) s wall"
fi

quiet
echo "load average before training: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
echo 5 >"/proc/$SERVER_PID/clear_refs"  # Resets VmHWM to the current RSS.
cpu0=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")
start=$(date +%s.%N)
job=$("${CLI[@]}" jobs start train --wait --timeout=3600 --json | tail -n 1)
wall=$(echo "$(date +%s.%N) - $start" | bc)
cpu=$(echo "($(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat") - $cpu0) / $(getconf CLK_TCK)" |
  bc -l)
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
echo "train job: state $(field state "$job") $(field error_code "$job")" \
  "$(python3 -c 'import json,sys; r=json.loads(sys.argv[1]).get("result") or {}; print(
  "users %s items %s interactions %s models %s; %s" % (r.get("users"), r.get("items"),
  r.get("interactions"), ",".join(r.get("models", [])), r.get("model_selection", "")))' "$job")"
printf 'train job: %.1f s wall, %.1f s server CPU, server peak RSS %.2f GiB\n' "$wall" "$cpu" \
  "$(echo "$hwm / 1048576" | bc -l)"

# Source keys of every user, in the seeded random order of clientele-load.
seq 1 "$USERS" | sed 's|^|movielens/|' >"$WORK/keys"
quiet
echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
rows=()
for run in $(seq 1 "$RUNS"); do
  line=$(build/bin/clientele-load --server="$ADDR" --call=recommend --keys="$WORK/keys" \
    --rate="$RATE" --concurrency=1000 --duration="$DURATION" --warmup="$WARMUP" --seed="$run" \
    --json 2>/dev/null | tail -n 1)
  echo "$line"
  rows+=("$line")
done
echo
echo "| run | calls | errors | calls/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |"
echo "|---|---|---|---|---|---|---|---|---|"
n=0
for line in "${rows[@]}"; do
  n=$((n + 1))
  python3 -c '
import json, sys
r = json.loads(sys.argv[2])
print("| %s | %d | %d | %.0f | %.3f | %.3f | %.3f | %.3f | %.3f |" % (sys.argv[1], r["calls"],
    r["errors"], r["rps"], r["p50_ms"], r["p90_ms"], r["p99_ms"], r["p999_ms"], r["max_ms"]))' \
    "$n" "$line"
done
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"

if [[ ${EVALUATE:-0} == 1 ]]; then
  start=$(date +%s.%N)
  eval_job=$("${CLI[@]}" jobs start evaluate --models=als,popularity --split=random:0.8 \
    --seed=1 -k 10 --wait --timeout=3600 --json | tail -n 1)
  echo "evaluate job ($(echo "$(date +%s.%N) - $start" | bc) s wall):"
  python3 -c '
import json, sys
j = json.loads(sys.argv[1])
r = j.get("result") or {}
print(j["state"], j.get("error_code", ""), j.get("error", ""))
for model, m in sorted((r.get("metrics") or {}).items()):
    print("  %s: nDCG@10 %.4f, precision@10 %.4f, recall@10 %.4f" % (model, m["ndcg"],
          m["precision"], m["recall"]))' "$eval_job"
fi
