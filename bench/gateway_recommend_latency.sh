#!/usr/bin/env bash
# Recommend through the gateway in split mode beside Recommend direct to the recommender, in the
# same run, open loop (Release, loopback):
#
#   backend: clienteled --services=ingest,identity,analytics,recommender (no gateway: the
#            services serve directly on its port), UCI Online Retail imported and trained;
#   gateway: clienteled --services=gateway --recommender_addr=<backend> (and the other
#            addresses), the front forwarding every call to the backend (docs/gateway.md).
#
# clientele-load runs RATE calls/s for DURATION seconds against the backend (direct) and the
# gateway, alternating, RUNS times each, and prints one JSON line per run and a Markdown table.
#
#   bench/gateway_recommend_latency.sh
#
# TLS=1: certificates from scripts/dev-certs; the backend's listener requires client
# certificates (mutual TLS, --auth=required: only components may call it), the gateway's
# listener is TLS, it runs with --auth=required and its channels to the backend use the
# component certificate; clientele-load verifies the server certificates and sends, to the
# gateway, the gateway's bootstrap admin API key (direct to the backend, it presents the
# component certificate).
#
# Environment (all optional): RATE=5000 DURATION=20 WARMUP=5 RUNS=3 OPEN_CONCURRENCY=1000 TLS=0
#   DATA_DIR=dir (keep the imported, trained backend store and reuse it)
#   SERVER_FLAGS / GATEWAY_FLAGS / CLIENT_FLAGS: extra flags of the backend, the gateway and
#   clientele-load (e.g. TLS flags and an API key once both sides take them).
#   PIN_LOAD / PIN_GATEWAY / PIN_BACKEND=cpu-list (taskset -c): run clientele-load, the
#   gateway(s) and the backend on CPUs of their own, so that none of them takes the others'
#   cores and the gateway's figures are its own (e.g. on 4 cores PIN_LOAD=0 PIN_GATEWAY=1
#   PIN_BACKEND=2,3). Unset: the scheduler places them. Pin only on a machine with cores to
#   spare: on 2 cores the three processes share them whatever is pinned.
# Reads ../shared/data/online_retail/online_retail.csv (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${RATE:-5000}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-5}
RUNS=${RUNS:-3}
OPEN_CONCURRENCY=${OPEN_CONCURRENCY:-1000}
DATA=${CLIENTELE_ONLINE_RETAIL:-../shared/data/online_retail/online_retail.csv}
[[ -f "$DATA" ]] || { echo "missing $DATA" >&2; exit 1; }
for b in clienteled clientele clientele-load; do
  [[ -x build/bin/$b ]] || { echo "missing build/bin/$b: scripts/build $b" >&2; exit 1; }
done

# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_begin
DATA_DIR=${DATA_DIR:-$WORK/backend}
PIN_BACKEND=${PIN_BACKEND:-}; PIN_GATEWAY=${PIN_GATEWAY:-}; PIN_LOAD=${PIN_LOAD:-}
# pinned CPUS: the command prefix that runs a process on CPUS (taskset -c), nothing if unset.
pinned() { [[ -n $1 ]] && echo "taskset -c $1"; return 0; }

# start NAME DATA_DIR ARGS...: starts clienteled, waits for its port file, sets ADDR.
start() {
  local name=$1 dir=$2
  shift 2
  rm -f "$WORK/$name.port"
  # shellcheck disable=SC2086
  local pin=$PIN_GATEWAY
  [[ $name == backend ]] && pin=$PIN_BACKEND
  # shellcheck disable=SC2046
  $(pinned "$pin") build/bin/clienteled --data_dir="$dir" --port_file="$WORK/$name.port" --listen=127.0.0.1:0 \
    --metrics_listen=off --log_level=warn "$@" 2>>"$WORK/$name.log" &
  PIDS+=($!)
  wait_for_port "$name" "$WORK/$name.log"
}

