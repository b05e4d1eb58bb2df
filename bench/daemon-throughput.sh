#!/usr/bin/env bash
# Throughput of `pamsignal run` under a flood: journald takes entries as
# fast as it can for SECONDS; how fast pamsignal turns them into event-log
# lines, how far behind it falls, how long it takes to catch up, and the
# CPU it and journald use. The same flood with `journalctl -f -o export`
# as the follower, for comparison.
#
#   bench/daemon-throughput.sh
#
# Runs, one after the other, each with a fresh flood of SECONDS:
#   no reader     journald alone: its ingest rate on this machine
#   pamsignal     the daemon follows the journal while the flood runs
#   catch-up      the daemon is stopped during the flood and started after
#                 it: how fast it reads a backlog (from its saved cursor)
#   journalctl    `journalctl -f -n 0 -o export > /dev/null` follows instead
#
# The flood: PROCS Python processes, each sending syslog datagrams to
# /dev/log in a loop (what `logger -t sshd` sends, without a process per
# line), every one an sshd "Failed password for invalid user MARKER ..."
# line, one event each. Every 0.5 s: entries sent, journald's sequence
# number, event-log lines with this run's marker, and utime+stime of the
# watched processes (/proc/PID/stat, all threads). Lag = sent - in the
# event log. CPU is counted from the flood's start until the reader has
# caught up ("drained"): for pamsignal, every entry is in the event log;
# for journalctl (whose output is not read), it used no CPU for 1 s.
#
# Builds nothing; needs root, python3, journalctl. Starts journald if none
# runs and stops it again; writes only to a temp dir (the event logs, about
# 450 bytes per entry). The flood adds entries to the journal
# (SECONDS x ~40k per run). See bench/README.md.
# Environment (all optional):
#   PAMSIGNAL=path   the binary (default: build-release/pamsignal, else build/pamsignal)
#   SECONDS_FLOOD=N  length of each flood (default 10)
#   PROCS=N          sending processes (default 2)
#   SKIP_PEERS=1     no "no reader" and no journalctl run
#   SKIP_CATCHUP=1   no catch-up run
#   KEEP_TMP=1       keep the temp dir (0.5 s samples in *.tsv) and say where
bench=daemon-throughput
# shellcheck source=bench/daemon-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/daemon-lib.sh"

case "${1:-}" in
	-h|--help) usage 0 ;;
	"") ;;
	*) usage 2 ;;
