#!/usr/bin/env bash
# Memory and idle wakeups of `pamsignal run`, next to an idle
# `journalctl -f` and an idle sshguard reading the journal.
#
#   bench/daemon-footprint.sh
#
# One daemon and the peers, started together, then:
#   1. idle: SETTLE seconds after start, peak RSS (VmHWM in
#      /proc/PID/status); then IDLE seconds of idleness: the change in
#      voluntary+nonvoluntary context switches of all the process's threads
#      (/proc/PID/task/*/status), per second: its wakeups
#   2. a burst of BURST entries (sshd "Failed password for invalid user
#      MARKER ..." datagrams on /dev/log, as fast as journald takes them),
#      peak RSS once the event log has them all and the peers are quiet
#   3. LOGINS logins, each from its own process (sshd keys a session by
#      pid): "Accepted password for USER from IP port P ssh2" and
#      "pam_unix(sshd:session): session opened for user USER(uid=N) by
#      (uid=0)", plus logind's "New session N of user USER." None is
#      closed, so every one stays open in the daemon's session table. For
#      them to count as genuine the daemon is reloaded (SIGHUP) with the
#      sending Python executable as sshd's and systemd-logind's program
#      ([source.journal.programs]); before that, like everywhere else in
#      these benchmarks, the entries are spoofed_log events. Peak RSS after.
#   4. the minute after the load (while pamsignal still looks at the
#      journal on its own: src/daemon/daemon.c, FOLLOW_*), then IDLE
#      seconds of idleness again: wakeups in each.
#
# The peers:
#   journalctl -f          `journalctl -f -n 0 -o cat > /dev/null`
#   sshguard               the pipeline /usr/sbin/sshguard runs, with its
#                          LOGREADER and thresholds from
#                          /etc/sshguard/sshguard.conf, but the null firewall
#                          backend (sshg-fw-null) so that nothing is blocked:
#                          LOGREADER | sshg-parser | sshg-blocker | sshg-fw-null
#                          (without /usr/sbin/sshguard's /bin/sh wrapper)
#
# Builds nothing; needs root, python3, journalctl. Starts journald if none
# runs and stops it again; writes only to a temp dir. See bench/README.md.
# Environment (all optional):
#   PAMSIGNAL=path   the binary (default: build-release/pamsignal, else build/pamsignal)
#   SETTLE=N         seconds after start before the first reading (default 2)
#   IDLE=N           seconds of each idle window (default 30)
#   BURST=N          entries in the burst (default 50000)
#   LOGINS=N         logins (default 10000; 0 skips step 3)
#   SKIP_PEERS=1     pamsignal only
#   SSHGUARD_CONF=path  default /etc/sshguard/sshguard.conf
#   SSHGUARD_LIBEXEC=dir  default /usr/libexec/sshguard
#   KEEP_TMP=1       keep the temp dir and say where
bench=daemon-footprint
# shellcheck source=bench/daemon-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/daemon-lib.sh"

case "${1:-}" in
	-h|--help) usage 0 ;;
	"") ;;
	*) usage 2 ;;
