#!/usr/bin/env bash
# `clientele import` of generated records (clientele gen) into a fresh clienteled on each log
# backend in the same run: the embedded RocksDB log, and Kafka through librdkafka's in-process
# mock cluster (--log=kafka --kafka_mock_brokers=3). For each: import rows/s (the CLI's own
# figure: rows over the import's wall time, every event acknowledged by the log), the time
# until every consumer (identity, analytics, recommender) applied the whole log
# (`clientele sync`), and a check that every row is accounted for (accepted + rejected +
# duplicates = rows, nothing unavailable) and that each consumer's applied sequence equals the
# end of each partition.
#
#   bench/kafka_import.sh                 # PEOPLE=3100 (about 10k records), PARTITIONS=3, RUNS=3
#
# The mock cluster keeps its log in memory and caps each partition at a few MiB: keep the
# import small (10k records over 3 partitions fit). Needs build/bin/{clienteled,clientele}
# in Release (scripts/build clienteled clientele).
set -euo pipefail
cd "$(dirname "$0")/.."
PEOPLE=${PEOPLE:-3100}
PARTITIONS=${PARTITIONS:-3}
RUNS=${RUNS:-3}
for b in clienteled clientele; do
  [[ -x build/bin/$b ]] || { echo "missing build/bin/$b: scripts/build $b" >&2; exit 1; }
done
WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

build/bin/clientele gen --people="$PEOPLE" --seed=1 --out="$WORK/events.jsonl" >/dev/null
ROWS=$(wc -l <"$WORK/events.jsonl")
echo "records: $ROWS (clientele gen --people=$PEOPLE --seed=1), partitions: $PARTITIONS"

# One run: starts clienteled with "$@", imports, syncs, checks; prints "rows/s sync_s".
run_once() {
  local dir="$WORK/run" port_file="$WORK/port"
  rm -rf "$dir" "$port_file"
  build/bin/clienteled --data_dir="$dir" --listen=127.0.0.1:0 --port_file="$port_file" \
    --metrics_listen=off --auth=none --partition_count="$PARTITIONS" "$@" \
    >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 200); do [[ -s "$port_file" ]] && break; sleep 0.05; done
  [[ -s "$port_file" ]] || { cat "$WORK/server.log" >&2; exit 1; }
  local cli=(build/bin/clientele --server="$(head -1 "$port_file")")
  local import
  import=$("${cli[@]}" --json import --format=events-jsonl "$WORK/events.jsonl")
  local start end
  start=$(date +%s.%N)
  "${cli[@]}" sync --timeout=300 >/dev/null
  end=$(date +%s.%N)
  local info
  info=$("${cli[@]}" --json log)
  python3 - "$import" "$info" "$ROWS" <<'PY'
import json, sys
imp, info, rows = json.loads(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3])
assert imp["rows"] == rows, imp
assert imp["accepted"] + imp["rejected"] + imp["duplicates"] == rows, imp
assert imp.get("unavailable", 0) == 0, imp
ends = {p["partition"]: int(p["last_sequence"]) for p in info["partitions"]}
assert sum(ends.values()) == imp["events"]["accepted"], (ends, imp)
for name in ("identity", "analytics", "recommender"):
    for p, end in ends.items():
        applied = [int(c["applied_sequence"]) for c in info["consumers"]
                   if c["consumer"] == name and c["partition"] == p]
        assert applied == [end], (name, p, applied, end)
PY
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
  printf '%s %.2f\n' "$(python3 -c 'import json,sys; print(round(json.loads(sys.argv[1])["rows_per_second"]))' "$import")" \
    "$(echo "$end - $start" | bc)"
}

printf '%-34s %10s %14s\n' "backend" "rows/s" "sync after (s)"
for run in $(seq "$RUNS"); do
  read -r rps sync_s < <(run_once)
  printf '%-34s %10s %14s\n' "rocksdb (embedded), run $run" "$rps" "$sync_s"
  read -r rps sync_s < <(run_once --log=kafka --kafka_mock_brokers=3)
  printf '%-34s %10s %14s\n' "kafka (mock, 3 brokers), run $run" "$rps" "$sync_s"
done
echo "every row accounted for and applied by identity, analytics and recommender in every run"
