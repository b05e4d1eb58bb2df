#!/usr/bin/env python3
"""usage: subseq.py EVENTS.jsonl EXPECT.jsonl

Each line of EXPECT (a JSON object of fields) must match an event of EVENTS,
in order (other events may come between). null means "field absent".
"""
import json
import sys

events = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
want = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
i = 0
for n, w in enumerate(want, 1):
    while i < len(events):
        ev = events[i]
        i += 1
        if all((ev.get(k) is None) if v is None else ev.get(k) == v for k, v in w.items()):
            break
    else:
        print("subseq: expected event %d not found (in order): %s" % (n, json.dumps(w)))
        sys.exit(1)
print("subseq: all %d expected events found in order among %d" % (len(want), len(events)))
