#!/usr/bin/env bash
# Builds arrakis-server (Release) and runs it in the foreground: kernel sockets on 127.0.0.1:6379,
# the append-only log on in ./data (appendfsync always: a write's reply waits until it is durable).
# Arguments go to the server and win over these defaults:
#   server/run.sh [redis.conf] [--port 6380 --appendfsync everysec --appendonly no --threads 2 ...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! command -v dotnet >/dev/null 2>&1; then
  echo "server/run.sh: the .NET 10 SDK (dotnet) is required and not on PATH" >&2
  exit 2
fi
# Scripting needs gcc and Lua 5.1's headers to build our C library over Debian's Lua, and Debian's cjson
# and bit modules at run time: installed when missing.
arch="$(gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)"
need=()
command -v gcc >/dev/null 2>&1 || need+=(gcc libc6-dev)
[ -f /usr/include/lua5.1/lua.h ] || need+=(liblua5.1-0-dev)
[ -f "/usr/lib/$arch/lua/5.1/cjson.so" ] || need+=(lua-cjson)
[ -f "/usr/lib/$arch/lua/5.1/bit.so" ] || need+=(lua-bitop)
if [ ${#need[@]} -gt 0 ]; then
  echo "server/run.sh: installing ${need[*]}" >&2
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
dotnet build "$root/server/Arrakis.Server.Host/Arrakis.Server.Host.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
mkdir -p "$root/data"
config=()
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then config=("$1"); shift; fi
exec dotnet "$root/server/Arrakis.Server.Host/bin/Release/net10.0/arrakis-server.dll" "${config[@]}" \
  --appendonly yes --appendfsync always --dir "$root/data" "$@"
