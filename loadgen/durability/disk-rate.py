#!/usr/bin/python3
"""The disk's own rate of durable 4 KiB appends: O_DIRECT pwrite + fdatasync, one after another, on a
pre-written file (so the flush carries no metadata), the ceiling for one client under appendfsync always.
Usage: disk-rate.py DIR [seconds]. Prints: appends_per_sec p50_us p99_us"""
import mmap, os, sys, time

directory = sys.argv[1]
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
path = os.path.join(directory, "disk-rate.tmp")
size = 64 << 20
fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_DIRECT, 0o600)
try:
    big = mmap.mmap(-1, 1 << 20)
    for off in range(0, size, 1 << 20):
        os.pwrite(fd, big, off)
    os.fsync(fd)
    buf = mmap.mmap(-1, 4096)
    buf.write(b"a" * 4096)
    lat = []
    off = 0
    end = time.monotonic() + seconds
    start = time.monotonic()
    while time.monotonic() < end:
        t0 = time.perf_counter_ns()
        os.pwrite(fd, buf, off)
        os.fdatasync(fd)
        lat.append(time.perf_counter_ns() - t0)
        off = (off + 4096) % size
    elapsed = time.monotonic() - start
    lat.sort()
    print(f"{len(lat) / elapsed:.0f} {lat[len(lat) // 2] / 1000:.0f} {lat[int(len(lat) * 0.99)] / 1000:.0f}")
finally:
    os.close(fd)
    os.unlink(path)
