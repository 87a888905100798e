#!/usr/bin/env bash
# Re-captures redis-7.0-config.tsv from Debian's redis-server (needs redis-server and python3-redis).
# For each parameter: its compiled-in default, and whether CONFIG SET of that same value is refused.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
port=$((20000 + RANDOM % 10000))
work="$(mktemp -d)"
(cd "$work" && redis-server --port "$port" --daemonize yes --logfile "$work/log" --pidfile "$work/pid")
trap 'redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
sleep 0.5
/usr/bin/python3 - "$port" "$here/redis-7.0-config.tsv" <<'PY'
import sys, redis
r = redis.Redis(port=int(sys.argv[1]), decode_responses=True)
cfg = r.config_get('*')
with open(sys.argv[2], 'w') as f:
    f.write("# CONFIG GET * of Debian's redis-server 7.0.15 started with no config file (compiled-in defaults),\n")
    f.write("# and whether CONFIG SET refuses it even with its current value (immutable / protected).\n")
    f.write("# Captured by capture-config.sh; instance-specific values (dir, port, logfile, daemonize ...) are\n")
    f.write("# replaced at run time by what this server really uses.\n")
    for k in sorted(cfg):
        flag = ""
        try:
            r.config_set(k, cfg[k])
        except redis.ResponseError as e:
            flag = "immutable" if "immutable" in str(e) else "protected" if "protected" in str(e) else ""
        f.write(f"{k}\t{cfg[k]}\t{flag}\n")
PY
