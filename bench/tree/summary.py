"""Summarises `casto demo --json` lines (see bench/tree/run.sh): one JSON line, then a Markdown table."""
import json, statistics, sys

viewers, trees, chaos = {}, [], []
recoveries = {}  # (viewer, parentChanges) -> lastRecoveryMs
for line in sys.stdin:
    d = json.loads(line)
    if "viewer" in d:
        viewers.setdefault(d["viewer"], []).append(d)
        if d.get("lastRecoveryMs") is not None:
            recoveries[(d["viewer"], d["parentChanges"])] = d["lastRecoveryMs"]
    elif "chaos" in d:
        chaos.append(d["chaos"])
    elif "children" in d:
        trees.append(d)

def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))] if values else None

by_depth = {}
for v, lines in viewers.items():
    first = next((l for l in lines if l["firstFrameMs"] is not None), None)
    watching = [l for l in lines if l["state"] == "watching" and l["latencyMs"] is not None]
    depth = (first or lines[-1])["depth"]
    entry = by_depth.setdefault(depth, {"first": [], "latency": []})
    if first:
        entry["first"].append(first["firstFrameMs"])
    entry["latency"] += [l["latencyMs"] for l in watching]

rec = list(recoveries.values())
uploads = [t["uploadKbps"] for t in trees[1:]]
summary = {
    "viewers": len(viewers), "chaosEvents": len(chaos), "killed": chaos.count("killed"), "left": chaos.count("left"),
    "recoveries": len(rec), "recoveryP50Ms": pct(rec, 0.5), "recoveryP90Ms": pct(rec, 0.9), "recoveryMaxMs": max(rec) if rec else None,
    "broadcasterChildren": trees[-1]["children"] if trees else None, "uploadKbpsMedian": statistics.median(uploads) if uploads else None,
    "framesPerViewerMin": min(l[-1]["frames"] for l in viewers.values()) if viewers else None,
    "byDepth": {d: {"viewers": len(e["first"]), "firstFrameP50Ms": pct(e["first"], 0.5), "latencyP50Ms": pct(e["latency"], 0.5),
                    "latencyP99Ms": pct(e["latency"], 0.99)} for d, e in sorted(by_depth.items())},
}
print(json.dumps(summary))
print()
print("| depth (at first frame) | viewers | first frame p50 ms | latency p50 / p99 ms |")
print("|---:|---:|---:|---:|")
for d, e in summary["byDepth"].items():
    print(f"| {d} | {e['viewers']} | {e['firstFrameP50Ms']} | {e['latencyP50Ms']} / {e['latencyP99Ms']} |")
print()
print(f"recoveries: {summary['recoveries']} (p50 {summary['recoveryP50Ms']} ms, p90 {summary['recoveryP90Ms']} ms, max {summary['recoveryMaxMs']} ms) "
      f"after {summary['killed']} kills and {summary['left']} graceful leaves; broadcaster: {summary['broadcasterChildren']} children, "
      f"median upload {summary['uploadKbpsMedian']} kbit/s; fewest frames at a viewer: {summary['framesPerViewerMin']}")
