#!/bin/bash
# pamsignal run against the real thing: journald, a private sshd on
# loopback, sudo and su. Each login, failure and command must reach the
# event log as the expected event; a session close carries its duration;
# forged entries (logger, a user-run sshd) become spoofed_log; journald's
# rate limiting (real, and imitated) is reported; a bad config
# on SIGHUP keeps the old one; SIGTERM exits 0 and a restart continues
# where it stopped. The machine is put back as it was.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/journal.sh"
. "$(dirname "$0")/machine.sh"
WAIT="python3 $PS_SOURCE_ROOT/tests/e2e/waitevent.py"

if [ "$(id -u)" != 0 ]; then
	not_ok "run_live needs root to run sshd, add users and write sudoers"
	finish
	exit 1
fi
take_machine_lock
journal_start
check "journald is running and stores what is logged" test -n "$(journal_mark start)"
make_test_users
start_test_sshd 2297
check "sshd started" test $? -eq 0

LOG=$TMP/log/events.jsonl
cat > $TMP/pamsignal.conf <<CFG
[general]
state_dir = $TMP/state

[source.journal]
enabled = yes

[source.file]
enabled = no

[source.audit]
enabled = no

[output.eventlog]
path = $LOG
CFG

dpid=
start_daemon() { run_daemon $TMP/pamsignal.conf; }
stop_daemon() {
	kill -TERM $dpid
	wait $dpid
}
at_exit '[ -n "$dpid" ] && kill -9 $dpid 2> /dev/null'

# wait_for DESCRIPTION SUBSET [waitevent options]
wait_for() {
	local what=$1
	shift
	check "$what" $WAIT $LOG "$@"
}

start_daemon
check "pamsignal run starts and reports monitoring" test $? -eq 0

sshpass -p "$pw" ssh "${ssh_opts[@]}" -o PubkeyAuthentication=no psl_alice@127.0.0.1 sleep 2
wait_for "password login: auth_success" \
	'{"kind":"auth_success","service":"sshd","user":"psl_alice","src_ip":"127.0.0.1","method":"password","source":"journal"}'
wait_for "password login: session_open" '{"kind":"session_open","service":"sshd","user":"psl_alice"}'
wait_for "password login: one session_close, with the login's address and method" \
	'{"kind":"session_close","service":"sshd","user":"psl_alice","src_ip":"127.0.0.1","method":"password"}' --count 1 --exact
dur=$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e.get("kind") == "session_close" and e.get("user") == "psl_alice":
        print(e.get("duration_s", "none"))' $LOG)
check "the session lasted 2 s (ssh ... sleep 2), duration_s=$dur" test "$dur" = 2 -o "$dur" = 3

ssh "${ssh_opts[@]}" -i $TMP/userkey -o IdentitiesOnly=yes -o PasswordAuthentication=no psl_bob@127.0.0.1 true
wait_for "key login" '{"kind":"auth_success","service":"sshd","user":"psl_bob","method":"publickey"}'

sshpass -p wrong ssh "${ssh_opts[@]}" -o PubkeyAuthentication=no psl_alice@127.0.0.1 true 2> /dev/null
wait_for "failed password" '{"kind":"auth_failure","reason":"bad_password","service":"sshd","user":"psl_alice","src_ip":"127.0.0.1"}'
sshpass -p wrong ssh "${ssh_opts[@]}" -o PubkeyAuthentication=no psl_nosuchuser@127.0.0.1 true 2> /dev/null
wait_for "invalid user" '{"kind":"auth_failure","reason":"invalid_user","user":"psl_nosuchuser"}'

runuser -u psl_alice -- sh -c "echo '$pw' | sudo -S -p '' /usr/bin/id" > /dev/null
wait_for "sudo command" '{"kind":"command","service":"sudo","user":"psl_alice","target_user":"root","command":"/usr/bin/id"}'
wait_for "sudo session closes with the invoker" '{"kind":"session_close","service":"sudo","user":"psl_alice","target_user":"root"}'
# sudo inside an ssh login: journald's _AUDIT_LOGINUID (set by pam_loginuid
# at the login) names who logged in, kept across sudo.
sshpass -p "$pw" ssh "${ssh_opts[@]}" -o PubkeyAuthentication=no psl_alice@127.0.0.1 \
	"echo '$pw' | sudo -S -k -p '' /usr/bin/id" > /dev/null
wait_for "sudo inside an ssh login carries the login's uid" \
	'{"kind":"command","service":"sudo","user":"psl_alice","command":"/usr/bin/id","login_uid":'"$(id -u psl_alice)"'}'
wait_for "the ssh login's own session_close carries it too" \
	'{"kind":"session_close","service":"sshd","user":"psl_alice","login_uid":'"$(id -u psl_alice)"'}'
