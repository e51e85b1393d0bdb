#!/usr/bin/env bash
# The Online Retail train job end to end through the CLI: one clienteled (all services) with the
# full UCI Online Retail file imported once, then `clientele jobs start train --wait --json`
# timed from process start to exit, RUNS times; prints each run's wall time, the server's CPU
# seconds during it, the job's phases as the job reported them, and the median.
#
#   bench/recommender_train_job.sh                  # 3 runs, default models
#   RUNS=5 MODELS=ease,hybrid bench/recommender_train_job.sh
#
# Environment (all optional):
#   RUNS=3             train jobs to time
#   MODELS=            --models for the job (default: the job's default set)
#   DATA_DIR=dir       keep the imported store here and reuse it on the next run
#   SERVER_FLAGS=      extra space-separated flags of clienteled
#   BIN=build/bin      where clienteled and clientele are (e.g. another build, for a before/after)
#   PERF=0             1: record the server with `perf record -g` during the last run
#                      (perf.data in the working directory)
#
# Reads ../shared/data/online_retail/online_retail.csv (not committed). Needs build/bin/clienteled
# and clientele in Release (scripts/build clienteled clientele).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
BIN=${BIN:-build/bin}
MODELS=${MODELS:-}
DATA=${CLIENTELE_ONLINE_RETAIL:-../shared/data/online_retail/online_retail.csv}
[[ -f "$DATA" ]] || { echo "missing $DATA" >&2; exit 1; }
for b in clienteled clientele; do
  [[ -x $BIN/$b ]] || { echo "missing $BIN/$b: scripts/build $b" >&2; exit 1; }
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

fresh=0
[[ -d "$DATA_DIR" ]] || fresh=1
mkdir -p "$DATA_DIR"
"$BIN/clienteled" --services=all --data_dir="$DATA_DIR" --listen=127.0.0.1:0 \
  --metrics_listen=off --port_file="$WORK/port" --log_level=warn ${SERVER_FLAGS:-} \
  >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 1200); do
  [[ -s "$WORK/port" ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "clienteled failed to start" >&2; exit 1; }
  sleep 0.1
done
ADDR=$(head -n 1 "$WORK/port")
CLI=("$BIN/clientele" --server="$ADDR")
if [[ $fresh == 1 ]]; then
  echo "importing $DATA into $DATA_DIR" >&2
  "${CLI[@]}" import --format=online-retail --json "$DATA" | tail -n 1 >&2
fi
"${CLI[@]}" sync --timeout=600 >&2

# CPU seconds (user + system) of the server so far, from /proc.
server_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$SERVER_PID/stat"
}
ARGS=(jobs start train --wait --json --timeout=3600)
[[ -n "$MODELS" ]] && ARGS+=(--models="$MODELS")
times=()
for run in $(seq 1 "$RUNS"); do
  PERF_PID=
  if [[ ${PERF:-0} == 1 && $run == "$RUNS" ]]; then
    perf record -g -o perf.data -p "$SERVER_PID" >/dev/null 2>&1 &
    PERF_PID=$!
    sleep 1
  fi
  cpu0=$(server_cpu)
  t0=$(date +%s.%N)
  "${CLI[@]}" "${ARGS[@]}" >"$WORK/job.json" || { cat "$WORK/job.json" "$WORK/server.log" >&2; exit 1; }
  t1=$(date +%s.%N)
  cpu1=$(server_cpu)
  [[ -n "$PERF_PID" ]] && { kill -INT "$PERF_PID"; wait "$PERF_PID" || true; }
  wall=$(echo "$t1 - $t0" | bc -l)
  cpu=$(echo "$cpu1 - $cpu0" | bc -l)
  times+=("$wall")
  job=$(head -c 100000 "$WORK/job.json" | tr -d '\n' | grep -o '"job_id": *"[^"]*"' | head -n 1 |
    sed 's/.*"\([^"]*\)"$/\1/')
  printf 'run %d: %.2f s wall, server CPU %.2f s, load %s (%s)\n' "$run" "$wall" "$cpu" \
    "$(cut -d' ' -f1 /proc/loadavg)" "$job"
done
median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
printf 'median of %d: %.2f s\n' "$RUNS" "$median"
grep -o '"models":[^]]*]' "$WORK/job.json" | head -n 1 || true
