#!/usr/bin/env python3
"""Writes one memory workload as raw RESP to stdout (for `redis-cli --pipe`).

usage: fill.py strings|hashes|zsets|bigzset|lists
  strings  1,000,000 keys "key:000000000000" (16 bytes) with 16-byte values
  hashes   100,000 hashes of 10 fields (field 8 bytes, value 8 bytes)
  zsets    100,000 sorted sets of 10 members (8-byte members)
  bigzset  one sorted set of 1,000,000 members (12-byte members)
  lists    10 lists of 100,000 elements (16-byte elements)
"""
import sys

out = sys.stdout.buffer


def cmd(*args):
    parts = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, str):
            a = a.encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(parts)


def main(kind):
    buf = []
    flush = lambda: (out.write(b"".join(buf)), buf.clear())
    if kind == "strings":
        for i in range(1_000_000):
            buf.append(cmd("SET", "key:%012d" % i, "v%015d" % i))
            if len(buf) >= 10000: flush()
    elif kind == "hashes":
        for i in range(100_000):
            args = ["HSET", "hash:%010d" % i]
            for f in range(10):
                args += ["field%03d" % f, "val%05d" % (i % 100000)]
            buf.append(cmd(*args))
            if len(buf) >= 2000: flush()
    elif kind == "zsets":
        for i in range(100_000):
            args = ["ZADD", "zset:%010d" % i]
            for m in range(10):
                args += [str(m * 1.5 + i % 7), "member%02d" % m]
            buf.append(cmd(*args))
            if len(buf) >= 2000: flush()
    elif kind == "bigzset":
        for i in range(0, 1_000_000, 100):
            args = ["ZADD", "bigzset"]
            for m in range(i, i + 100):
                args += [str(m % 99991), "member%06d" % m]
            buf.append(cmd(*args))
            if len(buf) >= 100: flush()
    elif kind == "lists":
        for l in range(10):
            for i in range(0, 100_000, 100):
                buf.append(cmd("RPUSH", "list:%d" % l, *["element%09d" % j for j in range(i, i + 100)]))
                if len(buf) >= 100: flush()
    else:
        sys.exit("fill.py: unknown workload " + kind)
    flush()


main(sys.argv[1] if len(sys.argv) > 1 else "strings")
