#!/usr/bin/env bash
# Time to ship a trained model to a recommender serving replica: one trainer (clienteled
# --services=ingest,recommender) with a data set imported and trained once, then RUNS times a
# fresh replica (--services=recommender-serving --model_source=<trainer>) is started and timed
# until it serves the trainer's version. Prints per run: the snapshot's bytes, the replica's own
# figure (first message of the update to snapshot published: transfer + deserialization +
# serving cache), and the wall time from process start to `clientele model-info` showing the
# version (process start, connect and the polling included); then the medians. The replica's
# figure splits into received (first to last message of the update) and loaded (deserializing
# the artifacts, building the snapshot and its serving cache).
#
#   bench/recommender_replica_ship.sh                          # full Online Retail, default models
#   DATASET=movielens RUNS=5 bench/recommender_replica_ship.sh # MovieLens 100k
#
# Environment (all optional):
#   DATASET=online-retail  online-retail (../shared/data/online_retail/online_retail.csv) or
#                          movielens (../shared/data/movielens-100k/ml-100k/u.data)
#   RUNS=3                 replicas to start, one after the other
#   MODELS=                --models of the train job (default: the job's default set)
#   DATA_DIR=dir           keep the trainer's store here and reuse it on the next run
#   BIN=build/bin          where clienteled and clientele are
#
# Needs build/bin/clienteled and clientele in Release (scripts/build clienteled clientele).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
BIN=${BIN:-build/bin}
DATASET=${DATASET:-online-retail}
case $DATASET in
  online-retail) DATA=${CLIENTELE_ONLINE_RETAIL:-../shared/data/online_retail/online_retail.csv} ;;
  movielens) DATA=${CLIENTELE_MOVIELENS:-../shared/data/movielens-100k/ml-100k/u.data} ;;
  *) echo "DATASET: online-retail or movielens, got '$DATASET'" >&2; exit 1 ;;
esac
[[ -f "$DATA" ]] || { echo "missing $DATA" >&2; exit 1; }
for b in clienteled clientele; do
  [[ -x $BIN/$b ]] || { echo "missing $BIN/$b: scripts/build $b" >&2; exit 1; }
done

# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_begin
DATA_DIR=${DATA_DIR:-$WORK/data}

# Starts clienteled with "$@"; sets ADDR and appends its pid to PIDS.
start() {
  local name=$1
  shift
  rm -f "$WORK/$name.port"
  "$BIN/clienteled" --listen=127.0.0.1:0 --auth=none --metrics_listen=off \
    --port_file="$WORK/$name.port" "$@" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  wait_for_port "$name" "$WORK/$name.log"
}

fresh=0
[[ -d "$DATA_DIR" ]] || fresh=1
mkdir -p "$DATA_DIR"
start trainer --services=ingest,recommender --data_dir="$DATA_DIR" --log_level=warn
TRAINER=$ADDR
CLI=("$BIN/clientele" --server="$TRAINER")
if [[ $fresh == 1 ]]; then
  echo "importing $DATA" >&2
  "${CLI[@]}" import --format="$DATASET" --json "$DATA" | tail -n 1 >&2
  "${CLI[@]}" sync --timeout=600 >&2
  echo "training" >&2
  "${CLI[@]}" --json jobs start train --wait --timeout=3600 ${MODELS:+--models=$MODELS} |
    tail -n 1 | head -c 300 >&2
  echo >&2
fi
version() {
  "$BIN/clientele" --server="$1" --json model-info 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin).get("model_version", 0))' 2>/dev/null ||
    echo 0
}
WANT=$(version "$TRAINER")
[[ $WANT != 0 ]] || { echo "the trainer serves no model" >&2; exit 1; }
echo "trainer serves model version $WANT; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

rows=()
for run in $(seq 1 "$RUNS"); do
  t0=$(date +%s.%N)
  start "replica$run" --services=recommender-serving --model_source="$TRAINER" --log_level=info
  until [[ $(version "$ADDR") == "$WANT" ]]; do sleep 0.02; done
  t1=$(date +%s.%N)
  line=$(grep -m1 'bytes received in' "$WORK/replica$run.log")
  bytes=$(sed -E 's/.*: ([0-9]+) bytes received.*/\1/' <<<"$line")
  received=$(sed -E 's/.*received in ([0-9.]+) s.*/\1/' <<<"$line")
  loaded=$(sed -E 's/.*loaded in ([0-9.]+) s.*/\1/' <<<"$line")
  wall=$(python3 -c "print(f'{$t1 - $t0:.3f}')")
  echo "run $run: $bytes bytes, received in $received s, loaded in $loaded s," \
    "process start to serving $wall s"
  rows+=("$bytes $received $loaded $wall")
  kill -TERM "${PIDS[-1]}"
  wait "${PIDS[-1]}" 2>/dev/null || true
  unset 'PIDS[-1]'
done
printf '%s\n' "${rows[@]}" | python3 -c '
import statistics, sys
rows = [l.split() for l in sys.stdin if l.strip()]
med = lambda i: statistics.median(float(r[i]) for r in rows)
print(f"median of {len(rows)}: {int(rows[0][0]) / 1e6:.1f} MB, received in {med(1):.3f} s, "
      f"loaded in {med(2):.3f} s, process start to serving {med(3):.3f} s")'
