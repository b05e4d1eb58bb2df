#!/bin/bash
# pam_pamsignal.so in real PAM stacks, without touching /etc/pam.d:
# pamtester under pam_wrapper (PAM_WRAPPER_SERVICE_DIR: service files of
# our own) with pam_unix, pam_deny, pam_permit, pam_wrapper's pam_matrix
# (a password file of our own) and pam_exec, against `pamsignal run` on a
# socket in a private directory.
#
# Proves: the module's exports and imports (no name lookups, no logging,
# no allocation, no auth token); the events of a session, an auth failure
# (pam_unix, unknown user), an auth success, an account refusal, each with
# service, user, rhost, tty and pid; su-like PAM_RUSER; a hostile user
# name kept byte for byte and escaped; PAM_IGNORE exactly, whether the
# daemon runs, is gone or is stopped with its queue full (fail open); a
# datagram forged by nobody refused, counted (log, status, spoofed_log)
# and no event; a non-root sender cannot claim uid 0; malformed datagrams
# counted; pamsignal pam-hook run by the real pam_exec.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pam_lib.sh"
WAIT="python3 $PS_SOURCE_ROOT/tests/e2e/waitevent.py"
JC="python3 $PS_SOURCE_ROOT/tests/e2e/jsoncheck.py"
MODULE=${PS_BUILD_ROOT:-$PS_SOURCE_ROOT/build}/src/pam/pam_pamsignal.so
WRAPPER=$(ls /usr/lib/*/libpam_wrapper.so 2> /dev/null | head -1)
MATRIX=$(ls /usr/lib/*/pam_wrapper/pam_matrix.so 2> /dev/null | head -1)

if [ "$(id -u)" != 0 ] || [ ! -f "$MODULE" ] || [ -z "$WRAPPER" ] || [ -z "$MATRIX" ] ||
	! command -v pamtester > /dev/null || ! command -v setpriv > /dev/null; then
	not_ok "pam_module needs root, $MODULE (libpam0g-dev), pamtester, libpam-wrapper and setpriv"
	finish
	exit 1
fi

# Others (nobody) must reach the socket and run pamsignal: a world-searchable
# directory of our own, and a copy of the program in it.
chmod 711 $TMP
RUN=$TMP/run
SOCK=$RUN/pam.sock
mkdir -m 755 $RUN
install -m 755 "$PAMSIGNAL" $TMP/pamsignal
LOG=$TMP/events.jsonl
SVC=$TMP/pam.d
mkdir $SVC
echo 'pamsig-test:Right-Pw-5512:pstest' > $TMP/passdb
echo 'auth required pam_deny.so' > $SVC/other
m="$MODULE socket=$SOCK"
# Debian's common-auth as pam-auth-update writes it with two methods
# (pam_matrix, then pam_unix with the password already typed) and the
# pamsignal profile, plus a success line.
cat > $SVC/pstest <<EOF
auth     [success=3 default=ignore]  $MATRIX passdb=$TMP/passdb
auth     [success=2 default=ignore]  pam_unix.so nullok nodelay try_first_pass
auth     [default=ignore]            $m failure
auth     requisite                   pam_deny.so
auth     required                    pam_permit.so
auth     optional                    $m success
account  [success=2 default=ignore]  $MATRIX passdb=$TMP/passdb
account  [default=ignore]            $m failure
account  requisite                   pam_deny.so
account  required                    pam_permit.so
session  required                    pam_permit.so
session  optional                    $m
EOF
# PAM_IGNORE and nothing else: any other return dies.
cat > $SVC/psignore <<EOF
auth     [ignore=ignore default=die] $m failure
auth     required                    pam_permit.so
account  [ignore=ignore default=die] $m failure
account  required                    pam_permit.so
session  [ignore=ignore default=die] $m
session  required                    pam_permit.so
EOF
# The module alone decides nothing: with pam_deny after it, PAM says no.
cat > $SVC/psalone <<EOF
auth     sufficient                  $m failure
auth     required                    pam_deny.so
EOF
cat > $SVC/psexec <<EOF
session  required                    pam_permit.so
session  optional                    pam_exec.so seteuid quiet $TMP/pamsignal pam-hook -s $SOCK
EOF

