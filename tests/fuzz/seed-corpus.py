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
    for line in event_lines():
        put("event_json", line)


def event_lines():
    """Event log lines: every decoder case's expected event as the log has it, and a few more."""
    for name in sorted(os.listdir(DATA)):
        if not name.endswith(".txt"):
            continue
        for line in open(os.path.join(DATA, name), encoding="utf-8"):
            if line.startswith("> {"):
                yield b'{"type":"event",' + line[3:].rstrip("\n").encode("utf-8")
    yield (b'{"type":"event","time":"2026-11-23T10:32:16.000000Z","host":"web1","kind":"auth_failure",'
           b'"outcome":"failure","reason":"bad_credential","pid":4242,"ppid":4200,"exe":"/usr/bin/su",'
           b'"cmdline":"su -c true root","parents":[{"pid":4200,"comm":"bash","exe":"/usr/bin/bash",'
           b'"cmdline":"-bash","via":"audit"},{"pid":4100,"comm":"sshd","exe":"/usr/sbin/sshd","via":"proc"}],'
           b'"user":"alice","target_user":"root","seq":7,"hash":"00ff"}')
    yield (b'{"type":"alert","rule":"brute_force","severity":"high","time":"2026-11-21T19:50:23.000000Z",'
           b'"host":"web1","summary":"5 failed logins","src_ip":"203.0.113.9","subnet":"203.0.113.0/24",'
           b'"user":"root","count":5,"mitre":["T1110.001"],"events":[]}')


main()
