#!/usr/bin/env bash
# Times `clientele gen` on about 1,000,000 records (400,000 people at the default 2.5 records
# per person), RUNS times, and prints the summary line of each run with CPU and wall time.
# Usage: bench/gen_bench.sh [RUNS] [OUT_DIR]   (Release build in build/, as scripts/build makes)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
OUT=${2:-$(mktemp -d)}
mkdir -p "$OUT"
for i in $(seq 1 "$RUNS"); do
  echo "run $i, $(uptime | sed 's/.*load/load/')"
  /usr/bin/time -f "  cpu user %U s, sys %S s, wall %e s, max rss %M KB" \
    build/bin/clientele --json gen --people=400000 --seed=1 \
    --out="$OUT/events.jsonl" --truth="$OUT/truth.csv" |
    grep -o '"records":[0-9]*\|"events":[0-9]*\|"pairs":[0-9]*\|"seconds":[0-9.]*\|"records_per_second":[0-9.]*' |
    tr '\n' ' '
  echo
done
ls -l "$OUT"
