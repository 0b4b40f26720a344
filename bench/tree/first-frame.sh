#!/usr/bin/env bash
# Start to first frame at depth 1, 2 and 3 of an established tree, separate NativeAOT `casto` processes on 127.0.0.1:
# a broadcaster of the built-in clip and a chain of relays, each taking one child (--max-children 1), so a watcher
# that joins through the broadcaster is redirected down to the free place at depth D. Each run is a cold
# `casto watch --first-frame` process (its own clock: from its start, joining included, to the first whole frame;
# the tree hands it the cached key frame). The watcher takes no children, so the place frees again when it exits.
#   bench/tree/first-frame.sh [RUNS]      (default 10; one JSON line per depth: p50/p90/min/max ms and the depths seen)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
runs="${1:-10}"
aot="$root/artifacts/casto-aot"
if [ ! -x "$aot/casto" ] || [ -n "$(find "$root/src" -name '*.cs' -newer "$aot/casto" -print -quit)" ]; then
  echo "[first-frame] publishing casto with NativeAOT" >&2
  dotnet publish "$root/src/Relay/Casto.Cli" -c Release -r linux-x64 -p:PublishAot=true -o "$aot" -v q -nologo >/dev/null
fi
tmp="$(mktemp -d)"
cleanup() { kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

first_line() { for _ in $(seq 200); do [ -s "$1" ] && break; sleep 0.05; done; head -1 "$1"; }
wait_depth() { # file, depth: until the relay reports that depth
  for _ in $(seq 200); do
    tail -1 "$1" 2>/dev/null | python3 -c 'import json,sys; sys.exit(0 if json.loads(sys.stdin.read() or "{}").get("depth") == int(sys.argv[1]) else 1)' "$2" && return 0
    sleep 0.1
  done
  echo "[first-frame] relay $1 never reached depth $2" >&2; exit 1
}

"$aot/casto" broadcast ff --listen /ip4/127.0.0.1/tcp/0 --no-mdns --max-children 1 --key "$tmp/b.key" > "$tmp/b.out" &
join="$(first_line "$tmp/b.out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["listen"][0])')"
sleep 1

measure() { # depth: RUNS cold watchers through the broadcaster
  python3 - "$runs" "$1" "$aot/casto" "$join" <<'PY'
import json, statistics, subprocess, sys
runs, depth, casto, join = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
ms, depths = [], []
for _ in range(runs):
    out = subprocess.run([casto, "watch", "ff", "--join", join, "--no-mdns", "--max-children", "0", "--first-frame"],
                         capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        sys.exit(f"watch exited {out.returncode}: {out.stderr[-500:]}")
    j = json.loads(out.stdout.splitlines()[0])
    ms.append(float(j["firstFrameMs"])); depths.append(j["depth"])
ms.sort()
q = lambda p: round(ms[min(len(ms) - 1, int(len(ms) * p))], 1)
print(json.dumps({"depth": depth, "runs": runs, "firstFrameMsP50": q(0.5), "p90": q(0.9), "min": ms[0], "max": ms[-1], "depthsSeen": sorted(set(depths))}))
PY
}

measure 1
for d in 1 2; do
  "$aot/casto" relay --stream ff --join "$join" --no-mdns --max-children 1 --listen /ip4/127.0.0.1/tcp/0 --key "$tmp/r$d.key" > "$tmp/r$d.out" &
  wait_depth "$tmp/r$d.out" "$d"
  sleep 1 # one report interval: the relays' room reaches the broadcaster
  measure $((d + 1))
done
