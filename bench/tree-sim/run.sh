#!/usr/bin/env bash
# The tree simulation: the real tree control (TreeNode/TreeMembership over libp2p: memory transport + Noise + Yamux)
# for N nodes on a virtual clock, media left out. Joins at 100/s, then 30 % of the relays crash within a minute.
#   bench/tree-sim/run.sh [--nodes 10000] [--fan-out 2] [--latency-ms 20] [--latency-spread-ms 0] [--crash 0.3] [--crash-seconds 60] [--probe 3] [--trace]
# Progress on stderr; one JSON line per phase (formed, after crashes) on stdout. 10,000 nodes take about an hour of
# real time on two cores.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dotnet build "$here/Casto.TreeSim.csproj" -c Release -v q -nologo >/dev/null
exec dotnet "$here/bin/Release/net10.0/Casto.TreeSim.dll" "${@:---nodes 10000}"
