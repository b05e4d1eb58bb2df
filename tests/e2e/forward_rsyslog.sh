#!/bin/bash
# pamsignal run forwarding to a real rsyslog on loopback, in every format,
# over plain TCP, TLS, TLS with a client certificate, and UDP:
# - every event and alert of the event log arrives exactly once, and
#   rsyslog's own parsers read it: mmjsonparse for json, cee, ecs and ocsf,
#   mmpstrucdata for the structured data; CEF and LEEF are parsed by
#   forward_check.py by their escaping rules;
# - hostile user names (newline, tab, '|', '=', '\', ']', '"', ANSI, bidi,
#   invalid UTF-8) come out exactly as the event log has them (JSON), or
#   escaped as documented (CEF, LEEF, RFC 5424 structured data);
# - TLS refuses a receiver whose certificate is for another name, and a
#   receiver that wants a client certificate refuses a forward without one;
# - rsyslog stopped for a few seconds while events keep coming, then
#   started: nothing is lost; the daemon killed with -9 while the receiver
#   is down, both started again: nothing is lost. A SIGHUP in between
#   restarts forwarding without losing or repeating anything.
# No journald: the daemon follows a file, so this runs in parallel with
# other tests. rsyslog runs with its own configuration, pid file and ports,
# and reads neither /dev/log nor the journal.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/deliver_lib.sh"
. "$(dirname "$0")/machine.sh"
. "$(dirname "$0")/forward_lib.sh"
CHECK="python3 $PS_SOURCE_ROOT/tests/e2e/forward_check.py"

make_ca
make_client_cert
p_json=$(free_port) p_cee=$(free_port) p_ecs=$(free_port) p_ocsf=$(free_port) p_cef=$(free_port)
p_leef=$(free_port) p_nocert=$(free_port) p_name=$(free_port)

# One ruleset per input: structured data and JSON parsed by rsyslog, then
# one JSON line per message: MSG, STRUCTURED-DATA, MSGID, PRI, and the
# parsed tree.
ruleset() { # NAME COOKIE
	cat <<CONF
ruleset(name="$1") {
  action(type="mmpstrucdata")
  action(type="mmjsonparse" cookie="$2")
  action(type="omfile" file="$TMP/rs-$1.log" template="tj")
}
CONF
}
tls='streamDriver.name="ossl" streamDriver.mode="1"'
cat > $TMP/rs.conf <<CONF
global(workDirectory="$TMP/rs.d"
       defaultNetstreamDriverCAFile="$TMP/ca.pem" defaultNetstreamDriverCertFile="$TMP/srv.pem"
       defaultNetstreamDriverKeyFile="$TMP/srv.key"
       parser.escapeControlCharacterTab="off")
module(load="imtcp")
module(load="imudp")
module(load="mmjsonparse")
module(load="mmpstrucdata")
template(name="tj" type="list" option.jsonf="on") {
  property(outname="msg" name="msg" format="jsonf")
  property(outname="sd" name="structured-data" format="jsonf")
  property(outname="msgid" name="msgid" format="jsonf")
  property(outname="pri" name="pri" format="jsonf")
  property(outname="host" name="hostname" format="jsonf")
  property(outname="parsed" name="\$!" format="jsonf")
}
input(type="imtcp" address="127.0.0.1" port="$p_json" ruleset="json")
input(type="imtcp" address="127.0.0.1" port="$p_cee" ruleset="cee" $tls streamDriver.authMode="anon")
input(type="imtcp" address="127.0.0.1" port="$p_ecs" ruleset="ecs" $tls streamDriver.authMode="x509/certvalid")
input(type="imtcp" address="127.0.0.1" port="$p_ocsf" ruleset="ocsf")
input(type="imtcp" address="127.0.0.1" port="$p_cef" ruleset="cef" $tls streamDriver.authMode="anon")
input(type="imudp" address="127.0.0.1" port="$p_leef" ruleset="leef")
input(type="imtcp" address="127.0.0.1" port="$p_nocert" ruleset="nocert" $tls streamDriver.authMode="x509/certvalid")
input(type="imtcp" address="127.0.0.1" port="$p_name" ruleset="name" $tls streamDriver.authMode="anon")
$(ruleset json "") $(ruleset cee "@cee:") $(ruleset ecs "") $(ruleset ocsf "") $(ruleset cef "")
$(ruleset leef "") $(ruleset nocert "") $(ruleset name "")
CONF
start_rsyslog rs $p_json $p_cee $p_ecs $p_ocsf $p_cef $p_nocert $p_name
check "rsyslog listening on its own ports" test $? -eq 0

