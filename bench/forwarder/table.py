"""Markdown table of bench/forwarder/run.sh JSON lines (stdin), one row per run."""
import json
import sys

COLUMNS = [
    ("server", "server", "{}"),
    ("subscribers", "N", "{}"),
    ("connected", "connected", "{}"),
    ("forwarderCpuPercent", "forwarder CPU %", "{:.1f}"),
    ("subscribersPerCore", "subscribers/core", "{:.0f}"),
    ("lossPercent", "loss %", "{:.3f}"),
    ("delayP50Ms", "delay p50 ms", "{:.2f}"),
    ("delayP99Ms", "delay p99 ms", "{:.2f}"),
    ("forwardDelayP50Ms", "in-node p50 ms", "{:.3f}"),
    ("forwardDelayP99Ms", "in-node p99 ms", "{:.3f}"),
    ("rssMb", "RSS MB", "{:.1f}"),
    ("rssPerSubscriberMb", "RSS/subscriber MB", "{:.2f}"),
    ("generatorCpuPercent", "generator CPU %", "{:.1f}"),
    ("machineBusyPercent", "machine busy %", "{:.0f}"),
]


def cell(row, key, fmt):
    value = row.get(key)
    return "–" if value is None else fmt.format(value)


rows = [json.loads(line) for line in sys.stdin if line.strip().startswith("{")]
print("| " + " | ".join(title for _, title, _ in COLUMNS) + " |")
print("|" + "|".join("---" if i == 0 else "---:" for i in range(len(COLUMNS))) + "|")
for row in rows:
    print("| " + " | ".join(cell(row, key, fmt) for key, _, fmt in COLUMNS) + " |")
