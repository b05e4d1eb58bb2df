#!/usr/bin/env python3
"""Write the fuzz seed corpora from the decoder test data.

Each decoder target gets the messages of its program's lines, each framing
target whole lines of its framing, journal_export a few export streams and
scan whole files (and the detection scenarios' lines, so that scan's
detector sees attacks). Run from anywhere; rewrites its own seeds in
tests/fuzz/corpus/ and leaves files with other names. The seeds
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


def pam_datagram(hook, result, fields, version=1, pid=4242, time_us=1798675200123456, truncated=0):
    """A pam socket datagram (src/pam/wire.h): header, then tag, 2-byte length, text."""
    out = b"PSpm" + bytes([version, hook, result, truncated]) + struct.pack(">Iq", pid, time_us)
    for tag, text in fields:
        out += bytes([tag]) + struct.pack(">H", len(text)) + text
    return out


def pam_datagram_seeds():
    svc, user, ruser, rhost, tty = 1, 2, 3, 4, 5
    ssh = [(svc, b"sshd"), (user, b"alice"), (rhost, b"203.0.113.9"), (tty, b"ssh")]
    for hook, result in ((1, 2), (1, 1), (2, 2), (2, 1), (3, 0), (4, 0)):
        put("pam_datagram", pam_datagram(hook, result, ssh))
    put("pam_datagram", pam_datagram(1, 2, [(svc, b"su"), (user, b"root"), (ruser, b"alice"), (tty, b"/dev/pts/1")]))
    put("pam_datagram", pam_datagram(3, 0, [(svc, b"login"), (user, b"bob"), (rhost, b"2001:db8::1"),
                                            (tty, b"tty1")]))
    put("pam_datagram", pam_datagram(3, 0, [(rhost, b"gw.example.org")]))
    put("pam_datagram", pam_datagram(1, 2, [(user, b"x\n{\"kind\":\"auth_success\"}\x1b[31m\xff\xfe")]))
    put("pam_datagram", pam_datagram(1, 2, [(svc, b"sshd"), (user, b"a" * 512)], truncated=2))
    put("pam_datagram", pam_datagram(1, 2, ssh, version=2))
    put("pam_datagram", pam_datagram(1, 2, [(svc, b"sshd"), (svc, b"sshd")]))


def alert_json_seeds():
    """Delivery input (alerts and events as JSON, hostile names for every
    channel's syntax) and services' answers (Retry-After header, 429 bodies)."""
    hostile = [
        r"x\n<b>&\"@everyone <!channel> *_`|\u001b[31m\u202e\ud800",
        "*b* _i_ ~s~ `c` ||x|| [l](https://evil.example) <https://evil.example|bank> # h > q - l "
        "{{DATE(2017-02-14T06:00:00Z, SHORT)}} @boss #tag /start",
        r"a\r\nBcc: evil@example.org\r\n=?UTF-8?B?QQ==?=",
        "&" * 160,
        "\u0416" * 80,
    ]
    for u in hostile:
        yield ('{"type":"event","time":"2026-11-21T19:50:23.000000Z","host":"web1","kind":"auth_success",'
               '"service":"sshd","user":"%s","src_ip":"203.0.113.7","method":"password","key":"SHA256:x"}'
               % u).encode()
        yield ('{"type":"alert","id":"a-1","rule":"brute_force","severity":"high","time":"2026-11-21T19:50:23Z",'
               '"host":"web1","summary":"%s","src_ip":"203.0.113.7","user":"%s","count":40,"window_s":300,'
               '"mitre":["T1110.001"],"events":[{"type":"event","kind":"auth_failure","n":[1,2.5e3,null,true]}]}'
               % (u, u)).encode()
    yield (b'{"type":"alert","id":"a-1","rule":"ssh_bruteforce","severity":"high","time":"2026-11-21T19:50:23Z",'
           b'"host":"web1","summary":"40 failed logins","src_ip":"203.0.113.7","user":"x\\n<b>","count":40,'
           b'"window_s":300,"mitre":["T1110.001"],"events":[{"type":"event","kind":"auth_failure"}]}')
    yield (b'{"type":"event","time":"2026-11-21T19:50:23.000000Z","host":"web1","kind":"auth_success",'
           b'"service":"sshd","user":"\\u001b[31m\\ud800<!channel>","src_ip":"203.0.113.7","method":"password"}\n')
    yield b'{"type":"event","kind":"auth_failure","user":"caf\\u00e9 \\u202e","detail":"x"}'
    yield b'{"type":"alert","severity":"bogus","id":"not safe id!","rule":"' + b"r" * 200 + b'"}'
    yield b'{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}}'
    yield b'{"message":"You are being rate limited.","retry_after":0.25,"global":false}'
    yield b"Sun, 06 Nov 1994 08:49:37 GMT"
    yield b"120"


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


def audisp_seeds(blocks):
    """Datagrams as pamsignal-audisp sends them, each after a 2-byte length: every audit case's
    records one per datagram, and loss reports (good ones and bad)."""
    def dgrams(parts):
        return b"".join(struct.pack(">H", len(p)) + p for p in parts)
    for b in blocks:
        put("audisp", dgrams(b.rstrip(b"\n").split(b"\n")))
    put("audisp", dgrams([b"\0dropped 42", b"\0dropped 0", b"\0dropped 18446744073709551615"]))
    put("audisp", dgrams([b"\0dropped 18446744073709551616", b"\0dropped 01", b"\0lost 3", b"", b"a\0b"]))


def main():
    # Only this script's own seeds (put()'s names) are rewritten: inputs saved
    # by hand under a descriptive name (crashes found by fuzzing, shapes no
    # test data has) stay.
    seed_name = re.compile(r"^[0-9a-f]{16}$")
    for t in os.listdir(CORPUS) if os.path.isdir(CORPUS) else []:
        for f in os.listdir(os.path.join(CORPUS, t)):
            if seed_name.match(f):
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
    for seed in alert_json_seeds():
        put("alert_json", seed)
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
    pam_datagram_seeds()
    audisp_seeds(blocks)
    for line in event_lines():
        put("event_json", line)
    verify_seeds()


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
