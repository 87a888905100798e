#!/usr/bin/env bash
# The standard benchmark: Arrakis vs Debian's redis-server (and Garnet with --with-garnet), each on
# its own loopback port with persistence off, in alternating rounds via `arrakis-loadgen compare`.
# Writes bench-results/<date>/summary.md plus PNG charts and JSON per workload.
#
# usage: loadgen/bench.sh [--with-garnet] [--rounds N] [--seconds S] [--out DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
with_garnet=0; rounds=3; seconds=5; out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --with-garnet) with_garnet=1 ;;
    --rounds) rounds="$2"; shift ;;
    --seconds) seconds="$2"; shift ;;
    --out) out="$2"; shift ;;
    *) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
out="${out:-$root/bench-results/$(date -u +%Y-%m-%dT%H%M%SZ)}"
mkdir -p "$out"

if [ ! -x /usr/bin/redis-server ] || ! command -v redis-cli >/dev/null; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server redis-tools >/dev/null
fi
source "$root/server/server-command.sh"
dotnet build "$root/loadgen/Arrakis.LoadGen/Arrakis.LoadGen.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly
loadgen=(dotnet "$root/loadgen/Arrakis.LoadGen/bin/Release/net10.0/arrakis-loadgen.dll")

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

wait_ready() { for _ in $(seq 1 100); do redis-cli -p "$1" ping 2>/dev/null | grep -q PONG && return 0; sleep 0.1; done; echo "bench.sh: server on $1 did not start" >&2; exit 1; }

arrakis_port=$(free_port)
"${arrakis[@]}" --port "$arrakis_port" >"$out/arrakis.log" 2>&1 &
pids+=($!)
redis_port=$(free_port)
/usr/bin/redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$out/redis.log" 2>&1 &
pids+=($!)
targets=(--target "arrakis=127.0.0.1:$arrakis_port" --target "redis=127.0.0.1:$redis_port")
wait_ready "$arrakis_port"; wait_ready "$redis_port"
if [ "$with_garnet" = 1 ]; then
  tools="$root/loadgen/.tools/garnet"
  [ -x "$tools/garnet-server" ] || dotnet tool install garnet-server --version 2.2.8 --tool-path "$tools" >/dev/null
  garnet_port=$(free_port)
  "$tools/garnet-server" --port "$garnet_port" --bind 127.0.0.1 >"$out/garnet.log" 2>&1 &
  pids+=($!)
  wait_ready "$garnet_port"
  targets+=(--target "garnet=127.0.0.1:$garnet_port")
fi

common=(--test-time "$seconds" --warmup 1 --clients 50 --key-maximum 99999)
# The open loop runs at least 60 s per target (the keyspace issue's measure), in rounds of the same length.
open_rounds=$(( rounds * seconds >= 60 ? rounds : (60 + seconds - 1) / seconds ))
run() { # name, rounds, then workload options
  local name="$1" n="$2"; shift 2
  echo "== $name"
  redis-cli -p "$arrakis_port" config resetstat >/dev/null
  "${loadgen[@]}" compare "${targets[@]}" --rounds "$n" "${common[@]}" --out "$out/$name" --title "$name" "$@" | tee "$out/$name.txt"
  # The runtime's own GC figures for arrakis over this workload (its rounds and warm-ups): count and pauses.
  redis-cli -p "$arrakis_port" info stats | tr -d '\r' | grep '^arrakis_gc_' > "$out/$name/gc.txt"
  tr '\n' ' ' < "$out/$name/gc.txt"; echo
}
run set-p1  "$rounds" --command "SET __key__ __data__" --data-size 16 --pipeline 1
run set-p16 "$rounds" --command "SET __key__ __data__" --data-size 16 --pipeline 16
run get-p1  "$rounds" --command "GET __key__" --pipeline 1
run get-p16 "$rounds" --command "GET __key__" --pipeline 16
run mix-1to10-1k "$rounds" --ratio 1:10 --data-size 1024 --pipeline 1
peak=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["targets"]; print(int([x for x in t if x["name"]=="redis"][0]["median_ops_per_sec"]/2))' "$out/mix-1to10-1k/compare.json")
run open-loop-half-redis-peak "$open_rounds" --ratio 1:10 --data-size 1024 --pipeline 1 --rate "$peak"

{
  echo "# Arrakis standard benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr). Servers on loopback, persistence off;"
  echo "arrakis-loadgen compare, $rounds alternating rounds of ${seconds}s (+1 s warm-up) per target, 50 connections, keys 0-99999."
  echo "Open loop: 1:10 mix at half of redis-server's measured peak ($peak req/s), $open_rounds rounds; latency from each request's intended send time."
  echo
  for f in set-p1 set-p16 get-p1 get-p16 mix-1to10-1k open-loop-half-redis-peak; do
    cat "$out/$f/compare.md"
    echo
    echo "arrakis GC during this workload (INFO stats, from the runtime's GC events):"
    echo
    sed 's/^/    /' "$out/$f/gc.txt"
    echo
    echo "![throughput]($f/throughput.png) ![latency]($f/latency.png)"
    echo
  done
} > "$out/summary.md"
echo "wrote $out/summary.md"
