#!/usr/bin/env bash
# The longest write stall during a BGSAVE of 1 million keys, side by side in one run: for each server (ours, the
# shipped native build; redis-server 7.0, which forks), a fresh process loaded with ~1M keys of 16-byte values,
# then redis-benchmark SET -c 50 (~5 s) with BGSAVE sent 1.5 s in; and the same without a save, the machine's own
# tail. Prints redis-benchmark's latency summary per run (the last column, max, is the stall) and, for ours, the
# collections the runtime counted during the run; for both, latest_fork_usec (how long the save's beginning stopped writers).
# With bgrewriteaof as the third argument, the same for BGREWRITEAOF: both servers run appendonly yes, appendfsync
# everysec (Redis's default), automatic rewrites off; the "save" rows are then the rewrite.
# Usage: loadgen/durability/bgsave-stall.sh [rounds (3)] [keys (1000000)] [bgsave|bgrewriteaof]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rounds="${1:-3}"; keys="${2:-1000000}"; what="${3:-bgsave}"
case "$what" in
  bgsave) log=(); inprogress=rdb_bgsave_in_progress; laststatus=rdb_last_bgsave_status ;;
  bgrewriteaof) log=(--appendonly yes --appendfsync everysec --auto-aof-rewrite-percentage 0); inprogress=aof_rewrite_in_progress; laststatus=aof_last_bgrewrite_status ;;
  *) echo "usage: $0 [rounds] [keys] [bgsave|bgrewriteaof]" >&2; exit 2 ;;
esac
work="$(mktemp -d "${TMPDIR:-/var/tmp}/arrakis-stall.XXXXXX")"
pid=""
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
source "$root/server/server-command.sh"
port=$(( 20000 + RANDOM % 20000 ))
wait_port() { for _ in $(seq 1 200); do redis-cli -p "$port" ping >/dev/null 2>&1 && return 0; sleep 0.05; done; echo "no server on $port" >&2; exit 1; }
printf "%-8s %-7s %s\n" server save "avg min p50 p95 p99 max (ms) | status, collections"
for _ in $(seq 1 "$rounds"); do
  for server in arrakis redis; do
    for mode in save nosave; do
      rm -rf "$work/dir"; mkdir -p "$work/dir"
      if [ "$server" = arrakis ]; then
        "${arrakis[@]}" --port "$port" --dir "$work/dir" "${log[@]}" >"$work/server.log" 2>&1 & pid=$!
      else
        redis-server --port "$port" --dir "$work/dir" --save "" --appendonly no "${log[@]}" >"$work/server.log" 2>&1 & pid=$!
      fi
      wait_port
      redis-benchmark -p "$port" -t set -r "$keys" -n $(( keys * 4 )) -P 16 -d 16 -q >/dev/null 2>&1
      [ "$server" = arrakis ] && redis-cli -p "$port" config resetstat >/dev/null
      if [ "$mode" = save ]; then (sleep 1.5; redis-cli -p "$port" "$what" >/dev/null) & fi
      summary=$(redis-benchmark -p "$port" -t set -c 50 -n 400000 -r "$keys" -d 16 2>/dev/null | grep -A2 "latency summary" | tail -1 | tr -s ' ')
      sleep 1
      for _ in $(seq 1 100); do redis-cli -p "$port" info persistence | grep -q "$inprogress:0" && break; sleep 0.1; done
      status=$(redis-cli -p "$port" info persistence | tr -d '\r' | grep "$laststatus" | cut -d: -f2 || true)
      # latest_fork_usec: how long the save's beginning stopped writers (Redis: the fork; ours: every stripe held).
      fork=$(redis-cli -p "$port" info stats | tr -d '\r' | grep "^latest_fork_usec:" || true)
      gc=""
      [ "$server" = arrakis ] && gc=$(redis-cli -p "$port" info stats | tr -d '\r' | grep -E "arrakis_gc_(pauses|pause_max_us):" | tr '\n' ' ' || true)
      printf "%-8s %-7s %s | %s %s %s\n" "$server" "$mode" "$summary" "$status" "$fork" "$gc"
      kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
    done
  done
done
