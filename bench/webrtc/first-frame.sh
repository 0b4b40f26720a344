#!/usr/bin/env bash
# Offer-to-first-frame latency on loopback, every pair in its own `unshare -n` namespace (root needed):
# the client creates an offer, POSTs it to a webrtc-echoes server, and we time until the first frame the server
# sends back (echo, or the C# clip for a receive-only client) is decoded (Chromium: getStats framesDecoded > 0;
# aiortc: first track.recv(); C#: first whole VP8 frame). Chromium↔Chromium and aiortc↔aiortc run in the same
# session as the reference. Usage: bench/webrtc/first-frame.sh [RUNS=5]   (build Release first)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
casto="dotnet $(pwd)/src/Relay/Casto.Cli/bin/Release/net10.0/casto.dll"
chromium="node $(pwd)/tests/interop/js/webrtc/chromium-echo.mjs"
aiortc="/usr/bin/python3 $(pwd)/tests/interop/python/aiortc_echo.py"
pair() { unshare -n bash tests/interop/webrtc-pair.sh "$1" "$2" 2>/dev/null | sed -n 's/^client: //p' | tail -1 || true; }
measure() { # name server client → prints "name median min max"
  local name=$1 server=$2 client=$3 values=()
  for _ in $(seq "$runs"); do
    values+=("$(pair "$server" "$client" | python3 -c 'import json,sys
try: print(json.load(sys.stdin).get("firstFrameMs"))
except Exception: print(None)')")
  done
  printf '%s\n' "${values[@]}" | python3 -c '
import statistics, sys
name = sys.argv[1]
v = [float(x) for x in sys.stdin.read().split() if x not in ("None", "null")]
print(f"| {name} | {statistics.median(v):.0f} | {min(v):.0f} | {max(v):.0f} | {len(v)} |" if v else f"| {name} | – | – | – | 0 |")' "$name"
}
echo "| client → server | median ms | min | max | runs with a frame |"
echo "|---|---|---|---|---|"
measure "Chromium → C# (C# sends its clip)" "$casto webrtc-echo --http 127.0.0.1:0" "$chromium --url {url} --mode recv --seconds 2"
measure "Chromium → C# (echo of Chromium's camera)" "$casto webrtc-echo --http 127.0.0.1:0" "$chromium --url {url} --seconds 2"
measure "Chromium → Chromium (echo, reference)" "$chromium --serve" "$chromium --url {url} --seconds 2"
measure "C# → Chromium (echo of the C# clip)" "$chromium --serve" "$casto webrtc-echo --client {url} --seconds 2"
measure "aiortc → C# (C# sends its clip)" "$casto webrtc-echo --http 127.0.0.1:0" "$aiortc client {url} --mode recv --seconds 2"
measure "aiortc → C# (echo)" "$casto webrtc-echo --http 127.0.0.1:0" "$aiortc client {url} --seconds 2"
measure "aiortc → aiortc (echo, reference)" "$aiortc server" "$aiortc client {url} --seconds 2"
measure "C# → aiortc (echo)" "$aiortc server" "$casto webrtc-echo --client {url} --seconds 2"
measure "C# → C# (echo)" "$casto webrtc-echo --http 127.0.0.1:0" "$casto webrtc-echo --client {url} --seconds 2"
