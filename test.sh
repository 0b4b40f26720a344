#!/usr/bin/env bash
# Runs every Casto test on a fresh machine:
#   1. installs the reference peers the interop tests drive (Debian packages when root, npm packages from the lockfile),
#   2. runs `dotnet test` over Casto.sln and prints one "N passed, N failed, N skipped" summary line.
# Extra arguments go to `dotnet test` (e.g. ./test.sh --filter "FullyQualifiedName~Multiaddr").
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)

log() { printf '[test.sh] %s\n' "$*" >&2; }

# --- Debian packages (only as root; otherwise they must already be there) -----------------------------------
# node runs the js-libp2p reference peers; openssl is a DTLS peer; chromium and python3-aiortc are WebRTC peers;
# coturn is the TURN server; iproute2 makes the network namespaces of the mDNS and loss tests; ffmpeg is the RTP encoder of the SDK test.
apt_packages=(nodejs npm openssl chromium python3-aiortc coturn iproute2 ffmpeg)
missing=()
for pkg in "${apt_packages[@]}"; do
  case "$pkg" in
    nodejs) command -v node >/dev/null 2>&1 || missing+=("$pkg") ;;
    npm) command -v npm >/dev/null 2>&1 || missing+=("$pkg") ;;
    chromium) [ -x /usr/bin/chromium ] || missing+=("$pkg") ;;
    *) dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg") ;;
  esac
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    log "missing ${missing[*]} and not root: the interop tests that need them will fail"
  fi
fi

# --- npm reference peers, pinned by package-lock.json --------------------------------------------------------
js=tests/interop/js
stamp="$js/node_modules/.casto-lock"
lock_hash=$(sha256sum "$js/package-lock.json" | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  log "installing js-libp2p reference peers (npm ci)"
  (cd "$js" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$lock_hash" > "$stamp"
fi

# --- .NET tests ----------------------------------------------------------------------------------------------
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
out=$(mktemp)
trap 'rm -f "$out"' EXIT
set +e
dotnet test "$root/Casto.sln" -c Release "$@" 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
set -e

# dotnet prints one "Passed!/Failed!  - Failed: F, Passed: P, Skipped: S, Total: T" line per test assembly.
awk '/(Passed|Failed)! +- Failed: / {
       gsub(",", ""); for (i = 1; i <= NF; i++) {
         if ($i == "Failed:") f += $(i + 1); if ($i == "Passed:") p += $(i + 1); if ($i == "Skipped:") s += $(i + 1) } }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$out"
exit "$status"
