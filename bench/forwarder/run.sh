#!/usr/bin/env bash
# Forwarder benchmark: one WHIP publisher (synthetic VP8, 2.5 Mbit/s, 30 fps) and N WHEP subscribers, all on
# 127.0.0.1, driven by bench/Casto.LoadGen against a fresh forwarder per run; prints one JSON line per run and a
# Markdown table. See bench/forwarder/README.md.
#
# Usage: bench/forwarder/run.sh [--server pion[,pion-gcm][,casto]] [--seconds S=10] [--warmup S=3] [--no-build]
#                               [--quiet-wait S=0] [--pin] [N ...=10 50 100 200]
#   pion-gcm: the same Pion forwarder offering only AEAD_AES_128_GCM (Casto's client otherwise picks SHA1_80).
#   --server casto runs `casto serve` (see start_casto below).
#   --quiet-wait S: before each run wait up to S seconds for the (shared) machine to be under 15% busy.
#   --pin (2+ cores): the forwarder runs on CPU 0 and the load generator on CPU 1 (taskset), so the generator's
#   threads never preempt the forwarder's; without it the scheduler places both (the default, as deployed).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

servers=pion
seconds=10
warmup=3
build=yes
quiet_wait=0
pin=no
counts=()
while [ $# -gt 0 ]; do
  case $1 in
    --server) servers=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --no-build) build=no; shift ;;
    --quiet-wait) quiet_wait=$2; shift 2 ;;
    --pin) pin=yes; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) counts+=("$1"); shift ;;
  esac
done
[ ${#counts[@]} -gt 0 ] || counts=(10 50 100 200)
server_cpu=()
generator_cpu=()
if [ $pin = yes ] && [ "$(nproc)" -ge 2 ] && command -v taskset > /dev/null; then
  server_cpu=(taskset -c 0)
  generator_cpu=(taskset -c 1)
fi

out_dir=$root/bench/forwarder/out
mkdir -p "$out_dir"
results=$out_dir/$(date +%Y%m%d-%H%M%S).jsonl
: > "$results"
loadgen=$root/bench/Casto.LoadGen/bin/Release/net10.0/Casto.LoadGen.dll

# --- servers: each start_* leaves server_pid and server_http (host:port) set ---
server_pid=
server_http=
server_out=$(mktemp)
trap 'stop_server; rm -f "$server_out"' EXIT

start_pion() { # [-srtp gcm]
  "${server_cpu[@]}" "$root/bench/pion-forwarder/bin/pion-forwarder" -http 127.0.0.1:0 "$@" > "$server_out" 2> "$out_dir/pion.stderr" &
  wait_ready pid
}

start_server() {
  case $1 in
    pion) start_pion ;;
    pion-gcm) start_pion -srtp gcm ;;
    casto) start_casto ;;
  esac
}

# ==== HOOK: casto serve ========================================================================================
# `casto serve --http 127.0.0.1:PORT` prints {"http":"127.0.0.1:PORT","udpPort":N}; its pid is the process's own.
# Every session on one UDP port (its default); run with --server casto.
build_casto() {
  echo "building casto" >&2
  dotnet build "$root/src/Relay/Casto.Cli" -c Release -nologo -v quiet >&2
}
start_casto() {
  "${server_cpu[@]}" dotnet "$root/src/Relay/Casto.Cli/bin/Release/net10.0/casto.dll" serve --http 127.0.0.1:0 > "$server_out" 2> "$out_dir/casto.stderr" &
  server_pid=$!
  wait_ready
}
# ===============================================================================================================

# Waits (30 s at most) for the server's JSON start line; takes "http" and, when asked, "pid" from it.
wait_ready() {
  local launched=$! i
  for i in $(seq 300); do
    if [ -s "$server_out" ] && head -n1 "$server_out" | grep -q '}'; then
      server_http=$(head -n1 "$server_out" | python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["http"])')
      if [ "${1:-}" = pid ]; then
        server_pid=$(head -n1 "$server_out" | python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["pid"])')
      fi
      return 0
    fi
    kill -0 "$launched" 2> /dev/null || { echo "server exited before it was ready" >&2; return 1; }
    sleep 0.1
  done
  echo "server not ready after 30 s" >&2
  return 1
}

stop_server() {
  [ -n "$server_pid" ] || return 0
  kill -TERM "$server_pid" 2> /dev/null || true
  for _ in $(seq 50); do kill -0 "$server_pid" 2> /dev/null || break; sleep 0.1; done
  kill -KILL "$server_pid" 2> /dev/null || true
  wait "$server_pid" 2> /dev/null || true
  server_pid=
}

# Waits up to $quiet_wait seconds until all cores together are under 15% busy over 2 s (/proc/stat).
wait_quiet() {
  local end=$(( $(date +%s) + quiet_wait )) a b busy idle
  while [ "$(date +%s)" -lt "$end" ]; do
    read -r -a a < /proc/stat; sleep 2; read -r -a b < /proc/stat
    busy=$(( b[1] + b[2] + b[3] + b[6] + b[7] + b[8] - a[1] - a[2] - a[3] - a[6] - a[7] - a[8] ))
    idle=$(( b[4] + b[5] - a[4] - a[5] ))
    if [ $(( 100 * busy / (busy + idle + 1) )) -lt 15 ]; then return 0; fi
  done
  [ "$quiet_wait" = 0 ] || echo "machine still busy after ${quiet_wait}s; running anyway" >&2
}

# --- build everything once (one build at a time: the machine is shared) ---
for server in ${servers//,/ }; do
  case $server in pion|pion-gcm|casto) ;; *) echo "unknown server '$server' (pion, pion-gcm or casto)" >&2; exit 2 ;; esac
done
if [ $build = yes ]; then
  echo "building the load generator" >&2
  dotnet build "$root/bench/Casto.LoadGen" -c Release -nologo -v quiet >&2
  for server in ${servers//,/ }; do
    case $server in
      pion|pion-gcm) echo "building the Pion forwarder" >&2; "$root/bench/pion-forwarder/build.sh" >&2 ;;
      casto) build_casto ;;
    esac
  done
fi

# --- runs ---
for n in "${counts[@]}"; do
  for server in ${servers//,/ }; do
    : > "$server_out"
    wait_quiet
    start_server "$server"
    echo "== $server, $n subscribers (forwarder pid $server_pid on $server_http)" >&2
    metrics_args=()
    [ "$server" = casto ] && metrics_args=(--metrics "http://$server_http/metrics") # its own added latency (pion has none)
    if line=$("${generator_cpu[@]}" dotnet "$loadgen" "${metrics_args[@]}" --whip "http://$server_http/whip/bench" --whep "http://$server_http/whep/bench" \
        --subscribers "$n" --seconds "$seconds" --warmup "$warmup" --pid "$server_pid" --server "$server"); then
      echo "$line" | tee -a "$results"
    else
      echo "load generator failed for $server at N=$n" >&2
    fi
    stop_server
    sleep 1
  done
done

echo >&2
echo "results: $results" >&2
python3 "$root/bench/forwarder/table.py" < "$results"