# An ASan build's module needs the sanitizer's runtime loaded first, and
# pam_wrapper without RTLD_DEEPBIND, which the sanitizers refuse.
preload="$(pam_asan_preload "$MODULE") $WRAPPER"
pt() { # pt [pamtester args...]: pamtester on our service files
	LD_PRELOAD="$preload" PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR=$SVC PAM_WRAPPER_DISABLE_DEEPBIND=1 \
		ASAN_OPTIONS=detect_leaks=0 timeout 60 pamtester "$@"
}

check "the module exports the five PAM hooks and nothing else" \
	test "$(nm -D --defined-only "$MODULE" | awk '{print $3}' | sort | tr '\n' ' ')" = \
	"pam_sm_acct_mgmt pam_sm_authenticate pam_sm_close_session pam_sm_open_session pam_sm_setcred "
imports=$(nm -D --undefined-only "$MODULE" | awk '{print $2}' | sed 's/@.*//')
check "... and calls no name lookup, logging, allocation or prompt" \
	bash -c "! grep -qE '^(getaddrinfo|gethostby.*|getnameinfo|getpw.*|syslog|vsyslog|openlog|pam_syslog|pam_vsyslog|malloc|calloc|realloc|pam_get_user|pam_get_authtok|pam_prompt|connect|fopen|open)$' <<< '$imports'"
check "... and its source never names the auth token" bash -c "! grep -q AUTHTOK $PS_SOURCE_ROOT/src/pam/*.c"

pam_config $TMP/pamsignal.conf $SOCK $LOG
# The daemon's STATUS= lines, as systemd would get them.
python3 - $TMP/notify > $TMP/status 2>&1 <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
while True:
    m = s.recv(4096).decode(errors="replace")
    for l in m.split("\n"):
        if l.startswith("STATUS="):
            print(l, flush=True)
PY
notify_pid=$!
at_exit "kill $notify_pid"
for _ in $(seq 50); do [ -S $TMP/notify ] && break; sleep 0.1; done
dpid=
start_daemon() {
	NOTIFY_SOCKET=$TMP/notify "$PAMSIGNAL" run -c $TMP/pamsignal.conf >> $TMP/stdout 2>> $TMP/stderr &
	dpid=$!
	for _ in $(seq 100); do grep -q "monitoring: 0 file(s), pam $SOCK" $TMP/stderr && return 0; sleep 0.1; done
	cat $TMP/stderr
	return 1
}
at_exit '[ -n "$dpid" ] && kill -CONT $dpid 2> /dev/null; [ -n "$dpid" ] && kill -9 $dpid 2> /dev/null'
wait_for() { # wait_for DESCRIPTION SUBSET [waitevent options]
	local what=$1
	shift
	check "$what" $WAIT $LOG "$@" --timeout 15
}
check "pamsignal run listens on the pam socket" start_daemon
check "the socket is a socket, writable by all" test "$(stat -c %F:%a $SOCK)" = "socket:666"

# ---- events ----
pt -I rhost=192.0.2.7 -I tty=/dev/pts/3 pstest root open_session close_session > /dev/null 2>&1
check "pamtester: a session opens and closes" test $? -eq 0
wait_for "session_open with service, user, rhost, tty" \
	'{"kind":"session_open","service":"pstest","user":"root","src_ip":"192.0.2.7","tty":"/dev/pts/3","source":"pam"}'
wait_for "session_close, with its duration" \
	'{"kind":"session_close","service":"pstest","user":"root","src_ip":"192.0.2.7","duration_s":0,"source":"pam"}'
check "the pid is pamtester's (the PAM application)" python3 - $LOG <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
pids = {e["pid"] for e in evs if e.get("service") == "pstest"}
sys.exit(0 if len(pids) == 1 and list(pids)[0] > 1 else 1)
PY

echo wrong | pt -I rhost=203.0.113.5 -I tty=ssh pstest psl_nosuchuser authenticate > /dev/null 2>&1
check "pamtester: an unknown user fails" test $? -ne 0
wait_for "auth_failure from the failure line (pam_unix, unknown user)" \
	'{"kind":"auth_failure","outcome":"failure","reason":"pam_failure","service":"pstest","user":"psl_nosuchuser","src_ip":"203.0.113.5","tty":"ssh"}'
echo Wrong-Pw | pt -I rhost=2001:db8::5 pstest pamsig-test authenticate > /dev/null 2>&1
check "pamtester: a wrong password fails" test $? -ne 0
wait_for "auth_failure for a known user, IPv6 rhost" \
	'{"kind":"auth_failure","service":"pstest","user":"pamsig-test","src_ip":"2001:db8::5"}'
