#!/usr/bin/env bash
# What pam_pamsignal.so adds to a login: pam_open_session through a stack
# with the module, against the same stack without it (the peer baseline),
# with the daemon
#   running   `pamsignal run` reads every datagram (and writes its event log)
#   gone      no socket: the send fails at once (ENOENT)
#   stopped   SIGSTOPped with its queue filled first: the send fails at
#             once (EAGAIN); nothing may wait
# and, for comparison, the pam_exec route (`pamsignal pam-hook`, a process
# per call) with the daemon running.
#
#   bench/pam.sh
#
# One pamtester process runs N open_session calls (pam_wrapper points it at
# service files of our own; /etc/pam.d is not read or changed): the time
# per call is the run's wall time over N, and the module's cost is the
# difference to the baseline. RUNS runs of each, alternating, the median
# reported. Then each call timed alone (p50, p99, max: the tail is the
# machine's scheduling as much as ours, see the baseline's), a whole
# pamtester process per login (start, pam_start, open and close, exit),
# LOGINS of them alternating with and without the module, and the pam_exec
# route.
#
# Needs root, pamtester and libpam-wrapper, and a build with the module
# (build-release, else build). Environment (all optional):
#   BUILD=dir   the build directory
#   N=1000      calls per pamtester run     RUNS=5   runs per row
#   LOGINS=300  whole logins per row        EXEC_N=200  calls for the pam_exec row
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/e2e/pam_lib.sh"
BUILD=${BUILD:-$([ -x "$root/build-release/pamsignal" ] && echo "$root/build-release" || echo "$root/build")}
N=${N:-1000}
RUNS=${RUNS:-5}
LOGINS=${LOGINS:-300}
EXEC_N=${EXEC_N:-200}
PAMSIGNAL=$BUILD/pamsignal
MODULE=$BUILD/src/pam/pam_pamsignal.so
WRAPPER=$(ls /usr/lib/*/libpam_wrapper.so 2> /dev/null | head -1)
if [ "$(id -u)" != 0 ] || [ ! -x "$PAMSIGNAL" ] || [ ! -f "$MODULE" ] || [ -z "$WRAPPER" ] ||
	! command -v pamtester > /dev/null; then
	echo "bench/pam.sh: needs root, pamtester, libpam-wrapper and $MODULE" >&2
	exit 2
fi
TMP=$(mktemp -d /tmp/pamsignal-bench-pam.XXXXXX)
dpid=
cleanup() {
	[ -n "$dpid" ] && { kill -CONT $dpid; kill -9 $dpid; } 2> /dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
SOCK=$TMP/pam.sock
SVC=$TMP/pam.d
mkdir $SVC
echo 'session required pam_deny.so' > $SVC/other
echo 'session required pam_permit.so' > $SVC/base
printf 'session required pam_permit.so\nsession optional %s socket=%s\n' "$MODULE" "$SOCK" > $SVC/module
printf 'session required pam_permit.so\nsession optional pam_exec.so seteuid quiet %s pam-hook -s %s\n' \
	"$PAMSIGNAL" "$SOCK" > $SVC/exec
pam_config $TMP/pamsignal.conf $SOCK $TMP/events.jsonl
printf '[output.stdout]\nenabled = no\n' >> $TMP/pamsignal.conf

start_daemon() {
	"$PAMSIGNAL" run -c $TMP/pamsignal.conf 2> $TMP/stderr &
	dpid=$!
	for _ in $(seq 100); do [ -S $SOCK ] && return 0; sleep 0.1; done
	cat $TMP/stderr >&2
	exit 1
}
fill() { # the stopped daemon's queue, until a send would wait
	python3 - $SOCK <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setblocking(False)
n = 0
try:
    while True:
        s.sendto(b"filler", sys.argv[1])
        n += 1
except BlockingIOError:
    print("(queue full after %d datagrams)" % n)
PY
}
stop_daemon() { kill $dpid; wait $dpid 2> /dev/null; dpid=; }

# times SERVICE CALLS RUNS: one line, each run's seconds per call (pamtester's wall time / CALLS)
times() {
	SVC=$SVC WRAPPER=$WRAPPER python3 - "$@" <<'PY'
import os, subprocess, sys, time
svc, calls, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
env = dict(os.environ, LD_PRELOAD=os.environ["WRAPPER"], PAM_WRAPPER="1", PAM_WRAPPER_SERVICE_DIR=os.environ["SVC"])
argv = ["pamtester", svc, "root"] + ["open_session"] * calls
out = []
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    out.append((time.perf_counter() - t) / calls)
print(" ".join("%.9f" % x for x in out))
PY
}
# logins COUNT: milliseconds per whole login (a pamtester process: open and close), base and
# module alternating login by login (the machine's drift hits both alike): "median-base median-module"
logins() {
	SVC=$SVC WRAPPER=$WRAPPER python3 - "$@" <<'PY'
import os, statistics, subprocess, sys, time
count = int(sys.argv[1])
env = dict(os.environ, LD_PRELOAD=os.environ["WRAPPER"], PAM_WRAPPER="1", PAM_WRAPPER_SERVICE_DIR=os.environ["SVC"])
t = {"base": [], "module": []}
for _ in range(count):
    for svc in t:
        s = time.perf_counter()
        subprocess.run(["pamtester", svc, "root", "open_session", "close_session"], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        t[svc].append(time.perf_counter() - s)
print("%.3f %.3f" % (statistics.median(t["base"]) * 1e3, statistics.median(t["module"]) * 1e3))
PY
}
login_row() { # login_row NAME
	local r
	read -r -a r < <(logins "$LOGINS")
	printf '%-34s %12s %12s %12s\n' "$1" "${r[0]}" "${r[1]}" "$(awk -v a="${r[1]}" -v b="${r[0]}" 'BEGIN {printf "%.3f", a - b}')"
}
# calls SERVICE COUNT: each pam_open_session timed alone (libpam's pam_start_confdir on our
# service files, from Python): "p50 p99 max" microseconds
calls() {
	python3 - "$SVC" "$@" <<'PY'
import ctypes, statistics, sys, time
confdir, svc, n = sys.argv[1].encode(), sys.argv[2].encode(), int(sys.argv[3])
pam = ctypes.CDLL("libpam.so.0")
class Conv(ctypes.Structure):
    _fields_ = [("conv", ctypes.c_void_p), ("appdata", ctypes.c_void_p)]
conv, h = Conv(None, None), ctypes.c_void_p()
assert pam.pam_start_confdir(svc, b"root", ctypes.byref(conv), confdir, ctypes.byref(h)) == 0
t = []
for _ in range(n):
    s = time.perf_counter_ns()
    assert pam.pam_open_session(h, 0) == 0
    t.append((time.perf_counter_ns() - s) / 1000)
pam.pam_end(h, 0)
t.sort()
print("%.1f %.1f %.1f" % (statistics.median(t), t[int(len(t) * 0.99)], t[-1]))
PY
}
call_row() { # call_row NAME
	local b m
	read -r -a b < <(calls base "$N")
	read -r -a m < <(calls module "$N")
	printf '%-26s %8s %8s %8s   %8s %8s %8s\n' "$1" "${b[@]}" "${m[@]}"
}
median() { tr ' ' '\n' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
us() { awk -v s="$1" 'BEGIN {printf "%.2f", s * 1e6}'; }

# row NAME: the module's cost per call in this state, next to the baseline (runs alternate)
row() {
	local base=() mod=() b m
	for _ in $(seq "$RUNS"); do
		base+=($(times base "$N" 1))
		mod+=($(times module "$N" 1))
	done
	b=$(echo "${base[*]}" | median)
	m=$(echo "${mod[*]}" | median)
	printf '%-34s %12s %12s %12s\n' "$1" "$(us "$b")" "$(us "$m")" "$(us "$(awk -v a="$m" -v b="$b" 'BEGIN {print a - b}')")"
}

echo "pam_open_session, microseconds per call (median of $RUNS runs of $N calls in one pamtester)"
echo "$(uname -r), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), net.unix.max_dgram_qlen=$(cat /proc/sys/net/unix/max_dgram_qlen)"
echo "$BUILD"
printf '%-34s %12s %12s %12s\n' "daemon" "baseline" "with module" "added"
start_daemon
row "running (reads every datagram)"
stop_daemon
row "gone (no socket)"
start_daemon
kill -STOP $dpid
fill
row "SIGSTOPped, queue full"
kill -CONT $dpid
events=$(grep -c '"source":"pam"' $TMP/events.jsonl 2> /dev/null)
stop_daemon

echo
echo "each call alone: pam_open_session timed one by one, $N calls, microseconds"
printf '%-26s %8s %8s %8s   %8s %8s %8s\n' "daemon" "base p50" "p99" "max" "module" "p99" "max"
call_row "gone (no socket)"
start_daemon
call_row "running"
kill -STOP $dpid
fill
call_row "SIGSTOPped, queue full"
kill -CONT $dpid
stop_daemon

echo
echo "whole logins: a pamtester process per login (open and close), $LOGINS each, alternating,"
echo "median milliseconds per login"
printf '%-34s %12s %12s %12s\n' "daemon" "baseline" "with module" "added"
login_row "gone (no socket)"
start_daemon
login_row "running"
echo
echo "pam_exec route (pamsignal pam-hook, a process per call), $EXEC_N calls, daemon running"
e=$(times exec "$EXEC_N" 1)
b=$(times base "$EXEC_N" 1)
printf '%-34s %12s %12s %12s\n' "microseconds per call" "$(us "$b")" "$(us "$e")" "$(us "$(awk -v a="$e" -v b="$b" 'BEGIN {print a - b}')")"
stop_daemon
echo
echo "(the first row's $((RUNS * N)) calls with the module gave $events events: a call whose datagram finds"
echo " the daemon's queue full is not reported; the queue holds max_dgram_qlen + 1 datagrams)"
