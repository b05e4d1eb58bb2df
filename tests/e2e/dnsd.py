#!/usr/bin/env python3
"""A DNS server on loopback that answers PTR queries from a table, for tests.

    dnsd.py ADDR PORT LOG NAME=ANSWER...

NAME is a query name (9.2.0.192.in-addr.arpa). ANSWER is the PTR target, or
"HOLD:FILE": answer nothing until FILE exists, then "held.example.net" (a
server as slow as the test wants), or "NONE": NXDOMAIN. A name may hold any
byte as \\xNN (a label with a newline). Each query's name is appended to LOG
as it arrives. Runs until killed. Python 3 standard library only.
"""
import os
import socket
import struct
import sys
import threading


def labels(name):
    out = b""
    for label in name.split(b"."):
        if label:
            out += bytes([len(label)]) + label
    return out + b"\0"


def qname(msg):
    i, parts = 12, []
    while msg[i]:
        n = msg[i]
        parts.append(msg[i + 1:i + 1 + n])
        i += 1 + n
    return b".".join(parts), i + 1


def answer(sock, msg, peer, target):
    tid = msg[:2]
    name, end = qname(msg)
    question = msg[12:end + 4]
    if target is None:
        hdr = tid + struct.pack(">HHHHH", 0x8183, 1, 0, 0, 0)  # NXDOMAIN
        sock.sendto(hdr + question, peer)
        return
    rdata = labels(target)
    rr = b"\xc0\x0c" + struct.pack(">HHIH", 12, 1, 60, len(rdata)) + rdata
    hdr = tid + struct.pack(">HHHHH", 0x8180, 1, 1, 0, 0)
    sock.sendto(hdr + question + rr, peer)


def main():
    addr, port, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    table = {}
    for arg in sys.argv[4:]:
        k, v = arg.split("=", 1)
        table[k.lower().encode()] = v
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((addr, port))
    print("listening", flush=True)
    while True:
        msg, peer = sock.recvfrom(4096)
        name, _ = qname(msg)
        with open(log, "ab") as f:
            f.write(name + b"\n")
        v = table.get(name.lower())
        if v is None or v == "NONE":
            answer(sock, msg, peer, None)
        elif v.startswith("HOLD:"):
            path = v[5:]

            def later(msg=msg, peer=peer, path=path):
                while not os.path.exists(path):
                    threading.Event().wait(0.05)
                answer(sock, msg, peer, b"held.example.net")
            threading.Thread(target=later, daemon=True).start()
        else:
            answer(sock, msg, peer, v.encode().decode("unicode_escape").encode("latin-1"))


if __name__ == "__main__":
    main()
