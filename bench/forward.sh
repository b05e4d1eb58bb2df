#!/usr/bin/env bash
# Forwarding throughput: events per second that `pamsignal run` delivers to
# a real rsyslog over TLS on loopback, sustained (a backlog of LINES log
# lines appended at once to the file it follows), next to two peers that
# ship the same lines to the same receiver:
#
#   pamsignal json    [forward.NAME] format = json, transport = tls
#   pamsignal cef     the same with format = cef (escaping on every field)
#   rsyslog relay     a second rsyslog: imfile reads the file, omfwd sends
#                     each line over TLS (ossl driver), RFC 5424 with
#                     octet counting: what a syslog relay does with no
#                     decoding at all
#   logger --tcp      util-linux logger sending the file line by line,
#                     octet counted, over plain TCP (logger has no TLS)
#
#   bench/forward.sh
#
# The time is from the first line appended (for the relay and logger:
# their start) until the receiver's output file holds every message.
# pamsignal gets the lines in chunks (CHUNK, default 20000), each appended
# once fewer than WINDOW (default 60000) events are on their way: its
# queue (queue_size, at most 64M) is an outage buffer, not room for a
# million-line backlog. Its count is the event log's (the lines that are
# events; rules are off, so there are no alerts). pamsignal also decodes every line, writes its event log,
# and keeps every event in its disk queue until rsyslog's host
# acknowledged it: more work per message than the peers, which only
# copy lines. CPU is the sender's user+system time over the run.
#
# Needs root (rsyslog's pid files), rsyslog with rsyslog-openssl, openssl,
# python3, logger; writes only to a temp dir. No journald needed.
# Environment (all optional):
#   PAMSIGNAL=path   the binary (default: build-release/pamsignal, else build/pamsignal)
#   LINES=N          generated lines (default 1000000; cached in bench/out/)
#   CHUNK=N, WINDOW=N  pamsignal's feeding (above)
#   SKIP_PEERS=1     pamsignal only
#   KEEP_TMP=1       keep the temp dir and say where
set -euo pipefail
export LC_ALL=C TZ=UTC
bench=forward
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
die() { echo "$bench: $*" >&2; exit 2; }
note() { echo "$bench: $*" >&2; }
case "${1:-}" in
	-h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
	"") ;;
	*) die "no arguments (see --help)" ;;
esac
if [ -z "${PAMSIGNAL:-}" ] && [ -x "$root/build-release/pamsignal" ]; then
	PAMSIGNAL=$root/build-release/pamsignal
