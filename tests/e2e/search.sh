#!/bin/bash
# pamsignal search over an event log made by pamsignal itself: the log and
# its rotated copies (one gzip-compressed, one named by date) found from
# the configuration, read in time order whatever their names and the order
# of lines; filters; a session's timeline from real audit records; hostile
# user and file names escaped in text and kept exact in JSON; fields of a
# later version kept; malformed lines named and skipped; exit statuses.
. "$(dirname "$0")/lib.sh"
CAP=$PS_SOURCE_ROOT/tests/data/capture

# Log lines: captured sshd/sudo/su traffic, crafted hostile names, a brute
# force from one address (alerts), and the captured audit records.
names=(
	'\x1b[2J\x1b[31mred\x1b]0;title\x07'
	'bad\xff\xfeutf8'
	'{"type":"event","user":"root"}'
	'rtl\xe2\x80\xaeoverride'
)
: > $TMP/hostile.log
for i in "${!names[@]}"; do
	printf 'Nov 22 09:00:%02d web1 sshd[%d]: Failed password for invalid user %b from 192.0.2.%d port %d ssh2\n' \
		"$i" "$((700 + i))" "${names[$i]}" "$((i + 1))" "$((5000 + i))" >> $TMP/hostile.log
done
for i in 1 2 3 4 5 6; do
	printf 'Nov 22 09:01:%02d web1 sshd[%d]: Failed password for root from 203.0.113.9 port %d ssh2\n' \
		"$i" "$((800 + i))" "$((6000 + i))" >> $TMP/hostile.log
done
"$PAMSIGNAL" scan --format json $CAP/auth.log > $TMP/a.json
"$PAMSIGNAL" scan --format json $TMP/hostile.log > $TMP/b.json
"$PAMSIGNAL" scan --format json $CAP/audit.log > $TMP/c.json
check "the events to search were made" test -s $TMP/a.json -a -s $TMP/b.json -a -s $TMP/c.json
check "... with alerts among them" grep -q '"type":"alert"' $TMP/b.json

# A later version's fields (seq, hash) on every line; the three parts become
# the log (newest), a dated copy (gzip) and events.jsonl.1 (oldest), and
# inside the oldest two lines are swapped, the way sources interleave.
python3 - $TMP <<'PY'
import gzip, json, os, sys
tmp = sys.argv[1]
seq = 0
def add_fields(path):
    global seq
    out = []
    for line in open(path, "rb").read().splitlines():
        seq += 1
        out.append(line[:-1] + b',"seq":%d,"hash":"%064x"}' % (seq, seq))
    return out
a, b, c = (add_fields(os.path.join(tmp, n)) for n in ("a.json", "b.json", "c.json"))
os.makedirs(os.path.join(tmp, "log"))
a[3], a[4] = a[4], a[3]
a.insert(10, b"this is not json")
a.insert(20, b'{"type":"event","kind":"probe","time":"yesterday"}')
a.insert(30, b'{"type":"event","kind":"probe","user":"\\u001b[31m","pid":-4}')
open(os.path.join(tmp, "log", "events.jsonl.1"), "wb").write(b"\n".join(a) + b"\n")
with gzip.open(os.path.join(tmp, "log", "events.jsonl-20261122.gz"), "wb") as f:
    f.write(b"\n".join(b) + b"\n")
open(os.path.join(tmp, "log", "events.jsonl"), "wb").write(b"\n".join(c) + b"\n")
open(os.path.join(tmp, "log", "events.jsonl.tmp"), "wb").write(b"not a rotated copy\n")
open(os.path.join(tmp, "total"), "w").write(str(len(a) + len(b) + len(c) - 3))
PY
total=$(cat $TMP/total)
cat > $TMP/pamsignal.conf <<CFG
[output.eventlog]
path = $TMP/log/events.jsonl
CFG