runuser -u psl_bob -- sh -c "echo '$pw' | sudo -S -k -p '' /usr/bin/id" > /dev/null 2>&1
wait_for "sudo refused" '{"kind":"auth_failure","reason":"not_in_sudoers","user":"psl_bob"}'
su_with_pty psl_bob psl_alice "$pw"
wait_for "su" '{"kind":"auth_success","service":"su","user":"psl_bob","target_user":"psl_alice"}'

# Forgery: logger as root and as a user, and sshd run by a user.
# logger stays alive until its input ends, so journald sees its /proc entry
# (an entry whose sender is gone by then carries only _UID: see trust.h).
{ echo 'Failed password for root from 203.0.113.5 port 4242 ssh2'; sleep 1; } | logger -t sshd
wait_for "logger -t sshd as root is spoofed_log" \
	'{"kind":"spoofed_log","program":"sshd","sender_uid":0,"sender_comm":"logger"}'
{ echo 'Accepted password for root from 203.0.113.6 port 4243 ssh2'; sleep 1; } | runuser -u psl_bob -- logger -t sshd
wait_for "logger -t sshd as a user is spoofed_log" \
	'{"kind":"spoofed_log","program":"sshd","sender_comm":"logger","sender_uid":'"$(id -u psl_bob)"'}'
udir=$(mktemp -d /tmp/pamsignal-usersshd.XXXXXX)
chmod 755 $udir
chown psl_bob $udir
at_exit "rm -rf $udir"
ssh-keygen -q -t ed25519 -N '' -f $udir/hk
chown psl_bob $udir/hk
printf 'Port 2296\nListenAddress 127.0.0.1\nHostKey %s/hk\nPidFile %s/pid\nUsePAM no\nPasswordAuthentication yes\n' $udir $udir > $udir/cfg
runuser -u psl_bob -- /usr/sbin/sshd -f $udir/cfg
at_exit "kill \$(cat $udir/pid) 2> /dev/null"
for _ in $(seq 50); do [ -s $udir/pid ] && break; sleep 0.1; done
sshpass -p wrong ssh "${ssh_opts[@]/2297/2296}" -o PubkeyAuthentication=no psl_bob@127.0.0.1 true 2> /dev/null
wait_for "a user-run sshd is spoofed_log" \
	'{"kind":"spoofed_log","program":"sshd","sender_exe":"/usr/sbin/sshd","sender_uid":'"$(id -u psl_bob)"'}'
# journald's "Suppressed N messages" notice, imitated by a client (the real
# one has _TRANSPORT=driver, which no client can send).
printf 'MESSAGE_ID=a596d6fe7bfa4994828e72309e95d61e\nMESSAGE=Suppressed 99 messages from ssh.service\nN_DROPPED=99\nSYSLOG_IDENTIFIER=systemd-journald\n' |
	logger --journald
wait_for "an imitated journald suppression notice is spoofed_log" \
	'{"kind":"spoofed_log","program":"systemd-journald","sender_uid":0}'
check "and no log_suppressed event came of it" test "$(grep -c '"log_suppressed"' $LOG)" -eq 0
check "no forged source address became an event" \
	test "$(grep -v spoofed_log $LOG | grep -c '203\.0\.113\.[56]')" -eq 0

# journald's real rate limit. Without systemd as PID 1 there are no units,
# but journald names a sender's unit after its cgroup: a process put in
# cgroup system.slice/UNIT is UNIT to journald. It floods past journald's
# burst (RateLimitBurst 10,000, scaled up with free disk space), and its
# next message after the interval (RateLimitIntervalSec, 30 s) makes
# journald log "Suppressed N messages from UNIT" itself (_TRANSPORT=driver).
unit=psl-flood-$$.service
cgdirs=()
if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
	cgdirs=(/sys/fs/cgroup/system.slice/$unit)
else # hybrid or legacy: journald reads the unified or the name=systemd hierarchy
	for h in /sys/fs/cgroup/unified /sys/fs/cgroup/systemd; do
		[ -d $h ] && cgdirs+=($h/system.slice/$unit)
	done
