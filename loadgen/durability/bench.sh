#!/usr/bin/env bash
# Durable writes, side by side in one run (the disks' flush latency varies by machine and day, so only
# same-run ratios mean anything):
#   disk      the disk's own durable 4 KiB append rate (O_DIRECT pwrite + fdatasync, pre-written file)
#   redis     redis-server 7.0 --appendonly yes --appendfsync always
#   ours      arrakis --appendonly yes --appendfsync always (io_uring, group commit)
#   nolog     arrakis --appendonly no
# with redis-benchmark -t set,incr,lpush at -c 1 and -c 50, each server after the same warm-up. Prints
# requests/s and the ratios the issue asks for.
# Usage: loadgen/durability/bench.sh [requests at -c 1 (3000)] [requests at -c 50 (100000)]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
n1="${1:-3000}"; n50="${2:-100000}"
work="$(mktemp -d "${TMPDIR:-/var/tmp}/arrakis-bench.XXXXXX")"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
dotnet build "$root/server/Arrakis.Server.Host/Arrakis.Server.Host.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
dll="$root/server/Arrakis.Server.Host/bin/Release/net10.0/arrakis-server.dll"

wait_port() { for _ in $(seq 1 200); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.05; done; echo "no server on $1" >&2; exit 1; }
warm() { # every server gets the same warm-up before it is measured (ours runs on a JIT: tier-0 code at first)
  redis-benchmark -p "$1" -t set,incr,lpush -c 50 -n 20000 -r 100000 -q >/dev/null 2>&1
  redis-benchmark -p "$1" -t set,incr,lpush -c 1 -n 2000 -r 100000 -q >/dev/null 2>&1
}
run() { # name port clients requests -> "test rps" lines
  redis-benchmark -p "$2" -t set,incr,lpush -c "$3" -n "$4" -r 100000 --csv 2>/dev/null | tail -n +2 | tr -d '"' | awk -F, -v n="$1" -v c="$3" '{ print n, c, $1, $2 }'
}
results="$work/results"
disk_line="$(python3 "$root/loadgen/durability/disk-rate.py" "$work" 5)"
echo "disk 1 APPEND $(echo "$disk_line" | cut -d' ' -f1)" >> "$results"

start_server() { # name args...
  local name="$1"; shift
  mkdir -p "$work/$name"
  "$@" > "$work/$name.out" 2>&1 &
  pids+=($!)
}
port=7811
start_server redis redis-server --port $port --save "" --appendonly yes --appendfsync always --dir "$work/redis" --daemonize no
wait_port $port; warm $port; run redis $port 1 "$n1" >> "$results"; run redis $port 50 "$n50" >> "$results"; kill -9 "${pids[-1]}"
port=7812
start_server ours dotnet "$dll" --port $port --appendonly yes --appendfsync always --dir "$work/ours" --aof-log-size 2gb
wait_port $port; warm $port; run ours $port 1 "$n1" >> "$results"; run ours $port 50 "$n50" >> "$results"
grep -o 'via [a-z_]*' "$work/ours.out" | head -1 | sed 's/^/ours: log /' >&2
redis-cli -p $port info persistence | grep -E 'arrakis_log_(records_per_write|flushes)' >&2 || true
kill -9 "${pids[-1]}"
port=7813
start_server nolog dotnet "$dll" --port $port --appendonly no
wait_port $port; warm $port; run nolog $port 1 "$n1" >> "$results"; run nolog $port 50 "$n50" >> "$results"; kill -9 "${pids[-1]}"

python3 - "$results" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    name, c, test, rps = line.split()
    rows[(name, int(c), test)] = float(rps)
disk = rows[("disk", 1, "APPEND")]
print(f"disk: {disk:.0f} durable 4 KiB appends/s (O_DIRECT pwrite + fdatasync, one after another)")
print(f"{'test':6} {'c':>3} {'redis always':>13} {'ours always':>12} {'ours no log':>12}   ratios")
for test in ("SET", "INCR", "LPUSH"):
    for c in (1, 50):
        r, o, n = rows.get(("redis", c, test), 0), rows.get(("ours", c, test), 0), rows.get(("nolog", c, test), 0)
        if c == 1:
            ratio = f"ours/disk {o / disk:.2f}  redis/disk {r / disk:.2f}  ours/redis {o / r:.2f}"
        else:
            ratio = f"ours/nolog {o / n:.2f}  ours/redis {o / r:.2f}"
        print(f"{test:6} {c:>3} {r:>13.0f} {o:>12.0f} {n:>12.0f}   {ratio}")
PY
