#!/usr/bin/env bash
# Publishes arrakis-server (NativeAOT, Release) and runs it in the foreground: kernel sockets on 127.0.0.1:6379,
# the append-only log on in ./data (appendfsync always: a write's reply waits until it is durable).
# Arguments go to the server and win over these defaults:
#   server/run.sh [redis.conf] [--port 6380 --appendfsync everysec --appendonly no --threads 2 ...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! command -v dotnet >/dev/null 2>&1; then
  echo "server/run.sh: the .NET 10 SDK (dotnet) is required and not on PATH" >&2
  exit 2
fi
# The shipped form is a NativeAOT binary: server-command.sh publishes it (publish-native.sh installs what it
# needs when missing: clang and zlib1g-dev for the native link; gcc and Lua 5.1's headers for our C library
# over Debian's Lua; Debian's cjson and bit modules, loaded at run time). ARRAKIS_JIT=1 runs the JIT build.
source "$root/server/server-command.sh"
mkdir -p "$root/data"
config=()
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then config=("$1"); shift; fi
exec "${arrakis[@]}" "${config[@]}" \
  --appendonly yes --appendfsync always --dir "$root/data" "$@"