BACKEND_TLS=(--auth=none); GATEWAY_TLS=(); DIRECT_CLIENT=(); GATEWAY_CLIENT=()
if [[ ${TLS:-0} == 1 ]]; then
  C=$WORK/certs
  scripts/dev-certs "$C" 2>/dev/null
  BACKEND_TLS=(--auth=required --tls_cert="$C/server.pem" --tls_key="$C/server-key.pem"
    --tls_client_ca="$C/ca.pem")
  GATEWAY_TLS=(--tls_cert="$C/server.pem" --tls_key="$C/server-key.pem" --tls_ca="$C/ca.pem"
    --tls_client_cert="$C/client.pem" --tls_client_key="$C/client-key.pem")
  DIRECT_CLIENT=(--tls-ca="$C/ca.pem" --tls-cert="$C/client.pem" --tls-key="$C/client-key.pem")
  GATEWAY_CLIENT=(--tls-ca="$C/ca.pem")
fi

fresh=0
[[ -d "$DATA_DIR" ]] || fresh=1
# shellcheck disable=SC2086
start backend "$DATA_DIR" --services=ingest,identity,analytics,recommender "${BACKEND_TLS[@]}" \
  ${SERVER_FLAGS:-}
BACKEND=$ADDR
if [[ $fresh == 1 ]]; then
  echo "importing $DATA and training" >&2
  CLI=(build/bin/clientele --server="$BACKEND" "${DIRECT_CLIENT[@]}")
  "${CLI[@]}" import --format=online-retail --json "$DATA" | tail -n 1 >&2
  "${CLI[@]}" sync --timeout=600 >&2
  "${CLI[@]}" jobs start train --wait --json | tail -n 1 >&2
fi
# shellcheck disable=SC2086
GATEWAY_AUTH=--auth=none
[[ ${TLS:-0} == 1 ]] && GATEWAY_AUTH=--auth=required
start gateway "$WORK/gateway" --services=gateway "$GATEWAY_AUTH" --ingest_addr="$BACKEND" \
  --identity_addr="$BACKEND" --analytics_addr="$BACKEND" \
  --recommender_addr="$BACKEND" "${GATEWAY_TLS[@]}" ${GATEWAY_FLAGS:-}
GATEWAY=$ADDR
if [[ ${TLS:-0} == 1 ]]; then
  GATEWAY_CLIENT+=(--api-key-file="$WORK/gateway/bootstrap-admin.key")
fi
echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

rows=()
for run in $(seq 1 "$RUNS"); do
  for target in direct gateway; do
    addr=$BACKEND; tls=("${DIRECT_CLIENT[@]}")
    [[ $target == gateway ]] && addr=$GATEWAY && tls=("${GATEWAY_CLIENT[@]}")
    # shellcheck disable=SC2086
    line=$($(pinned "$PIN_LOAD") build/bin/clientele-load --server="$addr" --call=recommend --duration="$DURATION" \
      --warmup="$WARMUP" --rate="$RATE" --concurrency="$OPEN_CONCURRENCY" --json \
      "${tls[@]}" ${CLIENT_FLAGS:-} 2>/dev/null | tail -n 1)
    echo "$target $line"
    rows+=("$target $line")
  done
done
stop_all

echo
echo "| path | calls | errors | calls/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |"
echo "|---|---|---|---|---|---|---|---|---|"
for row in "${rows[@]}"; do
  python3 -c '
import json, sys
target, line = sys.argv[1].split(" ", 1)
r = json.loads(line)
path = "through the gateway" if target == "gateway" else "direct to the recommender"
print("| %s, open %.0f/s | %d | %d | %.0f | %.3f | %.3f | %.3f | %.3f | %.3f |" % (
    path, r["rate"], r["calls"], r["errors"], r["rps"], r["p50_ms"], r["p90_ms"], r["p99_ms"],
    r["p999_ms"], r["max_ms"]))' "$row"
done
echo
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
