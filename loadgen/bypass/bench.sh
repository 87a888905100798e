#!/usr/bin/env bash
# The bypass network path side by side (run as root; CI-like machine): a veth pair, our end in the root
# namespace with 198.18.93.1/24, the peer in a fresh namespace where redis-benchmark runs with its
# ordinary kernel TCP, offloads off on both ends. Three servers, one data-plane thread each:
#   (a) kernel   arrakis on kernel sockets bound to 198.18.93.1
#   (b) xdp      arrakis --net xdp on the veth (AF_XDP queue + user-space TCP/IP, shared mode)
#   (c) redis    redis-server bound to 198.18.93.1
# Prints requests/s and p50 for SET/GET at P1 and P16 (medians of the rounds), and the server's syscalls
# per request (strace -c -f over a fixed SET run at P1), in total and by call; then arrakis-loadgen compare
# (SET/GET at P1, 5 s rounds) from the peer namespace with its latency percentiles. Everything created is deleted on exit.
# Usage: loadgen/bypass/bench.sh [requests at P1 (100000)] [rounds (3)] [clients (50)]
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "needs root (network namespaces, XDP)" >&2; exit 2; }
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
n1="${1:-100000}"; rounds="${2:-3}"; clients="${3:-50}"; n16=$(( n1 * 5 ))
for tool in ip ethtool redis-benchmark redis-server strace; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install iproute2 ethtool redis-server redis-tools strace)" >&2; exit 2; }
done
suffix=$RANDOM; ns="arrakis-bench-$suffix"; local_if="abq$suffix"; peer_if="abp$suffix"; addr=198.18.93.1
work="$(mktemp -d "${TMPDIR:-/var/tmp}/arrakis-bypass.XXXXXX")"; pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 1
  ip netns del "$ns" 2>/dev/null || true; ip link del "$local_if" 2>/dev/null || true; rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$ns"
ip link add "$local_if" type veth peer name "$peer_if" netns "$ns"
ip addr add "$addr/24" dev "$local_if"; ip link set "$local_if" up
ip netns exec "$ns" ip addr add 198.18.93.2/24 dev "$peer_if"; ip netns exec "$ns" ip link set "$peer_if" up
ethtool -K "$local_if" tx off tso off gso off gro off >/dev/null
ip netns exec "$ns" ethtool -K "$peer_if" tx off tso off gso off gro off >/dev/null
dotnet build "$root/loadgen/Arrakis.LoadGen/Arrakis.LoadGen.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
source "$root/server/server-command.sh"
redis-server --port 6400 --bind "$addr" --save "" --appendonly no --protected-mode no --daemonize no >"$work/redis.out" 2>&1 & pids+=($!)
"${arrakis[@]}" --port 6401 --bind "$addr" --threads 1 >"$work/kernel.out" 2>&1 & pids+=($!)
"${arrakis[@]}" --port 6402 --net xdp --net-if "$local_if" --threads 1 >"$work/xdp.out" 2>&1 & pids+=($!)
declare -A port=([redis]=6400 [kernel]=6401 [xdp]=6402) pid=([redis]=${pids[0]} [kernel]=${pids[1]} [xdp]=${pids[2]})
bench() { ip netns exec "$ns" bash -c "ulimit -n 8192; redis-benchmark -h $addr $*" 2>/dev/null; }
for name in redis kernel xdp; do
  for _ in $(seq 100); do ip netns exec "$ns" redis-cli -h $addr -p "${port[$name]}" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
  bench -p "${port[$name]}" -t set,get -n 50000 -c "$clients" -q >/dev/null  # warm-up (ours is JIT-compiled)
