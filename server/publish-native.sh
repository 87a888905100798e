#!/usr/bin/env bash
# Publishes arrakis-server as a NativeAOT binary (the shipped form) into server/Arrakis.Server.Host/bin/native
# and prints its path. Installs what NativeAOT and scripting need when missing: clang and zlib1g-dev (the
# native linker step), gcc, libc6-dev and liblua5.1-0-dev (our C library over Debian's Lua), lua-cjson and
# lua-bitop (loaded at run time).
# usage: server/publish-native.sh            (prints the binary's path on stdout; progress on stderr)
#        server/publish-native.sh --deps-only (installs the packages the JIT build also needs, publishes nothing)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
arch="$(gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)"
need=()
command -v clang >/dev/null 2>&1 || need+=(clang)
[ -f /usr/include/zlib.h ] || need+=(zlib1g-dev)
command -v gcc >/dev/null 2>&1 || need+=(gcc libc6-dev)
[ -f /usr/include/lua5.1/lua.h ] || need+=(liblua5.1-0-dev)
[ -f "/usr/lib/$arch/lua/5.1/cjson.so" ] || need+=(lua-cjson)
[ -f "/usr/lib/$arch/lua/5.1/bit.so" ] || need+=(lua-bitop)
if [ ${#need[@]} -gt 0 ]; then
  echo "publish-native.sh: installing ${need[*]}" >&2
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
[ "${1:-}" = --deps-only ] && exit 0
case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64) rid=linux-arm64 ;;
  *) echo "publish-native.sh: no NativeAOT target for $(uname -m)" >&2; exit 2 ;;
esac
out="$root/server/Arrakis.Server.Host/bin/native"
dotnet publish "$root/server/Arrakis.Server.Host/Arrakis.Server.Host.csproj" -c Release -r "$rid" -p:PublishAot=true \
  -o "$out" -nologo -v quiet -clp:ErrorsOnly >&2
echo "$out/arrakis-server"