fw() { # NAME PORT TRANSPORT FORMAT [key = value lines]
	printf '[forward.%s]\ntarget = 127.0.0.1:%s\ntransport = %s\nformat = %s\n' "$1" "$2" "$3" "$4"
	shift 4
	printf '%s\n' "$@"
}
{
	# rsyslog keeps a BOM in front of MSG, where mmjsonparse then finds no
	# JSON: the JSON forwards say bom = no (doc/forwarding.md).
	fw json $p_json tcp json "bom = no" "sd_id = pamsignal@32473"
	fw cee $p_cee tls cee "bom = no" "ca_file = $TMP/ca.pem"
	fw ecs $p_ecs tls ecs "bom = no" "ca_file = $TMP/ca.pem" "cert_file = $TMP/cli.pem" "key_file = $TMP/cli.key"
	fw ocsf $p_ocsf tcp ocsf "bom = no"
	fw cef $p_cef tls cef "ca_file = $TMP/ca.pem" "sd_id = pamsignal@32473"
	fw leef $p_leef udp leef
	fw nocert $p_nocert tls json "ca_file = $TMP/ca.pem" "queue_size = 1M"
	fw name $p_name tls json "ca_file = $TMP/ca.pem" "server_name = siem.example.org" "queue_size = 1M"
} > $TMP/forwards.conf
: > $TMP/auth.log
write_daemon_conf
"$PAMSIGNAL" check-config -c $TMP/p.conf > $TMP/check.out 2>&1
check "check-config accepts the forwards" grep -q "^forward: *ecs: 127.0.0.1:$p_ecs over tls, ecs" $TMP/check.out
at_exit '[ -n "$dpid" ] && kill -9 $dpid 2> /dev/null'
run_daemon $TMP/p.conf
check "daemon starts" test $? -eq 0

send_events 40
check "the daemon logged the 40 logins" test $? -eq 0
check "the hostile names decoded as failures" test "$(grep -c '"reason":"invalid_user"' $TMP/events.jsonl)" -eq 7
all_in() { for f in json cee ecs ocsf cef leef; do [ "$(lines $TMP/rs-$f.log)" -ge "$(logged)" ] || return 1; done; }
waitfor 60 all_in
check "every receiver has as many messages as the event log" test $? -eq 0
sleep 1 # anything extra (a repeat) would arrive now
cp $TMP/events.jsonl $TMP/events-1.jsonl
check "json over TCP: each once, parsed by mmjsonparse, structured data by mmpstrucdata" \
	$CHECK $TMP/events.jsonl $TMP/rs-json.log json --sd
check "cee over TLS: each once, parsed by mmjsonparse's @cee: cookie" $CHECK $TMP/events.jsonl $TMP/rs-cee.log cee
check "ecs over TLS with a client certificate: each once, fields as ECS says" \
	$CHECK $TMP/events.jsonl $TMP/rs-ecs.log ecs
check "ocsf over TCP: each once, classes and fields as OCSF says" $CHECK $TMP/events.jsonl $TMP/rs-ocsf.log ocsf
check "cef over TLS: each once, CEF escaping, structured data escaped" \
	$CHECK $TMP/events.jsonl $TMP/rs-cef.log cef --sd
