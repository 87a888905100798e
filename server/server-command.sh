# Sourced by server/run.sh and the benchmark scripts: sets the array `arrakis` to the command that runs arrakis-server in
# its shipped form, the NativeAOT binary (published by server/publish-native.sh), or with ARRAKIS_JIT=1
# the JIT build (dotnet arrakis-server.dll). Expects $root.
if [ "${ARRAKIS_JIT:-0}" = 1 ]; then
  bash "$root/server/publish-native.sh" --deps-only
  dotnet build "$root/server/Arrakis.Server.Host/Arrakis.Server.Host.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
  arrakis=(dotnet "$root/server/Arrakis.Server.Host/bin/Release/net10.0/arrakis-server.dll")
else
  arrakis=("$(bash "$root/server/publish-native.sh")")
fi