echo Right-Pw-5512 | pt -I rhost=198.51.100.8 pstest pamsig-test authenticate acct_mgmt > /dev/null 2>&1
check "pamtester: the right password passes" test $? -eq 0
wait_for "auth_success from the success line" \
	'{"kind":"auth_success","service":"pstest","user":"pamsig-test","src_ip":"198.51.100.8"}'
check "... and no failure with it" $WAIT $LOG '{"kind":"auth_failure","user":"pamsig-test","src_ip":"198.51.100.8"}' --count 0 --exact
pt -I rhost=198.51.100.9 pstest psl_nosuchuser acct_mgmt > /dev/null 2>&1
check "pamtester: the account check refuses an unknown user" test $? -ne 0
wait_for "auth_failure not_allowed from the account failure line" \
	'{"kind":"auth_failure","reason":"not_allowed","service":"pstest","user":"psl_nosuchuser","src_ip":"198.51.100.9"}'
echo x | pt -I ruser=psl_caller -I rhost=gw.example.org pstest root authenticate > /dev/null 2>&1
wait_for "PAM_RUSER is who asked (user), PAM_USER the target; a host name is src_host" \
	'{"kind":"auth_failure","service":"pstest","user":"psl_caller","target_user":"root","src_host":"gw.example.org"}'

# A user name an attacker chose: newline, JSON, escape sequences, invalid UTF-8, markup.
hostile=$(printf 'x\n{"kind":"auth_success","user":"root"}\033[2J\033[31m\xff\xfe<b>\xe2\x80\xae')
pt -I rhost=192.0.2.66 pstest "$hostile" open_session > /dev/null 2>&1
wait_for "a hostile user name: one session_open" '{"kind":"session_open","src_ip":"192.0.2.66"}' --count 1 --exact
check "... its name kept byte for byte (invalid bytes as \\xNN)" python3 - $LOG <<'PY'
import json, sys
want = 'x\n{"kind":"auth_success","user":"root"}\x1b[2J\x1b[31m\\xff\\xfe<b>\u202e'
evs = [json.loads(l) for l in open(sys.argv[1])]
got = [e["user"] for e in evs if e.get("src_ip") == "192.0.2.66"]
sys.exit(0 if got == [want] else print(repr(got)) or 1)
PY
check "... and no auth_success came of it" $WAIT $LOG '{"kind":"auth_success","user":"root"}' --count 0 --exact
check "the terminal table shows no raw escape" bash -c "! grep -q $'\033' $TMP/stdout"

# ---- PAM_IGNORE, and fail open ----
ignore_checks() { # ignore_checks WHEN
	pt psignore root authenticate acct_mgmt open_session close_session < /dev/null > /dev/null 2>&1
	check "PAM_IGNORE from every hook ($1)" test $? -eq 0
	pt psalone root authenticate < /dev/null > /dev/null 2>&1
	check "the module alone lets nobody in ($1)" test $? -ne 0
}
ignore_checks "daemon running"
kill -STOP $dpid
# Fill the stopped daemon's queue: sends fail at once with EAGAIN when it is full.
check "the stopped daemon's queue fills" python3 - $SOCK <<'PY'
import errno, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setblocking(False)
for i in range(100000):
    try:
        s.sendto(b"filler", sys.argv[1])
    except BlockingIOError:
        sys.exit(0)
sys.exit(1)
PY
ignore_checks "daemon stopped, queue full"
pt -I rhost=192.0.2.70 pstest root open_session > /dev/null 2>&1
check "a session opens with the daemon stopped and its queue full" test $? -eq 0
kill -CONT $dpid
# It reads its whole queue in one go: once it has said so about the filler, the queue is empty.
check "the resumed daemon counts the filler as unreadable" \
	bash -c "for _ in \$(seq 100); do grep -q 'a malformed datagram (6 bytes) from root' $TMP/stderr && exit 0; sleep 0.1; done; exit 1"
pt -I rhost=192.0.2.71 pstest root open_session > /dev/null 2>&1
wait_for "the daemon resumed: the next session is reported" '{"kind":"session_open","src_ip":"192.0.2.71"}'
check "what came while its queue was full is lost, not replayed late" \
	$WAIT $LOG '{"kind":"session_open","src_ip":"192.0.2.70"}' --count 0 --exact