fi
for c in "${cgdirs[@]}"; do
	[ -d ${c%/*} ] || at_exit "rmdir ${c%/*} 2> /dev/null"
	mkdir -p $c && at_exit "rmdir $c 2> /dev/null"
done
# in_unit COUNT: COUNT messages (not from a watched program) from inside the unit.
cat > $TMP/flood.py <<'PY'
import os, socket, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.connect("/dev/log")
for i in range(int(os.environ["COUNT"])):
    s.send(b"<38>psl-flood: flood line %d" % i)
time.sleep(0.5)  # alive while journald looks up its cgroup
PY
in_unit() {
	COUNT=$1 sh -c 'for c in "$@"; do echo $$ > "$c/cgroup.procs" || exit 1; done; exec python3 "$0"' \
		$TMP/flood.py "${cgdirs[@]}"
}
t0=$SECONDS
in_unit 300000
check "a flood from unit $unit" test $? -eq 0
stored=$(journalctl -q -o cat -t psl-flood --since "-2min" 2> /dev/null | grep -c 'flood line')
check "journald rate-limited it: $stored of 300000 stored" test "$stored" -gt 0 -a "$stored" -lt 300000
sleep $((31 - (SECONDS - t0)))
in_unit 1
notice=$(journalctl -q -o cat MESSAGE_ID=a596d6fe7bfa4994828e72309e95d61e --since "-2min" 2> /dev/null | grep -F "from $unit")
dropped=$(sed -n 's/^Suppressed \([0-9]*\) messages from .*/\1/p' <<< "$notice")
check "journald logged its own notice: $notice" test -n "$dropped"
wait_for "journald's real notice is a log_suppressed event with the number dropped" \
	'{"kind":"log_suppressed","count":'"${dropped:-0}"',"program":"systemd-journald","message":"Suppressed '"$dropped"' messages from '"$unit"'"}' \
	--count 1 --exact

# A bad config on SIGHUP: the old one stays, nothing is lost.
cp $TMP/pamsignal.conf $TMP/good.conf
printf '[output.eventlog]\nmax_szie = 1M\n' >> $TMP/pamsignal.conf
kill -HUP $dpid
sleep 0.5
check "the reload error names file and line" grep -q "pamsignal.conf:[0-9]*:.*max_szie" $TMP/stderr
check "the daemon still runs after a bad reload" kill -0 $dpid
sshpass -p wrong ssh "${ssh_opts[@]}" -o PubkeyAuthentication=no psl_bob@127.0.0.1 true 2> /dev/null
wait_for "events still flow after a bad reload" '{"kind":"auth_failure","user":"psl_bob","service":"sshd","reason":"bad_password"}'
cp $TMP/good.conf $TMP/pamsignal.conf
kill -HUP $dpid
sleep 0.5
check "a good reload is taken" grep -q "reloading" $TMP/stderr

check "the terminal shows logins" grep -q 'auth_success.*psl_alice' $TMP/stdout

# SIGTERM: exit 0; events logged while stopped arrive after the restart,
# once; a session open across the restart still gets its duration.
ssh "${ssh_opts[@]}" -i $TMP/userkey -o IdentitiesOnly=yes -o PasswordAuthentication=no psl_bob@127.0.0.1 sleep 4 &
sshpid=$!
wait_for "a session opens before the restart" '{"kind":"session_open","service":"sshd","user":"psl_bob"}' --count 2
stop_daemon
check "SIGTERM exits 0" test $? -eq 0
before=$(wc -l < $LOG)
sshpass -p wrong ssh "${ssh_opts[@]}" -o PubkeyAuthentication=no psl_nosuchuser2@127.0.0.1 true 2> /dev/null
start_daemon
wait $sshpid
wait_for "the session closed after the restart has its duration" \
	'{"kind":"session_close","service":"sshd","user":"psl_bob","method":"publickey","src_ip":"127.0.0.1"}' --count 2
dur=$(python3 -c '
import json, sys
d = [json.loads(l).get("duration_s") for l in open(sys.argv[1]) if "\"session_close\"" in l and "psl_bob" in l]
print(d[-1] if d else "none")' $LOG)
check "duration_s across the restart is 4 s (ssh ... sleep 4): $dur" test "$dur" = 4 -o "$dur" = 5
# sshd says it twice: "Invalid user ..." and "Failed password for invalid user ...".
wait_for "an event logged while stopped arrives after the restart, once" '{"kind":"auth_failure","user":"psl_nosuchuser2","reason":"invalid_user"}' --count 2 --exact
check "nothing from before the stop is repeated" python3 - $LOG $before <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
seen = set()
for l in lines:
    e = json.loads(l)
    key = (e.get("time"), e.get("pid"), e.get("message"))
    if key in seen and e.get("kind") not in ("source_status", "source_gap"):
        sys.exit("repeated: " + l)
    seen.add(key)
PY
# A quiet minute: the daemon stops looking on its own and opens the journal
# afresh at its cursor (giving back sd-journal's mapped windows). Entries
# before and after that are each read once.
quiet_msg() { echo "Failed password for invalid user psl_quiet$1 from 192.0.2.77 port 22 ssh2"; }
logger -t sshd "$(quiet_msg 1)"
wait_for "an entry before the quiet minute" "{\"message\":\"$(quiet_msg 1)\"}" --count 1
sleep 62
logger -t sshd "$(quiet_msg 2)"
wait_for "after the quiet minute (journal reopened at the cursor) an entry arrives once" \
	"{\"message\":\"$(quiet_msg 2)\"}" --count 1 --exact --timeout 5
check "and the one before is not read again" test "$(grep -c psl_quiet1 $LOG)" -eq 1
stop_daemon

check "every line of the event log is JSON" python3 -c '
import json, sys
for l in open(sys.argv[1]): json.loads(l)' $LOG
finish
