# Shared by the forwarding tests (source after lib.sh, deliver_lib.sh and
# machine.sh, whose run_daemon starts the daemon):
# real rsyslog and syslog-ng receivers, each with its own configuration,
# pid file, work directory and loopback ports. None of them reads /dev/log
# or the journal (no imuxsock, imjournal or system() source): the
# machine's own logging is untouched. A client certificate from the
# test CA, the hostile user names, and the daemon under test.

# make_client_cert: $TMP/cli.pem and $TMP/cli.key, signed by make_ca's CA.
make_client_cert() {
	openssl req -newkey rsa:2048 -nodes -subj /CN=pamsignal-client -keyout $TMP/cli.key -out $TMP/cli.csr 2> /dev/null
	openssl x509 -req -in $TMP/cli.csr -CA $TMP/ca.pem -CAkey $TMP/ca.key -CAcreateserial -days 2 \
		-out $TMP/cli.pem 2> /dev/null
}

# wait_port PORT [SECONDS]: until something listens on 127.0.0.1:PORT.
wait_port() {
	local end=$((SECONDS + ${2:-20}))
	until python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$1" 2> /dev/null; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.1
	done
}

# start_rsyslog NAME PORT...: rsyslogd -f $TMP/NAME.conf (written by the
# caller; its work directory $TMP/NAME.d), pid in $TMP/NAME.pid; returns
# once every PORT listens.
start_rsyslog() {
	local name=$1 p
	shift
	mkdir -p $TMP/$name.d
	rsyslogd -f $TMP/$name.conf -i $TMP/$name.pid 2>> $TMP/$name.err || return 1
	at_exit "stop_rsyslog $name"
	for p in "$@"; do wait_port $p || return 1; done
}

stop_rsyslog() {
	local pid
	pid=$(cat $TMP/$1.pid 2> /dev/null) || return 0
	kill $pid 2> /dev/null
	# Gone, with its queue written out, before we go on.
	while kill -0 $pid 2> /dev/null; do sleep 0.05; done
	rm -f $TMP/$1.pid
}

# The syslog-ng binary: syslog-ng-core conflicts with rsyslog in Debian, so
# scripts/setup unpacks it under /opt/pamsignal-test/syslog-ng instead of
# installing it; a machine that has syslog-ng installed uses that.
SNG_ROOT=${SNG_ROOT:-/opt/pamsignal-test/syslog-ng}
find_syslog_ng() {
	local modules
	modules=$(ls -d $SNG_ROOT/usr/lib/syslog-ng/[0-9]* 2> /dev/null | head -1)
	if [ -x $SNG_ROOT/usr/sbin/syslog-ng ] && [ -n "$modules" ]; then
		SYSLOG_NG="env LD_LIBRARY_PATH=$SNG_ROOT/usr/lib/syslog-ng $SNG_ROOT/usr/sbin/syslog-ng --module-path=$modules"
	elif command -v syslog-ng > /dev/null; then
		SYSLOG_NG=syslog-ng
	else
		return 1
	fi
}

# start_syslog_ng NAME PORT...: syslog-ng -f $TMP/NAME.conf in the
# foreground (pid in $TMP/NAME.pid), with its own persist file and control
# socket; returns once every PORT listens.
start_syslog_ng() {
	local name=$1 p
	shift
	$SYSLOG_NG -F --no-caps -f $TMP/$name.conf -p $TMP/$name.pid -R $TMP/$name.persist -c $TMP/$name.ctl \
		>> $TMP/$name.err 2>&1 &
	at_exit "stop_syslog_ng $name"
	for p in "$@"; do wait_port $p || { cat $TMP/$name.err; return 1; }; done
}

stop_syslog_ng() {
	local pid
	pid=$(cat $TMP/$1.pid 2> /dev/null) || return 0
	kill $pid 2> /dev/null
	while kill -0 $pid 2> /dev/null; do sleep 0.05; done
	rm -f $TMP/$1.pid
}

# The daemon, following $TMP/auth.log, with the forwards in $TMP/forwards.conf.
# Detection stays on: its alerts are forwarded too.
write_daemon_conf() {
	{
		printf '[general]\nstate_dir = %s/state\nhostname = web1\n' $TMP
		printf '[source.journal]\nenabled = no\n[source.audit]\nenabled = no\n'
		printf '[source.file]\nenabled = yes\npaths = %s/auth.log\n' $TMP
		printf '[output.eventlog]\npath = %s/events.jsonl\n[output.stdout]\nenabled = no\n' $TMP
		cat $TMP/forwards.conf
	} > $TMP/p.conf
	chmod 600 $TMP/p.conf
}

dpid=

# lines FILE: its line count (0 when it does not exist yet).
lines() { [ -e "$1" ] && wc -l < "$1" || echo 0; }

# Events the daemon wrote: the event log's lines (events and alerts).
logged() { lines $TMP/events.jsonl; }

# User names an attacker chooses, as printf %b arguments: newline and tab
# (a journal JSON line carries them), CEF, LEEF and RFC 5424 syntax,
# ANSI escapes, a bidi override, invalid UTF-8.
hostile_names=(
	'new\nline'
	'pipe|eq=back\\\\slash]br"quote'
	'\x1b[2J\x1b[31mred\x1b[0m'
	'bad\xff\xfeutf8'
	'rtl\xe2\x80\xaeoverride'
	'tab\there'
	'all|=\\\\]"\n\t\x1b[1m\xff'
)

# hostile N NAME: a failed login for NAME from 192.0.2.N port 7000+N, as a
# `journalctl -o json` line: its MESSAGE may hold any byte (a byte array).
hostile() {
	python3 - "$1" "$2" >> $TMP/auth.log <<'PY'
import json, sys
n, name = int(sys.argv[1]), sys.argv[2].encode().decode("unicode_escape").encode("latin-1")
msg = b"Failed password for invalid user " + name + b" from 192.0.2.%d port %d ssh2" % (n, 7000 + n)
try:
    m = msg.decode("utf-8")
except UnicodeDecodeError:
    m = list(msg)
print(json.dumps({"__REALTIME_TIMESTAMP": str(1795255200000000 + n * 1000000), "_HOSTNAME": "web1",
                  "SYSLOG_IDENTIFIER": "sshd", "_PID": str(100 + n), "MESSAGE": m}))
PY
}

# login N: an accepted login from 198.51.100.(N % 250) port 10000+N, a plain syslog line.
login() {
	printf 'Nov 21 19:%02d:%02d web1 sshd[%d]: Accepted password for user%d from 198.51.100.%d port %d ssh2\n' \
		$(($1 / 60 % 60)) $(($1 % 60)) $((2000 + $1)) $(($1 % 7)) $(($1 % 250)) $((10000 + $1)) >> $TMP/auth.log
}

# send_events N: every hostile name, then N logins, and wait until the
# daemon has logged the logins.
send_events() {
	local i=0 name
	for name in "${hostile_names[@]}"; do
		i=$((i + 1))
		hostile $i "$name"
	done
	for i in $(seq 1 "$1"); do login $i; done
	waitfor 30 sh -c "[ \$(grep -c '\"kind\":\"auth_success\"' $TMP/events.jsonl) -ge $1 ]"
}

# logins FROM TO PAUSE: more logins, PAUSE seconds apart.
logins() {
	local n
	for n in $(seq "$1" "$2"); do
		login $n
		sleep "$3"
	done
}