esac
SETTLE=${SETTLE:-2}
IDLE=${IDLE:-30}
BURST=${BURST:-50000}
LOGINS=${LOGINS:-10000}
SKIP_PEERS=${SKIP_PEERS:-0}
SSHGUARD_CONF=${SSHGUARD_CONF:-/etc/sshguard/sshguard.conf}
SSHGUARD_LIBEXEC=${SSHGUARD_LIBEXEC:-/usr/libexec/sshguard}
for v in SETTLE IDLE BURST LOGINS; do [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a non-negative integer"; done
[ "$IDLE" -gt 0 ] || die "IDLE must be > 0"

take_machine_lock
journal_start
run=$$$RANDOM
pyexe=$("${PY[0]}" -c 'import os, sys; print(os.path.realpath(sys.executable))')
write_config "$tmp/pamsignal.conf" "$tmp/state" "$tmp/events.jsonl"
write_config "$tmp/pamsignal-logins.conf" "$tmp/state" "$tmp/events.jsonl" \
	'' '[source.journal.programs]' "sshd = $pyexe" "systemd-logind = $pyexe"

# ---- the processes ---------------------------------------------------------

names=()            # display names, in table order
declare -A pids     # name -> space-separated pids (summed)

daemon_start "$tmp/pamsignal.conf"
names+=(pamsignal)
pids[pamsignal]=$dpid

if [ "$SKIP_PEERS" != 1 ]; then
	command -v journalctl > /dev/null || die "journalctl not found (or SKIP_PEERS=1)"
	journalctl -f -n 0 -o cat > /dev/null 2>&1 &
	jfpid=$!
	at_exit "kill $jfpid 2> /dev/null; wait $jfpid 2> /dev/null"
	names+=("journalctl -f")
	pids["journalctl -f"]=$jfpid

	have_sshguard=0
	if [ -x "$SSHGUARD_LIBEXEC/sshg-parser" ] && [ -x "$SSHGUARD_LIBEXEC/sshg-blocker" ] &&
		[ -x "$SSHGUARD_LIBEXEC/sshg-fw-null" ] && [ -r "$SSHGUARD_CONF" ]; then
		have_sshguard=1
	else
		note "sshguard not installed (Debian package sshguard, $SSHGUARD_LIBEXEC, $SSHGUARD_CONF): skipping it"
	fi
	if [ "$have_sshguard" = 1 ]; then
		# What /usr/sbin/sshguard takes from its configuration (it sources it too).
		sg_reader='' sg_flags=''
		eval "$(
			# shellcheck disable=SC1090
			. "$SSHGUARD_CONF" > /dev/null 2>&1
			printf 'sg_reader=%q sg_flags=%q\n' "${LOGREADER:-}" \
				"${THRESHOLD:+-a $THRESHOLD }${BLOCK_TIME:+-p $BLOCK_TIME }${DETECTION_TIME:+-s $DETECTION_TIME }${IPV6_SUBNET:+-N $IPV6_SUBNET }${IPV4_SUBNET:+-n $IPV4_SUBNET }${WHITELIST_FILE:+-w $WHITELIST_FILE}"
		)"
		if [ -z "$sg_reader" ]; then
			note "$SSHGUARD_CONF has no LOGREADER (sshguard reads files there, not the journal): skipping sshguard"
			have_sshguard=0
		fi
	fi
	if [ "$have_sshguard" = 1 ]; then
		# its own session, so that it can be stopped as one process group
		setsid bash -c "exec 2> /dev/null; $sg_reader | $SSHGUARD_LIBEXEC/sshg-parser | $SSHGUARD_LIBEXEC/sshg-blocker $sg_flags | $SSHGUARD_LIBEXEC/sshg-fw-null > /dev/null" &
		sgpid=$!
		at_exit "kill -TERM -- -$sgpid 2> /dev/null; wait $sgpid 2> /dev/null"
		sleep 1
		sg_parts=$(ps -o pid= --ppid "$sgpid" | tr -s ' \n' '  ')
		[ -n "${sg_parts// /}" ] || die "the sshguard pipeline did not start"
		# its members first, so that its shell reaps them (runs before the hook above)
		at_exit "kill -TERM $sg_parts 2> /dev/null; wait $sgpid 2> /dev/null"
		names+=("sshguard (pipeline)")
		pids["sshguard (pipeline)"]=$sg_parts
		for p in $sg_parts; do
			n="  $(tr -d '\n' < /proc/"$p"/comm)"
			names+=("$n")
			pids[$n]=$p
		done
	fi
fi

# ---- readings --------------------------------------------------------------

# proc_sum NAME KEY: KEY summed over the name's pids (vmhwm_kb vmrss_kb ctxt cpu_ticks)
proc_sum() {
	local p s=0 v
	for p in ${pids[$1]}; do
		v=$("${PY[@]}" proc "$p" | sed -n "s/^$2=//p")
		[ "$v" = None ] && v=0
		s=$((s + v))
	done
	echo "$s"
}
declare -A r     # "NAME|what" -> value
read_all() { # LABEL KEY...: r[NAME|LABEL] for the first key, r[NAME|LABEL.KEY] for the others
	local n k label=$1 first=$2
	shift
	for n in "${names[@]}"; do
		for k in "$@"; do
			if [ "$k" = "$first" ]; then
				r["$n|$label"]=$(proc_sum "$n" "$k")
			else
				r["$n|$label.$k"]=$(proc_sum "$n" "$k")
			fi
		done
	done
}
# wait_quiet: until no watched process used CPU for 1 s (the peers have read everything)
wait_quiet() {
	local n prev="" cur
	for _ in $(seq 600); do
		cur=
		for n in "${names[@]}"; do cur+="$(proc_sum "$n" cpu_ticks) "; done
		[ "$cur" = "$prev" ] && return 0
		prev=$cur
		sleep 1
	done
	note "the processes did not become quiet within 10 minutes"
}
idle_window() { # LABEL [SECONDS]
	local s0 s1
	read_all "$1.c0" ctxt
	s0=$("${PY[@]}" seqnum --journald-pid "$jpid")
	sleep "${2:-$IDLE}"
	s1=$("${PY[@]}" seqnum --journald-pid "$jpid")
	read_all "$1.c1" ctxt
	r["journal|$1"]=$((s1 - s0))
}

# journald's files, which every reader opens: their size shows in a reader's (file-backed) RSS
journal_dirs=()
for d in /run/log/journal/*/ /var/log/journal/*/; do [ -d "$d" ] && journal_dirs+=("$d"); done
journal_files=0 journal_mb=0
if [ "${#journal_dirs[@]}" -gt 0 ]; then
	journal_files=$(find "${journal_dirs[@]}" -maxdepth 1 -name '*.journal' | wc -l)
	journal_mb=$(du -cm "${journal_dirs[@]}" | tail -n 1 | cut -f1)
