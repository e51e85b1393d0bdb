#!/usr/bin/env bash
# The cost of TLS on a gRPC listener: clienteled (--services=ingest) serves gRPC health checks
# plaintext, with TLS, and with mutual TLS (certificates from scripts/dev-certs), driven by
# clientele-load --call=health open loop at RATE calls/s over long-lived connections (the
# per-call cost of encryption), then `openssl s_time` opens new TLS connections for SECONDS (the
# cost of a handshake, client and server on the same machine).
#
#   bench/tls_overhead.sh
#
# Environment (all optional): RATE=5000, DURATION=10, WARMUP=2, RUNS=3 (open-loop runs per
# mode; the table shows the median p50 and p99), SECONDS_HANDSHAKE=5, QUIET_WAIT=0 and
# QUIET_LOAD=0.5 (wait up to QUIET_WAIT s for the 1-minute load average to fall below
# QUIET_LOAD before each mode). Needs build/bin/clienteled and clientele-load (scripts/build).
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${RATE:-5000}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
RUNS=${RUNS:-3}
SECONDS_HANDSHAKE=${SECONDS_HANDSHAKE:-5}
QUIET_WAIT=${QUIET_WAIT:-0}
QUIET_LOAD=${QUIET_LOAD:-0.5}
for b in clienteled clientele-load; do
  [[ -x build/bin/$b ]] || { echo "missing build/bin/$b (scripts/build $b)" >&2; exit 1; }
done
work=$(mktemp -d)
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
scripts/dev-certs "$work/certs" 2>/dev/null
c=$work/certs

quiet() {
  local waited=0
  while ((waited < QUIET_WAIT)); do
    [[ $(echo "$(cut -d' ' -f1 /proc/loadavg) < $QUIET_LOAD" | bc) == 1 ]] && return
    sleep 5
    waited=$((waited + 5))
  done
}

# start_server FLAGS...: sets $address.
start_server() {
  rm -rf "$work/data" "$work/port"
  build/bin/clienteled --services=ingest --data_dir="$work/data" --listen=127.0.0.1:0 \
    --metrics_listen=off --port_file="$work/port" --log_level=warn "$@" &
  server_pid=$!
  for _ in $(seq 200); do [[ -s "$work/port" ]] && break; sleep 0.05; done
  address=$(head -1 "$work/port")
}

stop_server() {
  kill "$server_pid"
  wait "$server_pid" || true
  server_pid=""
}

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

server_tls=(--tls_cert="$c/server.pem" --tls_key="$c/server-key.pem")
client_cert=(--tls-cert="$c/client.pem" --tls-key="$c/client-key.pem")
echo "| mode | open loop $RATE calls/s: p50 ms | p99 ms | errors | new connections/s |"
echo "|---|---|---|---|---|"
for mode in plaintext tls mtls; do
  quiet
  case $mode in
    plaintext) start_server; client=() ;;
    tls) start_server "${server_tls[@]}"; client=(--tls-ca="$c/ca.pem") ;;
    mtls)
      start_server "${server_tls[@]}" --tls_client_ca="$c/ca.pem"
      client=(--tls-ca="$c/ca.pem" "${client_cert[@]}")
      ;;
  esac
  : >"$work/runs"
  for _ in $(seq "$RUNS"); do
    build/bin/clientele-load --server="$address" --call=health --rate="$RATE" \
      --concurrency=1000 --duration="$DURATION" --warmup="$WARMUP" --json "${client[@]}" \
      2>/dev/null | tail -1 >>"$work/runs"
    tail -1 "$work/runs" >&2
  done
  p50=$(python3 -c 'import json,sys; [print(json.loads(l)["p50_ms"]) for l in open(sys.argv[1])]' "$work/runs" | median)
  p99=$(python3 -c 'import json,sys; [print(json.loads(l)["p99_ms"]) for l in open(sys.argv[1])]' "$work/runs" | median)
  errors=$(python3 -c 'import json,sys; print(sum(json.loads(l)["errors"] for l in open(sys.argv[1])))' "$work/runs")
  handshakes="-"
  if [[ $mode != plaintext ]]; then
    s_time=(-connect "$address" -new -time "$SECONDS_HANDSHAKE" -CAfile "$c/ca.pem")
    [[ $mode == mtls ]] && s_time+=(-cert "$c/client.pem" -key "$c/client-key.pem")
    handshakes=$(openssl s_time "${s_time[@]}" 2>/dev/null |
      awk '/connections in [0-9.]+ real seconds/ {printf "%.0f", $1 / $4}')
  fi
  echo "| $mode | $p50 | $p99 | $errors | $handshakes |"
  stop_server
done