"$PAMSIGNAL" search -c $TMP/pamsignal.conf --format json --stats > $TMP/all.json 2> $TMP/all.err
check "search of the whole log exits 0" test $? -eq 0
check "every event and alert of the log and its rotated copies ($total)" test "$(wc -l < $TMP/all.json)" -eq "$total"
check "the three malformed lines are counted" grep -q 'malformed 3' $TMP/all.err
check "... and named by file and line" grep -q "events.jsonl.1:11: not one JSON object" $TMP/all.err
check "... a bad time named" grep -q "events.jsonl.1:21: a field has a value" $TMP/all.err
check "... a negative pid named" grep -q "events.jsonl.1:31: a field has a value" $TMP/all.err
check "a file that only looks like a rotated copy is not read" test "$(grep -c 'not a rotated' $TMP/all.err)" -eq 0
python3 - $TMP/all.json <<'PY'
import json, sys
raw = open(sys.argv[1], "rb").read()
raw.decode("utf-8")  # strict
lines = raw.splitlines()
times = []
for l in lines:
    assert all(c >= 0x20 for c in l), l
    o = json.loads(l)
    assert "seq" in o and "hash" in o, o  # a later version's fields, kept
    times.append(o["time"])
assert times == sorted(times), "not in time order"
print("time order over %d lines, unknown fields kept" % len(lines))
PY
check "JSON output: valid, in time order, later fields kept" test $? -eq 0

# Hostile names: exact in JSON, shown (never obeyed) in text.
"$PAMSIGNAL" search -c $TMP/pamsignal.conf --src-ip 192.0.2.0/24 --format json > $TMP/hostile.json 2> /dev/null
python3 - $TMP/hostile.json <<'PY'
import json, sys
users = [json.loads(l)["user"] for l in open(sys.argv[1], encoding="utf-8")]
want = ["\x1b[2J\x1b[31mred\x1b]0;title\x07", "bad\\xff\\xfeutf8", '{"type":"event","user":"root"}',
        "rtl\u202eoverride"]
assert users == want, users
PY
check "--src-ip 192.0.2.0/24: the four crafted names, exact" test $? -eq 0
"$PAMSIGNAL" search -c $TMP/pamsignal.conf --src-ip 192.0.2.0/24 --format text > $TMP/hostile.txt 2> /dev/null
check "text output: no raw escape or control bytes" \
	python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); d.decode("utf-8"); sys.exit(any(c < 0x20 and c != 10 for c in d) or b"\xe2\x80\xae" in d)' $TMP/hostile.txt
check "text output: the escape sequence shown" grep -qF '\x1b[2J\x1b[31mred' $TMP/hostile.txt

# Filters.
"$PAMSIGNAL" search -c $TMP/pamsignal.conf --kind alert --format json > $TMP/alerts.json 2> /dev/null
check "--kind alert: alerts only" python3 -c '
import json, sys
t = [json.loads(l)["type"] for l in open(sys.argv[1])]
sys.exit(not t or set(t) != {"alert"})' $TMP/alerts.json
"$PAMSIGNAL" search -c $TMP/pamsignal.conf --user pstalice --kind auth_success,session_open \
	--since '2026-11-21 20:29:00' --until 2026-11-21T20:30:00Z --format json > $TMP/alice.json 2> /dev/null
check "--user --kind --since --until" python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
ok = ev and all(e["user"] == "pstalice" and e["kind"] in ("auth_success", "session_open")
                and "2026-11-21T20:29:00" <= e["time"] <= "2026-11-21T20:30:00Z" for e in ev)
sys.exit(not ok)' $TMP/alice.json
"$PAMSIGNAL" search -c $TMP/pamsignal.conf --user pstaud1 --kind command --format json > $TMP/aud1.json 2> /dev/null
check "--user matches login_user: pstaud1's commands as root" \
	grep -q '"user":"root".*"login_user":"pstaud1".*"command":"/usr/bin/id"' $TMP/aud1.json

