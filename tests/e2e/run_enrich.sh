#!/bin/bash
# Enrichment in pamsignal run, against the real sshd on loopback:
#  - dst_ip/dst_port of live connections from /proc (sshd at LogLevel INFO
#    logs no destination), over IPv4 (127.0.0.1) and IPv6 (::1);
#  - dst_ip/dst_port from sshd's own "Connection from ... on ..." (LogLevel
#    VERBOSE), carried to the later lines of that connection by pid;
#  - SIGHUP reopens the .mmdb files (as after geoipupdate): a database
#    replaced by a newer one is used by the next event, a broken
#    replacement leaves the open copy in use.
# Starts what is not running and puts the machine back as it was.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/journal.sh"
. "$(dirname "$0")/machine.sh"
WAIT="python3 $PS_SOURCE_ROOT/tests/e2e/waitevent.py"
MK="python3 $PS_SOURCE_ROOT/tests/mkmmdb.py"

if [ "$(id -u)" != 0 ]; then
	not_ok "run_enrich needs root to run sshd, add users and read /proc/PID/fd"
	finish
	exit 1
fi
take_machine_lock
journal_start
check "journald is running and stores what is logged" test -n "$(journal_mark start)"
make_test_users
# sshd at the default LogLevel, on both loopbacks: the destination is not logged.
sshd_extra=$'LogLevel INFO\nListenAddress ::1' start_test_sshd 2290
check "sshd (LogLevel INFO, 127.0.0.1 and [::1]) started" test $? -eq 0
quiet_opts=("${ssh_opts[@]}")
# and one that logs "Connection from ... on ...".
start_test_sshd 2291
check "sshd (LogLevel VERBOSE) started" test $? -eq 0
verbose_opts=("${ssh_opts[@]}")

$MK city $TMP/city.mmdb
$MK asn $TMP/asn.mmdb
LOG=$TMP/log/events.jsonl
cat > $TMP/pamsignal.conf << CFG
[general]
state_dir = $TMP/state

[source.journal]
enabled = yes

[source.file]
enabled = no

[output.eventlog]
path = $LOG

[enrich]
asn_db = $TMP/asn.mmdb
CFG

# The daemon's sd_notify STATUS lines, as systemd would receive them.
python3 - $TMP/notify.sock $TMP/notify.log << 'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "ab", buffering=0) as f:
    while True:
        f.write(s.recv(4096) + b"\n")
PY
notify_pid=$!
at_exit "kill $notify_pid 2> /dev/null"
for _ in $(seq 50); do [ -S $TMP/notify.sock ] && break; sleep 0.1; done
export NOTIFY_SOCKET=$TMP/notify.sock

dpid=
at_exit '[ -n "$dpid" ] && kill -9 $dpid 2> /dev/null'
run_daemon $TMP/pamsignal.conf
check "pamsignal run starts" test $? -eq 0

# A login that stays open until the daemon has reported it: the connection
# is still there when the daemon looks in /proc.
login_held() { # login_held ADDRESS OPTS...: psl_alice logs in and waits; pid in $cpid
	local addr=$1
	shift
	sshpass -p "$pw" ssh "$@" -o PubkeyAuthentication=no "psl_alice@$addr" 'sleep 120' > /dev/null 2>&1 &
	cpid=$!
}

login_held 127.0.0.1 "${quiet_opts[@]}"
check "IPv4 login: dst_ip and dst_port from /proc" $WAIT $LOG \
	'{"kind":"auth_success","user":"psl_alice","src_ip":"127.0.0.1","dst_ip":"127.0.0.1","dst_port":2290}'
kill $cpid 2> /dev/null
wait $cpid 2> /dev/null

login_held ::1 "${quiet_opts[@]}"
check "IPv6 login: dst_ip and dst_port from /proc" $WAIT $LOG \
	'{"kind":"auth_success","user":"psl_alice","src_ip":"::1","dst_ip":"::1","dst_port":2290}'
kill $cpid 2> /dev/null
wait $cpid 2> /dev/null

# The logged destination, and the lines after it in the same connection.
sshpass -p "wrong" ssh "${verbose_opts[@]}" -o PubkeyAuthentication=no psl_bob@127.0.0.1 true > /dev/null 2>&1
check "VERBOSE: sshd's Connection from ... on ... gives the destination" $WAIT $LOG \
	'{"kind":"probe","reason":"connect","src_ip":"127.0.0.1","dst_ip":"127.0.0.1","dst_port":2291}'
check "VERBOSE: the failure of that connection carries it (same sshd pid)" $WAIT $LOG \
	'{"kind":"auth_failure","user":"psl_bob","src_ip":"127.0.0.1","dst_ip":"127.0.0.1","dst_port":2291}'
check "a source outside the databases gets no src_as" bash -c "! grep -q src_as $LOG"

# SIGHUP after geoipupdate: a new database in place of the old (loopback is in this one).
cat > $TMP/ranges.txt << 'EOF'
127.0.0.0/8 loopback
::1/128 loopback
EOF
python3 - "$TMP/asn.mmdb" << 'PY'
import importlib.util, ipaddress, os, sys
spec = importlib.util.spec_from_file_location("mk", os.path.join(os.environ["PS_SOURCE_ROOT"], "tests/mkmmdb.py"))
mk = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mk)
nets = mk.asn_networks() + [(ipaddress.ip_network("127.0.0.0/8"),
                              {"autonomous_system_number": 64510, "autonomous_system_organization": "Loopback AS"})]
mk.write_db(sys.argv[1] + ".new", nets, "PS-Test-ASN", 24, "refreshed")
os.rename(sys.argv[1] + ".new", sys.argv[1])
PY
printf 'provider_ranges = %s/ranges.txt\n' $TMP >> $TMP/pamsignal.conf
kill -HUP $dpid
sshpass -p "wrong" ssh "${quiet_opts[@]}" -o PubkeyAuthentication=no psl_bob@127.0.0.1 true > /dev/null 2>&1
check "after SIGHUP: the refreshed database and the new range file are used" $WAIT $LOG \
	'{"kind":"auth_failure","user":"psl_bob","src_ip":"127.0.0.1","src_as":{"number":64510,"organization":"Loopback AS"},"src_provider":"loopback"}'

printf 'garbage' > $TMP/asn.mmdb.new
mv $TMP/asn.mmdb.new $TMP/asn.mmdb
kill -HUP $dpid
sshpass -p "wrong" ssh "${quiet_opts[@]}" -o PubkeyAuthentication=no psl_alice@::1 true > /dev/null 2>&1
grep_wait() { for _ in $(seq 100); do grep -q "$1" "$2" && return 0; sleep 0.1; done; return 1; }
check "a broken replacement is reported at SIGHUP" grep_wait 'asn_db: .* is not a MaxMind DB file.*the copy opened before is kept' $TMP/stderr
check "and the copy opened before stays in use" $WAIT $LOG \
	'{"kind":"auth_failure","user":"psl_alice","src_ip":"::1","src_provider":"loopback"}'
check "the daemon is still running" kill -0 $dpid
# Each SIGHUP ends with a STATUS line: the last one counts the two /proc finds.
check "status: enrichment counters (two logins found in /proc)" \
	grep -qE 'enrich: [0-9]+ located, [0-9]+ AS, /proc [2-9][0-9]* of [0-9]+ found' $TMP/notify.log

kill -TERM $dpid
wait $dpid
check "pamsignal run stops cleanly" test $? -eq 0
dpid=
check "event log valid JSON" python3 "$PS_SOURCE_ROOT/tests/e2e/jsoncheck.py" $LOG
finish