check "leef over UDP: each once, LEEF escaping" $CHECK $TMP/events.jsonl $TMP/rs-leef.log leef
check "RFC 5424 header: PRI authpriv.info / notice, MSGID the kind, HOSTNAME ours" python3 - $TMP/rs-json.log <<'PY'
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    kind = json.loads(r["msg"]).get("kind", "alert")
    assert r["msgid"] == (kind if json.loads(r["msg"])["type"] == "event" else "alert"), r
    assert r["host"] == "web1" and int(r["pri"]) // 8 == 10, r
PY
check "no message without a client certificate reached the receiver that wants one" test "$(lines $TMP/rs-nocert.log)" -eq 0
check "the refusal is said" grep -E -q "forward nocert: .*(TLS|closed)" $TMP/stderr
# Refused after the handshake (TLS 1.3 checks a client certificate then):
# nothing counted as delivered, everything still queued.
queued() { python3 -c '
import sys
data = open(sys.argv[1], "rb").read()
added, done, i = set(), set(), 0
while i < len(data):
    nl = data.index(b"\n", i)
    head = data[i:nl].split(b" ")
    if head[0].startswith(b"+"):
        added.add(head[0][1:]); i = nl + 1 + int(head[3]) + 1
    else:
        done.add(head[0][1:]); i = nl + 1
print(len(added - done))' "$1"; }
check "refused: every item still queued for it" test "$(queued $TMP/state/forward/nocert.q)" -eq "$(logged)"
check "no message reached a receiver whose certificate is for another name" test "$(lines $TMP/rs-name.log)" -eq 0
check "the name mismatch is said" grep -q "forward name: 127.0.0.1:$p_name: TLS: the receiver's certificate was refused: hostname mismatch" $TMP/stderr

# A reload restarts forwarding: what is queued stays queued.
kill -HUP $dpid
waitfor 10 grep -q "SIGHUP: reloading" $TMP/stderr
check "SIGHUP reloads the daemon" test $? -eq 0
# The receiver stops for a few seconds while logins keep coming.
stop_rsyslog rs
logins 41 70 0.1
check "while rsyslog is down, the forwards queue on disk" test -s $TMP/state/forward/json.q
start_rsyslog rs $p_json $p_cee $p_ecs $p_ocsf $p_cef $p_nocert $p_name
logins 71 90 0.05
waitfor 30 sh -c "[ \$(grep -c '\"kind\":\"auth_success\"' $TMP/events.jsonl) -ge 90 ]"
tcp_in() { for f in json cee ecs ocsf cef; do [ "$(lines $TMP/rs-$f.log)" -ge "$(logged)" ] || return 1; done; }
waitfor 120 tcp_in
check "after the restart every TCP and TLS receiver has caught up" test $? -eq 0
sleep 1
for f in json cee ecs ocsf cef; do
	check "$f: rsyslog stopped and started again: nothing lost, nothing twice" $CHECK $TMP/events.jsonl $TMP/rs-$f.log $f
done

# kill -9 with the receiver down, then both up again.
stop_rsyslog rs
logins 91 100 0
waitfor 30 sh -c "[ \$(grep -c '\"kind\":\"auth_success\"' $TMP/events.jsonl) -ge 100 ]"
waitfor 30 grep -q '"src_port":10100' $TMP/state/forward/ocsf.q
check "the last login is in the disk queue before the crash" test $? -eq 0
kill -9 $dpid
wait $dpid 2> /dev/null
start_rsyslog rs $p_json $p_cee $p_ecs $p_ocsf $p_cef $p_nocert $p_name
run_daemon $TMP/p.conf
check "daemon restarts after kill -9" test $? -eq 0
waitfor 120 tcp_in
check "after kill -9 every TCP and TLS receiver has caught up" test $? -eq 0
sleep 1
# The event log is cut back to the last checkpoint after a crash and what
# followed is read again: events come again identical (repeats), alerts
# may come again with other counts (the first ones were already queued).
for f in json ecs ocsf; do
	check "$f: daemon killed while the receiver was down: nothing lost (at least once)" \
		$CHECK $TMP/events.jsonl $TMP/rs-$f.log $f --allow-repeats --allow-extra
done
kill -TERM $dpid
wait $dpid
check "SIGTERM: exit 0" test $? -eq 0
finish
