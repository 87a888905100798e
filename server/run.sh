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
# The shipped form is a NativeAOT binary: publish-native.sh installs what it needs when missing (clang and
# zlib1g-dev for the native link; gcc and Lua 5.1's headers for our C library over Debian's Lua; Debian's cjson
# and bit modules, loaded at run time) and publishes it. ARRAKIS_JIT=1 runs the JIT build instead.
if [ "${ARRAKIS_JIT:-0}" = 1 ]; then
  bash "$root/server/publish-native.sh" --deps-only
  dotnet build "$root/server/Arrakis.Server.Host/Arrakis.Server.Host.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
  server=(dotnet "$root/server/Arrakis.Server.Host/bin/Release/net10.0/arrakis-server.dll")
else
  server=("$(bash "$root/server/publish-native.sh")")
fi
mkdir -p "$root/data"
config=()
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then config=("$1"); shift; fi
exec "${server[@]}" "${config[@]}" \
  --appendonly yes --appendfsync always --dir "$root/data" "$@"
