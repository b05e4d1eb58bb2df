#!/bin/bash
# Detection in pamsignal run, against the real sshd on loopback: alerts
# reach the event log and the terminal as the attack happens, and a restart
# in the middle of an attack keeps its count (STATE_DIR/detect). auditd
# runs too, with the audit source on: each attempt is then in the journal
# and in audit.log (USER_AUTH, USER_LOGIN), and must still count once.
#  - two wrong passwords, the periodic save (a forked child writes the
#    state while the daemon runs), kill -9, restart, two more, SIGTERM
#    (the save at exit), restart, one more: exactly one brute_force alert,
#    raised at the fifth attempt, across both restarts;
#  - the right password from the same source: success_after_failures;
#  - the alerts are JSON lines of the event log, rows of the terminal, and
#    webhook requests to a receiver on loopback (alert delivery).
# Starts what is not running and puts the machine back as it was.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/journal.sh"
. "$(dirname "$0")/machine.sh"
. "$(dirname "$0")/deliver_lib.sh"
WAIT="python3 $PS_SOURCE_ROOT/tests/e2e/waitevent.py"

if [ "$(id -u)" != 0 ]; then
	not_ok "run_detect needs root to run sshd and add users"
	finish
	exit 1
fi
take_machine_lock
journal_start
check "journald is running and stores what is logged" test -n "$(journal_mark start)"
start_auditd
check "auditd is running" test $? -eq 0
make_test_users
start_test_sshd 2294
check "sshd started" test $? -eq 0

port=$(free_port)
start_receiver hook $port
check "webhook receiver listening" test $? -eq 0
LOG=$TMP/log/events.jsonl
cat > $TMP/pamsignal.conf <<CFG
[general]
state_dir = $TMP/state

[source.journal]
enabled = yes

[source.file]
enabled = no

[source.audit]
enabled = yes
path = /var/log/audit/audit.log

[output.eventlog]
path = $LOG

[channel.hook]
type = webhook
url = http://127.0.0.1:$port/hook
min_severity = high
rate_limit = none
CFG

dpid=
start_daemon() { run_daemon $TMP/pamsignal.conf; }
stop_daemon() {
	kill -TERM $dpid
	wait $dpid
	local r=$?
	dpid=
	return $r
}
at_exit '[ -n "$dpid" ] && kill -9 $dpid 2> /dev/null'
wrong() { # N: wrong passwords for psl_alice, one connection each
	for i in $(seq $1); do
		sshpass -p "wrong-$i" ssh "${ssh_opts[@]}" -o PubkeyAuthentication=no psl_alice@127.0.0.1 true 2> /dev/null
	done
}
wait_for() {
	local what=$1
	shift
	check "$what" $WAIT $LOG "$@"
}

FAILED='{"kind":"auth_failure","reason":"bad_password","user":"psl_alice","src_ip":"127.0.0.1"}'
start_daemon
check "pamsignal run starts" test $? -eq 0
wrong 2
wait_for "two failures reach the event log" "$FAILED" --count 2
wait_for "... and their audit records" \
	'{"kind":"auth_failure","user":"psl_alice","src_ip":"127.0.0.1","audit_type":"USER_AUTH"}' --count 2
check "no brute_force alert yet" test "$(grep -c '"rule":"brute_force"' $LOG)" -eq 0
# A minute after the first event the daemon saves the state (a forked
# child writes it); nothing else writes that file while it runs.
for _ in $(seq 180); do [ -s $TMP/state/detect ] && break; sleep 1; done
check "the detector's state was saved while running" test -s $TMP/state/detect
check "... whole (its end line)" test "$(tail -n 1 $TMP/state/detect)" = end
check "... with no temporary file left" test ! -e $TMP/state/detect.tmp
kill -9 $dpid
wait $dpid 2> /dev/null
dpid=
start_daemon
check "restart after kill -9" test $? -eq 0
wrong 2
wait_for "two more failures" "$FAILED" --count 4
check "still no brute_force alert: four of five" test "$(grep -c '"rule":"brute_force"' $LOG)" -eq 0
stop_daemon
check "SIGTERM exits 0" test $? -eq 0
check "the detector's state was saved at the stop" test "$(tail -n 1 $TMP/state/detect)" = end
start_daemon
check "restart" test $? -eq 0
wrong 1
wait_for "across the kill -9 and the restart, one brute_force alert at the fifth attempt" \
	'{"type":"alert","rule":"brute_force","src_ip":"127.0.0.1","count":5}' --count 1 --exact
check "and only one first alert for the incident" \
	test "$(grep '"rule":"brute_force"' $LOG | grep -vc '"update":true')" -eq 1
check "the alert names the technique" grep -q '"rule":"brute_force".*"mitre":\["T1110' $LOG
sshpass -p "$pw" ssh "${ssh_opts[@]}" -o PubkeyAuthentication=no psl_alice@127.0.0.1 true
check "the right password" test $? -eq 0
wait_for "then success_after_failures, critical" \
	'{"type":"alert","rule":"success_after_failures","src_ip":"127.0.0.1","user":"psl_alice","severity":"critical"}' \
	--count 1 --exact
check "alerts are on the terminal too" grep -q "success_after_failures" $TMP/stdout
delivered() { # RULE: alerts of RULE the webhook received
	requests hook /hook | python3 -c '
import json, sys
print(sum(1 for l in sys.stdin if json.loads(json.loads(l)["text"]).get("rule") == sys.argv[1]))' "$1"
}
for _ in $(seq 50); do [ "$(delivered success_after_failures)" -ge 1 ] && break; sleep 0.2; done
check "the webhook got the brute_force alert once" test "$(delivered brute_force)" -eq 1
check "and the success_after_failures alert" test "$(delivered success_after_failures)" -eq 1
stop_daemon
check "SIGTERM exits 0 again" test $? -eq 0
check "every line of the event log is JSON" python3 -c '
import json, sys
for l in open(sys.argv[1]): json.loads(l)' $LOG
finish
