#!/usr/bin/env python3
"""Validate pamsignal JSON output and compare selected fields.

usage: jsoncheck.py OUTPUT [EXPECT]

Every line of OUTPUT must be strict UTF-8, one JSON object, with the event
or alert contract's required fields and no unknown ones (an alert's sample
events are checked as events). EXPECT, if given, has one JSON object per
line: the fields each successive event must have (a value of null means
"must be absent"); alerts are not compared. Exits 1 with a message on the
first difference.
"""
import json
import sys

KNOWN = {"type", "time", "host", "kind", "outcome", "reason", "service", "program", "pid",
         "user", "target_user", "src_ip", "src_port", "src_host", "dst_ip", "dst_port",
         "method", "key", "tty", "cwd", "command", "session", "action", "group", "actor",
         "count", "ambiguous", "file", "line", "message", "ppid", "exe", "login_user",
         "login_uid", "input", "audit_type", "detail", "source", "sender_uid", "sender_exe",
         "sender_comm", "duration_s", "cmdline", "parents"}
# The event log's hash chain (pamsignal-verify(8)), on every record it writes.
CHAIN = {"seq", "hash", "hmac", "prev"}
KINDS = {"auth_success", "auth_failure", "session_open", "session_close", "command",
         "probe", "account_change", "tty_input",
         "spoofed_log", "source_gap", "log_suppressed", "source_status"}
ALERT_KNOWN = {"type", "rule", "severity", "update", "time", "host", "summary", "src_ip", "subnet",
               "user", "service", "count", "window_s", "first_seen", "last_seen", "mitre", "events"}
ALERT_REQUIRED = {"type", "rule", "severity", "summary", "count", "mitre", "events"}
SEVERITIES = {"info", "low", "medium", "high", "critical"}


def fail(msg):
    print("jsoncheck: " + msg)
    sys.exit(1)


def check_strings(n, obj):
    for k, v in obj.items():
        if isinstance(v, str) and any(0xd800 <= ord(c) <= 0xdfff for c in v):
            fail("line %d: lone surrogate in %s" % (n, k))


def check_event(n, ev):
    if not isinstance(ev, dict) or ev.get("type") != "event":
        fail("line %d: not an event object" % n)
    if ev.get("kind") not in KINDS:
        fail("line %d: bad kind %r" % (n, ev.get("kind")))
    unknown = set(ev) - KNOWN
    if unknown:
        fail("line %d: unknown fields %s" % (n, sorted(unknown)))
    check_strings(n, ev)


def check_alert(n, a):
    missing = ALERT_REQUIRED - set(a)
    unknown = set(a) - ALERT_KNOWN
    if missing or unknown:
        fail("line %d: alert missing %s, unknown %s" % (n, sorted(missing), sorted(unknown)))
    if a["severity"] not in SEVERITIES or not a["summary"] or "\n" in a["summary"]:
        fail("line %d: bad alert severity or summary" % n)
    if not all(isinstance(m, str) and m.startswith("T") for m in a["mitre"]):
        fail("line %d: bad mitre ids %r" % (n, a["mitre"]))
    check_strings(n, a)
    for ev in a["events"]:
        check_event(n, ev)


def strip_chain(n, rec):
    """The chain's members, checked for shape, then left out (top level only)."""
    if not isinstance(rec, dict) or not CHAIN & set(rec):
        return rec
    if not isinstance(rec.get("seq"), int) or rec["seq"] < 1:
        fail("line %d: bad chain seq %r" % (n, rec.get("seq")))
    for k in ("hash", "hmac", "prev"):
        v = rec.get(k)
        if v is not None and not (isinstance(v, str) and len(v) == 64 and all(c in "0123456789abcdef" for c in v)):
            fail("line %d: bad chain %s %r" % (n, k, v))
    return {k: v for k, v in rec.items() if k not in CHAIN}


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
        ev = strip_chain(n, ev)
        if isinstance(ev, dict) and ev.get("type") == "alert":
            check_alert(n, ev)
            continue
        check_event(n, ev)
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
