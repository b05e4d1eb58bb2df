#!/usr/bin/env python3
"""Check what a syslog receiver got from a [forward.NAME] against the event
log the daemon wrote.

usage: forward_check.py EVENTS.jsonl RECEIVED FORMAT [--sd] [--allow-repeats] [--allow-extra] [--syslog-ng]

RECEIVED holds one line per message, as the tests' receivers write them.
rsyslog: one JSON object with "msg" (MSG as the receiver kept it), "sd"
(STRUCTURED-DATA), "msgid", "pri", "host", and "parsed" (the tree its
mmjsonparse and mmpstrucdata made, as JSON text). --syslog-ng: two JSON
objects separated by a tab, the first with msg, msgid, pri, host and
"sdata" (the structured data syslog-ng parsed), the second the fields its
json-parser found; syslog-ng keeps every value as text, so values are
compared as text.

Every item of the event log (events and alerts) must arrive exactly once
(--allow-repeats: at least once, repeats identical; --allow-extra: items
the event log no longer holds may arrive too, as after a crash, when the
log is cut back to its checkpoint and what followed is read and detected
again), found by its id (the
"ps_" + SHA-256 id forwarding gives each item), and its fields must say
what the event log says, in the format's own syntax: JSON formats parsed
by the receiver, CEF and LEEF parsed here by their specifications'
escaping rules. Exit status 0 when all is well; prints what is not.
"""
import hashlib
import json
import re
import sys

BOM = "\ufeff"


def item_id(line):
    return "ps_" + hashlib.sha256(line.encode()).hexdigest()[:32]


# The event log's hash chain members end each line (sink/chain.h); what
# is forwarded is the event or alert without them.
CHAIN = re.compile(r',"seq":[0-9]+(?:,"prev":"[0-9a-f]{64}")?,"(?:hash|hmac)":"[0-9a-f]{64}"}$')


def unchained(line):
    return CHAIN.sub("}", line)


def deceptive(cp):
    return (0x80 <= cp <= 0x9F or cp in (0xAD, 0x061C, 0x180E, 0xFEFF) or 0x200B <= cp <= 0x200F
            or 0x2028 <= cp <= 0x202E or 0x2060 <= cp <= 0x2064 or 0x2066 <= cp <= 0x2069)


def display(s, keep=""):
    """Our display escape for characters a syntax cannot carry (escape.h)."""
    out = []
    for ch in s:
        cp = ord(ch)
        if ch in keep:
            out.append(ch)
        elif cp < 0x20 or cp == 0x7F:
            out.append("\\x%02x" % cp)
        elif deceptive(cp):
            out.append("\\u%04x" % cp)
        else:
            out.append(ch)
    return "".join(out)


def unescape(s, table):
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            out.append(table.get(s[i + 1], s[i + 1]))
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def parse_cef(msg):
    """CEF:0|...|...: header fields split at unescaped '|', extension at ' key='."""
    assert msg.startswith("CEF:0|"), msg[:40]
    fields, cur, i = [], [], 0
    while len(fields) < 7:
        c = msg[i]
        if c == "\\" and msg[i + 1] in "\\|":
            cur.append(msg[i + 1])
            i += 2
            continue
        if c == "|":
            fields.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    ext, keys = msg[i:], {}
    starts = [m.start() for m in re.finditer(r"(?:^| )([A-Za-z0-9]+)=", ext)]
    for n, st in enumerate(starts):
        m = re.match(r" ?([A-Za-z0-9]+)=", ext[st:])
        end = starts[n + 1] if n + 1 < len(starts) else len(ext)
        raw = ext[st + m.end():end]
        assert not re.search(r"(?<!\\)(?:\\\\)*=", raw), ("unescaped = in a value", raw)
        keys[m.group(1)] = unescape(raw, {"n": "\n", "r": "\r"})
    return fields, keys


def parse_leef(msg):
    assert msg.startswith("LEEF:2.0|"), msg[:40]
    head = msg.split("|", 6)
    assert head[5] == "x09", head
    keys = {}
    for kv in head[6].split("\t"):
        k, v = kv.split("=", 1)
        keys[k] = unescape(v, {"n": "\n", "r": "\r", "t": "\t"})
    return head[:5], keys


def ms(t):
    import calendar
    import datetime
    d = datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%S.%fZ")
    return calendar.timegm(d.timetuple()) * 1000 + d.microsecond // 1000


def text(v):
    return v if isinstance(v, str) else json.dumps(v)


