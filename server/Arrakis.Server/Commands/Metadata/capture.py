#!/usr/bin/env python3
"""Captures Redis 7's own command metadata (COMMAND INFO and COMMAND DOCS, RESP3) for the commands
Arrakis implements, from a running Debian redis-server. Arrakis embeds the result so that COMMAND
answers exactly as Redis does and so that key positions drive stripe locking.

usage: capture.py PORT  (reads command names from commands.txt, writes command-info.resp, command-docs.resp, command-help.resp)
       capture.py PORT --append NAME...  (appends the entries of NAME... to the three files, keeping the
                                          order of what is there; the names must also go into commands.txt)
"""
import os, socket, sys

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

here = os.path.dirname(os.path.abspath(__file__))

def append(port, names):
    s = socket.create_connection(("127.0.0.1", port))
    f = s.makefile("rb")
    request(s, "HELLO", "3"); read_reply(f)
    for verb, out, head in (("INFO", "command-info.resp", b"*"), ("DOCS", "command-docs.resp", b"%")):
        path = os.path.join(here, out)
        old = open(path, "rb").read()
        first, rest = old.split(b"\r\n", 1)
        request(s, "COMMAND", verb, *names)
        new = read_reply(f)
        nfirst, nrest = new.split(b"\r\n", 1)
        count = int(first[1:]) + int(nfirst[1:])
        open(path, "wb").write(head + str(count).encode() + b"\r\n" + rest + nrest)
    path = os.path.join(here, "command-help.resp")
    old = open(path, "rb").read()
    first, rest = old.split(b"\r\n", 1)
    added = b""
    n = 0
    for name in names:
        request(s, "COMMAND", "INFO", name)
        if b"|help" in read_reply(f):
            request(s, name, "HELP")
            added += b"$%d\r\n%s\r\n" % (len(name), name.encode()) + read_reply(f)
            n += 1
    open(path, "wb").write(b"%" + str(int(first[1:]) + n).encode() + b"\r\n" + rest + added)
    print("appended", names)

if len(sys.argv) > 2 and sys.argv[2] == "--append":
    append(int(sys.argv[1]), sys.argv[3:])
    sys.exit(0)

names = [l.strip() for l in open(os.path.join(here, "commands.txt")) if l.strip() and not l.startswith("#")]
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
f = s.makefile("rb")
request(s, "HELLO", "3"); read_reply(f)
for verb, out in (("INFO", "command-info.resp"), ("DOCS", "command-docs.resp")):
    request(s, "COMMAND", verb, *names)
    data = read_reply(f)
    open(os.path.join(here, out), "wb").write(data)
    print(verb, len(data), "bytes")
# The HELP text of every container command, as a RESP3 map {name: reply}.
containers = []
for name in names:
    request(s, "COMMAND", "INFO", name)
    info = read_reply(f)
    if b"|help" in info:
        containers.append(name)
helps = b"%%%d\r\n" % len(containers)
for name in containers:
    request(s, name, "HELP")
    helps += b"$%d\r\n%s\r\n" % (len(name), name.encode()) + read_reply(f)
open(os.path.join(here, "command-help.resp"), "wb").write(helps)
print("HELP", len(containers), "containers")
