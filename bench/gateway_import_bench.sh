#!/usr/bin/env bash
# The full UCI Online Retail import through the gateway to a 3-partition deployment, beside the
# all-in-one import, in the same run (Release, loopback).
#
#   bench/gateway_import_bench.sh [RUNS]     (default 3 runs of each, alternating; Markdown table)
#
# all-in-one: one `clienteled` (every component; the import goes through its gateway's front to
#             the in-process ingest; identity, analytics and the recommender consume meanwhile).
# split:      three `clienteled --services=ingest --partition_count=3 --partitions=P` on
#             127.0.P.1 (one port) and one `clienteled --services=gateway --partition_count=3
#             --ingest_addr=127.0.{partition}.1:PORT`; the CLI imports through the gateway, which
#             sends every event to its partition's node (docs/gateway.md).
# Both with --auth=none (loopback); the figure is the wall time of `clientele import`.
#
# Environment: CLIENTELE_ONLINE_RETAIL (default ../shared/data/online_retail/online_retail.csv).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
DATA=${CLIENTELE_ONLINE_RETAIL:-../shared/data/online_retail/online_retail.csv}
[[ -f "$DATA" ]] || { echo "missing $DATA" >&2; exit 1; }
for b in clienteled clientele; do
  [[ -x build/bin/$b ]] || { echo "missing build/bin/$b: scripts/build $b" >&2; exit 1; }
done

# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_begin

# start NAME ARGS...: starts clienteled, waits for its port file, sets ADDR to its host:port.
start() {
  local name=$1
  shift
  rm -f "$WORK/$name.port"
  build/bin/clienteled --data_dir="$WORK/$name" --port_file="$WORK/$name.port" \
    --metrics_listen=off --log_level=warn --auth=none "$@" 2>>"$WORK/server.log" &
  PIDS+=($!)
  wait_for_port "$name" "$WORK/server.log"
}

import() {  # ADDR -> wall seconds (prints the import summary to stderr)
  local start end json
  start=$(date +%s.%N)
  json=$(build/bin/clientele --server="$1" import --format=online-retail --json "$DATA" | tail -n 1)
  end=$(date +%s.%N)
  echo "$json" >&2
  echo "$end - $start" | bc -l
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

all_in_one=(); split=()
for i in $(seq 1 "$RUNS"); do
  rm -rf "$WORK"/aio "$WORK"/ingest* "$WORK"/gateway
  start aio --listen=127.0.0.1:0
  all_in_one+=("$(import "$ADDR")")
  stop_all

  start ingest0 --services=ingest --partition_count=3 --partitions=0 --listen=127.0.0.1:0
  port=${ADDR##*:}
  start ingest1 --services=ingest --partition_count=3 --partitions=1 --listen="127.0.1.1:$port"
  start ingest2 --services=ingest --partition_count=3 --partitions=2 --listen="127.0.2.1:$port"
  start gateway --services=gateway --partition_count=3 --listen=127.0.0.1:0 \
    --ingest_addr="127.0.{partition}.1:$port"
  split+=("$(import "$ADDR")")
  stop_all
  echo "run $i: all-in-one ${all_in_one[-1]} s, gateway + 3 ingest nodes ${split[-1]} s" >&2
done

aio_med=$(printf '%s\n' "${all_in_one[@]}" | median)
split_med=$(printf '%s\n' "${split[@]}" | median)
printf '| deployment | median of %s | ratio |\n|---|---|---|\n' "$RUNS"
printf '| all-in-one (`--services=all`) | %.2f s | 1.00 |\n' "$aio_med"
printf '| gateway + 3 ingest processes, one partition each | %.2f s | %.2f |\n' "$split_med" \
  "$(echo "$split_med / $aio_med" | bc -l)"
echo
echo "all-in-one runs (s): ${all_in_one[*]}"
echo "split runs (s): ${split[*]}"
