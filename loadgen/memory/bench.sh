#!/usr/bin/env bash
# Memory per key, side by side in one run: each workload of fill.py is loaded into a fresh arrakis-server
# and a fresh redis-server (persistence off), and the RSS of each process is read from /proc before and
# after, each after a settle (MEMORY PURGE on both). Prints the empty process, the RSS after, the growth and
# bytes per key/element, and our ratio to Redis.
# usage: loadgen/memory/bench.sh [workload ...]   (default: strings hashes zsets bigzset lists)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
workloads=("$@"); [ ${#workloads[@]} -gt 0 ] || workloads=(strings hashes zsets bigzset lists)
declare -A units=([strings]=1000000 [hashes]=100000 [zsets]=100000 [bigzset]=1000000 [lists]=1000000)
if [ ! -x /usr/bin/redis-server ] || ! command -v redis-cli >/dev/null; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server redis-tools >/dev/null
fi
source "$root/server/server-command.sh"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pid=""
cleanup() { [ -z "$pid" ] || kill -9 "$pid" 2>/dev/null || true; }
trap cleanup EXIT
rss() { awk '/^VmRSS:/ {print $2 * 1024}' "/proc/$1/status"; }
wait_port() { for _ in $(seq 1 200); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.05; done; echo "no server on $1" >&2; exit 1; }
measure() { # server workload -> "empty after"
  local port; port=$(free_port)
  if [ "$1" = arrakis ]; then "${arrakis[@]}" --port "$port" >/dev/null 2>&1 & else
    /usr/bin/redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no >/dev/null 2>&1 & fi
  pid=$!
  wait_port "$port"; sleep 1
  # The empty process settled the same way as the loaded one (both servers): our runtime's startup garbage
  # would otherwise count as ~3.5 MB that the load seemed not to take.
  redis-cli -p "$port" memory purge >/dev/null 2>&1 || true
  sleep 1
  local empty; empty=$(rss "$pid")
  python3 "$root/loadgen/memory/fill.py" "$2" | redis-cli -p "$port" --pipe >/dev/null
  redis-cli -p "$port" memory purge >/dev/null 2>&1 || true
  sleep 3
  echo "$empty $(rss "$pid") $(redis-cli -p "$port" dbsize)"
  kill -9 "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}
printf '%-8s %-8s %9s %9s %9s %8s %9s\n' workload server empty_MB rss_MB grown_MB B/unit keys
for w in "${workloads[@]}"; do
  declare -A grown=() total=()
  for s in arrakis redis; do
    read -r empty after keys < <(measure "$s" "$w")
    grown[$s]=$((after - empty)); total[$s]=$after
    printf '%-8s %-8s %9.1f %9.1f %9.1f %8.1f %9s\n' "$w" "$s" "$(echo "$empty/1048576" | bc -l)" "$(echo "$after/1048576" | bc -l)" \
      "$(echo "${grown[$s]}/1048576" | bc -l)" "$(echo "${grown[$s]}/${units[$w]}" | bc -l)" "$keys"
  done
  printf '%-8s ratio    growth %.2fx  rss %.2fx\n' "$w" "$(echo "${grown[arrakis]}/${grown[redis]}" | bc -l)" "$(echo "${total[arrakis]}/${total[redis]}" | bc -l)"
done
