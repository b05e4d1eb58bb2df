#!/bin/bash
# pamsignal run with [source.audit] socket, fed by the real auditd through
# pamsignal-audisp. auditd runs with a private configuration directory
# (auditd -c: its own auditd.conf, log under $TMP and plugins.d naming the
# built plugin); /etc/audit is not touched, and a running auditd is stopped
# and started again at exit (machine.sh's start_auditd).
#
# A key login on a private sshd arrives as auth_success, session_open and
# session_close from USER_AUTH/USER_START/USER_END with the socket as
# source. With the daemon stopped, the plugin keeps taking auditd's records
# (auditd keeps logging), its small queue overflows, and when the daemon is
# back the number dropped arrives as a source_gap event; later logins
# arrive again. A datagram from a user who is not root is refused
# (spoofed_log, and no event from it). auditd stopping ends the plugin.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/machine.sh"
WAIT="python3 $PS_SOURCE_ROOT/tests/e2e/waitevent.py"
AUDISP=${PS_BUILD_ROOT:-$PS_SOURCE_ROOT/build}/src/audisp/pamsignal-audisp

if [ "$(id -u)" != 0 ] || ! command -v auditd > /dev/null; then
	not_ok "run_audisp needs root and auditd (package auditd)"
	cp $LOG /tmp/audisp-dbg.jsonl; cp $TMP/stderr /tmp/audisp-dbg.err
finish
	exit 1
fi
take_machine_lock

SOCK=$TMP/run/audit.sock
LOG=$TMP/log/events.jsonl
AUDIT_LOG=$TMP/audit/audit.log
mkdir -p $TMP/auditconf/plugins.d $TMP/audit
chmod 755 $TMP # auditd drops nothing here, but its log directory must be reachable
cat > $TMP/auditconf/auditd.conf <<CFG
local_events = yes
write_logs = yes
log_file = $AUDIT_LOG
log_format = ENRICHED
flush = INCREMENTAL_ASYNC
freq = 50
max_log_file = 64
num_logs = 2
max_log_file_action = ROTATE
space_left = 2
space_left_action = IGNORE
admin_space_left = 1
admin_space_left_action = IGNORE
disk_full_action = IGNORE
disk_error_action = IGNORE
q_depth = 2000
overflow_action = SYSLOG
max_restarts = 10
plugin_dir = $TMP/auditconf/plugins.d
end_of_event_timeout = 2
CFG
# A queue of one longest record (16 KiB): a few hundred records overflow it.
cat > $TMP/auditconf/plugins.d/pamsignal.conf <<CFG
active = yes
direction = out
path = $AUDISP
type = always
args = $SOCK 16388
format = string
CFG
chmod 640 $TMP/auditconf/auditd.conf $TMP/auditconf/plugins.d/pamsignal.conf

cat > $TMP/pamsignal.conf <<CFG
[general]
state_dir = $TMP/state

[source.journal]
enabled = no

[source.file]
enabled = no

[source.audit]
enabled = yes
socket = $SOCK

[source.pam]
enabled = no

[output.eventlog]
path = $LOG
CFG

dpid=
at_exit '[ -n "$dpid" ] && kill -9 $dpid 2> /dev/null'
wait_for() { # wait_for DESCRIPTION SUBSET [waitevent options]
	local what=$1
	shift
	check "$what" $WAIT $LOG "$@" --timeout 15
}
mkdir -p $TMP/run
run_daemon $TMP/pamsignal.conf
check "pamsignal run starts with the audit socket" grep -q "monitoring: 0 file(s), audit $SOCK" $TMP/stderr

start_auditd $TMP/auditconf
check "a private auditd is running (auditd -c)" test $? -eq 0
plugin=
for _ in $(seq 50); do plugin=$(pgrep -f -- "^$AUDISP") && break; sleep 0.1; done
check "auditd started pamsignal-audisp" test -n "$plugin"
check "... and logs to its own file" test -s $AUDIT_LOG

