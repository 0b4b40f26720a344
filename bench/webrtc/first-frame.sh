#!/usr/bin/env bash
# Offer-to-first-frame latency on loopback, each pair in its own `unshare -n` namespace (root needed): the client
# creates an offer, POSTs it to a webrtc-echoes server and we time until the first frame the server sends back (the
# echo, or the C# clip for a receive-only client) is decoded (Chromium: getStats framesDecoded > 0; aiortc: first
# track.recv(); C#: first whole VP8 frame). One server per pair serves RUNS+1 clients one after another: the first
# session meets a cold server process, the others a warm one (as a long-running server would). Clients are always
# new processes. Chromium↔Chromium and aiortc↔aiortc run in the same session as the reference.
# Usage: bench/webrtc/first-frame.sh [RUNS=5]   (build src/Relay/Casto.Cli in Release first)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
casto="dotnet $(pwd)/src/Relay/Casto.Cli/bin/Release/net10.0/casto.dll"
chromium="node $(pwd)/tests/interop/js/webrtc/chromium-echo.mjs"
aiortc="/usr/bin/python3 $(pwd)/tests/interop/python/aiortc_echo.py"
measure() { # name server client → one table row
  local name=$1 server=$2 client=$3
  unshare -n bash tests/interop/webrtc-pair.sh "$server" "for i in \$(seq $((runs + 1))); do $client; echo; done" 2>/dev/null \
    | sed -n 's/^client: //p' | python3 -c '
import json, statistics, sys
name = sys.argv[1]
values = []
for line in sys.stdin:
    try:
        values.append(json.loads(line).get("firstFrameMs"))
    except ValueError:
        pass
cold, warm = (values[0] if values else None), [v for v in values[1:] if v is not None]
fmt = lambda v: "–" if v is None else f"{v:.0f}"
print(f"| {name} | {fmt(cold)} | {fmt(statistics.median(warm)) if warm else chr(8211)} | {fmt(min(warm)) if warm else chr(8211)} | {fmt(max(warm)) if warm else chr(8211)} | {len(warm)} |")' "$name" || true
}
echo "| client → server | first session (cold server) ms | warm server median ms | min | max | warm runs with a frame |"
echo "|---|---:|---:|---:|---:|---:|"
measure "Chromium → C# (C# sends its clip)" "$casto webrtc-echo --http 127.0.0.1:0" "$chromium --url {url} --mode recv --seconds 1"
measure "Chromium → C# (echo of Chromium's camera)" "$casto webrtc-echo --http 127.0.0.1:0" "$chromium --url {url} --seconds 1"
measure "Chromium → Chromium (echo, reference)" "$chromium --serve" "$chromium --url {url} --seconds 1"
measure "C# → Chromium (echo of the C# clip)" "$chromium --serve" "$casto webrtc-echo --client {url} --seconds 1"
measure "aiortc → C# (C# sends its clip)" "$casto webrtc-echo --http 127.0.0.1:0" "$aiortc client {url} --mode recv --seconds 1"
measure "aiortc → C# (echo)" "$casto webrtc-echo --http 127.0.0.1:0" "$aiortc client {url} --seconds 1"
measure "aiortc → aiortc (echo, reference)" "$aiortc server" "$aiortc client {url} --seconds 1"
measure "C# → aiortc (echo)" "$aiortc server" "$casto webrtc-echo --client {url} --seconds 1"
measure "C# → C# (echo)" "$casto webrtc-echo --http 127.0.0.1:0" "$casto webrtc-echo --client {url} --seconds 1"
