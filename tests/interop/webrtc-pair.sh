#!/usr/bin/env bash
# Runs one webrtc-echoes server and one client in the current network namespace; meant for
#   unshare -n bash webrtc-pair.sh 'SERVER COMMAND' 'CLIENT COMMAND with {url}'
# so that only loopback exists and every ICE candidate is 127.0.0.1. The server command must print a JSON line with
# "url" first (or the key named by URL_KEY, e.g. URL_KEY=http for `casto serve`) and stop on stdin EOF or SIGTERM;
# {url} in the client command is replaced by that value.
# Prints the client's stdout lines as "client: …" and the server's as "server: …"; exits with the client's status
# (2 when the server never printed its URL). Every process it started is gone when it returns.
set -u
ip link set lo up
dir=$(mktemp -d)
mkfifo "$dir/in"
bash -c "$1" < "$dir/in" > "$dir/server.out" 2> "$dir/server.err" &
server=$!
exec 3> "$dir/in"   # the server's stdin stays open until we are done
url=""
for _ in $(seq 300); do
  url=$(sed -n 's/.*"'"${URL_KEY:-url}"'": *"\([^"]*\)".*/\1/p' "$dir/server.out" | head -1)
  if [ -n "$url" ] || ! kill -0 "$server" 2>/dev/null; then break; fi
  sleep 0.1
done
rc=2
if [ -n "$url" ]; then
  client=${2//\{url\}/$url}
  bash -c "$client" > "$dir/client.out" 2> "$dir/client.err"
  rc=$?
  sleep "${SETTLE:-1}"   # let the server notice the closed session and report it
fi
exec 3>&-
for _ in $(seq 30); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
kill -TERM "$server" 2>/dev/null
for _ in $(seq 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
kill -KILL "$server" 2>/dev/null
wait "$server" 2>/dev/null
sed 's/^/client: /' "$dir/client.out" 2>/dev/null
sed 's/^/server: /' "$dir/server.out"
if [ "$rc" != 0 ]; then
  echo "--- server stderr" >&2; tail -20 "$dir/server.err" >&2
  echo "--- client stderr" >&2; tail -20 "$dir/client.err" >&2 2>/dev/null
fi
rm -rf "$dir"
exit "$rc"
