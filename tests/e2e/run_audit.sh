#!/bin/bash
# pamsignal run with the audit source against the real thing: auditd
# (started if it is not running, and stopped again), a private sshd on
# loopback whose PAM service adds pam_tty_audit for the test user (a PAM
# file of its own: the system's sshd stack is not touched), an execve rule
# for that user, sudo with its password typed at the prompt.
#
# The login gives auth_success, session_open and session_close carrying the
# audit session and login_user; sudo's command, run as root, keeps
# login_user; keystrokes become tty_input without the sudo password; a
# failed login is an auth_failure with the address. Records written while
# the daemon is stopped, and across a rotation of audit.log, arrive once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/machine.sh"
WAIT="python3 $PS_SOURCE_ROOT/tests/e2e/waitevent.py"
AUDIT_LOG=/var/log/audit/audit.log
PAM_SERVICE=sshd-pslaudit

if [ "$(id -u)" != 0 ] || ! command -v auditd > /dev/null; then
	not_ok "run_audit needs root and auditd (package auditd)"
	finish
	exit 1
fi
take_machine_lock

# auditd: running and enabled; what we change is put back at exit.
if ! pgrep -x auditd > /dev/null; then
	auditd
	for _ in $(seq 50); do auditd_pid=$(auditctl -s | awk '$1 == "pid" {print $2}'); [ "${auditd_pid:-0}" != 0 ] && break; sleep 0.1; done
	at_exit "kill $auditd_pid; for _ in \$(seq 50); do kill -0 $auditd_pid 2> /dev/null || break; sleep 0.1; done"
fi
auditd_pid=$(auditctl -s | awk '$1 == "pid" {print $2}')
check "auditd is running" test "${auditd_pid:-0}" != 0
was_enabled=$(auditctl -s | awk '$1 == "enabled" {print $2}')
auditctl -e 1 > /dev/null
at_exit "auditctl -e $was_enabled > /dev/null"

make_test_users
alice_uid=$(id -u psl_alice)
auditctl -a always,exit -F arch=b64 -S execve -F auid=$alice_uid -k pstest
at_exit "auditctl -d always,exit -F arch=b64 -S execve -F auid=$alice_uid -k pstest"
{
	cat /etc/pam.d/sshd
	echo 'session required pam_tty_audit.so enable=psl_alice'
} > /etc/pam.d/$PAM_SERVICE
at_exit "rm -f /etc/pam.d/$PAM_SERVICE"
start_test_sshd 2298 $PAM_SERVICE
check "sshd started (PAM service $PAM_SERVICE)" test $? -eq 0

LOG=$TMP/log/events.jsonl
cat > $TMP/pamsignal.conf <<CFG
[general]
state_dir = $TMP/state

[source.journal]
enabled = no

[source.file]
enabled = no

[source.audit]
enabled = yes
path = $AUDIT_LOG

[output.eventlog]
path = $LOG
CFG

dpid=
start_daemon() { run_daemon $TMP/pamsignal.conf; }
at_exit '[ -n "$dpid" ] && kill -9 $dpid 2> /dev/null'
wait_for() { # wait_for DESCRIPTION SUBSET [waitevent options]
	local what=$1
	shift
	check "$what" $WAIT $LOG "$@" --timeout 15
}

start_daemon
check "pamsignal run starts with the audit source" grep -q "monitoring: 0 file(s), audit $AUDIT_LOG" $TMP/stderr

# A login with a terminal: a command, sudo with its password at the prompt, exit.
python3 - psl_alice "$pw" "${ssh_opts[@]}" -o PubkeyAuthentication=no <<'PY'
import os, pty, sys, time
user, pw, opts = sys.argv[1], sys.argv[2], sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp("sshpass", ["sshpass", "-p", pw, "ssh", "-tt", *opts, user + "@127.0.0.1"])
for text, wait in (("echo psl-typed-marker\r", 3), ("sudo -k /usr/bin/id\r", 1), (pw + "\r", 2), ("exit\r", 2)):
    time.sleep(wait)
    os.write(fd, text.encode())
