#!/usr/bin/env bash
# The broadcaster's upload against the audience: `casto demo --no-chaos` (all in one process on 127.0.0.1, fan-out 2)
# with more and more viewers, as far as this machine holds. For each size: the broadcaster's children and median
# upload, the deepest viewer, every viewer's frames (the fewest, against the clip's 30 fps) and latency from the
# broadcaster. The upload should stay at fan-out × bitrate whatever the audience. Not a test: results go to
# docs/performance.md.
#
# Usage: bench/tree/upload.sh [--sizes "4 8 16 32"] (the demo takes at most 32 viewers and 32 relays) [--seconds S=15] [--no-build]
set -euo pipefail
cd "$(dirname "$0")/../.."
sizes="4 8 16 32" seconds=15 build=yes
while [ $# -gt 0 ]; do
  case $1 in
    --sizes) sizes=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --no-build) build=no; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ $build = yes ] && { echo "building casto" >&2; dotnet build src/Relay/Casto.Cli -c Release -nologo -v quiet >&2; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "| viewers (+ relays) | broadcaster children | upload median kbit/s | deepest viewer | fewest frames in ${seconds} s | latency p50 / p99 ms |"
echo "|---:|---:|---:|---:|---:|---:|"
for n in $sizes; do
  relays=$(( n / 2 ))
  echo "running the demo: $n viewers, $relays relays, ${seconds}s" >&2
  dotnet src/Relay/Casto.Cli/bin/Release/net10.0/casto.dll demo --json --viewers "$n" --relays "$relays" --seconds "$seconds" > "$out"
  python3 - "$n" "$relays" "$out" <<'PY'
import json, statistics, sys
n, relays, path = sys.argv[1], sys.argv[2], sys.argv[3]
viewers, trees = {}, []
for line in open(path):
    d = json.loads(line)
    if "viewer" in d: viewers.setdefault(d["viewer"], []).append(d)
    elif "children" in d and "uploadKbps" in d: trees.append(d)
late = trees[len(trees) // 2:] or trees
lat = sorted(l["latencyMs"] for ls in viewers.values() for l in ls[len(ls) // 2:] if l.get("latencyMs") is not None)
p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] if lat else None
print(f"| {n} (+ {relays}) | {trees[-1]['children']} | {statistics.median(t['uploadKbps'] for t in late):.0f} | "
      f"{max(ls[-1]['depth'] for ls in viewers.values())} | {min(ls[-1]['frames'] for ls in viewers.values())} | {p(0.5)} / {p(0.99)} |")
PY
done
