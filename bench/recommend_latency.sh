#!/usr/bin/env bash
# Recommend latency through gRPC on loopback: clienteled (all services, recommender included) on
# UCI Online Retail, imported and trained, driven by clientele-load closed loop and open loop.
#
#   bench/recommend_latency.sh                     # recommend: closed loop, then 5,000 calls/s
#   CALL=get_profile bench/recommend_latency.sh    # any clientele-load call kind (no training)
#
# Environment (all optional):
#   CALL=recommend     call kind (build/bin/clientele-load --list-calls)
#   PARAMS="k=10"      space-separated name=value call parameters
#   KEYS=profiles      profiles (identity ListProfiles) or source_keys (online_retail/<id>)
#   DURATION=20        measured seconds per run; WARMUP=5 seconds before each
#   CONCURRENCY=16     closed-loop calls in flight
#   RATE=5000          open-loop calls per second; OPEN_CONCURRENCY=1000 caps calls in flight
#   RUNS=3             runs of each mode (the table shows each; the summary the median p99)
#   DATA_DIR=dir       keep the imported and trained store here and reuse it on the next run
#   SERVER_CPUS / CLIENT_CPUS   optional taskset CPU lists (e.g. 0 and 1); default: unpinned
#   SERVER_FLAGS / CLIENT_FLAGS extra space-separated flags of clienteled / clientele-load
#                      (e.g. SERVER_FLAGS="--grpc_max_pollers=4" CLIENT_FLAGS="--channels=1")
#   MODES="closed open"  which recommend runs to make
#   QUIET_WAIT=0       wait up to this many seconds for the 1-minute load average to fall below
#                      QUIET_LOAD=0.5 before measuring (other work on a 2-core box skews p99)
#
# Reads ../shared/data/online_retail/online_retail.csv (not committed). Needs build/bin/clienteled,
# clientele and clientele-load in Release (scripts/build clienteled clientele clientele-load).
# Prints one JSON line per run (clientele-load --json) and a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
CALL=${CALL:-recommend}
PARAMS=${PARAMS:-}
KEYS=${KEYS:-profiles}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-5}
CONCURRENCY=${CONCURRENCY:-16}
RATE=${RATE:-5000}
OPEN_CONCURRENCY=${OPEN_CONCURRENCY:-1000}
RUNS=${RUNS:-3}
DATA=${CLIENTELE_ONLINE_RETAIL:-../shared/data/online_retail/online_retail.csv}
[[ -f "$DATA" ]] || { echo "missing $DATA" >&2; exit 1; }
for b in clienteled clientele clientele-load; do
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

# Command prefixes (taskset execs its command, so $! of a background server is the server).
SERVER_PREFIX=(); CLIENT_PREFIX=()
[[ -n "${SERVER_CPUS:-}" ]] && SERVER_PREFIX=(taskset -c "$SERVER_CPUS")
[[ -n "${CLIENT_CPUS:-}" ]] && CLIENT_PREFIX=(taskset -c "$CLIENT_CPUS")

fresh=0
[[ -d "$DATA_DIR" ]] || fresh=1
mkdir -p "$DATA_DIR"
"${SERVER_PREFIX[@]}" build/bin/clienteled --services=all --data_dir="$DATA_DIR" \
  --listen=127.0.0.1:0 --auth=none --metrics_listen=off --port_file="$WORK/port" --log_level=warn \
  ${SERVER_FLAGS:-} >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 300); do
  [[ -s "$WORK/port" ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "clienteled failed to start" >&2; exit 1; }
  sleep 0.1
done
ADDR=$(head -n 1 "$WORK/port")
CLI=(build/bin/clientele --server="$ADDR")

if [[ $fresh == 1 ]]; then
  echo "importing $DATA into $DATA_DIR" >&2
  "${CLI[@]}" import --format=online-retail --json "$DATA" | tail -n 1 >&2
  "${CLI[@]}" sync --timeout=600 >&2
  if [[ $CALL == recommend ]]; then
    echo "training" >&2
    "${CLI[@]}" jobs start train --wait --json | tail -n 1 >&2
  fi
fi

if [[ ${QUIET_WAIT:-0} -gt 0 ]]; then
  for _ in $(seq 1 "$QUIET_WAIT"); do
    awk -v max="${QUIET_LOAD:-0.5}" '{exit !($1 < max)}' /proc/loadavg && break
    sleep 1
  done
fi
echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

args=(--server="$ADDR" --call="$CALL" --duration="$DURATION" --warmup="$WARMUP" --json
  ${CLIENT_FLAGS:-})
for p in $PARAMS; do args+=(--param="$p"); done
if [[ $KEYS == source_keys ]]; then args+=(--param=keys=source_keys --param=system=online_retail); fi

# The gRPC floor on the same server: health checks, open loop at the same rate.
floor=$("${CLIENT_PREFIX[@]}" build/bin/clientele-load --server="$ADDR" --call=health \
  --duration="$DURATION" --warmup="$WARMUP" --rate="$RATE" --concurrency="$OPEN_CONCURRENCY" \
  --json ${CLIENT_FLAGS:-} 2>/dev/null | tail -n 1)
echo "$floor"

rows=()
for mode in ${MODES:-closed open}; do
  for run in $(seq 1 "$RUNS"); do
    if [[ $mode == closed ]]; then
      extra=(--concurrency="$CONCURRENCY")
    else
      extra=(--rate="$RATE" --concurrency="$OPEN_CONCURRENCY")
    fi
    line=$("${CLIENT_PREFIX[@]}" build/bin/clientele-load "${args[@]}" "${extra[@]}" 2>/dev/null |
      tail -n 1)
    echo "$line"
    rows+=("$line")
  done
done
stop_server

echo
echo "| mode | calls | errors | calls/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |"
echo "|---|---|---|---|---|---|---|---|---|"
for line in "$floor" "${rows[@]}"; do
  python3 -c '
import json, sys
r = json.loads(sys.argv[1])
mode = ("closed, %d in flight" % r["concurrency"]) if r["mode"] == "closed" else \
       ("open, %.0f/s scheduled" % r["rate"])
print("| %s %s | %d | %d | %.0f | %.3f | %.3f | %.3f | %.3f | %.3f |" % (
    r["call"], mode, r["calls"], r["errors"], r["rps"], r["p50_ms"], r["p90_ms"], r["p99_ms"],
    r["p999_ms"], r["max_ms"]))' "$line"
done
echo
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
