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
#
# pamsignal search --session shows that login's timeline from the event
# log: login -> commands (root's keeping login_user) -> keystrokes ->
# logout. Local failures are attributed: su with a wrong password inside
# the session (its command line and parents from the execve records) and
# a long-running program failing PAM outside any audited session (from
# /proc while it runs).
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

start_auditd
check "auditd is running" test $? -eq 0

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
for text, wait in (("echo psl-typed-marker\r", 3), ("su -c true root\r", 1), ("psl-wrong-su-pw\r", 4),
                   ("sudo -k /usr/bin/id\r", 1), (pw + "\r", 2), ("exit\r", 2)):
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
check "... nor the one typed at su's" test "$(grep -c -- psl-wrong-su-pw $LOG)" -eq 0
wait_for "session_close with the same session" \
	'{"kind":"session_close","service":"sshd","user":"psl_alice","session":"'"$ses"'","audit_type":"USER_END"}'

# su's failure inside the session: the process behind it, from the execve rule's records.
wait_for "su's wrong password: a local auth_failure in the session" \
	'{"kind":"auth_failure","service":"su","user":"psl_alice","target_user":"root","session":"'"$ses"'","audit_type":"USER_AUTH"}'
python3 - $LOG <<'PY'
import json, sys
ev = next(e for e in map(json.loads, open(sys.argv[1])) if e.get("kind") == "auth_failure" and e.get("service") == "su")
assert ev["cmdline"] == "su -c true root", ev
assert ev["exe"] == "/usr/bin/su" and ev["ppid"] == ev["parents"][0]["pid"], ev
parents = ev["parents"]
assert parents[0]["comm"] == "bash" and parents[0]["via"] == "audit" and parents[0]["cmdline"] == "-bash", parents
assert any(p.get("exe", "").endswith("/sshd") for p in parents[1:]), parents
assert all("cmdline" not in p for p in parents if p["via"] == "proc"), parents
print("su <- " + " <- ".join("%s[%d] (%s)" % (p.get("comm"), p["pid"], p["via"]) for p in parents))
PY
check "... with su's command line, bash (audit) and sshd above it" test $? -eq 0

# That login's timeline, from the event log.
"$PAMSIGNAL" search -c $TMP/pamsignal.conf --session "$ses" --format json > $TMP/timeline.json 2> $TMP/timeline.err
check "pamsignal search --session $ses exits 0" test $? -eq 0
python3 - $TMP/timeline.json "$ses" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
ses = sys.argv[2]
def at(pred):
    return next(i for i, e in enumerate(ev) if pred(e))
login = at(lambda e: e["kind"] == "auth_success" and e.get("service") == "sshd")
opened = at(lambda e: e["kind"] == "session_open" and e.get("service") == "sshd")
su_fail = at(lambda e: e["kind"] == "auth_failure" and e.get("service") == "su")
root_id = at(lambda e: e["kind"] == "command" and e.get("user") == "root" and e.get("command") == "/usr/bin/id")
keys = at(lambda e: e["kind"] == "tty_input" and "psl-typed-marker" in e.get("input", ""))
closed = at(lambda e: e["kind"] == "session_close" and e.get("service") == "sshd")
assert login <= opened < su_fail < root_id < closed and keys <= closed and closed == len(ev) - 1, \
    [(e["kind"], e.get("service")) for e in ev]
assert ev[root_id]["login_user"] == "psl_alice"
assert all(e.get("session") in (ses, None) for e in ev)
assert all(e.get("user") not in ("psl_bob",) for e in ev)
assert [e["time"] for e in ev] == sorted(e["time"] for e in ev)
print("session %s: %s" % (ses, " ".join(e["kind"] for e in ev)))
PY
check "login -> su failure -> sudo's command as root (login_user kept) -> keystrokes -> logout" test $? -eq 0
"$PAMSIGNAL" search -c $TMP/pamsignal.conf --session "$ses" --format text > $TMP/timeline.txt 2> /dev/null
check "the timeline as a table, keystrokes included" grep -q 'tty_input.*psl-typed-marker' $TMP/timeline.txt

sshpass -p wrong ssh "${ssh_opts[@]}" -o PubkeyAuthentication=no psl_bob@127.0.0.1 true 2> /dev/null
wait_for "a failed login is auth_failure with the address" \
	'{"kind":"auth_failure","service":"sshd","user":"psl_bob","src_ip":"127.0.0.1","audit_type":"USER_AUTH"}'

# A service failing PAM with a bad password, outside any audited session
# (no execve records for it): attributed from /proc while it still runs.
printf 'auth required pam_unix.so\naccount required pam_unix.so\n' > /etc/pam.d/pslattrib
at_exit "rm -f /etc/pam.d/pslattrib"
python3 - psl_bob <<'PY' &
import ctypes, ctypes.util, sys, time
pam = ctypes.CDLL(ctypes.util.find_library("pam"))
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.calloc.restype = libc.strdup.restype = ctypes.c_void_p
class Msg(ctypes.Structure):
    _fields_ = [("style", ctypes.c_int), ("msg", ctypes.c_char_p)]
class Resp(ctypes.Structure):
    _fields_ = [("resp", ctypes.c_void_p), ("code", ctypes.c_int)]
CONV = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int, ctypes.POINTER(ctypes.POINTER(Msg)),
                        ctypes.POINTER(ctypes.POINTER(Resp)), ctypes.c_void_p)
class Conv(ctypes.Structure):
    _fields_ = [("conv", CONV), ("data", ctypes.c_void_p)]
def answer(n, msgs, resp, data):
    r = ctypes.cast(libc.calloc(n, ctypes.sizeof(Resp)), ctypes.POINTER(Resp))
    for i in range(n):
        r[i].resp = libc.strdup(b"psl-wrong-service-pw")
    resp[0] = r
    return 0
conv = Conv(CONV(answer), None)
h = ctypes.c_void_p()
pam.pam_start(b"pslattrib", sys.argv[1].encode(), ctypes.byref(conv), ctypes.byref(h))
pam.pam_authenticate(h, 0)
pam.pam_end(h, 0)
time.sleep(8)  # a service keeps running after a failed attempt
PY
svc=$!
wait_for "a service's PAM failure: a local auth_failure" \
	'{"kind":"auth_failure","user":"psl_bob","audit_type":"USER_AUTH","pid":'$svc'}'
python3 - $LOG $svc $$ <<'PY'
import json, sys
pid, shell = int(sys.argv[2]), int(sys.argv[3])
ev = next(e for e in map(json.loads, open(sys.argv[1])) if e.get("kind") == "auth_failure" and e.get("pid") == pid)
assert " - psl_bob" in ev["cmdline"] and "python" in ev["cmdline"], ev
assert ev["ppid"] == shell and ev["parents"][0]["pid"] == shell, ev
assert ev["parents"][0]["via"] == "proc" and "cmdline" not in ev["parents"][0], ev
print("%s <- %s" % (ev["cmdline"], " <- ".join("%s[%d]" % (p.get("comm"), p["pid"]) for p in ev["parents"])))
PY
check "... with its command line and this script above it, from /proc" test $? -eq 0
check "the service's password is in no event" test "$(grep -c -- psl-wrong-service-pw $LOG)" -eq 0
kill $svc 2> /dev/null
wait $svc 2> /dev/null

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
