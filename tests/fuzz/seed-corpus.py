#!/usr/bin/env python3
"""Write the fuzz seed corpora from the decoder test data.

Each decoder target gets the messages of its program's lines, each framing
target whole lines of its framing, journal_export a few export streams and
scan whole files (and the detection scenarios' lines, so that scan's
detector sees attacks). Run from anywhere; rewrites tests/fuzz/corpus/. The seeds
are committed, and libFuzzer adds its own finds in CI's scratch copies.
"""
import hashlib
import os
import re
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "decode")
DETECT = os.path.join(HERE, "..", "data", "detect")
CORPUS = os.path.join(HERE, "corpus")

PROGRAM_TARGET = {
    "sshd": "sshd", "sshd-session": "sshd", "sshd-auth": "sshd", "sudo": "sudo", "su": "su",
    "login": "login", "systemd-logind": "logind", "useradd": "account", "usermod": "account",
    "userdel": "account", "groupadd": "account", "groupdel": "account", "gpasswd": "account",
    "passwd": "account", "chpasswd": "account",
}


def unescape(s):
    out = bytearray()
    i = 0
    b = s.encode("utf-8")
    while i < len(b):
        if b[i:i + 2] == b"\\\\":
            out += b"\\"
            i += 2
        elif b[i:i + 2] == b"\\x" and i + 3 < len(b) + 0:
            out.append(int(b[i + 2:i + 4], 16))
            i += 4
        else:
            out.append(b[i])
            i += 1
    return bytes(out)


def inputs(directory=DATA, only=None):
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".txt") or (only and name != only):
            continue
        for line in open(os.path.join(directory, name), encoding="utf-8"):
            line = line.rstrip("\n")
            if line.startswith("<x "):
                yield unescape(line[3:])
            elif line.startswith("< "):
                yield line[2:].encode("utf-8")


def audit_blocks():
    """Each case of audit.txt: its consecutive "<" lines, one input."""
    block = []
    for line in open(os.path.join(DATA, "audit.txt"), encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("<x "):
            block.append(unescape(line[3:]))
        elif line.startswith("< "):
            block.append(line[2:].encode("utf-8"))
        elif block:
            yield b"\n".join(block) + b"\n"
            block = []


def put(target, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    h = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, h), "wb") as f:
        f.write(data)


def export_entry(fields):
    out = b""
    for k, v in fields:
        if b"\n" in v:
            out += k + b"\n" + struct.pack("<Q", len(v)) + v + b"\n"
        else:
            out += k + b"=" + v + b"\n"
    return out + b"\n"


def chained(n, key=None, split=6):
    """n records chained as pamsignal writes them (sink/chain.h), a new file at split."""
    import hmac
    prev, out = bytes(32), []
    for i in range(1, n + 1):
        body = b'{"type":"event","kind":"auth_failure","user":"u%d","seq":%d' % (i, i)
        if i == 1 or i == split + 1:
            body += b',"prev":"' + prev.hex().encode() + b'"'
        if key:
            prev = hmac.new(key, prev + body, "sha256").digest()
        else:
            prev = hashlib.sha256(prev + body).digest()
        out.append(body + b',"' + (b"hmac" if key else b"hash") + b'":"' + prev.hex().encode() + b'"}\n')
    return out


def verify_seeds():
    """The verify target: option byte (1: key "fuzz-key", 2: an anchor), then files split at NUL."""
    plain, keyed = chained(12), chained(12, b"fuzz-key")
    files = lambda lines: b"".join(lines[:6]) + b"\0" + b"".join(lines[6:])
    put("verify", b"\0" + files(plain))
    put("verify", b"\1" + files(keyed))
    put("verify", b"\0" + files(keyed))           # keyed, no key
    put("verify", b"\3" + files(plain))           # a key, an anchor
    put("verify", b"\0" + files(plain[:4] + plain[5:]))            # deleted
    put("verify", b"\0" + files(plain[:4] + [plain[5], plain[4]] + plain[6:]))  # reordered
    put("verify", b"\0" + b"".join(plain[6:]) + b"\0" + b"".join(plain[:6]))    # swapped files
    put("verify", b"\0" + files(plain[:3] + [plain[3].replace(b"u4", b"u5")] + plain[4:]))  # edited
    put("verify", b"\0" + files(plain)[:-40])     # truncated mid-line


def main():
    for t in os.listdir(CORPUS) if os.path.isdir(CORPUS) else []:
        for f in os.listdir(os.path.join(CORPUS, t)):
            os.unlink(os.path.join(CORPUS, t, f))
    lines = list(inputs())
    tag = re.compile(rb"^(?:<\d+>)?\w{3} [ \d]\d \d\d:\d\d:\d\d \S+ ([^\s\[:]+)(?:\[\d+\])?: (.*)$", re.S)
    export = b""
    for line in lines:
        m = tag.match(line)
        if m:
            prog, msg = m.group(1).decode("latin-1"), m.group(2)
            target = "pam" if msg.startswith(b"pam_") else PROGRAM_TARGET.get(prog)
            if target:
                put(target, msg)
            put("syslog", line)
            export += export_entry([(b"__CURSOR", b"s=1"), (b"SYSLOG_IDENTIFIER", prog.encode()),
                                    (b"_PID", b"42"), (b"MESSAGE", msg)])
        elif line.startswith(b"<") and b">1 " in line[:6]:
            put("rfc5424", line)
        elif line.startswith(b"{"):
            put("journal_json", line)
        elif line.startswith(b"type=") or line.startswith(b"node="):
            pass  # audit records: whole events, below
        elif line[:4].isdigit():
            put("syslog", line)
    put("journal_export", export)
    put("journal_export", export_entry([(b"MESSAGE", b"Invalid user a\nb from 192.0.2.1 port 1"),
                                        (b"SYSLOG_IDENTIFIER", b"sshd")]))
    blocks = list(audit_blocks())
    for b in blocks:
        put("audit", b)
    put("audit", b"".join(blocks))
    put("scan", b"\n".join(lines) + b"\n")
    put("scan", b"__CURSOR=x\n" + export)
    for i in range(0, len(lines), 40):
        put("scan", b"\n".join(lines[i:i + 40]))
    for name in sorted(os.listdir(DETECT)):
        if name.endswith(".txt"):
            put("scan", b"\n".join(inputs(DETECT, name)) + b"\n")
    verify_seeds()


main()
