#!/usr/bin/env bash
# End to end through the CLI against the Python libraries, each timed from outside (process
# start to exit), in the same run, on the full UCI Online Retail file:
#
#   clientele rfm --json                                                  vs pandas (the notebook)
#   clientele jobs start recluster --k=2..10 --features=rfm --n-init=10 --wait --json
#                                             vs scikit-learn (KMeans k=2..10 n_init=10 + silhouette)
#   clientele jobs list --limit=1 --json      (one call: the CLI's own start-up and channel)
#
# A clienteled with a temporary data dir is started here, the file is imported once, then RUNS
# (default 7) rounds run the four commands in turn (so all see the same machine load); medians.
# The Python side is bench/cli_jobs_vs_python.py with Debian's /usr/bin/python3 (python3-pandas,
# python3-sklearn): one process reads the CSV and computes, as a notebook would.
#
#   scripts/build clienteled clientele && bench/cli_jobs_vs_python.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-7}
DATA=${CLIENTELE_ONLINE_RETAIL:-../shared/data/online_retail/online_retail.csv}
[[ -f "$DATA" ]] || { echo "missing $DATA" >&2; exit 1; }
for b in clienteled clientele; do
  [[ -x build/bin/$b ]] || { echo "build/bin/$b missing: scripts/build clienteled clientele" >&2; exit 1; }
done
/usr/bin/python3 -c 'import pandas, sklearn' 2>/dev/null ||
  { echo "needs python3-pandas and python3-sklearn" >&2; exit 1; }

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
cli import --format=online-retail "$DATA" >/dev/null
cli sync --timeout=600 >/dev/null

# Seconds (wall) of one command, its stdout to $WORK/out.
timed() {
  local t0 t1
  t0=$(date +%s%N)
  "$@" >"$WORK/out" 2>"$WORK/err"
  t1=$(date +%s%N)
  echo "scale=4; ($t1 - $t0) / 1000000000" | bc
}

# Warm-up (page cache, the server's first job) outside the figures.
cli rfm --json >/dev/null
/usr/bin/python3 bench/cli_jobs_vs_python.py rfm "$DATA" >/dev/null 2>&1

declare -a cli_rfm py_rfm cli_elbow py_elbow cli_call job_alone py_rfm_compute py_elbow_compute
for ((i = 0; i < RUNS; i++)); do
  cli_rfm+=("$(timed cli rfm --json)")
  rows=$(wc -l <"$WORK/out")
  py_rfm+=("$(timed /usr/bin/python3 bench/cli_jobs_vs_python.py rfm "$DATA")")
  py_rfm_compute+=("$(tail -n 1 "$WORK/err")")
  py_rows=$(wc -l <"$WORK/out")
  cli_elbow+=("$(timed cli jobs start recluster --k=2..10 --features=rfm --n-init=10 --wait --json)")
  job_alone+=("$(python3 -c '
import json, sys
from datetime import datetime
j = json.load(open(sys.argv[1]))
assert j["state"] == "succeeded", j
t = lambda s: datetime.fromisoformat(s)
print("%.4f" % (t(j["finished_at"]) - t(j["started_at"])).total_seconds())' "$WORK/out")")
  py_elbow+=("$(timed /usr/bin/python3 bench/cli_jobs_vs_python.py elbow "$DATA")")
  py_elbow_compute+=("$(tail -n 1 "$WORK/err")")
  cli_call+=("$(timed cli jobs list --limit=1 --json)")
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
m_cli_rfm=$(median "${cli_rfm[@]}")
m_py_rfm=$(median "${py_rfm[@]}")
m_cli_elbow=$(median "${cli_elbow[@]}")
m_py_elbow=$(median "${py_elbow[@]}")
m_call=$(median "${cli_call[@]}")
m_job=$(median "${job_alone[@]}")
m_py_rfm_c=$(median "${py_rfm_compute[@]}")
m_py_elbow_c=$(median "${py_elbow_compute[@]}")
ratio() { echo "scale=1; $1 / $2" | bc; }

cat <<MD
Online Retail ($(basename "$DATA"), $rows profiles from clientele, $py_rows from pandas); $RUNS rounds,
medians of wall time from process start to exit; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg).

| command (process start to exit) | median | runs |
|---|---|---|
| \`clientele rfm --json\` | **${m_cli_rfm} s** | ${cli_rfm[*]} |
| pandas notebook RFM (\`python3 bench/cli_jobs_vs_python.py rfm\`: read CSV, RFM, JSON lines) | ${m_py_rfm} s (compute after read_csv ${m_py_rfm_c} s) | ${py_rfm[*]} |
| \`clientele jobs start recluster --k=2..10 --features=rfm --n-init=10 --wait --json\` | **${m_cli_elbow} s** (job alone ${m_job} s) | ${cli_elbow[*]} |
| scikit-learn elbow + silhouette k=2..10, n_init=10 (\`... elbow\`) | ${m_py_elbow} s (compute after read_csv ${m_py_elbow_c} s) | ${py_elbow[*]} |
| \`clientele jobs list --limit=1 --json\` (CLI start-up, channel, one call) | ${m_call} s | ${cli_call[*]} |

RFM: clientele $(ratio "$m_py_rfm" "$m_cli_rfm")x faster than pandas end to end. Elbow + silhouette:
clientele $(ratio "$m_py_elbow" "$m_cli_elbow")x faster than scikit-learn end to end.
MD
