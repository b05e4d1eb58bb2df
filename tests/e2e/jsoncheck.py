#!/usr/bin/env python3
"""Validate pamsignal JSON output and compare selected fields.

usage: jsoncheck.py OUTPUT [EXPECT]

Every line of OUTPUT must be strict UTF-8, one JSON object, with the event
contract's required fields and no unknown ones. EXPECT, if given, has one
JSON object per line: the fields each successive event must have (a value
of null means "must be absent"). Exits 1 with a message on the first
difference.
"""
import json
import sys

KNOWN = {"type", "time", "host", "kind", "outcome", "reason", "service", "program", "pid",
         "user", "target_user", "src_ip", "src_port", "src_host", "dst_ip", "dst_port",
         "method", "key", "tty", "cwd", "command", "session", "action", "group", "actor",
         "count", "ambiguous", "file", "line", "message", "ppid", "exe", "login_user",
         "login_uid", "input", "audit_type", "detail", "source", "sender_uid", "sender_exe",
         "sender_comm", "duration_s"}
KINDS = {"auth_success", "auth_failure", "session_open", "session_close", "command",
         "probe", "account_change", "tty_input"}


def fail(msg):
    print("jsoncheck: " + msg)
    sys.exit(1)


def main():
    raw = open(sys.argv[1], "rb").read()
    try:
        text = raw.decode("utf-8", errors="strict")
    except UnicodeDecodeError as e:
        fail("output is not UTF-8: %s" % e)
    events = []
    for n, line in enumerate(text.splitlines(), 1):
        for ch in line:
            if ord(ch) < 0x20 or 0x7f <= ord(ch) <= 0x9f:
                fail("line %d: raw control character U+%04X" % (n, ord(ch)))
        try:
            ev = json.loads(line)
        except ValueError as e:
            fail("line %d: not JSON: %s" % (n, e))
        if not isinstance(ev, dict) or ev.get("type") != "event":
            fail("line %d: not an event object" % n)
        if ev.get("kind") not in KINDS:
            fail("line %d: bad kind %r" % (n, ev.get("kind")))
        unknown = set(ev) - KNOWN
        if unknown:
            fail("line %d: unknown fields %s" % (n, sorted(unknown)))
        for k, v in ev.items():
            if isinstance(v, str) and any(0xd800 <= ord(c) <= 0xdfff for c in v):
                fail("line %d: lone surrogate in %s" % (n, k))
        events.append(ev)
    if len(sys.argv) > 2:
        want = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
        if len(want) != len(events):
            fail("expected %d events, got %d" % (len(want), len(events)))
        for i, (w, ev) in enumerate(zip(want, events), 1):
            for k, v in w.items():
                if v is None and k in ev:
                    fail("event %d: %s should be absent, is %r" % (i, k, ev[k]))
                if v is not None and ev.get(k) != v:
                    fail("event %d: %s is %r, expected %r" % (i, k, ev.get(k), v))
    print("jsoncheck: %d events ok" % len(events))


main()