try:
    while os.read(fd, 4096):
        pass
except OSError:
    pass
os.waitpid(pid, 0)
PY

wait_for "auth_success from USER_AUTH, with the address" \
	'{"kind":"auth_success","service":"sshd","user":"psl_alice","src_ip":"127.0.0.1","audit_type":"USER_AUTH"}'
wait_for "session_open with the audit session and login_user" \
	'{"kind":"session_open","service":"sshd","user":"psl_alice","login_user":"psl_alice","audit_type":"USER_START"}'
ses=$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e.get("kind") == "session_open" and e.get("service") == "sshd" and e.get("user") == "psl_alice":
        print(e.get("session", "")); break' $LOG)
check "the session is the audit session id ($ses)" test -n "$ses"
wait_for "sudo's command as root keeps login_user" \
	'{"kind":"command","audit_type":"EXECVE","user":"root","login_user":"psl_alice","command":"/usr/bin/id","session":"'"$ses"'"}'
wait_for "sudo's USER_CMD" '{"kind":"command","audit_type":"USER_CMD","service":"sudo","user":"psl_alice","command":"/usr/bin/id"}'
wait_for "keystrokes as tty_input" '{"kind":"tty_input","user":"psl_alice","session":"'"$ses"'","program":"bash"}'
check "... with what was typed" grep -q '"kind":"tty_input".*psl-typed-marker' $LOG
check "the password typed at sudo's prompt is in no event" test "$(grep -c -- "$pw" $LOG)" -eq 0
wait_for "session_close with the same session" \
	'{"kind":"session_close","service":"sshd","user":"psl_alice","session":"'"$ses"'","audit_type":"USER_END"}'

sshpass -p wrong ssh "${ssh_opts[@]}" -o PubkeyAuthentication=no psl_bob@127.0.0.1 true 2> /dev/null
wait_for "a failed login is auth_failure with the address" \
	'{"kind":"auth_failure","service":"sshd","user":"psl_bob","src_ip":"127.0.0.1","audit_type":"USER_AUTH"}'

# Stopped: records written meanwhile arrive after the restart, once.
kill -TERM $dpid
wait $dpid
check "SIGTERM exits 0" test $? -eq 0
sshpass -p wrong ssh "${ssh_opts[@]}" -o PubkeyAuthentication=no psl_nosuchuser3@127.0.0.1 true 2> /dev/null
start_daemon
wait_for "a failure while stopped arrives after the restart, once" \
	'{"kind":"auth_failure","user":"psl_nosuchuser3","audit_type":"USER_AUTH"}' --count 1 --exact
check "the earlier events are not repeated" $WAIT $LOG \
	'{"kind":"session_open","service":"sshd","user":"psl_alice","audit_type":"USER_START"}' --count 1 --exact

# auditd rotates audit.log (SIGUSR1) between two failures: both arrive, once.
sshpass -p wrong ssh "${ssh_opts[@]}" -o PubkeyAuthentication=no psl_nosuchuser4@127.0.0.1 true 2> /dev/null
kill -USR1 $auditd_pid
sleep 1
sshpass -p wrong ssh "${ssh_opts[@]}" -o PubkeyAuthentication=no psl_nosuchuser5@127.0.0.1 true 2> /dev/null
wait_for "before the rotation" '{"kind":"auth_failure","user":"psl_nosuchuser4","audit_type":"USER_AUTH"}' --count 1 --exact
wait_for "after the rotation" '{"kind":"auth_failure","user":"psl_nosuchuser5","audit_type":"USER_AUTH"}' --count 1 --exact
check "no gap reported" test "$(grep -c '"source_gap"' $LOG)" -eq 0

kill -TERM $dpid
wait $dpid
check "SIGTERM exits 0 again" test $? -eq 0
dpid=
check "the event log is valid JSON" python3 $PS_SOURCE_ROOT/tests/e2e/jsoncheck.py $LOG
finish
