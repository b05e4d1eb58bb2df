# shellcheck shell=bash disable=SC2154
# (bench is set by the script that sources this file)
# Shared by bench/daemon-latency.sh, daemon-throughput.sh and
# daemon-footprint.sh: the binary, a temp dir, the machine lock, journald,
# and starting and stopping `pamsignal run`. Source it after setting
# `bench` (the script's name, for messages).
#
# Everything a script changes is undone at exit, last first: the daemon
# and the peers it started are stopped, a journald it started is stopped
# (one that was running stays), /dev/log is put back, the temp dir goes.
set -euo pipefail
export LC_ALL=C TZ=UTC

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")

if [ -z "${PAMSIGNAL:-}" ] && [ -x "$root/build-release/pamsignal" ]; then
	PAMSIGNAL=$root/build-release/pamsignal
fi
PAMSIGNAL=${PAMSIGNAL:-$root/build/pamsignal}
KEEP_TMP=${KEEP_TMP:-0}
PY=("${PYTHON:-python3}" "$here/daemon-bench.py")

die() { echo "$bench: $*" >&2; exit 2; }
note() { echo "$bench: $*" >&2; }

usage() {
	sed -n '2,/^bench=/{/^bench=/d;s/^# \{0,1\}//;p}' "$0"
	exit "${1:-0}"
}

case "${1:-}" in -h|--help) usage 0 ;; esac

[ "$(id -u)" = 0 ] || die "needs root (it starts journald if none runs, and reads other processes' /proc entries)"
command -v "${PY[0]}" > /dev/null || die "python3 is needed"
[ -x "$PAMSIGNAL" ] || die "$PAMSIGNAL not found or not executable.
  Build it first:
    meson setup build-release --buildtype=release -Db_lto=true -Dtests=false
    meson compile -C build-release
  or point PAMSIGNAL= at a binary."
"$PAMSIGNAL" run --help > /dev/null 2>&1 || die "$PAMSIGNAL has no 'run' command (an old build?): rebuild it
  (meson compile -C $(dirname "$PAMSIGNAL")) or point PAMSIGNAL= at a newer binary."

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pamsignal-bench.XXXXXX")
cleanup_hooks=()
at_exit() { cleanup_hooks+=("$1"); }
cleanup() {
	local i
	for ((i = ${#cleanup_hooks[@]} - 1; i >= 0; i--)); do
		eval "${cleanup_hooks[i]}" || true
	done
	if [ "$KEEP_TMP" = 1 ]; then
		note "kept $tmp"
	else
		rm -rf -- "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The live end-to-end tests (tests/e2e/machine.sh) take the same lock: a
# flood would slow them down, and their logins would land in our numbers.
take_machine_lock() {
	mkdir -p /run/lock
	exec 9> /run/lock/pamsignal-live-tests.lock
	if ! flock -n 9; then
		note "waiting for the machine lock (a live test is running)"
		flock -w 900 9 || die "the machine lock (/run/lock/pamsignal-live-tests.lock) stayed taken"
	fi
}

# journald: the one running, or one started here (stopped at exit), as
# tests/e2e/journal.sh does it. Sets jpid and journald_origin.
journal_start() {
	jpid=$("${PY[@]}" journald-pid)
	if [ -n "$jpid" ]; then
		journald_origin="already running"
	else
		mkdir -p /run/systemd/journal
		/lib/systemd/systemd-journald > /dev/null 2>&1 &
		jpid=$!
		journald_origin="started by this script"
		at_exit "kill $jpid 2> /dev/null; wait $jpid 2> /dev/null"
		for _ in $(seq 100); do [ -S /run/systemd/journal/dev-log ] && break; sleep 0.1; done
	fi
	if [ "$(readlink /dev/log)" != /run/systemd/journal/dev-log ]; then
		if [ -e /dev/log ] || [ -L /dev/log ]; then
			mv /dev/log "$tmp/dev-log.saved"
			at_exit "mv -f $tmp/dev-log.saved /dev/log"
		else
			at_exit "rm -f /dev/log"
		fi
		ln -sf /run/systemd/journal/dev-log /dev/log
	fi
	# stored and readable: the sequence number moves when we log
	local s0 s1
	s0=$("${PY[@]}" seqnum --journald-pid "$jpid" 2> /dev/null || echo 0)
	for i in $(seq 50); do
		[ $((i % 10)) = 1 ] && logger -t pamsignal-bench "$bench: journal check" 2> /dev/null
		s1=$("${PY[@]}" seqnum --journald-pid "$jpid" 2> /dev/null || echo 0)
		[ "$s1" -gt "$s0" ] && return 0
		sleep 0.1
	done
	die "journald (pid $jpid) does not store what is logged"
}

# write_config FILE STATE_DIR EVENTLOG [extra lines...]
write_config() {
	local f=$1 state=$2 log=$3
	shift 3
	{
		printf '[general]\nstate_dir = %s\n\n' "$state"
		printf '[source.journal]\nenabled = yes\n\n'
		printf '[source.file]\nenabled = no\n\n'
		printf '[output.eventlog]\npath = %s\nmax_size = 16G\nkeep = 1\n\n' "$log"
		printf '[output.stdout]\nenabled = no\n'
		local l
		for l in "$@"; do printf '%s\n' "$l"; done
	} > "$f"
	chmod 600 "$f"
}

# daemon_start CONFIG: pamsignal run in the background; sets dpid once it
# logs "monitoring". Its stderr goes to $tmp/daemon.err.
dpid=
daemon_hooked=0
daemon_start() {
	if [ "$daemon_hooked" = 0 ]; then
		at_exit 'daemon_stop' # after journald's hooks: runs before them
		daemon_hooked=1
	fi
	: > "$tmp/daemon.err"
	"$PAMSIGNAL" run -c "$1" > /dev/null 2>> "$tmp/daemon.err" &
	dpid=$!
	local i
	for i in $(seq 200); do
		grep -q monitoring "$tmp/daemon.err" && return 0
		kill -0 "$dpid" 2> /dev/null || break
		sleep 0.05
	done
	cat "$tmp/daemon.err" >&2
	die "pamsignal run did not report monitoring"
}
daemon_stop() {
	[ -n "$dpid" ] || return 0
	kill -TERM "$dpid" 2> /dev/null || true
	wait "$dpid" 2> /dev/null || true
	dpid=
}

# kv_get FILE KEY: a value from a key=value summary
kv_get() { sed -n "s/^$2=//p" "$1" | tail -n 1; }

machine_info() {
	local sd
	sd=$(journalctl --version 2> /dev/null | sed -n '1s/^systemd \([0-9][^ ]*\).*/\1/p')
	echo "# $(date -u +%Y-%m-%d), $(uname -sr), $(nproc) CPU(s), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo); journald (systemd ${sd:-?}) pid $jpid, $journald_origin"
	echo "# pamsignal: $PAMSIGNAL"
}
