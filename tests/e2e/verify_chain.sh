#!/bin/bash
# The event log's hash chain, end to end: logs written by a real
# `pamsignal run` (a followed file, no journald), then checked by
# `pamsignal verify` and by the independent Python lines of
# pamsignal-verify(8).
#
# 1. A log of events, alerts and a daemon notice (source_gap), with hostile
#    bytes in the source lines, rotated over many files: intact (exit 0),
#    also per file, from the configuration, and by the man page's Python.
# 2. Tampering with copies of it: a byte edited, a line deleted, a line
#    inserted, the end cut (newest file: only the checkpoint's anchor
#    shows it; an older file: the next file does), two lines reordered,
#    two rotated files swapped, a record spliced in from another chain.
#    Each is exit 1 and names the right FILE:LINE and problem.
# 3. HMAC (hmac_key_file as a systemd credential): right key 0, wrong key
#    1, no key 2; the key never appears in the daemon's messages or the
#    log; a key changed by SIGHUP verifies with both keys.
# 4. Crashes: a checkpoint older than the log (what kill -9 leaves) plus a
#    torn last line, and a real kill -9 mid-burst across rotations; after
#    the restarts every event is in the log once and the chain verifies.
#    Records removed while the daemon is down are reported by the daemon
#    and stay visible to verify.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/machine.sh" # run_daemon
WAIT="python3 $PS_SOURCE_ROOT/tests/e2e/waitevent.py"
VERIFY_PY=$TMP/verify.py
# The man page's Python, as a reader would copy it.
sed -n '/verify.py begins/,/verify.py ends/p' "$PS_SOURCE_ROOT/man/pamsignal-verify.8" | grep -v '^\.' |
	sed -e "s/\\\\(aq/'/g" -e 's/\\-/-/g' -e 's/\\e/\\/g' > $VERIFY_PY
check "the man page's verifier is there" test "$(wc -l < $VERIFY_PY)" -ge 15

dpid=
at_exit '[ -n "$dpid" ] && kill -9 $dpid 2> /dev/null'

