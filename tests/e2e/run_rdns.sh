#!/bin/bash
# Reverse DNS in pamsignal run ([enrich] reverse_dns = yes), against a DNS
# server on loopback (tests/e2e/dnsd.py), in a network and mount namespace
# of the test's own: its own loopback, its own /etc/resolv.conf, nothing of
# the machine's touched. The daemon follows a log file.
#  - a source's name comes with a later event (the first one does not wait);
#  - while the server holds a query unanswered, events and alerts still go
#    out at once, without the name;
#  - a name that is not a plausible host name (a newline in a label) is
#    never used; a missing PTR record gives no name; IPv6 works (ip6.arpa).
. "$(dirname "$0")/lib.sh"
WAIT="python3 $PS_SOURCE_ROOT/tests/e2e/waitevent.py"

if [ -z "${PS_RDNS_NS:-}" ]; then
	if [ "$(id -u)" != 0 ] || ! command -v unshare > /dev/null; then
		not_ok "run_rdns needs root and unshare for its own network namespace"
		finish
		exit 1
	fi
	# unshare makes the new mount namespace private: the bind mount below stays in it.
	exec unshare --mount --net env PS_RDNS_NS=1 bash "$0" "$@"
fi
ip link set lo up
printf 'nameserver 127.0.0.1\noptions attempts:1 timeout:1\n' > $TMP/resolv.conf
mount --bind $TMP/resolv.conf /etc/resolv.conf
check "the test's own resolv.conf (inside its namespace)" grep -q '^nameserver 127.0.0.1$' /etc/resolv.conf

ptr4() { echo "$1" | awk -F. '{ print $4 "." $3 "." $2 "." $1 ".in-addr.arpa" }'; }
v6ptr=$(python3 -c 'import ipaddress; print(ipaddress.ip_address("2001:db8::9").reverse_pointer)')
python3 "$PS_SOURCE_ROOT/tests/e2e/dnsd.py" 127.0.0.1 53 $TMP/queries \
	"$(ptr4 192.0.2.9)=host-9.example.net" \
	"$(ptr4 192.0.2.10)=HOLD:$TMP/release" \
	"$(ptr4 192.0.2.11)=evil\\x0aname.example.net" \
	"$(ptr4 192.0.2.12)=NONE" \
	"$(ptr4 192.0.2.13)=host-13.example.net" \
	"$v6ptr=host6.example.net" > $TMP/dnsd.out 2>&1 &
dns=$!
at_exit "kill $dns 2> /dev/null"
for _ in $(seq 50); do grep -qs listening $TMP/dnsd.out && break; sleep 0.1; done
check "DNS server on the namespace's loopback" grep -q listening $TMP/dnsd.out

LOG=$TMP/log/events.jsonl
AUTH=$TMP/auth.log
: > $AUTH
cat > $TMP/pamsignal.conf << CFG
[general]
state_dir = $TMP/state
[source.journal]
enabled = no
[source.file]
enabled = yes
paths = $AUTH
[source.audit]
enabled = no
[output.eventlog]
path = $LOG
[enrich]
reverse_dns = yes
reverse_dns_timeout = 1
CFG
"$PAMSIGNAL" run -c $TMP/pamsignal.conf > $TMP/stdout 2> $TMP/stderr &
dpid=$!
at_exit "kill -9 $dpid 2> /dev/null"
for _ in $(seq 100); do grep -q monitoring $TMP/stderr && break; sleep 0.1; done
check "pamsignal run starts" grep -q monitoring $TMP/stderr

n=0
fail_from() { # fail_from ADDRESS: one failed login from it, in the followed log
	n=$((n + 1))
	printf '%s web1 sshd[%d]: Failed password for root from %s port %d ssh2\n' "$(date '+%b %e %H:%M:%S')" \
		$((1000 + n)) "$1" $((40000 + n)) >> $AUTH
}
count_from() { python3 -c '
import json, sys
print(sum(1 for l in open(sys.argv[1]) if json.loads(l).get("src_ip") == sys.argv[2] and json.loads(l).get("type") == "event"))
' $LOG "$1" 2> /dev/null || echo 0; }
# A failure from ADDRESS, and its event (by count): prints its src_rdns, or nothing.
event_from() {
	local before
	before=$(count_from "$1")
	fail_from "$1"
	$WAIT $LOG "{\"kind\":\"auth_failure\",\"src_ip\":\"$1\"}" --count $((before + 1)) > /dev/null || return 1
	python3 -c '
import json, sys
e = [json.loads(l) for l in open(sys.argv[1]) if json.loads(l).get("src_ip") == sys.argv[2]][-1]
print(e.get("src_rdns", ""))
' $LOG "$1"
}
# Failures from ADDRESS until one carries a name (at most 50): prints it.
name_of() {
	local name
	for _ in $(seq 50); do
		name=$(event_from "$1")
		[ -n "$name" ] && { echo "$name"; return 0; }
		sleep 0.1
	done
	return 1
}

first=$(event_from 192.0.2.9)
check "the first event from an address goes out without waiting for its name" test -z "$first"
check "a later event from it carries the name" test "$(name_of 192.0.2.9)" = host-9.example.net
check "IPv6: the name from ip6.arpa" test "$(name_of 2001:db8::9)" = host6.example.net

# The server holds 192.0.2.10's query: six failures from it, and the brute_force alert, go out now.
for i in $(seq 6); do fail_from 192.0.2.10; done
check "events from an address whose query is held go out at once" \
	$WAIT $LOG '{"kind":"auth_failure","src_ip":"192.0.2.10"}' --count 6
check "and so does their alert" $WAIT $LOG '{"type":"alert","rule":"brute_force","src_ip":"192.0.2.10"}'
check "the query is still held (no answer sent yet)" test ! -e $TMP/release
check "the held query did reach the server" grep -q "$(ptr4 192.0.2.10)" $TMP/queries
check "no event waited for the held name" bash -c "! grep -q held.example.net $LOG"
touch $TMP/release

# A newline in the answer: the name is refused. The worker answers in order,
# so once a later address has its name, 192.0.2.11's answer has been seen.
fail_from 192.0.2.11
fail_from 192.0.2.12
check "a later address gets its name" test "$(name_of 192.0.2.13)" = host-13.example.net
check "a name with a newline in a label is never used" test -z "$(event_from 192.0.2.11)"
check "no PTR record: no name" test -z "$(event_from 192.0.2.12)"
check "no raw control character in the event log" bash -c "! grep -qP '[\x00-\x08\x0b-\x1f]' $LOG"

kill -TERM $dpid
wait $dpid
rc=$?
check "pamsignal run stops cleanly (the resolver thread joined)" test $rc -eq 0
[ $rc -eq 0 ] || { echo "exit status $rc"; cat $TMP/stderr; }
check "event log valid JSON" python3 "$PS_SOURCE_ROOT/tests/e2e/jsoncheck.py" $LOG
finish
