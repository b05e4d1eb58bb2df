# Shared by the alert delivery tests (source after lib.sh): a test CA and a
# certificate for 127.0.0.1 made now with openssl, and the receivers.
# Traffic stays on loopback.
PYSYS=/usr/bin/python3 # Debian's python3, which has python3-aiosmtpd
[ -x $PYSYS ] || PYSYS=python3

make_ca() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=pamsignal-test-ca \
		-keyout $TMP/ca.key -out $TMP/ca.pem 2> /dev/null
	openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout $TMP/srv.key -out $TMP/srv.csr 2> /dev/null
	printf 'subjectAltName=IP:127.0.0.1\n' > $TMP/san.ext
	openssl x509 -req -in $TMP/srv.csr -CA $TMP/ca.pem -CAkey $TMP/ca.key -CAcreateserial -days 2 \
		-extfile $TMP/san.ext -out $TMP/srv.pem 2> /dev/null
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_receiver NAME PORT [receiver.py options]: $TMP/NAME.jsonl, pid in rpid_NAME
start_receiver() {
	local name=$1 port=$2
	shift 2
	: > "$TMP/$name.out"
	python3 "$PS_SOURCE_ROOT/tests/e2e/receiver.py" --port "$port" --log "$TMP/$name.jsonl" "$@" > "$TMP/$name.out" 2>&1 &
	eval "rpid_$name=$!"
	at_exit "kill $! 2> /dev/null"
	for _ in $(seq 100); do grep -q listening "$TMP/$name.out" && return 0; sleep 0.05; done
	cat "$TMP/$name.out"
	return 1
}

# start_smtp PORT DIR [USER PASSWORD_FILE]: smtp_receiver.py (STARTTLS required), messages in DIR
start_smtp() {
	local port=$1 dir=$2
	shift 2
	mkdir -p "$dir"
	$PYSYS "$PS_SOURCE_ROOT/tests/e2e/smtp_receiver.py" "$port" $TMP/srv.pem $TMP/srv.key "$dir" "$@" > "$dir.out" 2>&1 &
	at_exit "kill $! 2> /dev/null"
	for _ in $(seq 100); do grep -q listening "$dir.out" && return 0; sleep 0.05; done
	cat "$dir.out"
	return 1
}

# requests NAME [PATH]: one JSON line per request received (decoded body in "text")
requests() {
	python3 - "$TMP/$1.jsonl" "${2:-}" <<'PY'
import base64, json, os, sys
if os.path.exists(sys.argv[1]):
    for l in open(sys.argv[1]):
        r = json.loads(l)
        if not sys.argv[2] or r["path"] == sys.argv[2]:
            r["text"] = base64.b64decode(r["body"]).decode("utf-8", "backslashreplace")
            print(json.dumps(r))
PY
}

# check_ok DESCRIPTION FILE: FILE (a python check's output) is "ok"; shown when not.
check_ok() {
	check "$1" grep -qx ok "$2"
	grep -qx ok "$2" || sed 's/^/# /' "$2"
}

# The daemon on a followed file, $LOG, delivering logins: logins_only_config
# writes the [general], source, output and rule sections of $TMP/p.conf
# (the rules' own alerts are tested elsewhere); chan writes one channel.
LOG=$TMP/auth.log
: > $LOG
logins_only_config() {
	printf '[general]\nstate_dir = %s/state\nhostname = web1\n' $TMP
	printf '[source.journal]\nenabled = no\n[source.file]\nenabled = yes\npaths = %s\n' $LOG
	printf '[output.eventlog]\npath = %s/events.jsonl\n[output.stdout]\nenabled = no\n' $TMP
	for rule in brute_force brute_force_subnet password_spray targeted_account success_after_failures \
		root_login new_source off_hours sudo su root_privilege account_change scanner blind_spot; do
		printf '[rule.%s]\nenabled = no\n' $rule
	done
}
chan() { # chan NAME TYPE URL [extra lines]
	printf '[channel.%s]\ntype = %s\nurl = %s\nnotify_logins = yes\nrate_limit = none\nca_file = %s\ntimeout = 5\n' \
		"$1" "$2" "$3" "$TMP/ca.pem"
	shift 3
	printf '%s\n' "$@"
}

# start_daemon: pamsignal run -c $TMP/p.conf, pid in dpid, once it is monitoring
dpid=
start_daemon() {
	"$PAMSIGNAL" run -c $TMP/p.conf >> $TMP/stdout 2>> $TMP/stderr &
	dpid=$!
	for _ in $(seq 100); do grep -q 'monitoring' $TMP/stderr && return 0; sleep 0.1; done
	cat $TMP/stderr
	return 1
}
at_exit '[ -n "$dpid" ] && kill -9 $dpid 2> /dev/null'

# waitfor SECONDS COMMAND...: until it succeeds
waitfor() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.2
	done
}
count() { requests "$1" "$2" | wc -l; }
atleast() { [ "$(count "$1" "$2")" -ge "$3" ]; }

login() { # login USER: one accepted login, appended to the followed file
	printf 'Nov 21 19:50:%02d web1 sshd[%d]: Accepted password for %s from 203.0.113.7 port %d ssh2\n' \
		$((n_login % 60)) $((1000 + n_login)) "$1" $((40000 + n_login)) >> $LOG
	n_login=$((n_login + 1))
}
n_login=0

# latency_check WHAT: one more login ("latecomer"); the time until its event
# is in the event log, shown, and checked against a loose bound.
latency_check() {
	local t lat
	t=$(date +%s.%N)
	login latecomer
	waitfor 5 grep -q latecomer $TMP/events.jsonl
	lat=$(python3 -c "import time; print('%.2f' % (time.time() - $t))")
	check "ingestion $1: event written ${lat}s after the line" python3 -c "import sys; sys.exit(not $lat < 1.5)"
	echo "# ingestion latency $1: ${lat}s"
}