# conf DIR [KEY_FILE]: DIR/p.conf following DIR/auth.log into DIR/log/events.jsonl, 64K files.
conf() {
	mkdir -p $1
	touch $1/auth.log
	{
		printf '[general]\nstate_dir = %s/state\nhostname = web1\n' $1
		printf '[source.journal]\nenabled = no\n[source.file]\nenabled = yes\npaths = %s/auth.log\n' $1
		printf '[source.audit]\nenabled = no\n[output.stdout]\nenabled = no\n'
		printf '[output.eventlog]\npath = %s/log/events.jsonl\nmax_size = 64K\nkeep = 200\n' $1
		[ -n "${2:-}" ] && printf 'hmac_key_file = %s\n' "$2"
	} > $1/p.conf
	chmod 600 $1/p.conf
}
start() { run_daemon $1/p.conf; }
stop() {
	kill -TERM $dpid
	wait $dpid
	local r=$?
	dpid=
	return $r
}
# lines DIR TAG FROM TO: "Failed password for invalid user TAGuI" lines appended to DIR/auth.log.
lines() {
	python3 - "$@" <<'PY'
import sys
d, tag, a, b = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
with open(d + "/auth.log", "a") as f:
    for i in range(a, b + 1):
        f.write("Nov 21 12:00:00 web1 sshd[%d]: Failed password for invalid user %su%d from 203.0.113.%d port 22 ssh2\n"
                % (4000 + i, tag, i, 1 + i % 200))
PY
}
# marker DIR NAME: a line for user NAME, and wait until it is in the log (all before it are).
marker() {
	echo "Nov 21 12:00:00 web1 sshd[999]: Failed password for invalid user $2 from 198.51.100.7 port 22 ssh2" >> $1/auth.log
	$WAIT $1/log/events.jsonl "{\"user\":\"$2\"}" --timeout 60 > /dev/null
}
# files LOGDIR: the log's files, oldest first.
files() { ls $1 | sed -n 's/^events\.jsonl\.\([0-9]*\)$/\1/p' | sort -rn | sed "s|^|$1/events.jsonl.|"; echo $1/events.jsonl; }
all() { cat $(files $1/log); }
fails() { ! "$@"; }
# flip FILE LINE: change one bit of a byte in the middle of LINE (never its newline).
flip() {
	python3 - "$@" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
lines = open(path, "rb").read().split(b"\n")
b = bytearray(lines[n - 1])
b[len(b) // 3] ^= 0x02
lines[n - 1] = bytes(b)
open(path, "wb").write(b"\n".join(lines))
PY
}
# exactly_once DIR TAG N: TAGu1 .. TAGuN each in exactly one event of the log (alerts name users too).
exactly_once() {
	all $1 | python3 -c '
import collections, json, re, sys
tag, n = sys.argv[1], int(sys.argv[2])
users = (r.get("user", "") for r in map(json.loads, sys.stdin) if r["type"] == "event")
seen = collections.Counter(int(m.group(1)) for m in (re.fullmatch(re.escape(tag) + r"u(\d+)", u) for u in users) if m)
bad = [k for k in range(1, n + 1) if seen[k] != 1]
print("%d of %d once; not once: %s" % (n - len(bad), n, bad[:10]))
sys.exit(1 if bad else 0)' $2 $3
}
# v ARGS...: pamsignal verify, output in $TMP/v.out, status in $vr.
v() {
	"$PAMSIGNAL" verify "$@" > $TMP/v.out 2> $TMP/v.err
	vr=$?
}
# first_problem: the first line of the report.
first_problem() { head -n 1 $TMP/v.out; }
# seq_of FILE LINE
seq_of() { sed -n "${2}p" $1 | python3 -c 'import json, sys; print(json.loads(sys.stdin.read())["seq"])'; }

# ---- 1. a log written by the daemon ----

A=$TMP/a
conf $A
start $A
check "the daemon starts on a file" test $? -eq 0
python3 "$PS_SOURCE_ROOT/bench/gen-authlog.py" 2000 -q -o - >> $A/auth.log
# Hostile bytes: an ANSI escape, invalid UTF-8, a newline-looking and a chain-looking user name.
printf 'Nov 21 12:00:00 web1 sshd[77]: Failed password for invalid user \033[31mred\377 from 203.0.113.5 port 22 ssh2\n' >> $A/auth.log
printf 'Nov 21 12:00:00 web1 sshd[78]: Failed password for invalid user x","seq":1,"hash":"%064d"} from 203.0.113.5 port 22 ssh2\n' 0 >> $A/auth.log
printf 'Nov 21 12:00:00 web1 sshd[79]: Failed password for invalid user a\\nb from 203.0.113.5 port 22 ssh2\n' >> $A/auth.log
marker $A m1
check "events reach the log" test $? -eq 0
stop
check "SIGTERM exits 0" test $? -eq 0
# A daemon notice: the followed file shrank while the daemon was down.
: > $A/auth.log
start $A
marker $A m2
stop
LOG=$A/log/events.jsonl
n_files=$(files $A/log | wc -l)
n_records=$(all $A | wc -l)
check "rotated into $n_files files" test $n_files -ge 6
check "alerts are in the log and chained" test "$(all $A | grep '"type":"alert"' | grep -c '"seq":')" -gt 0
check "source_gap notices are in the log and chained" test "$(all $A | grep '"kind":"source_gap"' | grep -c '"hash":')" -ge 1
check "every record ends with seq and hash" test "$(all $A | grep -cE ',"seq":[1-9][0-9]*(,"prev":"[0-9a-f]{64}")?,"hash":"[0-9a-f]{64}"}$')" -eq $n_records
check "every file starts with prev" test "$(for f in $(files $A/log); do head -n 1 $f; done | grep -c '"prev":"')" -eq $n_files
v $A/log
check "verify DIR: exit 0" test $vr -eq 0
check "verify DIR: intact, all $n_records records" grep -q "^intact: $n_records records, seq 1-$n_records, SHA-256; head $n_records:[0-9a-f]\{64\}$" $TMP/v.out
head=$(sed -n 's/.*; head //p' $TMP/v.out)
v $(files $A/log)
check "verify FILE... in order: exit 0" test $vr -eq 0
v $A/log/events.jsonl.3
check "verify one rotated file alone: exit 0" test $vr -eq 0
v -c $A/p.conf
check "verify with the configuration: exit 0" test $vr -eq 0
check "verify with the configuration: anchored on the checkpoint" \
	grep -q "matches the checkpoint in $A/state/state" $TMP/v.out
v --anchor "$head" $A/log
check "verify --anchor HEAD: exit 0" test $vr -eq 0
gzip -k $A/log/events.jsonl.2
mkdir $TMP/gz
cp $(files $A/log | grep -v 'jsonl\.2$') $A/log/events.jsonl.2.gz $TMP/gz/
rm $A/log/events.jsonl.2.gz
v $TMP/gz
check "a rotated file compressed with gzip: exit 0" test $vr -eq 0
check "the man page's Python: intact" python3 $VERIFY_PY $(files $A/log)
check "the daemon logs the chain's head when it closes the log" grep -q "event log chain closed at seq $n_records, hash ${head#*:}" $TMP/stderr

# Usage and read errors: exit 2, with the file and what is wrong.
v $TMP/nonexistent
check "a missing file: named in the error" grep -q "^pamsignal: verify: $TMP/nonexistent: No such file or directory$" $TMP/v.err
check "a missing file: exit status 2" test $vr -eq 2
v --anchor 12:zz $A/log
check "a bad --anchor: exit 2" test $vr -eq 2
v --state $A/p.conf $A/log
check "--state on a file that is no state file: exit 2" test $vr -eq 2
mkdir $TMP/two
touch $TMP/two/a.jsonl $TMP/two/b.jsonl
v $TMP/two
check "a directory with two logs: exit 2" grep -q "holds more than one \*.jsonl log: name the files, oldest first" $TMP/v.err
"$PAMSIGNAL" verify --help > $TMP/help.out
check "verify --help: exit 0" test $? -eq 0
check "verify --help: the usage on standard output" grep -q "^usage: pamsignal verify" $TMP/help.out

# ---- 2. tampering ----

# tampered NAME COMMAND EXPECTED_FIRST_LINE [ARGS]: on a copy of the log,
# COMMAND (with $T the copy's directory) makes verify exit 1 and report
# EXPECTED_FIRST_LINE (a grep -E pattern) first.
T=$TMP/t
tampered() {
	rm -rf $T
	cp -r $A/log $T
	eval "$2"
	v "${@:4}" $T
	check "$1: exit 1" test $vr -eq 1
	check "$1: $(first_problem)" grep -qE "^$3" <(first_problem)
}
F=$T/events.jsonl.3
s5=$(seq_of $A/log/events.jsonl.3 5)
tampered "edit a byte" "flip $F 5" "$F:5: seq $s5: the hash does not match: the record was altered"
check "edit a byte: the man page's Python finds it too" fails python3 $VERIFY_PY $(files $T)
tampered "delete a line" "sed -i 5d $F" \
	"$F:5: seq $((s5 + 1)) follows seq $((s5 - 1)) \($F:4\): record $s5 is missing: deleted"
tampered "insert a line" "sed -i '4a {\"type\":\"event\",\"kind\":\"auth_success\",\"user\":\"root\",\"src_ip\":\"203.0.113.66\"}' $F" \
	"$F:5: not a chained record"
tampered "insert raw hostile bytes" "printf '\\033[2J\\377\\000{\"seq\":1}\\n' > $TMP/line; sed -i '4r $TMP/line' $F" \
	"$F:5: not a chained record"
check "insert raw hostile bytes: none of them in the report" test "$(grep -c $'\x1b' $TMP/v.out)" -eq 0
tampered "insert a copy of a record" "sed -n 2p $F > $TMP/line; sed -i '8r $TMP/line' $F" \
	"$F:9: seq $((s5 - 3)) comes after seq $((s5 + 3)) \($F:8\): out of order"
tampered "reorder two lines" "sed -i '5{h;d};6G' $F" \
	"$F:5: seq $((s5 + 1)) follows seq $((s5 - 1)) \($F:4\): seq $s5 is out of place, at $F:6: records reordered"
tampered "swap two rotated files" "mv $T/events.jsonl.3 $T/x; mv $T/events.jsonl.4 $T/events.jsonl.3; mv $T/x $T/events.jsonl.4" \
	"$T/events.jsonl.4:1: seq [0-9]+ follows seq [0-9]+ \($T/events.jsonl.5:[0-9]+\): seq [0-9-]+ are out of place, at $T/events.jsonl.3:1-[0-9]+: the files are in the wrong order"
n3=$(wc -l < $A/log/events.jsonl.3)
tampered "cut an older file mid-line" "truncate -s -30 $F" \
	"$F:$n3: incomplete record \(no newline at the end of the file\)"
check "cut an older file mid-line: and the next file shows what is missing" \
	grep -qE "^$T/events.jsonl.2:1: seq [0-9]+ follows seq [0-9]+ .*: record [0-9]+ is missing: the end of the file before was cut" $TMP/v.out
tampered "cut the end of an older file" "sed -i '\$d' $F" \
	"$T/events.jsonl.2:1: seq [0-9]+ follows seq [0-9]+ \($F:$((n3 - 1))\): record [0-9]+ is missing: the end of the file before was cut"
# The newest records cut off: an intact but shorter chain, which only an anchor shows.
rm -rf $T
cp -r $A/log $T
sed -i '$d' $T/events.jsonl
sed -i '$d' $T/events.jsonl
v $T
check "cut the newest file's end: without an anchor, exit 0 (see pamsignal-verify(8))" test $vr -eq 0
v --state $A/state/state $T
check "cut the newest file's end: against the checkpoint, exit 1" test $vr -eq 1
check "cut the newest file's end: $(first_problem)" grep -q "^the chain ends at seq $((n_records - 2)) ($T/events.jsonl:[0-9]*), but the checkpoint in $A/state/state has seq $n_records: records $((n_records - 1))-$n_records were cut off the end$" $TMP/v.out
v --anchor "$head" $T
check "cut the newest file's end: against --anchor, exit 1" test $vr -eq 1

# Another chain: the same daemon on other lines.
B=$TMP/b
conf $B
start $B
lines $B other 1 3000
marker $B mb
stop
check "another log for splicing: $(all $B | wc -l) records" test "$(all $B | wc -l)" -gt $s5
other=$(all $B | python3 -c 'import json, sys
s = int(sys.argv[1])
print(next(l for l in sys.stdin if json.loads(l)["seq"] == s), end="")' $s5)
echo "$other" > $TMP/other
tampered "splice in another chain's record (same seq)" "sed -i -e '5r $TMP/other' -e 5d $F" \
	"$F:5(-6)?: seq $s5(-$((s5 + 1)))?: the hash does not match.*: the record was altered, or comes from another log"
tampered "splice in another chain's file" "cp $B/log/events.jsonl.3 $F" \
	"$F:1: seq [0-9]+ (follows|comes after) seq|$F:1: seq [0-9]+: its \"prev\" is not the hash of seq"

# ---- 3. HMAC ----

C=$TMP/c
mkdir -p $TMP/creds
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > $TMP/creds/eventlog.key
cp $TMP/creds/eventlog.key $TMP/right.key
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > $TMP/wrong.key
conf $C eventlog.key
export CREDENTIALS_DIRECTORY=$TMP/creds
check "check-config shows the keyed chain" grep -q "^eventlog chain: *HMAC-SHA256, key from eventlog.key$" <("$PAMSIGNAL" check-config -c $C/p.conf)
start $C
check "the daemon starts with hmac_key_file as a credential" test $? -eq 0
lines $C k 1 1500
marker $C mc1
check "keyed records: \"hmac\", not \"hash\"" test "$(all $C | grep -c '"hmac":"')" -eq "$(all $C | wc -l)"
# A new key, by SIGHUP.
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > $TMP/creds/eventlog2.key
sed -i 's/^hmac_key_file = .*/hmac_key_file = eventlog2.key/' $C/p.conf
kill -HUP $dpid
for _ in $(seq 100); do [ "$(grep -c 'event log chain opened' $TMP/stderr)" -ge 2 ] && break; sleep 0.1; done
check "SIGHUP with a new key reopens the log" test "$(grep -c 'event log chain opened' $TMP/stderr)" -eq 2
lines $C k 1501 2000
marker $C mc2
stop
unset CREDENTIALS_DIRECTORY
check "the keys are not in the daemon's messages" test "$(grep -cF -e "$(cat $TMP/right.key)" -e "$(cat $TMP/creds/eventlog2.key)" $TMP/stderr)" -eq 0
check "the keys are not in the log" test "$(all $C | grep -cF -e "$(cat $TMP/right.key)" -e "$(cat $TMP/creds/eventlog2.key)")" -eq 0
v --key-file $TMP/right.key --key-file $TMP/creds/eventlog2.key $C/log
check "both keys: exit 0" test $vr -eq 0
check "both keys: intact, HMAC-SHA256" grep -q "^intact: .*, HMAC-SHA256; head " $TMP/v.out
check "both keys: the change of key is noted" grep -q "is keyed with another of the keys given" $TMP/v.out
# The files written before the change of key (the file it happened in has both).
k1_files=$(for f in $(files $C/log); do grep -q '"user":"mc1"' $f && break; echo $f; done)
v --key-file $TMP/right.key $k1_files
check "the first key alone, on the $(echo $k1_files | wc -w) files before the change: exit 0" test $vr -eq 0
v --key-file $TMP/wrong.key $C/log
check "a wrong key: exit 1" test $vr -eq 1
check "a wrong key: $(first_problem)" grep -qE "^$C/log/events.jsonl\.[0-9]+:1-.*: seq 1-[0-9]+: the HMAC does not match \(each record\): altered, from another log, or the key is wrong" $TMP/v.out
v $C/log
check "no key: exit 2" test $vr -eq 2
check "no key: $(first_problem)" grep -qE "^$C/log/events.jsonl\.[0-9]+:1: seq 1 is keyed \(\"hmac\"\): give the key with --key-file" $TMP/v.out
v --key-file $TMP/right.key $A/log
check "a key, and an unkeyed log: exit 1" test $vr -eq 1
check "a key, and an unkeyed log: $(first_problem)" grep -q ": not keyed (\"hash\", not \"hmac\") although a key was given" $TMP/v.out
check "the man page's Python with --key: intact before the change" python3 $VERIFY_PY --key $TMP/right.key $k1_files

# ---- 4. crashes ----

D=$TMP/d
conf $D
start $D
lines $D c 1 1000
marker $D md1
stop
cp $D/state/state $TMP/state.old
start $D
lines $D c 1001 4000
marker $D md2
stop
# What a kill -9 leaves: the checkpoint of the run before (the later ones
# never reached the disk) and half a record at the end of the log.
cp $TMP/state.old $D/state/state
printf '{"type":"event","time":"2026-11-' >> $D/log/events.jsonl
start $D
check "restart on an older checkpoint and a torn line" test $? -eq 0
lines $D c 4001 4500
marker $D md3
stop
check "after the cut back: each event once" exactly_once $D c 4500
v $D/log
check "after the cut back: the chain verifies ($(tail -n 1 $TMP/v.out | cut -c1-40))" test $vr -eq 0

# A real kill -9 in a burst, written across rotations.
lines $D k9 1 1 # the file's first burst line, so that the count below is of this burst
python3 - $D/auth.log <<'PY' &
import sys, time
with open(sys.argv[1], "a") as f:
    for i in range(2, 8001):
        f.write("Nov 21 12:00:00 web1 sshd[%d]: Failed password for invalid user k9u%d from 203.0.113.%d port 22 ssh2\n"
                % (4000 + i, i, 1 + i % 200))
        if i % 50 == 0:
            f.flush()
            time.sleep(0.01)
PY
wpid=$!
start $D
for _ in $(seq 600); do [ "$(all $D 2> /dev/null | grep -c '"user":"k9u')" -ge 3000 ] && break; sleep 0.05; done
kill -9 $dpid
wait $dpid 2> /dev/null
dpid=
past=$(($(stat -c %s $D/log/events.jsonl) - $(awk -F '\t' '$1 == "eventlog" { print $4 }' $D/state/state)))
check "kill -9 mid-burst (writer still writing: $(kill -0 $wpid 2> /dev/null && echo yes || echo no); $past bytes past the checkpoint if it is the same file)" true
start $D
wait $wpid
marker $D md4
stop
check "after kill -9: each event once" exactly_once $D k9 8000
v $D/log
check "after kill -9 and restart: the chain verifies across $(files $D/log | wc -l) files" test $vr -eq 0

# Records removed while the daemon is down: it says so, and does not hide the gap.
sed -i '$d' $D/log/events.jsonl
start $D
check "records removed while stopped: the daemon warns" \
	grep -q "records were removed or changed while pamsignal was not running" $TMP/stderr
marker $D md5
stop
v $D/log
check "records removed while stopped: verify still shows them missing" \
	grep -qE "^$D/log/events.jsonl(\.1)?:[0-9]+: seq [0-9]+ follows seq [0-9]+ .*: record [0-9]+ is missing" $TMP/v.out

finish
