#!/usr/bin/env bash
# Builds the Pion reference forwarder into bench/pion-forwarder/bin/ against Debian's Pion v3 sources
# (golang-go, golang-github-pion-webrtc.v3-dev) in GOPATH mode. Idempotent: go build skips what is up to date.
#
# Debian installs Pion's webrtc at github.com/pion/webrtc (its go.mod says module .../webrtc/v3). GOPATH mode maps
# the import "github.com/pion/webrtc/v3" onto that directory ("minimal module compatibility") only for code that
# lives inside a GOPATH and under a go.mod, so the sources are linked into bin/gopath/src/pion-forwarder with a
# stub go.mod and built with GOPATH=bin/gopath:/usr/share/gocode.
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)
pkg=bin/gopath/src/pion-forwarder
mkdir -p "$pkg"
for f in *.go; do ln -sfn "$here/$f" "$pkg/$f"; done
[ -f "$pkg/go.mod" ] || printf 'module pion-forwarder\n\ngo 1.19\n' > "$pkg/go.mod"
cd "$pkg"
GO111MODULE=off GOPATH="$here/bin/gopath:/usr/share/gocode" GOFLAGS= go build -o "$here/bin/pion-forwarder" .
