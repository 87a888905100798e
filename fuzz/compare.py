#!/usr/bin/env python3
"""Replays fuzz inputs against redis-server and an Arrakis server and prints the replies that differ.

    fuzz/compare.py <resp|glob|bitfield|lcs|hll> <file-or-folder>... [--redis PORT] [--arrakis PORT]

Both servers must already listen on 127.0.0.1 (defaults 16399 and 16400); each input starts from
FLUSHALL. The fuzz targets only see exceptions and their own oracles: this finds the wrong-but-
harmless answers (an error text, a check done in another order). Inputs are decoded as the targets
in fuzz/Arrakis.Fuzz/Targets decode them.
"""
import os
import socket
import sys


class Conn:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.settimeout(5)
        self.buf = b""

    def _line(self):
        while b"\r\n" not in self.buf:
            self.buf += self.sock.recv(1 << 20)
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def reply(self):
        line = self._line()
        kind = line[:1]
        if kind == b"$" and int(line[1:]) >= 0:
            n = int(line[1:])
            while len(self.buf) < n + 2:
                self.buf += self.sock.recv(1 << 20)
            value, self.buf = self.buf[:n], self.buf[n + 2:]
            return line + b" " + value
        if kind in (b"*", b"%"):
            n = int(line[1:]) * (2 if kind == b"%" else 1)
            return [line] + [self.reply() for _ in range(max(n, 0))]
        return line

    def command(self, *argv):
        self.sock.sendall(b"*%d\r\n" % len(argv) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in argv))
        return self.reply()


def raw_exchange(port, payload):
    """Sends raw bytes on a fresh connection, half-closes it, returns everything the server sent."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.settimeout(1.0)
    sock.sendall(payload)
    sock.shutdown(socket.SHUT_WR)
    out = b""
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                break
            out += data
    except OSError:
        out += b"<no close>"
    sock.close()
    return out


def glob(data):
    pattern, _, subject = data.partition(b"\0")
    return [[b"SET", subject, b"1"], [b"KEYS", pattern]]


def bitfield(data):
    data = data[:2000]
    init, _, rest = data.partition(b"\0") if b"\0" in data else (b"", b"", data)
    args = rest.split(b" ")
    setup = [[b"SET", b"k", init]] if init else []
    return setup + [[b"BITFIELD", b"k"] + args, [b"BITFIELD_RO", b"k"] + args, [b"GET", b"k"]]


def lcs(data):
    parts = data[:2000].split(b"\0", 2)
    a, b = parts[0][:256], (parts[1][:256] if len(parts) > 1 else b"")
    seq = ([[b"SET", b"a", a]] if a else []) + ([[b"SET", b"b", b]] if b else [])
    if len(parts) > 2:
        seq.append([b"LCS", b"a", b"b"] + parts[2].split(b" "))
    return seq + [[b"LCS", b"a", b"b"], [b"LCS", b"a", b"b", b"LEN"]]


def hll(data):
    data = data[:16000]
    value = data if data.startswith(b"HYLL") else b"HYLL" + data
    stale = bytearray(value)
    if len(stale) >= 16:
        stale[15] |= 0x80
    many = [b"element:%d" % i for i in range(2, 66)]
    small, default = ([b"CONFIG", b"SET", b"hll-sparse-max-bytes", n] for n in (b"150", b"3000"))
    return [[b"SET", b"h", value], [b"SET", b"stale", bytes(stale)], [b"PFCOUNT", b"stale"],
            [b"PFCOUNT", b"h", b"stale"], [b"PFMERGE", b"d", b"h", b"stale"], [b"GET", b"d"],
            [b"PFADD", b"h", b"a", b"b", b"c"], [b"GET", b"h"], small, [b"PFADD", b"stale"] + many, default,
            [b"GET", b"stale"], [b"PFCOUNT", b"h"], [b"PFCOUNT", b"stale"]]


def inputs(paths):
    for path in paths:
        names = sorted(os.listdir(path)) if os.path.isdir(path) else [""]
        for name in names:
            full = os.path.join(path, name) if name else path
            if os.path.isfile(full) and not name.startswith("."):
                yield full


def main():
    args = sys.argv[1:]
    ports = {"--redis": 16399, "--arrakis": 16400}
    for flag in list(ports):
        if flag in args:
            i = args.index(flag)
            ports[flag] = int(args[i + 1])
            del args[i:i + 2]
    target, paths = args[0], args[1:]
    redis, arrakis = ports["--redis"], ports["--arrakis"]
    conns = None if target == "resp" else (Conn(redis), Conn(arrakis))
    total = differ = 0
    for path in inputs(paths):
        total += 1
        data = open(path, "rb").read()
        if target == "resp":
            for port in (redis, arrakis):
                raw_exchange(port, b"FLUSHALL\r\n")
            pairs = [(data[1:], raw_exchange(redis, data[1:]), raw_exchange(arrakis, data[1:]))]
        else:
            for c in conns:
                c.command(b"FLUSHALL")
            pairs = [(argv, conns[0].command(*argv), conns[1].command(*argv)) for argv in globals()[target](data)]
        for sent, expected, actual in pairs:
            if expected != actual:
                differ += 1
                print(f"DIFF {path}\n  sent:    {str(sent)[:200]}\n  redis:   {str(expected)[:300]}\n  arrakis: {str(actual)[:300]}")
                break
    print(f"{target}: {total} inputs, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