done
results="$work/results"
for round in $(seq "$rounds"); do
  echo "round $round of $rounds" >&2
  for name in redis kernel xdp; do
    bench -p "${port[$name]}" -t set,get -n "$n1" -c "$clients" --csv | tail -n +2 | tr -d '"' | awk -F, -v n=$name '{ print n, "P1", $1, $2, $5 }' >> "$results"
    bench -p "${port[$name]}" -t set,get -n "$n16" -c "$clients" -P 16 --csv | tail -n +2 | tr -d '"' | awk -F, -v n=$name '{ print n, "P16", $1, $2, $5 }' >> "$results"
  done
done
# arrakis-loadgen from the peer namespace too: its own alternating rounds and latency percentiles (p50/p99/p99.9).
loadgen=(dotnet "$root/loadgen/Arrakis.LoadGen/bin/Release/net10.0/arrakis-loadgen.dll")
for spec in "set-p1|SET __key__ __data__" "get-p1|GET __key__"; do
  title="${spec%%|*}"
  ip netns exec "$ns" "${loadgen[@]}" compare --target "redis=$addr:6400" --target "kernel=$addr:6401" --target "xdp=$addr:6402" \
    --rounds "$rounds" --test-time 5 --warmup 1 --clients "$clients" --key-maximum 99999 --data-size 16 --pipeline 1 \
    --command "${spec#*|}" --out "$work/loadgen-$title" --title "$title (from the peer namespace)" > "$work/loadgen-$title.txt" 2>&1
done
for name in redis kernel xdp; do
  strace -c -f -o "$work/strace-$name" -p "${pid[$name]}" 2>/dev/null & tracer=$!; sleep 1
  bench -p "${port[$name]}" -t set -n 20000 -c "$clients" -q >/dev/null
  sleep 0.5; kill -INT "$tracer"; wait "$tracer" 2>/dev/null || true
  calls=$(awk '$NF == "total" { print $4 }' "$work/strace-$name")
  echo "$name syscalls $calls" >> "$results"
  awk -v n="$name" '$1 ~ /^[0-9.]+$/ && $NF != "total" { print n, "sys", $NF, $4 }' "$work/strace-$name" >> "$results"
done
grep -o 'network: [^|]*' "$work/xdp.out" | head -1 | cut -c1-200 >&2
python3 - "$results" "$rounds" <<'PY'
import statistics, sys
rows, sc, calls = {}, {}, {}
for line in open(sys.argv[1]):
    f = line.split()
    if f[1] == "syscalls": sc[f[0]] = int(f[2]); continue
    if f[1] == "sys": calls.setdefault(f[0], []).append((int(f[3]), f[2])); continue
    rows.setdefault((f[0], f[1], f[2]), []).append((float(f[3]), float(f[4])))
print(f"medians of {sys.argv[2]} rounds; requests/s and p50 ms")
print(f"{'':10}" + "".join(f"{n:>22}" for n in ("(c) redis", "(a) ours kernel", "(b) ours xdp")) + "   xdp/kernel  xdp/redis")
for pipe in ("P1", "P16"):
    for test in ("SET", "GET"):
        vals = {n: (statistics.median(r for r, _ in rows[(n, pipe, test)]), statistics.median(p for _, p in rows[(n, pipe, test)])) for n in ("redis", "kernel", "xdp")}
        print(f"{test + ' ' + pipe:10}" + "".join(f"{vals[n][0]:>14.0f} {vals[n][1]:>6.3f}" for n in ("redis", "kernel", "xdp"))
              + f"   {vals['xdp'][0] / vals['kernel'][0]:>10.2f} {vals['xdp'][0] / vals['redis'][0]:>10.2f}")
print("server syscalls per request (20000 SET, P1): " + ", ".join(f"{n} {sc.get(n, 0) / 20000:.2f}" for n in ("redis", "kernel", "xdp")))
for n in ("redis", "kernel", "xdp"):
    print(f"  {n:7} " + ", ".join(f"{name} {c / 20000:.3f}" for c, name in sorted(calls.get(n, []), reverse=True)[:5]))
PY
cat "$work"/loadgen-*.txt
