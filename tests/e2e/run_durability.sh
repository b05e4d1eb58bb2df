#!/bin/bash
# pamsignal run under stress: every event reaches the event log exactly once
# across crashes, a vacuumed journal, rotation of a followed file and two
# sources carrying the same lines.
#
# 1. kill -9 in the middle of a 50,000-entry journal burst, three times,
#    each followed by a restart: every entry ends up in the log once, and
#    every line of the log is JSON (the cut back to the checkpoint's mark
#    leaves no half line).
# 2. The journal vacuumed while the daemon is stopped, so the entry its
#    saved cursor names is gone: a restart reports a source_gap for the
#    journal and reads what was logged after it.
# 3. A followed file rotated by rename six times during a 20,000-line
#    burst (the writer reopens the path after each, like rsyslog on HUP,
#    writing a few lines more to the old file first), with a kill -9 and a
#    restart in the middle: every line once, no gap reported.
# 4. The journal and a file that mirrors it (rsyslog simulated with
#    journalctl -f): each line becomes one event, not two, across a
#    kill -9 and a restart in the middle of the burst (the lines one
#    source gave and the other not yet are in the checkpoint). A forged
#    line the file gave first is still reported as spoofed_log.
# 5. The event log rotated several times past the last checkpoint (a slow
#    fdatasync lets a small log rotate faster than checkpoints follow):
#    the restart cuts the file holding the mark and empties the newer
#    ones, so nothing is written twice. The crash is simulated by putting
#    back an older state file, which is all a crash leaves behind.
# After each part, the event log's hash chain verifies (pamsignal verify):
# the cut back to a checkpoint keeps it whole.
#
# Journal entries are sent with `logger -t sshd` as root, so each becomes
# exactly one event: spoofed_log (see run_live.sh), or auth_failure when
# logger was gone before journald read its /proc entry (src/source/trust.h).
# Its message keeps the text, which carries a per-run tag and a number.
# Part 2 deletes archived journal files (journalctl --vacuum-time) on this
# machine: acceptable on the test VMs; the active journal file is never
# touched. About 35 s once the machine lock is taken.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/journal.sh"
. "$(dirname "$0")/machine.sh"
WAIT="python3 $PS_SOURCE_ROOT/tests/e2e/waitevent.py"

if [ "$(id -u)" != 0 ]; then
	not_ok "run_durability needs root to run journald and vacuum the journal"
	finish
	exit 1
fi
take_machine_lock
journal_start
check "journald is running and stores what is logged" test -n "$(journal_mark start)"
started=$SECONDS
run=$$$RANDOM # in every message: earlier runs' entries never match

# ---- helpers ----

# write_conf DIR JOURNAL FILE [PATHS]: DIR/pamsignal.conf, event log DIR/log/events.jsonl
write_conf() {
	mkdir -p $1
	cat > $1/pamsignal.conf <<CFG
[general]
state_dir = $1/state

[source.journal]
enabled = $2

[source.file]
enabled = $3
paths = ${4:-/nonexistent}

[source.audit]
enabled = no

[output.eventlog]
path = $1/log/events.jsonl
max_size = 1G

[output.stdout]
enabled = no
CFG
}

dpid=
at_exit '[ -n "$dpid" ] && kill -9 $dpid 2> /dev/null'
# start_daemon DIR: run it on DIR/pamsignal.conf until it says it is monitoring.
start_daemon() {
	local before
	before=$(grep -c 'monitoring' $1/stderr 2> /dev/null)
	"$PAMSIGNAL" run -c $1/pamsignal.conf >> $1/stderr 2>&1 &
	dpid=$!
	for _ in $(seq 100); do
		[ "$(grep -c 'monitoring' $1/stderr)" -gt "${before:-0}" ] && return 0
		sleep 0.05
	done
	cat $1/stderr
	return 1
}
stop_daemon() {
	kill -TERM $dpid
	wait $dpid
	local r=$?
	dpid=
	return $r
}
# wait_grep FILE STRING N SECONDS: until at least N lines of FILE contain STRING.
wait_grep() {
	local end=$((SECONDS + $4))
	while [ "$(grep -c -F -- "$2" $1 2> /dev/null)" -lt $3 ]; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.2
	done
}

