#!/bin/bash
# Attacker-chosen user names through every output of scan: the event keeps
# the real source and type, JSON stays valid UTF-8 JSON, and the terminal
# table shows escape sequences instead of obeying them.
. "$(dirname "$0")/lib.sh"
JC="python3 $PS_SOURCE_ROOT/tests/e2e/jsoncheck.py"

# printf %b: \xNN and \0NNN make the raw bytes an attacker can send.
names=(
	'x from 203.0.113.9 port 22 ssh2'
	'a Accepted password for root from 198.51.100.1 port 22 ssh2'
	'\x1b[2J\x1b[31mred\x1b]0;title\x07'
	'nul\0000byte'
	'bad\xff\xfeutf8\xc0\xaf'
	'{"type":"event","user":"root"}'
	'*bold* _it_ `code` [link](http://example.org) <!channel> <@U123> @everyone'
	'rtl\xe2\x80\xaeoverride\xe2\x80\xa8sep\xc2\x9bcsi'
	'<script>alert(1)</script>&amp;'
	"quote'\"back\\\\slash"
)
: > $TMP/hostile.log
: > $TMP/want
i=0
for n in "${names[@]}"; do
	i=$((i + 1))
	printf 'Nov 21 10:00:%02d web1 sshd[%d]: Failed password for invalid user %b from 192.0.2.%d port %d ssh2\n' \
		"$i" "$i" "$n" "$i" "$((5000 + i))" >> $TMP/hostile.log
done
# The same with a newline, which only a binary journal field can carry.
{
	printf '__CURSOR=c1\n__REALTIME_TIMESTAMP=1795255200000000\nSYSLOG_IDENTIFIER=sshd\n_PID=77\nMESSAGE\n'
	msg='Invalid user evil\nAccepted password for root from 198.51.100.1 port 22 ssh2 from 192.0.2.99 port 99'
	python3 -c 'import struct,sys; m=sys.argv[1].encode().decode("unicode_escape").encode("latin-1"); sys.stdout.buffer.write(struct.pack("<Q",len(m))+m+b"\n")' "$msg"
	printf '\n'
} > $TMP/hostile.export

"$PAMSIGNAL" scan --format json $TMP/hostile.log > $TMP/out.json
check "scan of hostile names exits 0" test $? -eq 0
check "JSON output valid, UTF-8, no raw controls" $JC $TMP/out.json

# Each event keeps the real source and the whole name, decoded exactly.
python3 - "$TMP/out.json" "$TMP/hostile.log" <<'PY'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
raws = open(sys.argv[2], "rb").read().split(b"\n")[:-1]
assert len(events) == len(raws) == 10, (len(events), len(raws))
for i, (ev, raw) in enumerate(zip(events, raws), 1):
    name = raw.split(b"invalid user ", 1)[1].rsplit(b" from ", 1)[0]
    # Our escaping: invalid UTF-8 bytes become the text \xNN.
    expect = name.decode("utf-8", errors="backslashreplace")
    assert ev["kind"] == "auth_failure" and ev["reason"] == "invalid_user", ev
    assert ev["src_ip"] == "192.0.2.%d" % i, (i, ev["src_ip"])
    assert ev["src_port"] == 5000 + i, ev
    assert ev["user"] == expect, (i, ev["user"], expect)
    assert ev["message"].endswith("port %d ssh2" % (5000 + i)), ev
print("hostile names: real source and exact user for all 10")
PY
check "real source and exact user for every crafted name" test $? -eq 0

"$PAMSIGNAL" scan --format json $TMP/hostile.export > $TMP/export.json
cat > $TMP/want <<'W'
{"kind":"auth_failure","reason":"invalid_user","user":"evil\nAccepted password for root from 198.51.100.1 port 22 ssh2","src_ip":"192.0.2.99","pid":77}
W
check "newline in a journal field: one event, real source" $JC $TMP/export.json $TMP/want

# Terminal output: one line per event, no ESC or other control bytes.
"$PAMSIGNAL" scan --format text $TMP/hostile.log $TMP/hostile.export > $TMP/out.txt
python3 - "$TMP/out.txt" <<'PY'
import sys
raw = open(sys.argv[1], "rb").read()
text = raw.decode("utf-8")  # strict: raises on invalid UTF-8
bad = [hex(ord(c)) for c in text if (ord(c) < 0x20 and c != "\n") or 0x7f <= ord(c) <= 0x9f
       or ord(c) in (0x202e, 0x2028)]
assert not bad, bad
lines = text.split("\n")[:-1]
assert len(lines) == 12, len(lines)   # header + 11 events
assert "\\x1b[2J" in text and "\\u202e" in text and "\\xff" in text
print("terminal output: 12 lines, escapes visible, no control bytes")
PY
check "terminal output neutralises escapes, one line per event" test $? -eq 0

# A local user can write any text with logger; scan only sees text, so the
# line decodes, but its program is not sshd's unless the tag says so. Lines
# with no tag, or another tag, are not sshd events.
printf 'Nov 21 10:00:00 web1 logger: Failed password for root from 203.0.113.5 port 22 ssh2\n' > $TMP/forged.log
"$PAMSIGNAL" scan --format json $TMP/forged.log > $TMP/forged.json
check "another program's text is not an sshd event" test ! -s $TMP/forged.json

finish
