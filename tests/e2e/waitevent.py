#!/usr/bin/env python3
"""Wait for an event in a JSON-lines event log.

waitevent.py LOG SUBSET [--timeout S] [--count N] [--exact]
  SUBSET is a JSON object; an event matches when it has every key with the
  same value. Waits until at least N (default 1) events match, or exactly N
  with --exact after the wait, polling the file. Prints how long it took.
Exit 0 when found, 1 when not (printing what the log holds).
"""
import json, sys, time

def matching(path, want):
    n = 0
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                try:
                    ev = json.loads(line)
                except ValueError:
                    continue
                if all(ev.get(k) == v for k, v in want.items()):
                    n += 1
    except FileNotFoundError:
        pass
    return n

def main():
    path, want = sys.argv[1], json.loads(sys.argv[2])
    timeout, count, exact = 10.0, 1, False
    args = sys.argv[3:]
    while args:
        a = args.pop(0)
        if a == "--timeout":
            timeout = float(args.pop(0))
        elif a == "--count":
            count = int(args.pop(0))
        elif a == "--exact":
            exact = True
    start = time.monotonic()
    while True:
        n = matching(path, want)
        if n >= count:
            break
        if time.monotonic() - start > timeout:
            print("waitevent: %d of %d matching %s after %.0fs" % (n, count, json.dumps(want), timeout))
            return 1
        time.sleep(0.02)
    if exact:
        time.sleep(0.5)
        n = matching(path, want)
        if n != count:
            print("waitevent: %d events match %s, expected exactly %d" % (n, json.dumps(want), count))
            return 1
    print("waitevent: %s after %.0f ms" % (json.dumps(want), (time.monotonic() - start) * 1000))
    return 0

sys.exit(main())