# burst TAG FROM TO ADDR [PER_SECOND]: "Failed password for invalid user
# TAGuI from ADDR port 22 ssh2" for I in FROM..TO through logger -t sshd,
# PER_SECOND (default 5,000) entries a second at most.
burst() {
	python3 -c '
import sys, time
tag, first, last, addr, rate = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
for i in range(first, last + 1):
    sys.stdout.write("Failed password for invalid user %su%d from %s port 22 ssh2\n" % (tag, i, addr))
    if i % 20 == 0:
        sys.stdout.flush()
        time.sleep(20 / rate)
' "$1" "$2" "$3" "$4" "${5:-5000}" | logger -t sshd
}

# exactly_once LOG TAG N: every line of LOG is JSON, and the events whose
# message names user TAGu1 .. TAGuN hold each number exactly once. Any kind
# counts: a root logger that exits before journald reads its /proc entry
# passes as genuine (see src/source/trust.h), and with two sources the
# file's copy may be the one kept. Says what is wrong otherwise.
exactly_once() {
	python3 - "$@" <<'PY'
import collections, json, re, sys
path, tag, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
pat = re.compile(r"invalid user " + re.escape(tag) + r"u(\d+) from ")
seen = collections.Counter()
for i, line in enumerate(open(path, "rb"), 1):
    try:
        ev = json.loads(line)
    except ValueError:
        sys.exit("exactly_once: line %d is not JSON: %r" % (i, line[:200]))
    m = pat.search(ev.get("message", ""))
    if m:
        seen[int(m.group(1))] += 1
missing = [k for k in range(1, n + 1) if seen[k] == 0]
twice = [k for k in range(1, n + 1) if seen[k] > 1]
extra = [k for k in seen if not 1 <= k <= n]
if missing or twice or extra:
    print("exactly_once: %d of %d present; %d missing %s, %d more than once %s, %d out of range"
          % (n - len(missing), n, len(missing), missing[:10], len(twice),
             [(k, seen[k]) for k in twice[:10]], len(extra)))
    sys.exit(1)
PY
}

# kill_at LOG N: kill -9 the daemon the moment LOG reaches N lines, that is
# right after the write that got it there and (almost always) before the
# checkpoint that follows it is on disk. Sets killed_at to the count.
kill_at() {
	# The group's stderr: bash reports the killed job while python runs.
	{ python3 - "$1" "$2" "$dpid" 2> $TMP/kill_at.err > $TMP/killed_at; } 2> /dev/null <<'PY'
import os, signal, sys, time
path, n, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
end = time.monotonic() + 60
count = 0
while not os.path.exists(path) and time.monotonic() < end:
    time.sleep(0.01)
with open(path, "rb") as f:
    while count < n and time.monotonic() < end:
        data = f.read()
        if data:
            count += data.count(b"\n")
        else:
            time.sleep(0.0002)
try:
    os.kill(pid, signal.SIGKILL)
except ProcessLookupError:
    pass
print(count)
PY
	{ wait $dpid; } 2> /dev/null
	dpid=
	killed_at=$(cat $TMP/killed_at)
}
# ahead DIR: how many bytes the event log holds past the mark of the last
# checkpoint: what a restart must cut.
ahead() {
	echo $(($(stat -c %s $1/log/events.jsonl) - $(awk -F '\t' '$1 == "eventlog" { print $4 }' $1/state/state)))
}

# ---- 1. kill -9 in the middle of a journal burst ----

P1=$TMP/burst
write_conf $P1 yes no
LOG1=$P1/log/events.jsonl
tag1=b${run}x
N1=50000
start_daemon $P1
check "burst: the daemon starts" test $? -eq 0
t0=$SECONDS
# 5,000 entries a second at most: the daemon reads far faster, so the log
# follows the burst closely and the kills below land inside it.
burst $tag1 1 $N1 203.0.113.7 &
lpid=$!
kills=0
cut=
for at in 5000 20000 35000; do
	kill_at $LOG1 $at
	n=$killed_at
	kill -0 $lpid 2> /dev/null && sending=yes || sending=no
	kills=$((kills + 1))
	a=$(ahead $P1)
	cut="$cut $a"
	check "burst: kill -9 #$kills mid-burst (event log at $n lines, $a bytes past the checkpoint; logger still sending: $sending)" \
		test "$n" -ge $at -a "$n" -lt $N1 -a $sending = yes
	sleep 0.3 # entries keep arriving while it is down
	start_daemon $P1
	check "burst: restart #$kills" test $? -eq 0
