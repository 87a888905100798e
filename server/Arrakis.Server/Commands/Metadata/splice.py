#!/usr/bin/env python3
"""Appends Redis 7's own metadata for more commands to the captured files without touching (or
reordering) the entries already there: COMMAND INFO and COMMAND DOCS of each name go at the end of
command-info.resp / command-docs.resp (their aggregate counts raised), the HELP text of container
commands at the end of command-help.resp, and the names at the end of commands.txt. Names already
in commands.txt are skipped, so running it again (e.g. after a merge took the other side's files)
adds only what is missing.

usage: splice.py PORT NAME...   (PORT: a running Debian redis-server 7.0)
"""
import os, socket, sys

here = os.path.dirname(os.path.abspath(__file__))

def request(sock, *args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a.encode() if isinstance(a, str) else a
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    sock.sendall(out)

def read_reply(f):
    """Returns the raw bytes of one RESP3 reply."""
    line = f.readline()
    t, body = line[:1], line[1:-2]
    raw = line
    if t in b"+-:,#_(":
        return raw
    if t in b"$=!":
        n = int(body)
        return raw + (f.read(n + 2) if n >= 0 else b"")
    if t in b"*~>":
        for _ in range(max(int(body), 0)):
            raw += read_reply(f)
        return raw
    if t in b"%|":
        for _ in range(int(body) * 2):
            raw += read_reply(f)
        return raw
    raise ValueError(line)

def append(name, body, count):
    """Raises the top-level count of the aggregate in file `name` by `count` and appends `body`."""
    path = os.path.join(here, name)
    old = open(path, "rb").read()
    nl = old.index(b"\r\n")
    kind, n = old[:1], int(old[1:nl])
    open(path, "wb").write(kind + str(n + count).encode() + old[nl:] + body)
    print(name, n, "->", n + count)

known = {l.strip() for l in open(os.path.join(here, "commands.txt")) if l.strip() and not l.startswith("#")}
names = [n.lower() for n in sys.argv[2:] if n.lower() not in known]
if not names:
    sys.exit("nothing to add")
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
f = s.makefile("rb")
request(s, "HELLO", "3"); read_reply(f)
for verb, out in (("INFO", "command-info.resp"), ("DOCS", "command-docs.resp")):
    request(s, "COMMAND", verb, *names)
    data = read_reply(f)
    nl = data.index(b"\r\n")
    if int(data[1:nl]) != len(names):
        sys.exit(f"COMMAND {verb} answered {int(data[1:nl])} entries for {len(names)} names: is every name a Redis 7.0 command?")
    append(out, data[nl + 2:], len(names))
helps, containers = b"", 0
for name in names:
    request(s, "COMMAND", "INFO", name)
    if b"|help" in read_reply(f):
        request(s, name, "HELP")
        helps += b"$%d\r\n%s\r\n" % (len(name), name.encode()) + read_reply(f)
        containers += 1
if containers:
    append("command-help.resp", helps, containers)
with open(os.path.join(here, "commands.txt"), "a") as c:
    for n in names:
        c.write(n + "\n")
