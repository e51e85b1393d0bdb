#!/usr/bin/env bash
# Recommend through several gateways that differ only in their flags, beside Recommend direct to
# the backend, interleaved in each run (split mode, TLS, an API key; the setup of
# bench/gateway_recommend_latency.sh with TLS=1). For each run and path: calls/s, latency
# percentiles, and, with perf, CPU time and context switches per call (perf stat over the
# measured seconds) of the server (the gateway's process, or the backend's for the direct path)
# and of clientele-load itself.
#
#   VARIANTS="cq:;callback:--gateway_unary_threads=0 --grpc_poll_strategy=epoll1" \
#     DATA_DIR=/tmp/gw-backend bench/gateway_variants.sh
#
# Environment (all optional): VARIANTS="name:flags;name:flags" (default: the defaults, and the
#   generic front for unary calls), RATE=0 (0: closed loop), CONCURRENCY=1, DURATION=8,
#   WARMUP=2, RUNS=3, DATA_DIR=dir (the imported, trained backend store, kept and reused),
#   CLIENT_FLAGS (extra flags of clientele-load, e.g. --channels=1: one connection per run),
#   LOAD_BIN=path (default build/bin/clientele-load: another build of the load generator).
#   PIN_LOAD / PIN_GATEWAY / PIN_BACKEND=cpu-list (taskset -c): run clientele-load, the
#   gateway(s) and the backend on CPUs of their own, so that none of them takes the others'
#   cores and the gateway's figures are its own (e.g. on 4 cores PIN_LOAD=0 PIN_GATEWAY=1
#   PIN_BACKEND=2,3). Unset: the scheduler places them. Pin only on a machine with cores to
#   spare: on 2 cores the three processes share them whatever is pinned.
# Reads ../shared/data/online_retail/online_retail.csv (not committed) when DATA_DIR is new.
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${RATE:-0}
CONCURRENCY=${CONCURRENCY:-1}
DURATION=${DURATION:-8}
WARMUP=${WARMUP:-2}
RUNS=${RUNS:-3}
VARIANTS=${VARIANTS:-"default:;callback:--gateway_unary_threads=0 --grpc_poll_strategy=epoll1"}
DATA=${CLIENTELE_ONLINE_RETAIL:-../shared/data/online_retail/online_retail.csv}
LOAD_BIN=${LOAD_BIN:-build/bin/clientele-load}
for b in clienteled clientele; do
  [[ -x build/bin/$b ]] || { echo "missing build/bin/$b: scripts/build $b" >&2; exit 1; }
done
[[ -x $LOAD_BIN ]] || { echo "missing $LOAD_BIN: scripts/build clientele-load" >&2; exit 1; }

# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_begin
DATA_DIR=${DATA_DIR:-$WORK/backend}
PIN_BACKEND=${PIN_BACKEND:-}; PIN_GATEWAY=${PIN_GATEWAY:-}; PIN_LOAD=${PIN_LOAD:-}
# pinned CPUS: the command prefix that runs a process on CPUS (taskset -c), nothing if unset.
pinned() { [[ -n $1 ]] && echo "taskset -c $1"; return 0; }

# start NAME DATA_DIR ARGS...: starts clienteled, waits for its port file, sets ADDR and PID.
start() {
  local name=$1 dir=$2
  shift 2
  rm -f "$WORK/$name.port"
  local pin=$PIN_GATEWAY
  [[ $name == backend ]] && pin=$PIN_BACKEND
  # shellcheck disable=SC2046
  $(pinned "$pin") build/bin/clienteled --data_dir="$dir" --port_file="$WORK/$name.port" --listen=127.0.0.1:0 \
    --metrics_listen=off --log_level=warn "$@" 2>>"$WORK/$name.log" &
  PID=$!
  PIDS+=("$PID")
  wait_for_port "$name" "$WORK/$name.log"
}

C=$WORK/certs
scripts/dev-certs "$C" 2>/dev/null
fresh=0
[[ -d "$DATA_DIR" ]] || fresh=1
start backend "$DATA_DIR" --services=ingest,identity,analytics,recommender --auth=required \
  --tls_cert="$C/server.pem" --tls_key="$C/server-key.pem" --tls_client_ca="$C/ca.pem"