def check_one(fmt, ev, msg, parsed, loose):
    """Check the message's fields against ev (what the event log holds)."""
    alert = ev["type"] == "alert"
    user = ev.get("user")
    if fmt in ("json", "cee") and loose:
        for k, v in ev.items():
            if not isinstance(v, (dict, list)):
                assert text(parsed.get(k)) == text(v), ("field differs", k, parsed.get(k), v)
    elif fmt in ("json", "cee"):
        body = {k: v for k, v in parsed.items() if k != "rfc5424-sd"}
        assert body == ev, ("fields differ", body, ev)
    elif fmt == "ecs":
        assert parsed["event"]["kind"] == ("alert" if alert else "event")
        assert parsed["event"]["action"] == ev.get("rule" if alert else "kind")
        if "time" in ev:
            assert parsed["@timestamp"] == ev["time"]
        if "src_ip" in ev:
            assert parsed["source"]["ip"] == ev["src_ip"]
        if not alert and ev.get("kind") != "account_change" and user is not None:
            assert parsed["user"]["name"] == user, (parsed["user"], user)
        if "outcome" in ev:
            assert parsed["event"]["outcome"] == ev["outcome"]
    elif fmt == "ocsf":
        if "time" in ev:
            assert parsed["time"] == ms(ev["time"])
        if alert:
            assert parsed["class_uid"] == 2004 and parsed["finding_info"]["title"] == ev["rule"]
        elif ev["kind"] in ("auth_success", "auth_failure", "session_open", "session_close"):
            assert parsed["class_uid"] == 3002
            assert parsed["user"]["name"] == ev.get("target_user", user)
            assert parsed["status_id"] == {"success": 1, "failure": 2}.get(ev.get("outcome"), 0)
            if "src_ip" in ev:
                assert parsed["src_endpoint"]["ip"] == ev["src_ip"]
    elif fmt == "cef":
        head, keys = parse_cef(msg)
        assert head[1:3] == ["pamsignal", "pamsignal"] and head[4] == ev.get("rule" if alert else "kind"), head
        if "time" in ev:
            assert int(keys["rt"]) == ms(ev["time"])
        if "src_ip" in ev:
            assert keys.get("src", keys.get("c6a2")) == ev["src_ip"]
        if user is not None and not ev.get("target_user") and ev.get("kind") != "account_change":
            assert keys["duser"] == display(user, "\n\r"), (keys["duser"], display(user, "\n\r"))
    elif fmt == "leef":
        head, keys = parse_leef(msg)
        assert head[4] == ev.get("rule" if alert else "kind"), head
        if "src_ip" in ev:
            assert keys["src"] == ev["src_ip"]
        if user is not None:
            assert keys["usrName"] == display(user, "\n\r\t"), (keys["usrName"], display(user, "\n\r\t"))
    else:
        raise SystemExit("unknown format " + fmt)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    flags = [a for a in sys.argv[1:] if a.startswith("--")]
    events_path, received_path, fmt = args[:3]
    expected = {}
    for line in open(events_path, encoding="utf-8"):
        line = unchained(line.rstrip("\n"))
        ev = json.loads(line)
        expected[item_id(line)] = (ev, line)
    seen, problems, extra = {}, [], 0
    loose = "--syslog-ng" in flags
    for n, line in enumerate(open(received_path, encoding="utf-8"), 1):
        if loose:
            head, fields = line.split("\t", 1)
            r = json.loads(head)
            r["parsed"] = json.loads(fields)
        else:
            r = json.loads(line)
        msg = r["msg"]
        if msg.startswith(BOM):
            msg = msg[1:]
        parsed = r.get("parsed")
        if isinstance(parsed, str):
            parsed = json.loads(parsed) if parsed else {}
        parsed = parsed or {}
        sd = (parsed.get("rfc5424-sd") or {}).get("pamsignal@32473") or r.get("sdata") or {}
        try:
            # The id the message carries; json and cee are the event log's line itself.
            if fmt == "json":
                carried = item_id(msg)
            elif fmt == "cee":
                assert msg.startswith("@cee:"), msg[:20]
                carried = item_id(msg[5:])
            elif fmt == "ecs":
                carried = parsed["event"]["id"]
            elif fmt == "ocsf":
                carried = parsed["metadata"]["uid"]
            elif fmt == "cef":
                carried = parse_cef(msg)[1]["externalId"]
            else:
                carried = parse_leef(msg)[1]["id"]
            if carried not in expected:
                if "--allow-extra" in flags:
                    extra += 1
                    continue
                problems.append("line %d: id %s is not in the event log" % (n, carried))
                continue
            ev = expected[carried][0]
            check_one(fmt, ev, msg, parsed, loose)
            if "--sd" in flags:
                assert sd.get("id") == carried, ("SD id", sd)
                if "user" in ev:
                    assert sd.get("user") == display(ev["user"]), ("SD user", sd.get("user"), display(ev["user"]))
            if carried in seen and "--allow-repeats" in flags:
                assert seen[carried][1] == msg, "a repeat that differs"
            seen.setdefault(carried, [0, msg])[0] += 1
        except (AssertionError, KeyError, ValueError, IndexError) as e:
            problems.append("line %d: %r\n    %s" % (n, e, msg[:300]))
    missing = [expected[i][0] for i in expected if i not in seen]
    repeated = {i: c for i, (c, _) in seen.items() if c > 1}
    for p in problems[:10]:
        print(p)
    if missing:
        print("%d missing, e.g. %s" % (len(missing), json.dumps(missing[0])[:300]))
    if repeated and "--allow-repeats" not in flags:
        print("%d received more than once" % len(repeated))
    print("%s: %d expected, %d received, %d distinct, %d repeated, %d not in the event log, %d problems" %
          (fmt, len(expected), sum(c for c, _ in seen.values()) + extra, len(seen), len(repeated), extra,
           len(problems)))
    ok = not problems and not missing and (not repeated or "--allow-repeats" in flags)
    sys.exit(0 if ok else 1)


main()
