#!/usr/bin/env bash
# Runs every test, then the integration suite again against the NativeAOT binary. Installs what the tests use when missing: Debian's redis-server (the differential
# oracle), gcc, liblua5.1-0-dev, lua-cjson and lua-bitop (scripting), redis-tools (redis-cli), python3-redis (redis-py), tcpdump (reads the NIC middleware's pcap
# captures), iproute2, ethtool and iputils-ping (the AF_XDP veth tests); restores NuGet packages.
# Prints one closing line: "N passed, N failed, N skipped".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
need=()
[ -x /usr/bin/redis-server ] || need+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || need+=(redis-tools)
/usr/bin/python3 -c 'import redis' >/dev/null 2>&1 || need+=(python3-redis)
command -v tcpdump >/dev/null 2>&1 || [ -x /usr/sbin/tcpdump ] || need+=(tcpdump)
# Scripting: gcc and Lua 5.1's headers build our C library over Debian's Lua (server/Arrakis.Server.Lua);
# cjson and bit are Debian's modules, loaded by the server as Redis bundles them.
command -v gcc >/dev/null 2>&1 || need+=(gcc libc6-dev)
[ -f /usr/include/lua5.1/lua.h ] || need+=(liblua5.1-0-dev)
[ -f "/usr/lib/$(gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)/lua/5.1/cjson.so" ] || need+=(lua-cjson)
[ -f "/usr/lib/$(gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)/lua/5.1/bit.so" ] || need+=(lua-bitop)
# BullMQ's application test runs on Node (its packages come from npm, pinned by tests/node/bullmq/package-lock.json).
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
# The network tests build veth pairs in network namespaces (ip) and turn the peer's offloads off (ethtool).
command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || need+=(iproute2)
command -v ethtool >/dev/null 2>&1 || [ -x /usr/sbin/ethtool ] || need+=(ethtool)
# Shared mode must leave ICMP to the host: a ping from the peer namespace (iputils-ping).
command -v ping >/dev/null 2>&1 || [ -x /usr/bin/ping ] || need+=(iputils-ping)
if [ ${#need[@]} -gt 0 ]; then
  echo "tests/run.sh: installing ${need[*]}"
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# The package starts a system redis-server on 6379 where systemd runs; tests use their own ports.
cd "$root"
dotnet restore Arrakis.sln -nologo -v quiet || exit 1
dotnet build Arrakis.sln -c Release --no-restore -nologo -v quiet -clp:ErrorsOnly || exit 1
log="$(mktemp)"
dotnet test Arrakis.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# The shipped form is the NativeAOT binary (server/publish-native.sh; it installs clang and zlib1g-dev when
# missing): the integration suite runs a second time against it.
if native="$(bash server/publish-native.sh)"; then
  ARRAKIS_SERVER_BINARY="$native" dotnet test tests/Arrakis.Integration.Tests/Arrakis.Integration.Tests.csproj -c Release --no-build -nologo "$@" 2>&1 | tee -a "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
else
  echo "tests/run.sh: the NativeAOT publish failed" | tee -a "$log"
  status=1
fi
awk '/(Passed|Failed)!/ {
       for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1)); if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit $status