BACKEND=$ADDR
declare -A TARGET_ADDR TARGET_PID
TARGET_ADDR[direct]=$BACKEND
TARGET_PID[direct]=$PID
DIRECT_CLIENT=(--tls-ca="$C/ca.pem" --tls-cert="$C/client.pem" --tls-key="$C/client-key.pem")
if [[ $fresh == 1 ]]; then
  [[ -f "$DATA" ]] || { echo "missing $DATA" >&2; exit 1; }
  echo "importing $DATA and training" >&2
  CLI=(build/bin/clientele --server="$BACKEND" "${DIRECT_CLIENT[@]}")
  "${CLI[@]}" import --format=online-retail --json "$DATA" | tail -n 1 >&2
  "${CLI[@]}" sync --timeout=600 >&2
  "${CLI[@]}" jobs start train --wait --json | tail -n 1 >&2
fi

names=(direct)
IFS=';' read -ra variants <<<"$VARIANTS"
for variant in "${variants[@]}"; do
  name=${variant%%:*}
  flags=${variant#*:}
  # shellcheck disable=SC2086
  start "gateway-$name" "$WORK/gateway-$name" --services=gateway --auth=required \
    --ingest_addr="$BACKEND" --identity_addr="$BACKEND" --analytics_addr="$BACKEND" \
    --recommender_addr="$BACKEND" --tls_cert="$C/server.pem" --tls_key="$C/server-key.pem" \
    --tls_ca="$C/ca.pem" --tls_client_cert="$C/client.pem" --tls_client_key="$C/client-key.pem" \
    $flags
  TARGET_ADDR[$name]=$ADDR
  TARGET_PID[$name]=$PID
  names+=("$name")
done
echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| run | path | calls/s | p50 ms | p90 ms | p99 ms | server CPU µs/call | server switches/call | client CPU µs/call | client switches/call | load |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for run in $(seq 1 "$RUNS"); do
  for name in "${names[@]}"; do
    client=(--tls-ca="$C/ca.pem" --api-key-file="$WORK/gateway-$name/bootstrap-admin.key")
    [[ $name == direct ]] && client=("${DIRECT_CLIENT[@]}")
    # The server's and the client's CPU time and context switches over the measured seconds.
    perf_jobs=()
    rm -f "$WORK/perf" "$WORK/perf-client"
    # shellcheck disable=SC2086
    $(pinned "$PIN_LOAD") "$LOAD_BIN" --server="${TARGET_ADDR[$name]}" --call=recommend \
      --duration="$DURATION" --warmup="$WARMUP" --rate="$RATE" --concurrency="$CONCURRENCY" \
      --json "${client[@]}" ${CLIENT_FLAGS:-} >"$WORK/client.out" 2>/dev/null &
    client_pid=$!
    if command -v perf >/dev/null; then
      for target in "${TARGET_PID[$name]}:$WORK/perf" "$client_pid:$WORK/perf-client"; do
        (sleep "$WARMUP"
         perf stat -x, -e task-clock,context-switches -p "${target%%:*}" -- sleep "$DURATION" \
           2>"${target#*:}" >/dev/null || true) &
        perf_jobs+=($!)
      done
    fi
    wait "$client_pid"
    for job in "${perf_jobs[@]}"; do wait "$job"; done
    line=$(tail -n 1 "$WORK/client.out")
    python3 -c '
import json, os, sys
run, name, line, perf, perf_client = sys.argv[1:6]
r = json.loads(line)
calls = max(r["calls"], 1)
def per_call(path):
    clock = switches = None
    if os.path.exists(path):
        for row in open(path):
            f = row.strip().split(",")
            if len(f) > 3 and f[2].startswith("task-clock"): clock = float(f[0])
            if len(f) > 3 and f[2].startswith("context-switches"): switches = float(f[0])
    cpu = "%.0f" % (clock * 1000 / calls) if clock is not None else "-"
    cs = "%.2f" % (switches / calls) if switches is not None else "-"
    return cpu, cs
server_cpu, server_cs = per_call(perf)
client_cpu, client_cs = per_call(perf_client)
print("| %s | %s | %.0f | %.3f | %.3f | %.3f | %s | %s | %s | %s | %s |" % (run, name, r["rps"],
      r["p50_ms"], r["p90_ms"], r["p99_ms"], server_cpu, server_cs, client_cpu, client_cs,
      open("/proc/loadavg").read().split()[0]))
' "$run" "$name" "$line" "$WORK/perf" "$WORK/perf-client"
  done
done
stop_all
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