# ---- forgeries ----
# nobody runs pam-hook as pam_exec would: the kernel says who sent it.
forge() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups env PAM_TYPE=open_session PAM_SERVICE=sshd \
		PAM_USER=root PAM_RHOST=203.0.113.66 $TMP/pamsignal pam-hook -s $SOCK
}
forge
check "pam-hook as nobody exits 0 (it cannot tell)" test $? -eq 0
check "nobody's datagram is refused and logged with its uid" \
	bash -c "for _ in \$(seq 100); do grep -q 'refused a datagram from uid $(id -u nobody) (pid [0-9]*): only root' $TMP/stderr && exit 0; sleep 0.1; done; exit 1"
wait_for "... and reported as spoofed_log with the sender's uid" \
	'{"kind":"spoofed_log","program":"pam_pamsignal","source":"pam","sender_uid":'"$(id -u nobody)"'}'
forge
forge
check "... not as a login" $WAIT $LOG '{"src_ip":"203.0.113.66"}' --count 0 --exact
check "... and the log line is not repeated for each one" test "$(grep -c 'refused a datagram' $TMP/stderr)" -eq 1
kill -HUP $dpid # the status is sent at once after a reload
check "the status counts all three" \
	bash -c "for _ in \$(seq 100); do grep -q 'pam socket: 3 refused (not root), [0-9]* unreadable' $TMP/status && exit 0; sleep 0.1; done; tail -2 $TMP/status; exit 1"
check "the socket survived the reload" test -S $SOCK
check "a non-root sender cannot claim uid 0 (EPERM)" setpriv --reuid=nobody --regid=nogroup --clear-groups \
	/usr/bin/python3 - $SOCK <<'PY'
import os, socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
cred = struct.pack("iII", os.getpid(), 0, 0)
try:
    s.sendmsg([b"PSpm"], [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS, cred)], 0, sys.argv[1])
except PermissionError:
    sys.exit(0)
sys.exit(1)
PY

# ---- pam-hook through the real pam_exec ----
pt -I rhost=192.0.2.80 -I tty=pts/9 psexec root open_session close_session > /dev/null 2>&1
check "pamtester with pam_exec: session opens and closes" test $? -eq 0
wait_for "pam-hook: session_open from pam_exec's environment" \
	'{"kind":"session_open","service":"psexec","user":"root","src_ip":"192.0.2.80","tty":"pts/9","source":"pam"}'
wait_for "pam-hook: session_close" '{"kind":"session_close","service":"psexec","user":"root"}'
env -u PAM_TYPE "$PAMSIGNAL" pam-hook -s $SOCK 2> /dev/null
check "pam-hook outside pam_exec is a usage error" test $? -eq 2

# ---- daemon gone ----
kill -TERM $dpid
wait $dpid
check "SIGTERM exits 0" test $? -eq 0
dpid=
check "the socket is removed at exit" test ! -e $SOCK
ignore_checks "daemon gone"
pt -I rhost=192.0.2.90 pstest root open_session close_session > /dev/null 2>&1
check "sessions open and close with no daemon" test $? -eq 0
PAM_TYPE=open_session "$PAMSIGNAL" pam-hook -s $SOCK 2> /dev/null
check "pam-hook with no daemon exits 0" test $? -eq 0

# ---- with a log file read too: the PAM call is reported from there, the pam event is a record only ----
: > $TMP/auth.log
pam_config $TMP/echo.conf $SOCK $TMP/echo.jsonl $TMP/auth.log
: > $TMP/stdout
"$PAMSIGNAL" run -c $TMP/echo.conf >> $TMP/stdout 2> $TMP/echo.err &
dpid=$!
check "a daemon reading a log file and the pam socket" \
	bash -c "for _ in \$(seq 100); do grep -q 'monitoring: 1 file(s), pam $SOCK' $TMP/echo.err && exit 0; sleep 0.1; done; exit 1"
for i in 1 2 3 4 5 6; do
	echo x | pt -I rhost=192.0.2.99 pstest psl_nosuchuser$i authenticate > /dev/null 2>&1
done
check "with a log file read, pam events still go to the event log" \
	$WAIT $TMP/echo.jsonl '{"kind":"auth_failure","src_ip":"192.0.2.99","source":"pam"}' --count 6 --timeout 15
check "... but are not shown twice in the table" bash -c "! grep -q 192.0.2.99 $TMP/stdout"
check "... nor counted twice by the rules (6 failures, no brute_force alert)" \
	bash -c "! grep -q '\"type\":\"alert\"' $TMP/echo.jsonl"
kill -TERM $dpid
wait $dpid
dpid=
check "the event log is valid JSON" $JC $LOG
finish