fi

sleep "$SETTLE"
read_all idle vmhwm_kb rssanon_kb
note "idle: $IDLE s"
idle_window idle1

note "burst: $BURST entries"
"${PY[@]}" burst --count "$BURST" --tag "b$run" > "$tmp/burst.kv"
"${PY[@]}" wait-events --eventlog "$tmp/events.jsonl" --tag "b$run" --count "$BURST" > "$tmp/burst-wait.kv"
[ "$(kv_get "$tmp/burst-wait.kv" wait_s)" != -1 ] || die "the event log did not get all $BURST entries"
wait_quiet
read_all burst vmhwm_kb rssanon_kb

if [ "$LOGINS" -gt 0 ]; then
	note "logins: $LOGINS (reloading pamsignal with $pyexe as sshd and systemd-logind)"
	cp "$tmp/pamsignal-logins.conf" "$tmp/pamsignal.conf"
	kill -HUP "$dpid"
	for _ in $(seq 100); do grep -q reloading "$tmp/daemon.err" && break; sleep 0.05; done
	grep -q reloading "$tmp/daemon.err" || die "pamsignal did not reload"
	sleep 0.5
	"${PY[@]}" logins --count "$LOGINS" --tag "l$run" > "$tmp/logins.kv"
	# three events per login: auth_success, session_open (sshd), session_open (logind)
	"${PY[@]}" wait-events --eventlog "$tmp/events.jsonl" --needle "\"user\":\"l${run}u" \
		--count $((3 * LOGINS)) > "$tmp/logins-wait.kv"
	[ "$(kv_get "$tmp/logins-wait.kv" wait_s)" != -1 ] ||
		die "the event log got $(kv_get "$tmp/logins-wait.kv" n) of $((3 * LOGINS)) login events (see $tmp/daemon.err)"
	wait_quiet
	read_all logins vmhwm_kb rssanon_kb
fi

note "the minute after the load, then idle: $IDLE s"
idle_window after 60
idle_window idle2
read_all end vmrss_kb rssanon_kb rssfile_kb

daemon_stop
sessions=$(grep -c '^session	' "$tmp/state/state" || true)

# ---- report ----------------------------------------------------------------

mb() { awk -v k="$1" 'BEGIN{ if (k == "") print "-"; else printf "%.1f", k / 1024 }'; }
rate() { awk -v a="$1" -v b="$2" -v t="${3:-$IDLE}" 'BEGIN{ printf "%.2f", (b - a) / t }'; }

machine_info
echo "# the journal: $journal_files files, $journal_mb MB (every journal reader maps parts of every file)"
echo "# burst: $BURST entries; logins: $LOGINS (3 entries each); journal entries during the idle windows: ${r[journal|idle1]} and ${r[journal|idle2]}"
echo "# MB: HWM = peak RSS (VmHWM), anon = RssAnon at the same moment; wakeups/s: voluntary+nonvoluntary"
echo "# context switches of all threads, per second: over $IDLE s of idleness after start; over the minute"
echo "# right after the load; over $IDLE s of idleness after that minute"
lg() { if [ "$LOGINS" -gt 0 ]; then mb "$1"; else echo -; fi; }
fmt='%-20s %8s %8s %8s %8s %8s %8s %8s %8s %9s %9s %9s\n'
# shellcheck disable=SC2059
printf "$fmt" "" idle idle burst burst logins logins end end wakeups/s wakeups/s wakeups/s
# shellcheck disable=SC2059
printf "$fmt" process HWM anon HWM anon HWM anon RSS anon idle "1st min" "then idle"
# shellcheck disable=SC2059
printf "$fmt" -------------------- -------- -------- -------- -------- -------- -------- -------- -------- --------- --------- ---------
for n in "${names[@]}"; do
	# shellcheck disable=SC2059
	printf "$fmt" "$n" "$(mb "${r[$n|idle]}")" "$(mb "${r[$n|idle.rssanon_kb]}")" \
		"$(mb "${r[$n|burst]}")" "$(mb "${r[$n|burst.rssanon_kb]}")" \
		"$(lg "${r[$n|logins]:-}")" "$(lg "${r[$n|logins.rssanon_kb]:-}")" \
		"$(mb "${r[$n|end]}")" "$(mb "${r[$n|end.rssanon_kb]}")" \
		"$(rate "${r[$n|idle1.c0]}" "${r[$n|idle1.c1]}")" "$(rate "${r[$n|after.c0]}" "${r[$n|after.c1]}" 60)" \
		"$(rate "${r[$n|idle2.c0]}" "${r[$n|idle2.c1]}")"
done
echo
echo "pamsignal: $(awk -F= '/^wait_s=/{print $2}' "$tmp/burst-wait.kv") s from the end of the burst's sending to its last line in the event log;" \
	"$sessions open sessions in its state file at the end; state file $(stat -c %s "$tmp/state/state") bytes"
exit 0