# A session's timeline from the captured audit records: the login, the
# commands (sudo's as root, with login_user), the keystrokes, the logout.
"$PAMSIGNAL" search -c $TMP/pamsignal.conf --session 279 --format json > $TMP/s279.json 2> $TMP/s279.err
check "--session 279 exits 0" test $? -eq 0
python3 - $TMP/s279.json <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
kinds = [e["kind"] for e in ev]
first = lambda pred: next(i for i, e in enumerate(ev) if pred(e))
login = first(lambda e: e["kind"] == "auth_success" and e.get("service") == "sshd")
opened = first(lambda e: e["kind"] == "session_open" and e.get("service") == "sshd")
root_cmd = first(lambda e: e["kind"] == "command" and e.get("user") == "root" and e.get("command") == "/usr/bin/id")
keys = first(lambda e: e["kind"] == "tty_input")
closed = first(lambda e: e["kind"] == "session_close" and e.get("service") == "sshd")
assert login <= opened < root_cmd < keys <= closed == len(ev) - 1, kinds
assert ev[root_cmd]["login_user"] == "pstaud1"
assert all(e.get("session") in ("279", None) for e in ev)
assert not any(e.get("user") == "pstaud2" for e in ev)
print("session 279:", " ".join(kinds))
PY
check "login -> commands (root, login_user kept) -> keystrokes -> logout" test $? -eq 0
"$PAMSIGNAL" search -c $TMP/pamsignal.conf --session 279 --format text > $TMP/s279.txt 2> /dev/null
check "the timeline as a table" grep -q 'tty_input.*input id' $TMP/s279.txt
"$PAMSIGNAL" search -c $TMP/pamsignal.conf --session 99999 > /dev/null 2> $TMP/none.err
check "an unknown session: exit 1, said" test $? -eq 1 -a -n "$(grep 'no event of session' $TMP/none.err)"

# FILE arguments in any order read the same as the log.
"$PAMSIGNAL" search --format json $TMP/log/events.jsonl $TMP/log/events.jsonl-20261122.gz \
	$TMP/log/events.jsonl.1 > $TMP/files.json 2> /dev/null
check "FILE arguments in another order: the same output" cmp -s $TMP/files.json $TMP/all.json

# A hostile file name is escaped in messages; an unreadable file is named, the others still read.
bad=$(printf '%s/ev\nil\033[31m.jsonl' "$TMP")
printf 'garbage\n' > "$bad"
"$PAMSIGNAL" search --format json "$bad" $TMP/log/events.jsonl $TMP/missing.jsonl > $TMP/mixed.json 2> $TMP/mixed.err
check "an unreadable file: exit 2" test $? -eq 2
check "... named" grep -q 'missing.jsonl: No such file' $TMP/mixed.err
check "... the other files still searched" test -s $TMP/mixed.json
check "a hostile file name is escaped in messages" grep -qF 'ev\x0ail\x1b[31m.jsonl:1: not one JSON object' $TMP/mixed.err
check "... never raw" test "$(grep -c $'\033' $TMP/mixed.err)" -eq 0

"$PAMSIGNAL" search -c $TMP/pamsignal.conf --user nobody-at-all > /dev/null 2>&1
check "nothing matched: exit 1" test $? -eq 1
"$PAMSIGNAL" search -c $TMP/pamsignal.conf --since 'last tuesday' > /dev/null 2> $TMP/usage.err
check "a bad --since: exit 2, named" test $? -eq 2 -a -n "$(grep -- '--since' $TMP/usage.err)"
"$PAMSIGNAL" search --session 1 - < /dev/null > /dev/null 2>&1
check "--session on standard input: exit 2" test $? -eq 2
printf '[output.eventlog]\npath = %s/nowhere/events.jsonl\n' $TMP > $TMP/nolog.conf
"$PAMSIGNAL" search -c $TMP/nolog.conf > /dev/null 2> $TMP/nolog.err
check "no event log: exit 2, the path named" test $? -eq 2 -a -n "$(grep 'no event log at' $TMP/nolog.err)"
"$PAMSIGNAL" search --kind tty_input - < $TMP/all.json > $TMP/stdin.json 2> /dev/null
check "standard input" test "$(wc -l < $TMP/stdin.json)" -ge 2
finish
