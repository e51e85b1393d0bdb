# shellcheck shell=bash
# Shared by the bench scripts that run clienteled processes (sourced, not run):
#
#   source bench/lib.sh
#   bench_begin                      # WORK: a fresh directory; PIDS: the processes started;
#                                    # at exit every process gets SIGTERM and WORK is removed
#   ... "$WORK/NAME.port" ... &      # start clienteled with --port_file=$WORK/NAME.port
#   PIDS+=($!)
#   wait_for_port NAME LOG           # sets ADDR (host:port) once the port file is written
#   stop_all                         # SIGTERM every process started so far and wait for it

bench_begin() {
  WORK=$(mktemp -d)
  PIDS=()
  trap 'stop_all; rm -rf "$WORK"' EXIT
}

stop_all() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}

# wait_for_port NAME LOG: waits up to 60 s for $WORK/NAME.port, written by the process started
# last (${PIDS[-1]}) once it listens, and sets ADDR to its first line. Exits 1 naming NAME, with
# LOG, when the process exits first or the time is up.
wait_for_port() {
  local name=$1 log=$2
  for _ in $(seq 1 1200); do
    if [[ -s "$WORK/$name.port" ]]; then
      # shellcheck disable=SC2034  # Read by the sourcing script.
      ADDR=$(head -n 1 "$WORK/$name.port")
      return 0
    fi
    kill -0 "${PIDS[-1]}" 2>/dev/null || break
    sleep 0.05
  done
  echo "$name did not start" >&2
  cat "$log" >&2
  exit 1
}