done
# Otherwise the kills proved nothing about the cut back.
check "burst: a kill left events past the checkpoint (bytes:$cut)" test "$(echo $cut | tr ' ' '\n' | sort -n | tail -n 1)" -gt 0
wait $lpid
wait_grep $LOG1 "user ${tag1}u" $N1 60
check "burst: $N1 entries reached the log after $kills kills ($((SECONDS - t0)) s)" \
	test "$(grep -c -F "user ${tag1}u" $LOG1)" -ge $N1
sleep 0.5 # anything repeated late would show now
check "burst: each of the $N1 entries exactly once, every line JSON" exactly_once $LOG1 $tag1 $N1
stop_daemon
check "burst: SIGTERM exits 0" test $? -eq 0
check "burst: no gap reported" test "$(grep -c '"kind":"source_gap"' $LOG1)" -eq 0
check "burst: the event log's chain verifies across the kills" "$PAMSIGNAL" verify $P1/log

# ---- 2. the journal vacuumed while the daemon was stopped ----

P2=$TMP/vacuum
write_conf $P2 yes no
LOG2=$P2/log/events.jsonl
tag2=v${run}x
msg() { echo "Failed password for invalid user ${tag2}u$1 from 198.51.100.4 port 22 ssh2"; }
start_daemon $P2
check "vacuum: the daemon starts" test $? -eq 0
logger -t sshd "$(msg 1)"
check "vacuum: an entry before the stop arrives" $WAIT $LOG2 "{\"message\":\"$(msg 1)\"}"
stop_daemon
check "vacuum: SIGTERM exits 0" test $? -eq 0
cursor=$(sed -n 's/^journal\t//p' $P2/state/state)
check "vacuum: the state holds a journal cursor" test -n "$cursor"
# Archive the active file, then delete every archived file (never the
# active one) that starts more than a second ago: the one holding the
# cursor's entry is among them.
journalctl --rotate > /dev/null 2>&1
check "vacuum: journalctl --rotate" test $? -eq 0
sleep 1.1
journalctl --vacuum-time=1s > $P2/vacuum.out 2>&1
check "vacuum: journalctl --vacuum-time=1s" test $? -eq 0
check "vacuum: the cursor's entry is gone from the journal" \
	test "$(journalctl -q -o export -t sshd | grep -c -a -F -x "__CURSOR=$cursor")" -eq 0
check "vacuum: so is its message" test -z "$(journalctl -q -o cat MESSAGE="$(msg 1)")"
journal_mark vacuum > /dev/null
for i in 2 3 4; do logger -t sshd "$(msg $i)"; done
start_daemon $P2
check "vacuum: the daemon restarts" test $? -eq 0
check "vacuum: a source_gap for the journal is reported" \
	$WAIT $LOG2 '{"kind":"source_gap","source":"journal"}' --count 1 --exact
check "vacuum: the entries logged after the vacuum arrive" \
	$WAIT $LOG2 "{\"message\":\"$(msg 4)\"}"
sleep 0.5
check "vacuum: each entry exactly once" exactly_once $LOG2 $tag2 4
stop_daemon

# ---- 3. a followed file rotated by rename during a burst ----

P3=$TMP/rotate
AUTH=$P3/auth.log
mkdir -p $P3
: > $AUTH
write_conf $P3 no yes $AUTH
LOG3=$P3/log/events.jsonl
tag3=r${run}x
N3=20000
K3=3000
start_daemon $P3
check "rotate: the daemon starts on the file" test $? -eq 0
t0=$SECONDS
# Every K lines: auth.log.N -> auth.log.N+1 ..., auth.log -> auth.log.1, five
# more lines into the renamed file (the writer has not had its HUP yet),
# then the path reopened. About 2,500 lines a second.
python3 - $AUTH $tag3 $N3 $K3 > $P3/rotations <<'PY' &
import os, sys, time
path, tag, n, k = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def line(i):
    return ("Nov 21 12:00:00 web1 sshd[4242]: Failed password for invalid user %su%d"
            " from 203.0.113.8 port 22 ssh2\n" % (tag, i))
