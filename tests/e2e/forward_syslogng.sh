#!/bin/bash
# pamsignal run forwarding to a real syslog-ng on loopback: json over
# plain TCP, cee over TLS, ecs over TLS with a client certificate that
# syslog-ng requires. syslog-ng's syslog() source parses RFC 5424 with
# octet counting, removes the UTF-8 BOM (so the default bom = yes works
# with its json-parser), parses the structured data, and json-parser reads
# the payload: every event and alert of the event log arrives exactly once
# with its fields, hostile user names included. syslog-ng stopped for a
# few seconds while events keep coming, then started: nothing is lost.
# syslog-ng runs in the foreground with its own configuration, pid file,
# persist file and control socket; it has no system() source.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/deliver_lib.sh"
. "$(dirname "$0")/machine.sh"
. "$(dirname "$0")/forward_lib.sh"
CHECK="python3 $PS_SOURCE_ROOT/tests/e2e/forward_check.py"

if ! find_syslog_ng; then
	not_ok "syslog-ng is neither unpacked in $SNG_ROOT (scripts/setup test does it) nor installed"
	finish
	exit 1
fi
make_ca
make_client_cert
p_json=$(free_port) p_cee=$(free_port) p_ecs=$(free_port)
tls() { # PEER_VERIFY
	printf 'tls(key-file("%s") cert-file("%s") ca-file("%s") peer-verify(%s))' \
		$TMP/srv.key $TMP/srv.pem $TMP/ca.pem "$1"
}
# A destination per source: the header fields and the structured data as
# syslog-ng parsed them, a tab, then what its json-parser found.
dest() { # NAME
	printf 'destination d_%s { file("%s/sng-%s.log" template("$(format-json msg=${MSG} msgid=${MSGID} pri=${PRI} host=${HOST} sdata.id=${.SDATA.pamsignal@32473.id} sdata.user=${.SDATA.pamsignal@32473.user})\\t$(format-json --key json.* --shift-levels 1)\\n")); };\n' \
		"$1" $TMP "$1"
}
cat > $TMP/sng.conf <<CONF
@version: 3.38
options { stats_freq(0); keep_hostname(yes); };
source s_json { syslog(transport("tcp") ip("127.0.0.1") port($p_json) flags(no-multi-line)); };
source s_cee { syslog(transport("tls") ip("127.0.0.1") port($p_cee) flags(no-multi-line) $(tls optional-untrusted)); };
source s_ecs { syslog(transport("tls") ip("127.0.0.1") port($p_ecs) flags(no-multi-line) $(tls required-trusted)); };
parser p_json { json-parser(prefix("json.")); };
parser p_cee { json-parser(prefix("json.") marker("@cee:")); };
$(dest json)
$(dest cee)
$(dest ecs)
log { source(s_json); parser(p_json); destination(d_json); };
log { source(s_cee); parser(p_cee); destination(d_cee); };
log { source(s_ecs); parser(p_json); destination(d_ecs); };
CONF
start_syslog_ng sng $p_json $p_cee $p_ecs
check "syslog-ng listening on its own ports" test $? -eq 0

cat > $TMP/forwards.conf <<CONF
[forward.json]
target = 127.0.0.1:$p_json
transport = tcp
format = json
sd_id = pamsignal@32473
[forward.cee]
target = 127.0.0.1:$p_cee
format = cee
ca_file = $TMP/ca.pem
[forward.ecs]
target = 127.0.0.1:$p_ecs
format = ecs
ca_file = $TMP/ca.pem
cert_file = $TMP/cli.pem
key_file = $TMP/cli.key
CONF
: > $TMP/auth.log
write_daemon_conf
at_exit '[ -n "$dpid" ] && kill -9 $dpid 2> /dev/null'
run_daemon $TMP/p.conf
check "daemon starts" test $? -eq 0

send_events 30
check "the daemon logged the 30 logins" test $? -eq 0
all_in() { for f in json cee ecs; do [ "$(lines $TMP/sng-$f.log)" -ge "$(logged)" ] || return 1; done; }
waitfor 60 all_in
check "every receiver has as many messages as the event log" test $? -eq 0
sleep 1
check "json over TCP (with the BOM): each once, parsed by json-parser, structured data by syslog-ng" \
	$CHECK $TMP/events.jsonl $TMP/sng-json.log json --sd --syslog-ng
check "cee over TLS: each once, parsed by json-parser's @cee: marker" \
	$CHECK $TMP/events.jsonl $TMP/sng-cee.log cee --syslog-ng
check "ecs over TLS with a client certificate syslog-ng requires: each once" \
	$CHECK $TMP/events.jsonl $TMP/sng-ecs.log ecs --syslog-ng

stop_syslog_ng sng
logins 31 60 0.1
start_syslog_ng sng $p_json $p_cee $p_ecs
logins 61 80 0.05
waitfor 30 sh -c "[ \$(grep -c '\"kind\":\"auth_success\"' $TMP/events.jsonl) -ge 80 ]"
waitfor 120 all_in
check "after the restart every receiver has caught up" test $? -eq 0
sleep 1
for f in json cee ecs; do
	check "$f: syslog-ng stopped and started again: nothing lost, nothing twice" \
		$CHECK $TMP/events.jsonl $TMP/sng-$f.log $f --syslog-ng
done
kill -TERM $dpid
wait $dpid
check "SIGTERM: exit 0" test $? -eq 0
finish
