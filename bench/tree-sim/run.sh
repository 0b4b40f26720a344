#!/usr/bin/env bash
# The tree simulation: the real tree control (TreeNode/TreeMembership over libp2p: memory transport + Noise + Yamux)
# for N nodes on a virtual clock, media left out. Joins at 100/s, then 30 % of the relays crash within a minute, then
# the tree runs on for --rebalance-seconds before its depth is taken.
#   bench/tree-sim/run.sh [--nodes 10000] [--fan-out 2] [--latency-ms 20] [--latency-spread-ms 0] [--crash 0.3] [--crash-seconds 60]
#                         [--settle-seconds 30] [--rebalance-seconds 30] [--probe 3] [--quiesce-ms 2000] [--trace]
# Progress on stderr; one JSON line per phase (formed, after crashes, rebalanced) on stdout. Each 10 ms virtual step waits until
# the simulated network's work is done (at most --quiesce-ms of real time; steps that hit it are counted as
# "overloaded", and a run with many is not valid). On two cores 2,000 nodes take about 3 minutes and 10,000 about
# 25 (a few GB of memory: 3.8 GB at 7,500 nodes): start it on an otherwise idle machine.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dotnet build "$here/Casto.TreeSim.csproj" -c Release -v q -nologo >/dev/null
exec dotnet "$here/bin/Release/net10.0/Casto.TreeSim.dll" "${@:---nodes 10000}"