make_test_users
start_test_sshd 2293
check "sshd started" test $? -eq 0
# A password login with a terminal: sshd's PAM auth writes USER_AUTH (a key login has none), the terminal USER_LOGIN.
login() { sshpass -p "$pw" ssh -tt "${ssh_opts[@]}" -o PubkeyAuthentication=no psl_bob@127.0.0.1 true < /dev/null > /dev/null; }
login
check "psl_bob logs in" test $? -eq 0

src='"source":"'$SOCK'"'
wait_for "USER_AUTH through the plugin: auth_success" \
	'{"kind":"auth_success","service":"sshd","user":"psl_bob","audit_type":"USER_AUTH",'"$src"'}'
wait_for "USER_START: session_open with login_user" \
	'{"kind":"session_open","service":"sshd","user":"psl_bob","login_user":"psl_bob","audit_type":"USER_START",'"$src"'}'
wait_for "USER_END: session_close" \
	'{"kind":"session_close","service":"sshd","user":"psl_bob","audit_type":"USER_END",'"$src"'}'
wait_for "USER_LOGIN through the plugin" '{"audit_type":"USER_LOGIN","user":"psl_bob",'"$src"'}'
check "no gap so far" test "$(grep -c '"kind":"source_gap"' $LOG)" -eq 0

# A local user forging a record on the socket (it is 0666, like the pam socket: refused and counted, not unseen).
runuser -u psl_alice -- python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b"type=USER_LOGIN msg=audit(1798675200.000:999): pid=1 uid=0 auid=0 ses=1 msg=\x27op=login acct=\"root\" exe=\"/usr/sbin/sshd\" hostname=? addr=203.0.113.66 terminal=ssh res=success\x27", sys.argv[1])' $SOCK
wait_for "a forged record from a user who is not root: spoofed_log" '{"kind":"spoofed_log",'"$src"'}'
check "... and no event from it" test "$(grep -c 203.0.113.66 $LOG)" -eq 0

# The daemon down: auditd goes on, the plugin queues, then drops the oldest.
kill $dpid
wait $dpid
check "the daemon stops cleanly (SIGTERM, exit 0)" test $? -eq 0
dpid=
before=$(wc -l < $AUDIT_LOG)
for i in $(seq 300); do auditctl -m "psl-audisp-filler $i"; done
login
check "a login while the daemon is down" test $? -eq 0
for _ in $(seq 50); do grep -q 'psl-audisp-filler 300' $AUDIT_LOG && break; sleep 0.1; done
check "auditd did not wait for the plugin: all 300 records are in its log" grep -q 'psl-audisp-filler 300' $AUDIT_LOG
written=$(($(wc -l < $AUDIT_LOG) - before))
check "the plugin is still running" kill -0 $plugin

run_daemon $TMP/pamsignal.conf
wait_for "the daemon back: the plugin's drops are a source_gap" '{"kind":"source_gap",'"$src"'}'
python3 - $LOG $written <<'PY'
import json, re, sys
gaps = [e for e in map(json.loads, open(sys.argv[1])) if e.get("kind") == "source_gap"]
assert len(gaps) == 1, gaps
n = int(re.search(r"dropped (\d+) audit record", gaps[0]["detail"]).group(1))
# 300 records of about 150 bytes do not fit in 16 KiB; no more can be dropped than auditd wrote.
assert 150 <= n <= int(sys.argv[2]), (n, sys.argv[2])
print("dropped %d of %s records written while the daemon was down" % (n, sys.argv[2]))
PY
check "... with the count: most of what came while it was down" test $? -eq 0
sessions_before=$(grep -c '"kind":"session_open".*"user":"psl_bob"' $LOG)
login
check "a login after the restart" test $? -eq 0
wait_for "... arrives again" '{"kind":"session_open","user":"psl_bob",'"$src"'}' --count $((sessions_before + 1))

python3 "$PS_SOURCE_ROOT/tests/e2e/jsoncheck.py" $LOG > /dev/null 2>&1
check "the event log is valid JSON lines" test $? -eq 0

# auditd stops: it ends its plugins.
kill $auditd_pid
for _ in $(seq 50); do kill -0 $plugin 2> /dev/null || break; sleep 0.1; done
check "the plugin ends with auditd" bash -c "! kill -0 $plugin 2> /dev/null"
finish