f = open(path, "a")
i = rotations = 0
while i < n:
    i += 1
    f.write(line(i))
    if i % 50 == 0:
        f.flush()
        time.sleep(0.02)
    if i % k == 0 and i + 5 < n:
        f.flush()
        rotations += 1
        for r in range(rotations - 1, 0, -1):
            os.rename("%s.%d" % (path, r), "%s.%d" % (path, r + 1))
        os.rename(path, path + ".1")
        for _ in range(5):
            i += 1
            f.write(line(i))
        f.close()
        f = open(path, "a")
f.close()
print(rotations)
PY
wpid=$!
kill_at $LOG3 6000
n=$killed_at
kill -0 $wpid 2> /dev/null && sending=yes || sending=no
check "rotate: kill -9 mid-burst (event log at $n lines, $(ahead $P3) bytes past the checkpoint; writer still writing: $sending)" \
	test "$n" -ge 6000 -a "$n" -lt $N3 -a $sending = yes
rotated() { ls $AUTH.* 2> /dev/null | wc -l; }
before=$(rotated)
# Down until the writer has rotated the file at least once more.
for _ in $(seq 100); do [ $(rotated) -gt $before ] && break; sleep 0.1; done
sleep 0.5
after=$(rotated)
start_daemon $P3
check "rotate: restart after $((after - before)) rotation(s) while it was down" test $? -eq 0 -a $after -gt $before
wait $wpid
check "rotate: the writer rotated the file $(cat $P3/rotations) times (auth.log.1 .. auth.log.6 are there)" \
	test "$(cat $P3/rotations)" = 6 -a -f $AUTH.6
wait_grep $LOG3 "user ${tag3}u" $N3 40
check "rotate: $N3 lines reached the log ($((SECONDS - t0)) s)" test "$(grep -c -F "user ${tag3}u" $LOG3)" -ge $N3
sleep 0.5
check "rotate: each line exactly once, every line JSON" exactly_once $LOG3 $tag3 $N3
check "rotate: no gap reported" test "$(grep -c '"kind":"source_gap"' $LOG3)" -eq 0
stop_daemon
check "rotate: SIGTERM exits 0" test $? -eq 0
check "rotate: the event log's chain verifies across the kill" "$PAMSIGNAL" verify $P3/log

# ---- 4. the journal and a file with the same lines ----

P4=$TMP/dedup
AUTH4=$P4/auth.log
mkdir -p $P4
: > $AUTH4
write_conf $P4 yes yes $AUTH4
# logger is sshd here, so the burst's journal copies are genuine: a forged
# one whose file copy came first would rightly give two events (the file's,
# and the journal's spoofed_log), which is not what this part counts.
printf '[source.journal.programs]\nsshd = /usr/bin/logger /usr/sbin/sshd\n' >> $P4/pamsignal.conf
LOG4=$P4/log/events.jsonl
tag4=d${run}x
N4=6000
start_daemon $P4
check "dedup: the daemon starts on the journal and the file" test $? -eq 0
# rsyslog, simulated: every journal entry from here on, in syslog framing
# ("Nov 21 12:00:00 vm sshd[PID]: ..." with journald's _PID), appended to
# the file as journald stores it.
c0=$(journal_mark dedup)
journalctl -f -q -o short --after-cursor="$c0" >> $AUTH4 2> /dev/null &
mpid=$!
at_exit "kill $mpid 2> /dev/null"
# 1,000 a second for 6 s: a kill -9 at a third, a stop and start at two thirds.
burst $tag4 1 $N4 192.0.2.9 1000 &
bpid=$!
kill_at $LOG4 $((N4 / 3))
start_daemon $P4
check "dedup: restart after kill -9 at $killed_at events" test $? -eq 0
wait_grep $LOG4 "user ${tag4}u" $((N4 * 2 / 3)) 30
stop_daemon
check "dedup: SIGTERM in the burst exits 0" test $? -eq 0
start_daemon $P4
check "dedup: restart after SIGTERM" test $? -eq 0
wait $bpid
wait_grep $AUTH4 "user ${tag4}u" $N4 30
check "dedup: the file got a copy of all $N4 lines" test "$(grep -c -F "user ${tag4}u" $AUTH4)" -eq $N4
# A line only the file has: the file is being read.
echo "Nov 21 12:00:00 web1 sshd[4243]: Failed password for invalid user ${tag4}u$((N4 + 1)) from 192.0.2.9 port 22 ssh2" >> $AUTH4
wait_grep $LOG4 "user ${tag4}u" $((N4 + 1)) 30
sleep 1 # late copies would show now
check "dedup: each line exactly once across kill -9 and restart, from whichever source had it first" \
	exactly_once $LOG4 $tag4 $((N4 + 1))
