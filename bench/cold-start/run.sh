#!/usr/bin/env bash
# Cold start, side by side in one run: a whole `casto ping` process (start to exit) with the NativeAOT build and the
# JIT build, against a whole js-libp2p ping process (tests/interop/js/peer.mjs), all dialling one casto listener on
# 127.0.0.1; and a NativeAOT `casto watch` process to its first frame from a running broadcaster.
#   bench/cold-start/run.sh [RUNS]        (default 10; prints one JSON line per case: p50/min/max ms)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
runs="${1:-10}"
aot="$root/artifacts/casto-aot"
echo "[cold-start] publishing casto with NativeAOT and the JIT build" >&2
dotnet publish "$root/src/Relay/Casto.Cli" -c Release -r linux-x64 -p:PublishAot=true -o "$aot" -v q -nologo >/dev/null
dotnet build "$root/src/Relay/Casto.Cli" -c Release -v q -nologo >/dev/null
jit=(dotnet "$root/src/Relay/Casto.Cli/bin/Release/net10.0/casto.dll")
tmp="$(mktemp -d)"
cleanup() { kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

"$aot/casto" listen --listen /ip4/127.0.0.1/tcp/0 --key "$tmp/server.key" > "$tmp/listen.out" &
for _ in $(seq 100); do [ -s "$tmp/listen.out" ] && break; sleep 0.05; done
addr="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["addrs"][0])' "$tmp/listen.out")"

measure() { # name, command...: per run, the time from process start to its first output line and to its exit
  python3 - "$runs" "$@" <<'PY'
import json, statistics, subprocess, sys, time
runs, name, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
first, whole, inner = [], [], []
for _ in range(runs):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()
    first.append((time.perf_counter() - t0) * 1000)
    p.stdout.read(); p.wait()
    whole.append((time.perf_counter() - t0) * 1000)
    if p.returncode != 0:
        sys.exit(f"{name}: {' '.join(cmd)} exited {p.returncode}")
    try:
        j = json.loads(line)
        v = next((j[k] for k in ("connectMs", "firstMs", "firstFrameMs") if j.get(k) is not None), None)
        if v is not None: inner.append(float(v))
    except Exception: pass
med = lambda v: round(statistics.median(v), 1)
out = {"case": name, "runs": runs, "firstLineMsP50": med(first), "processMsP50": med(whole), "processMsMin": round(min(whole), 1), "processMsMax": round(max(whole), 1)}
if inner: out["inProcessMsP50"] = med(inner)
print(json.dumps(out))
PY
}

measure casto-aot-ping "$aot/casto" ping "$addr" --count 1
measure casto-jit-ping "${jit[@]}" ping "$addr" --count 1
measure js-ping node --import "file://$root/tests/interop/js/polyfill.mjs" "$root/tests/interop/js/peer.mjs" dial "$addr" ping 1

# A broadcaster of the built-in clip; each watcher joins it cold and reports its first frame (firstFrameMs).
"$aot/casto" broadcast cold --listen /ip4/127.0.0.1/tcp/0 --no-mdns --key "$tmp/b.key" > "$tmp/b.out" &
for _ in $(seq 100); do [ -s "$tmp/b.out" ] && break; sleep 0.05; done
join="$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["listen"][0])' "$tmp/b.out")"
sleep 1
measure casto-aot-watch "$aot/casto" watch cold --join "$join" --no-mdns --max-children 0 --first-frame
