# Arrakis: build with the .NET SDK (the server as a NativeAOT binary, the arrakis-aof tool on the .NET
# runtime), run as a non-root user.
# Inside a container the portable network source (kernel sockets) is used; bind 0.0.0.0 so that
# published ports reach it, and set a password (--requirepass) before exposing it beyond a host.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# NativeAOT links with clang and zlib; scripting's small C library over Debian's Lua 5.1 is built with gcc
# during the publish (server/publish-native.sh would install them too).
RUN apt-get update \
 && apt-get install -y --no-install-recommends clang zlib1g-dev gcc libc6-dev liblua5.1-0-dev lua-cjson lua-bitop \
 && rm -rf /var/lib/apt/lists/*
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY protocol/ protocol/
COPY io-bypass/ io-bypass/
COPY persistence/ persistence/
COPY server/ server/
RUN binary="$(bash server/publish-native.sh)" \
 && cp -r "$(dirname "$binary")" /app \
 && dotnet publish persistence/Arrakis.Aof/Arrakis.Aof.csproj -c Release -o /app/aof --nologo

FROM mcr.microsoft.com/dotnet/runtime:10.0 AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends redis-tools liblua5.1-0 lua-cjson lua-bitop \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data arrakis \
 && mkdir -p /data && chown arrakis /data
WORKDIR /data
COPY --from=build /app /app
USER arrakis
VOLUME ["/data"]
EXPOSE 6379
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD redis-cli -p 6379 ping | grep -q PONG || exit 1
ENTRYPOINT ["/app/arrakis-server"]
# The log in the volume; io_uring is refused by Docker's default seccomp profile, so aof-io auto falls back
# to the sync thread (the startup report says so).
CMD ["--bind", "0.0.0.0", "--port", "6379", "--appendonly", "yes", "--dir", "/data"]
