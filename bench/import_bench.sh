#!/usr/bin/env bash
# Import of the full UCI Online Retail file through the CLI into a fresh data dir (Release),
# side by side with RocksDB's own db_bench fillseq at comparable key/value sizes with the WAL on.
#
#   bench/import_bench.sh [RUNS]         (default 5 runs each; prints a Markdown table)
#
# Reads ../shared/data/online_retail/online_retail.csv (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
DATA=${CLIENTELE_ONLINE_RETAIL:-../shared/data/online_retail/online_retail.csv}
[[ -f "$DATA" ]] || { echo "missing $DATA" >&2; exit 1; }
scripts/setup
scripts/build clienteled clientele >/dev/null
command -v db_bench >/dev/null || { echo "db_bench missing (apt-get install rocksdb-tools)" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'pkill -f "clienteled --data_dir=$WORK" 2>/dev/null || true; rm -rf "$WORK"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

import_seconds=(); import_json=""
for i in $(seq 1 "$RUNS"); do
  rm -rf "$WORK/data" "$WORK/port"
  build/bin/clienteled --data_dir="$WORK/data" --listen=127.0.0.1:0 --auth=none --metrics_listen=off \
    --port_file="$WORK/port" --log_level=warn &
  pid=$!
  for _ in $(seq 1 200); do [[ -s "$WORK/port" ]] && break; sleep 0.05; done
  addr=$(head -n 1 "$WORK/port")
  start=$(date +%s.%N)
  import_json=$(build/bin/clientele --server="$addr" import --format=online-retail --json "$DATA" | tail -n 1)
  end=$(date +%s.%N)
  kill -TERM "$pid"; wait "$pid" || true
  wall=$(echo "$end - $start" | bc -l)
  import_seconds+=("$wall")
  echo "import run $i: wall ${wall}s  $import_json" >&2
done

rows=$(echo "$import_json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"])')
events=$(echo "$import_json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["events"]["sent"])')
bytes=$(echo "$import_json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["bytes_sent"])')
row_value=$(( bytes / rows ))
event_value=$(( bytes / events ))

run_db_bench() {  # num value_size -> ops/s
  rm -rf "$WORK/dbb"
  db_bench --benchmarks=fillseq --db="$WORK/dbb" --num="$1" --value_size="$2" --key_size=16 \
    --disable_wal=0 --sync=0 --threads=1 --compression_type=lz4 --write_buffer_size=67108864 \
    2>/dev/null | awk '/^fillseq/ {print $5}'
}
rows_ops=(); events_ops=()
for i in $(seq 1 "$RUNS"); do
  rows_ops+=("$(run_db_bench "$rows" "$row_value")")
  events_ops+=("$(run_db_bench "$events" "$event_value")")
done

imp_med=$(printf '%s\n' "${import_seconds[@]}" | median)
rows_med=$(printf '%s\n' "${rows_ops[@]}" | median)
events_med=$(printf '%s\n' "${events_ops[@]}" | median)
imp_rows_s=$(echo "$rows / $imp_med" | bc -l)
imp_events_s=$(echo "$events / $imp_med" | bc -l)
imp_mb_s=$(echo "$bytes / $imp_med / 1000000" | bc -l)
rows_mb_s=$(echo "$rows_med * ($row_value + 16) / 1000000" | bc -l)

printf '| what | median of %s | per second | vs db_bench fillseq |\n|---|---|---|---|\n' "$RUNS"
printf '| clientele import, %s rows (%s events, %s MB) | %.3f s | %.0f rows/s, %.0f events/s, %.1f MB/s | %.0f%% of rows-sized fillseq ops/s; %.0f%% of events-sized |\n' \
  "$rows" "$events" "$(echo "$bytes/1000000" | bc)" "$imp_med" "$imp_rows_s" "$imp_events_s" "$imp_mb_s" \
  "$(echo "100 * $imp_rows_s / $rows_med" | bc -l)" "$(echo "100 * $imp_events_s / $events_med" | bc -l)"
printf '| db_bench fillseq, %s ops, key 16 B, value %s B, WAL on | %.3f s | %.0f ops/s, %.1f MB/s | 100%% |\n' \
  "$rows" "$row_value" "$(echo "$rows / $rows_med" | bc -l)" "$rows_med" "$rows_mb_s"
printf '| db_bench fillseq, %s ops, key 16 B, value %s B, WAL on | %.3f s | %.0f ops/s | 100%% |\n' \
  "$events" "$event_value" "$(echo "$events / $events_med" | bc -l)" "$events_med"
echo
echo "import runs (s): ${import_seconds[*]}"
echo "db_bench rows-sized ops/s: ${rows_ops[*]}"
echo "db_bench events-sized ops/s: ${events_ops[*]}"