esac
SECONDS_FLOOD=${SECONDS_FLOOD:-10}
PROCS=${PROCS:-2}
SKIP_PEERS=${SKIP_PEERS:-0}
SKIP_CATCHUP=${SKIP_CATCHUP:-0}
[[ $SECONDS_FLOOD =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "SECONDS_FLOOD must be a number"
[[ $PROCS =~ ^[1-9][0-9]*$ ]] || die "PROCS must be a positive integer"
[ "$SKIP_PEERS" = 1 ] || command -v journalctl > /dev/null || die "journalctl not found (or SKIP_PEERS=1)"

take_machine_lock
journal_start
run=$$$RANDOM
write_config "$tmp/pamsignal.conf" "$tmp/state" "$tmp/events.jsonl"

# flood NAME [flood args...]: key=value summary in $tmp/NAME.kv, samples in $tmp/NAME.tsv
flood() {
	local name=$1
	shift
	"${PY[@]}" flood --seconds "$SECONDS_FLOOD" --procs "$PROCS" --journald-pid "$jpid" \
		--samples "$tmp/$name.tsv" "$@" > "$tmp/$name.kv"
}
settle() { sleep 2; } # let the previous run's writeback and journald's own work end

runs=()
if [ "$SKIP_PEERS" != 1 ]; then
	note "no reader: $SECONDS_FLOOD s flood, $PROCS senders"
	flood noreader --tag "n$run" --watch-pid journald="$jpid" --quiet 0.5
	runs+=(noreader)
	settle
fi

note "pamsignal: $SECONDS_FLOOD s flood, $PROCS senders"
daemon_start "$tmp/pamsignal.conf"
flood pamsignal --tag "p$run" --eventlog "$tmp/events.jsonl" --watch-pid pamsignal="$dpid" --watch-pid journald="$jpid"
runs+=(pamsignal)

if [ "$SKIP_CATCHUP" != 1 ]; then
	daemon_stop
	settle
	note "catch-up: $SECONDS_FLOOD s flood with pamsignal stopped, then start it"
	flood catchup-flood --tag "c$run" --watch-pid journald="$jpid" --quiet 0.5
	sync
	sent=$(kv_get "$tmp/catchup-flood.kv" sent)
	t0=$EPOCHREALTIME
	daemon_start "$tmp/pamsignal.conf"
	"${PY[@]}" wait-events --eventlog "$tmp/events.jsonl" --tag "c$run" --count "$sent" --timeout 600 > "$tmp/catchup.kv"
	{
		echo "sent=$sent"
		echo "start_epoch=$t0"
		"${PY[@]}" proc "$dpid"
	} >> "$tmp/catchup.kv"
	runs+=(catchup)
fi
daemon_stop

if [ "$SKIP_PEERS" != 1 ]; then
	settle
	note "journalctl -f -o export > /dev/null: $SECONDS_FLOOD s flood, $PROCS senders"
	journalctl -f -n 0 -o export > /dev/null 2>&1 &
	fpid=$!
	at_exit "kill $fpid 2> /dev/null; wait $fpid 2> /dev/null"
	sleep 1
	flood journalctl --tag "j$run" --watch-pid journalctl="$fpid" --watch-pid journald="$jpid" --quiet 1
	kill "$fpid" 2> /dev/null
	wait "$fpid" 2> /dev/null || true
	runs+=(journalctl)
fi

# ---- report -------------------------------------------------------------

g() { kv_get "$tmp/$1.kv" "$2"; }
div() { awk -v a="$1" -v b="$2" -v f="${3:-%.0f}" 'BEGIN{ if (b > 0 && a != "") printf f, a / b; else printf "-" }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0 && a != "") printf "%.0f%%", 100 * a / b; else printf "-" }'; }

machine_info
echo "# flood: $SECONDS_FLOOD s per run, $PROCS sending processes; samples every 0.5 s; lag = sent - in the event log"
echo
fmt='%-26s %9s %8s %10s %12s %9s %8s %8s %8s\n'
# shellcheck disable=SC2059
printf "$fmt" run entries flood_s ingest/s events/s lag_max lag_max_s lag_end drain_s
# shellcheck disable=SC2059
printf "$fmt" -------------------------- --------- -------- ---------- ------------ --------- -------- -------- --------
for r in "${runs[@]}"; do
	case $r in
		noreader)
			# shellcheck disable=SC2059
			printf "$fmt" "no reader" "$(g "$r" sent)" "$(g "$r" flood_s)" "$(div "$(g "$r" sent)" "$(g "$r" flood_s)")" - - - - - ;;
		pamsignal)
			rate=$(div "$(g "$r" sent)" "$(g "$r" flood_s)" %.6f)
			# shellcheck disable=SC2059
			printf "$fmt" "pamsignal (live)" "$(g "$r" sent)" "$(g "$r" flood_s)" "$(div "$(g "$r" sent)" "$(g "$r" flood_s)")" \
				"$(div "$(g "$r" events_at_flood_end)" "$(g "$r" flood_s)")" "$(g "$r" lag_max)" \
				"$(div "$(g "$r" lag_max)" "$rate" %.2f)" "$(g "$r" lag_at_flood_end)" "$(g "$r" drain_s)" ;;
		catchup)
			dur=$(awk -v a="$(g "$r" start_epoch)" -v b="$(g "$r" done_epoch)" 'BEGIN{printf "%.3f", b - a}')
			# shellcheck disable=SC2059
			printf "$fmt" "pamsignal (catch-up)" "$(g "$r" sent)" "$(g catchup-flood flood_s)" \
				"$(div "$(g "$r" sent)" "$(g catchup-flood flood_s)")" "$(div "$(g "$r" sent)" "$dur")" \
				- - - "$dur" ;;
		journalctl)
			# shellcheck disable=SC2059
			printf "$fmt" "journalctl -f -o export" "$(g "$r" sent)" "$(g "$r" flood_s)" "$(div "$(g "$r" sent)" "$(g "$r" flood_s)")" \
				- - - - - ;;
	esac
