#!/bin/bash
# The same real activity (tests/data/capture, from capture.sh) in seven
# framings: journalctl short, short-iso, short-iso-precise, json, export,
# and rsyslog's RFC 3339 and traditional files. All must decode to the same
# events; only time precision and the journal-only audit session may differ.
. "$(dirname "$0")/lib.sh"
cap=$PS_SOURCE_ROOT/tests/data/capture
files=(journal-short.log journal-short-iso.log journal-short-iso-precise.log journal.json
	journal.export auth.log auth-traditional.log)
for f in "${files[@]}"; do
	# Classic timestamps take their year from the file's mtime: pin it.
	cp "$cap/$f" "$TMP/$f"
	touch -d '2026-11-22 00:00:00 UTC' "$TMP/$f"
	"$PAMSIGNAL" scan --format json --stats "$TMP/$f" > "$TMP/$f.json" 2> "$TMP/$f.err"
	check "$f: scanned" test $? -eq 0
	check "$f: no malformed or overlong lines" grep -q "malformed 0, overlong 0" "$TMP/$f.err"
done
python3 - "$TMP" "${files[@]}" <<'PY'
import json, sys
tmp, files = sys.argv[1], sys.argv[2:]
keys = ("kind", "outcome", "reason", "service", "program", "pid", "user", "target_user",
        "src_ip", "src_port", "dst_ip", "dst_port", "method", "key", "tty", "cwd", "command",
        "action", "group", "actor", "count", "ambiguous", "host")
sigs = {}
for f in files:
    evs = [json.loads(l) for l in open("%s/%s.json" % (tmp, f))]
    sigs[f] = [tuple(json.dumps(e.get(k)) for k in keys) for e in evs]
    assert all(e["time"].startswith("2026-11-21T") for e in evs), f
ref = sigs[files[0]]
assert len(ref) > 300, len(ref)
for f in files[1:]:
    if sigs[f] != ref:
        for i, (a, b) in enumerate(zip(ref, sigs[f])):
            if a != b:
                sys.exit("%s differs at event %d: %s vs %s" % (f, i + 1, a, b))
        sys.exit("%s: %d events, %s has %d" % (f, len(sigs[f]), files[0], len(ref)))
print("all %d framings give the same %d events" % (len(files), len(ref)))
PY
check "every framing decodes to the same events" test $? -eq 0
finish
