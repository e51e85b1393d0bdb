#!/usr/bin/env bash
# End-to-end correctness of RFM: import the full UCI Online Retail file into a fresh
# clienteled, let analytics consume it, run `clientele rfm --json` (notebook convention), and
# compare every customer's recency, frequency, monetary, R, F, M and segment with the usual
# pandas notebook (bench/rfm_vs_pandas.py, Debian's /usr/bin/python3 with python3-pandas).
#
#   bench/rfm_vs_pandas.sh            (needs build/bin/clienteled and build/bin/clientele:
#                                      scripts/build clienteled clientele)
#
# Prints the number of mismatches (0 expected) and the timings, and writes them with this
# command to bench/results/analytics_service.md.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${CLIENTELE_ONLINE_RETAIL:-../shared/data/online_retail/online_retail.csv}
[[ -f "$DATA" ]] || { echo "missing $DATA" >&2; exit 1; }
for b in clienteled clientele; do
  [[ -x build/bin/$b ]] || { echo "build/bin/$b missing: scripts/build clienteled clientele" >&2; exit 1; }
done
/usr/bin/python3 -c 'import pandas' 2>/dev/null ||
  { echo "pandas missing: apt-get install python3-pandas" >&2; exit 1; }

WORK=$(mktemp -d)
pid=""
cleanup() { [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

build/bin/clienteled --data_dir="$WORK/data" --listen=127.0.0.1:0 --auth=none --metrics_listen=off \
  --port_file="$WORK/port" --log_level=warn 2>"$WORK/server.log" &
pid=$!
for _ in $(seq 1 200); do [[ -s "$WORK/port" ]] && break; sleep 0.05; done
addr=$(head -n 1 "$WORK/port")
cli() { build/bin/clientele --server="$addr" "$@"; }
now() { date +%s.%N; }

t0=$(now)
import_json=$(cli import --format=online-retail --json "$DATA" | tail -n 1)
t1=$(now)
cli sync --timeout=600 >/dev/null
t2=$(now)
cli rfm --json --convention=notebook > "$WORK/rfm.jsonl"
t3=$(now)
cli jobs list --json --limit=1 > "$WORK/job.json"
t4=$(now)
cli --json jobs start recluster --k=2..10 --features=rfm --n-init=10 --wait > "$WORK/recluster.json"
t5=$(now)
recluster_s=$(echo "$t5 - $t4" | bc -l)
recluster_table=$(python3 - "$WORK/recluster.json" <<'PY'
import json, sys
from datetime import datetime
job = json.load(open(sys.argv[1]))
def t(ts): return datetime.fromisoformat(ts.replace("Z", "+00:00"))
r = job["result"]
print(f"recluster job alone: {(t(job['finished_at']) - t(job['started_at'])).total_seconds():.3f} s; "
      f"{r['profiles']} profiles, suggested k {r['suggested_k']}, knee of the elbow at k {r['elbow_k']}")
print()
print("| k | inertia | silhouette |")
print("|---|---|---|")
for s in r["k_scores"]:
    print(f"| {s['k']} | {s['inertia']:.1f} | {s['silhouette']:.4f} |")
PY
)
compare=$(/usr/bin/python3 bench/rfm_vs_pandas.py "$DATA" "$WORK/rfm.jsonl")

import_s=$(echo "$t1 - $t0" | bc -l)
sync_s=$(echo "$t2 - $t1" | bc -l)
rfm_s=$(echo "$t3 - $t2" | bc -l)
read -r total customers ours pandas_s job_s ref <<<"$(python3 - "$compare" "$WORK/job.json" <<'PY'
import json, sys
from datetime import datetime
c = json.loads(sys.argv[1])
job = json.loads(open(sys.argv[2]).read().splitlines()[0])
def t(ts): return datetime.fromisoformat(ts.replace("Z", "+00:00"))
job_s = (t(job["finished_at"]) - t(job["started_at"])).total_seconds()
print(c["mismatches_total"], c["customers_pandas"], c["customers_clientele"], c["pandas_seconds"],
      f"{job_s:.3f}", c["reference_date"])
PY
)"
rows=$(echo "$import_json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"])')

echo "customers: pandas $customers, clientele $ours; mismatches: $total"
echo "$compare" | python3 -c 'import json,sys; c=json.load(sys.stdin); print("per field:", c["mismatched_customers_fields"]); [print("  e.g.", e) for e in c["examples"]]'
printf 'import %.2fs (%s rows), analytics catch-up %.2fs, clientele rfm %.2fs (job %.3fs), pandas %.2fs, recluster k=2..10 %.2fs\n' \
  "$import_s" "$rows" "$sync_s" "$rfm_s" "$job_s" "$pandas_s" "$recluster_s"

cat > bench/results/analytics_service.md <<MD
# Analytics service: RFM against the pandas notebook

Command: \`bench/rfm_vs_pandas.sh\` (Release build; data \`../shared/data/online_retail/online_retail.csv\`,
$rows rows; reference date $ref, the day after the last invoice day; notebook convention).

| | value |
|---|---|
| customers (pandas / clientele) | $customers / $ours |
| mismatches (recency, frequency, monetary, R, F, M, segment, missing, extra) | **$total** |
| import through ingest (CLI, wall) | $(printf '%.2f' "$import_s") s |
| analytics consumer catch-up after the import (\`clientele sync\`) | $(printf '%.2f' "$sync_s") s |
| \`clientele rfm --json\` (job + listing, wall) | $(printf '%.2f' "$rfm_s") s |
| rfm job alone (started_at .. finished_at) | $job_s s |
| pandas notebook (read_csv .. segments) | $pandas_s s |
| \`clientele jobs start recluster --k=2..10 --features=rfm --n-init=10 --wait\` (wall) | $(printf '%.2f' "$recluster_s") s |

Recluster on the same profiles (log1p RFM, standardized; k-means n_init=10, exact silhouette):
$recluster_table

Per-field detail: \`$(echo "$compare" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["mismatched_customers_fields"]))')\`

Measured on the shared 2-core machine, one run; the timings include the other work running there.
MD
echo "wrote bench/results/analytics_service.md"
[[ "$total" == "0" ]]