done
echo "  ingest/s: entries journald took per second of flood. events/s: event-log lines per second of flood"
echo "  (catch-up: per second from the daemon's start to the last line). lag_max_s: lag_max at the ingest rate."
echo "  drain_s: from the flood's end until every entry was in the event log (journalctl's output is not read)."
echo

fmt='%-24s %-24s %8s %8s %7s %9s %8s\n'
# shellcheck disable=SC2059
printf "$fmt" process run window_s cpu_s %core us/entry runq_s
# shellcheck disable=SC2059
printf "$fmt" ------------------------ ------------------------ -------- -------- ------- --------- --------
cpu_row() { # PROCESS RUN CPU_S WINDOW_S ENTRIES [RUNQ_S]
	# shellcheck disable=SC2059
	printf "$fmt" "$1" "$2" "$4" "$3" "$(pct "$3" "$4")" "$(div "$3" "$(awk -v n="$5" 'BEGIN{print n / 1e6}')" %.1f)" "${6:--}"
}
for r in "${runs[@]}"; do
	case $r in
		noreader)
			cpu_row journald "no reader" "$(g "$r" cpu_journald_s)" "$(g "$r" window_s)" "$(g "$r" sent)" "$(g "$r" runq_journald_s)" ;;
		pamsignal)
			cpu_row "pamsignal" "pamsignal (live)" "$(g "$r" cpu_pamsignal_s)" "$(g "$r" window_s)" "$(g "$r" sent)" "$(g "$r" runq_pamsignal_s)"
			cpu_row journald "pamsignal (live)" "$(g "$r" cpu_journald_s)" "$(g "$r" window_s)" "$(g "$r" sent)" "$(g "$r" runq_journald_s)" ;;
		catchup)
			cpu_row "pamsignal" "pamsignal (catch-up)" \
				"$(awk -v t="$(g "$r" cpu_ticks)" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.2f", t / hz}')" \
				"$(awk -v a="$(g "$r" start_epoch)" -v b="$(g "$r" done_epoch)" 'BEGIN{printf "%.3f", b - a}')" "$(g "$r" sent)" ;;
		journalctl)
			cpu_row "journalctl -f -o export" "journalctl -f -o export" "$(g "$r" cpu_journalctl_s)" "$(g "$r" window_s)" "$(g "$r" sent)" "$(g "$r" runq_journalctl_s)"
			cpu_row journald "journalctl -f -o export" "$(g "$r" cpu_journald_s)" "$(g "$r" window_s)" "$(g "$r" sent)" "$(g "$r" runq_journald_s)" ;;
	esac
done
echo "  window: from the flood's start until drained (catch-up: from the daemon's start to the last line)."
echo "  %core: cpu_s / window_s (100% = one core of $(nproc)). us/entry: cpu_s per entry of the flood."
echo "  runq_s: time it was runnable but waited for a CPU (/proc/PID/task/*/schedstat): the machine was the limit."
others=0
for r in "${runs[@]}"; do
	[ "$r" = catchup ] && r=catchup-flood
	others=$((others + $(g "$r" journal_final) - $(g "$r" sent)))
done
echo "  entries others logged during the floods: $others"
[ "$KEEP_TMP" = 1 ] && note "samples: $tmp/*.tsv"
exit 0