kinds=$(grep -F "user ${tag4}u" $LOG4 | grep -o '"kind":"[a-z_]*"' | sort | uniq -c | tr -s ' \n' ' ')
check "dedup: the line only the file has is an auth_failure from the file ($kinds)" \
	$WAIT $LOG4 '{"kind":"auth_failure","user":"'${tag4}u$((N4 + 1))'","source":"'$AUTH4'"}' --count 1 --exact
# A forgery whose file copy is read first: written to the file, then sent to
# journald from the same pid (python, not sshd), as rsyslog would have it.
kill $mpid
forged="Accepted password for ${tag4}f from 203.0.113.66 port 22 ssh2"
python3 - "$AUTH4" "$LOG4" "$forged" <<'PY'
import os, socket, sys, time
auth, log, msg = sys.argv[1:]
pid = os.getpid()
with open(auth, "a") as f:
    f.write("Nov 21 12:00:00 web1 sshd[%d]: %s\n" % (pid, msg))
end = time.monotonic() + 20
while time.monotonic() < end and msg.encode() not in open(log, "rb").read():
    time.sleep(0.05)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.connect("/dev/log")
s.send(("<38>Nov 21 12:00:00 sshd[%d]: %s" % (pid, msg)).encode())
PY
check "dedup: the file's copy of the forged login came first: an auth_success from the file" \
	$WAIT $LOG4 '{"kind":"auth_success","user":"'${tag4}f'","source":"'$AUTH4'"}' --count 1 --exact
check "dedup: ...and the journal's copy is reported as spoofed_log, not dropped as a duplicate" \
	$WAIT $LOG4 '{"kind":"spoofed_log","sender_uid":0,"message":"'"$forged"'"}' --count 1 --exact
stop_daemon
check "dedup: SIGTERM exits 0" test $? -eq 0
check "dedup: the event log's chain verifies across the kill" "$PAMSIGNAL" verify $P4/log

# ---- 5. the event log rotated several times past the last checkpoint ----

P5=$TMP/logrotate
write_conf $P5 yes no
sed -i 's/^max_size = 1G$/max_size = 64K\nkeep = 100/' $P5/pamsignal.conf
LOG5=$P5/log/events.jsonl
tag5=l${run}x
all5() { cat $LOG5 $LOG5.* 2> /dev/null; }
# wait_all5 N: until the event log and its rotations hold N of our events.
wait_all5() {
	local end=$((SECONDS + 30))
	while [ "$(all5 | grep -c -F "user ${tag5}u")" -lt $1 ]; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.2
	done
}
start_daemon $P5
check "logrotate: the daemon starts" test $? -eq 0
burst $tag5 1 500 198.51.100.5
wait_all5 500
stop_daemon
check "logrotate: 500 events, SIGTERM exits 0" test $? -eq 0
cp $P5/state/state $P5/state.old
start_daemon $P5
burst $tag5 501 2500 198.51.100.5
wait_all5 2500
stop_daemon
check "logrotate: 2,000 more events, SIGTERM exits 0" test $? -eq 0
# The crash: the checkpoints of the second run never reached the disk.
ino=$(awk -F '\t' '$1 == "eventlog" { print $3 }' $P5/state.old)
at=$(cd $P5/log && ls -i | awk -v i=$ino '$1 == i { print $2 }')
check "logrotate: the old checkpoint's log is now $at, 2 rotations back or more" \
	test "${at#events.jsonl.}" -ge 2 2> /dev/null
cp $P5/state.old $P5/state/state
start_daemon $P5
check "logrotate: the daemon restarts on the old checkpoint" test $? -eq 0
logger -t sshd "Failed password for invalid user ${tag5}u2501 from 198.51.100.5 port 22 ssh2"
wait_all5 2501 # the last: all before it were read again too
stop_daemon
all5 > $P5/all.jsonl
check "logrotate: each event exactly once across $(ls $P5/log | wc -l) files ($(find $P5/log -size 0 | wc -l) emptied), every line JSON" \
	exactly_once $P5/all.jsonl $tag5 2501
check "logrotate: the chain verifies across the rotations and the old checkpoint" "$PAMSIGNAL" verify $P5/log

echo "# $((SECONDS - started)) s"
finish