fi
PAMSIGNAL=${PAMSIGNAL:-$root/build/pamsignal}
LINES=${LINES:-1000000}
SKIP_PEERS=${SKIP_PEERS:-0}
[ -x "$PAMSIGNAL" ] || die "$PAMSIGNAL not found: meson setup build-release --buildtype=release -Db_lto=true -Dtests=false && meson compile -C build-release"
[ "$(id -u)" = 0 ] || die "needs root"
command -v rsyslogd > /dev/null || die "rsyslogd not found (Debian: rsyslog rsyslog-openssl)"
[ -e /usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_ossl.so ] || ls /usr/lib/*/rsyslog/lmnsd_ossl.so > /dev/null 2>&1 ||
	die "rsyslog's OpenSSL driver is missing (Debian: rsyslog-openssl)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pamsignal-bench.XXXXXX")
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
	for p in $tmp/*.pid; do [ -e "$p" ] && kill "$(cat "$p")" 2> /dev/null || true; done
	if [ "${KEEP_TMP:-0}" = 1 ]; then note "kept $tmp"; else rm -rf -- "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log=$here/out/authlog-$LINES.log
if [ ! -s "$log" ]; then
	mkdir -p "$here/out"
	note "generating $LINES lines"
	python3 "$here/gen-authlog.py" "$LINES" -o "$log" -q
fi

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=bench-ca -keyout $tmp/ca.key -out $tmp/ca.pem 2> /dev/null
openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout $tmp/srv.key -out $tmp/srv.csr 2> /dev/null
printf 'subjectAltName=IP:127.0.0.1\n' > $tmp/san.ext
openssl x509 -req -in $tmp/srv.csr -CA $tmp/ca.pem -CAkey $tmp/ca.key -CAcreateserial -days 2 \
	-extfile $tmp/san.ext -out $tmp/srv.pem 2> /dev/null
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
	for _ in $(seq 200); do
		python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$1" 2> /dev/null && return 0
		sleep 0.05
	done
	die "nothing listens on port $1"
}
# cpu PID: utime + stime in seconds (all threads)
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat" 2> /dev/null || echo 0; }
# measure OUT N|EVENTS [LOG FOLLOWED]: prints "messages seconds" once OUT
# holds N lines, or as many as EVENTS holds (EVENTS must have stopped
# growing for 2 s); seconds from the start to the sample where OUT got
# there. With LOG and FOLLOWED, it also feeds: LOG's lines are appended to
# FOLLOWED in chunks of CHUNK lines, each once the daemon has read the
# last one and fewer than WINDOW events are on their way (in EVENTS, not
# yet in OUT), so that the backlog stays well inside the forward's queue:
# a sustained rate, not a test of the queue's bound. Files are counted incrementally (only new bytes are
# read) every 0.05 s; gives up when nothing moves for 60 s.
CHUNK=${CHUNK:-20000}
WINDOW=${WINDOW:-60000}
measure() {
	python3 - "$CHUNK" "$WINDOW" "$@" <<'PY'
import sys, time
chunk, window, out, target = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
feed = sys.argv[5:7]
class Counter:
    def __init__(self, path): self.path, self.off, self.n = path, 0, 0
    def update(self):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.off)
                while True:
                    b = f.read(1 << 20)
                    if not b:
                        break
                    self.n += b.count(b"\n")
                    self.off += len(b)
        except FileNotFoundError:
            pass
        return self.n
src = open(feed[0], "rb") if feed else None
dst = open(feed[1], "ab") if feed else None
o = Counter(out)
ev = None if target.isdigit() else Counter(target)
want = int(target) if ev is None else None
t0 = time.time()
last_change, last, reached, fed_all = t0, None, None, not feed
while True:
    n = o.update()
    e = ev.update() if ev else want
    if not fed_all and e - n < window:
        lines = [src.readline() for _ in range(chunk)]
        data = b"".join(lines)
        dst.write(data)
        dst.flush()
        fed_all = len(data) == 0 or not lines[-1]
        # Until the daemon has read the chunk (its events stop coming), so
        # that the next look at what is on its way counts them.
        before, stable, start = e, 0, time.time()
        while data and stable < 2 and time.time() - start < 5:
            time.sleep(0.05)
            e2 = ev.update()
            stable = stable + 1 if e2 == e and e2 > before else 0
            e = e2
        continue
    now = time.time()
    if (n, e) != last:
        last, last_change = (n, e), now
    if fed_all and n >= e and e > 0:
        reached = reached or now
        if ev is None or now - last_change >= 2:
            print(e, "%.2f" % (reached - t0))
            break
    else:
        reached = None
    if now - last_change > 60:
        sys.stderr.write("forward: %s stopped at %d of %d lines\n" % (out, n, e))
        print(n, "%.2f" % (now - t0))
        break
    time.sleep(0.05)
PY
}

# The receiver: TLS in, one line per message out, its own everything.
rport=$(free_port)
cat > $tmp/recv.conf <<CONF
global(workDirectory="$tmp/recv.d" defaultNetstreamDriverCAFile="$tmp/ca.pem"
       defaultNetstreamDriverCertFile="$tmp/srv.pem" defaultNetstreamDriverKeyFile="$tmp/srv.key"
       maxMessageSize="64k")
module(load="imtcp" streamDriver.name="ossl" streamDriver.mode="1" streamDriver.authMode="anon")
input(type="imtcp" address="127.0.0.1" port="$rport" ruleset="r")
template(name="m" type="string" string="%msg%\n")
ruleset(name="r") { action(type="omfile" file="$tmp/out" template="m") }
CONF
mkdir -p $tmp/recv.d
rsyslogd -f $tmp/recv.conf -i $tmp/recv.pid 2> $tmp/recv.err
wait_port $rport
# The receiver writes to $tmp/out; each run renames it away first (rsyslog reopens on HUP).
fresh_out() {
	rm -f $tmp/out
	kill -HUP "$(cat $tmp/recv.pid)"
	sleep 0.3
}

results=()
row() { results+=("$(printf '%-20s %10s %9s %12s %8s' "$@")"); }

run_pamsignal() { # FORMAT
	local fmt=$1 state=$tmp/state-$1 n secs cpu_s
	fresh_out
	: > $tmp/auth.log
	rm -f $tmp/events.jsonl
	{
		printf '[general]\nstate_dir = %s\nhostname = bench\n' $state
		printf '[source.journal]\nenabled = no\n[source.audit]\nenabled = no\n'
		printf '[source.file]\nenabled = yes\npaths = %s/auth.log\n' $tmp
		printf '[output.eventlog]\npath = %s/events.jsonl\nmax_size = 4G\n[output.stdout]\nenabled = no\n' $tmp
		for r in brute_force brute_force_subnet password_spray targeted_account success_after_failures \
			root_login new_source off_hours sudo su root_privilege account_change scanner blind_spot; do
			printf '[rule.%s]\nenabled = no\n' $r
		done
		printf '[forward.bench]\ntarget = 127.0.0.1:%s\ntransport = tls\nformat = %s\nca_file = %s/ca.pem\nbom = no\nqueue_size = 64M\n' \
			$rport "$fmt" $tmp
	} > $tmp/p-$fmt.conf
	chmod 600 $tmp/p-$fmt.conf
	"$PAMSIGNAL" run -c $tmp/p-$fmt.conf 2> $tmp/stderr-$fmt &
	local dpid=$!
	pids+=($dpid)
	for _ in $(seq 100); do grep -q monitoring $tmp/stderr-$fmt && break; sleep 0.1; done
	note "pamsignal $fmt: $LINES lines, appended $CHUNK at a time with at most $WINDOW events on their way"
	read -r n secs < <(measure $tmp/out $tmp/events.jsonl "$log" $tmp/auth.log)
	cpu_s=$(cpu $dpid)
	if grep -q 'dropped' $tmp/stderr-$fmt; then note "pamsignal $fmt: its queue overflowed (see $tmp/stderr-$fmt)"; fi
	kill $dpid
	wait $dpid 2> /dev/null || true
	row "pamsignal $fmt" "$n" "$secs" "$(python3 -c "print('%.0f' % ($n / $secs))")" "$cpu_s"
}

run_relay() {
	local n secs cpu_s
	fresh_out
	mkdir -p $tmp/relay.d
	cat > $tmp/relay.conf <<CONF
global(workDirectory="$tmp/relay.d" defaultNetstreamDriverCAFile="$tmp/ca.pem" maxMessageSize="64k")
module(load="imfile")
input(type="imfile" file="$log" tag="auth" ruleset="fwd" freshStartTail="off")
ruleset(name="fwd") {
  action(type="omfwd" target="127.0.0.1" port="$rport" protocol="tcp" tcp_framing="octet-counted"
         streamDriver="ossl" streamDriverMode="1" streamDriverAuthMode="x509/name"
         streamDriverPermittedPeers="127.0.0.1" template="RSYSLOG_SyslogProtocol23Format")
}
CONF
	note "rsyslog relay: $LINES lines"
	rsyslogd -f $tmp/relay.conf -i $tmp/relay.pid
	read -r n secs < <(measure $tmp/out "$LINES")
	cpu_s=$(cpu "$(cat $tmp/relay.pid)")
	kill "$(cat $tmp/relay.pid)"
	row "rsyslog relay (TLS)" "$n" "$secs" "$(python3 -c "print('%.0f' % ($n / $secs))")" "$cpu_s"
}

run_logger() {
	local n secs pport
	# logger has no TLS: a plain TCP input on the same receiver for it.
	pport=$(free_port)
	fresh_out
	sed "s/^input(type=\"imtcp\".*/&\ninput(type=\"imtcp\" address=\"127.0.0.1\" port=\"$pport\" ruleset=\"r\" streamDriver.mode=\"0\")/" \
		$tmp/recv.conf > $tmp/recv2.conf
	local rpid
	rpid=$(cat $tmp/recv.pid)
	kill "$rpid"
	while kill -0 "$rpid" 2> /dev/null; do sleep 0.05; done
	rsyslogd -f $tmp/recv2.conf -i $tmp/recv.pid 2>> $tmp/recv.err
	wait_port $pport
	note "logger --tcp: $LINES lines"
	/usr/bin/time -f '%U %S' -o $tmp/logger.time logger --tcp --octet-count -n 127.0.0.1 -P "$pport" -t auth -f "$log" &
	read -r n secs < <(measure $tmp/out "$LINES")
	wait
	row "logger --tcp (no TLS)" "$n" "$secs" "$(python3 -c "print('%.0f' % ($n / $secs))")" \
		"$(awk '{print $1 + $2}' $tmp/logger.time)"
}

run_pamsignal json
run_pamsignal cef
if [ "$SKIP_PEERS" != 1 ]; then
	run_relay
	command -v logger > /dev/null && [ -x /usr/bin/time ] && run_logger || note "logger or /usr/bin/time missing: no logger run"
fi

echo "forwarding to rsyslog on loopback, $LINES generated lines ($(nproc) CPUs)"
printf '%-20s %10s %9s %12s %8s\n' sender messages seconds messages/s cpu_s
printf '%s\n' "${results[@]}"
