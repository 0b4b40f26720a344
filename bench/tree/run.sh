#!/usr/bin/env bash
# Relay-tree benchmark on this machine: runs `casto demo` (a broadcaster, relays and viewers in one process on
# 127.0.0.1, fan-out 2) with --chaos (a relay killed or stopped every 3 s), and summarises its JSON lines: first frame
# and latency from the broadcaster by depth, recoveries (from noticing a lost parent to media again), the
# broadcaster's upload against the audience. Not a test: results go to docs/performance.md.
#
# Usage: bench/tree/run.sh [--viewers N=12] [--relays R=6] [--seconds S=30] [--no-chaos] [--no-build]
set -euo pipefail
cd "$(dirname "$0")/../.."
viewers=12 relays=6 seconds=30 chaos=--chaos build=yes
while [ $# -gt 0 ]; do
  case $1 in
    --viewers) viewers=$2; shift 2 ;;
    --relays) relays=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --no-chaos) chaos=; shift ;;
    --no-build) build=no; shift ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ $build = yes ] && { echo "building casto" >&2; dotnet build src/Relay/Casto.Cli -c Release -nologo -v quiet >&2; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "running the demo: $relays relays, $viewers viewers, ${seconds}s ${chaos:-without chaos}" >&2
dotnet src/Relay/Casto.Cli/bin/Release/net10.0/casto.dll demo --json --viewers "$viewers" --relays "$relays" $chaos --seconds "$seconds" > "$out"
python3 bench/tree/summary.py < "$out"
