#!/usr/bin/env bash
# Durable writes, side by side in one run (the disks' flush latency varies by machine and day, so only
# same-run ratios mean anything):
#   disk      the disk's own durable 4 KiB append rate (O_DIRECT pwrite + fdatasync, pre-written file),
#             measured right before each durable server's one-client run
#   redis     redis-server 7.0 --appendonly yes --appendfsync always
#   ours      arrakis --appendonly yes --appendfsync always (io_uring, group commit)
#   nolog     arrakis --appendonly no
#   rnolog    redis-server --appendonly no (what durability costs Redis, for comparison)
# with redis-benchmark -t set,incr,lpush at -c 1 and -c 50, each server after the same warm-up. Prints
# requests/s and the ratios the issue asks for.
# Usage: loadgen/durability/bench.sh [requests at -c 1 (5000)] [requests at -c 50 (100000)] [rounds (3)]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
n1="${1:-5000}"; n50="${2:-100000}"; rounds="${3:-3}"
work="$(mktemp -d "${TMPDIR:-/var/tmp}/arrakis-bench.XXXXXX")"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
source "$root/server/server-command.sh"

# On a 2-vCPU machine the client shares the servers' CPUs, and where the scheduler puts a server's thread, its
# io_uring worker and redis-benchmark moved one run of the same server by -30%/+10% (50 clients: 60-92k SET/s
# unpinned, 76-80k pinned). So every server and the disk's own rate run on CPU 0 and redis-benchmark on CPU 1,
# all servers alike; BENCH_PIN=0 leaves placement to the scheduler.
server_cpu=(); client_cpu=()
if [ "${BENCH_PIN:-1}" = 1 ] && [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  server_cpu=(taskset -c 0); client_cpu=(taskset -c 1)
fi
wait_port() { for _ in $(seq 1 200); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.05; done; echo "no server on $1" >&2; exit 1; }
warm() { # every server gets the same warm-up before it is measured (ours runs on a JIT: tier-0 code at first)
  "${client_cpu[@]}" redis-benchmark -p "$1" -t set,incr,lpush -c 50 -n 20000 -r 100000 -q >/dev/null 2>&1
  "${client_cpu[@]}" redis-benchmark -p "$1" -t set,incr,lpush -c 1 -n 2000 -r 100000 -q >/dev/null 2>&1
}
run() { # name port clients requests -> "test rps" lines
  "${client_cpu[@]}" redis-benchmark -p "$2" -t set,incr,lpush -c "$3" -n "$4" -r 100000 --csv 2>/dev/null | tail -n +2 | tr -d '"' | awk -F, -v n="$1" -v c="$3" '{ print n, c, $1, $2 }'
}
results="$work/results"
# The disk's own rate drifts by 20% within minutes on these machines: it is measured right before each durable
# server's one-client run, and that server's ratio uses the rate measured next to it.
disk_rate() { echo "disk-$1 1 APPEND $("${server_cpu[@]}" python3 "$root/loadgen/durability/disk-rate.py" "$work" 3 | cut -d' ' -f1)" >> "$results"; }
stop_last() { kill -9 "${pids[-1]}" 2>/dev/null || true; wait "${pids[-1]}" 2>/dev/null || true; }
start_server() { # name args...
  local name="$1"; shift
  rm -rf "$work/$name"; mkdir -p "$work/$name"
  "${server_cpu[@]}" "$@" > "$work/$name.out" 2>&1 &
  pids+=($!)
}
# Rounds alternate the servers and the disk's own rate; the table shows medians.
for round in $(seq 1 "$rounds"); do
  echo "round $round of $rounds" >&2
  port=7811
  start_server redis redis-server --port $port --save "" --appendonly yes --appendfsync always --dir "$work/redis" --daemonize no
  wait_port $port; warm $port; disk_rate redis; run redis $port 1 "$n1" >> "$results"; run redis $port 50 "$n50" >> "$results"; stop_last
  port=7814
  start_server rnolog redis-server --port $port --save "" --appendonly no --daemonize no
  wait_port $port; warm $port; run rnolog $port 1 "$n1" >> "$results"; run rnolog $port 50 "$n50" >> "$results"; stop_last
  port=7812
  start_server ours "${arrakis[@]}" --port $port --appendonly yes --appendfsync always --dir "$work/ours" --aof-log-size 1gb
  wait_port $port; warm $port; disk_rate ours; run ours $port 1 "$n1" >> "$results"; run ours $port 50 "$n50" >> "$results"
  [ "$round" = 1 ] && grep -oE 'via (io_uring|sync)[^|]*' "$work/ours.out" | head -1 | sed 's/^/ours: log /' >&2
  redis-cli -p $port info persistence | grep -E 'arrakis_log_records_per_write' >&2 || true
  stop_last
  port=7813
  start_server nolog "${arrakis[@]}" --port $port --appendonly no
  wait_port $port; warm $port; run nolog $port 1 "$n1" >> "$results"; run nolog $port 50 "$n50" >> "$results"; stop_last
done

python3 - "$results" "$rounds" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, c, test, rps = line.split()
    rows.setdefault((name, int(c), test), []).append(float(rps))
med = {k: statistics.median(v) for k, v in rows.items()}
disk = {k: med[(f"disk-{k}", 1, "APPEND")] for k in ("redis", "ours")}
print(f"medians of {sys.argv[2]} rounds (each server restarted and warmed up every round)")
for k in ("redis", "ours"):
    print(f"disk next to {k}: {disk[k]:.0f} durable 4 KiB appends/s (O_DIRECT pwrite + fdatasync, one after another; rounds: {' '.join(f'{x:.0f}' for x in rows[(f'disk-{k}', 1, 'APPEND')])})")
print(f"{'test':6} {'c':>3} {'redis always':>13} {'ours always':>12} {'ours no log':>12} {'redis no log':>13}   ratios")
for test in ("SET", "INCR", "LPUSH"):
    for c in (1, 50):
        r, o, n, rn = (med.get((k, c, test), 0) for k in ("redis", "ours", "nolog", "rnolog"))
        if c == 1:
            ratio = f"ours/disk {o / disk['ours']:.2f}  redis/disk {r / disk['redis']:.2f}  ours/redis {o / r:.2f}"
        else:
            ratio = f"ours/nolog {o / n:.2f}  redis/its-nolog {r / rn:.2f}  ours/redis {o / r:.2f}"
        print(f"{test:6} {c:>3} {r:>13.0f} {o:>12.0f} {n:>12.0f} {rn:>13.0f}   {ratio}")
PY
