#!/usr/bin/env bash
# Latency of `pamsignal run`: from an entry sent to journald to its line in
# the event log; and the same entries through `journalctl -f -o cat`
# (journald's own delivery to a follower: a floor, not a competitor).
#
#   bench/daemon-latency.sh
#
# Each entry is one syslog datagram on /dev/log, what `logger -t sshd`
# sends, from a Python process (no process start in the time): an sshd
# "Failed password for invalid user MARKER ..." line, one event each. The
# clock starts just before send(); it stops when the line is seen: in the
# event log by inotify (IN_MODIFY on the file, then read), on journalctl's
# stdout by poll() on the pipe. Both wake at once, no polling interval.
#
#   open loop   COUNT entries, one every GAP_MS, whether or not the earlier
#               ones arrived (the rate of a busy server's auth log)
#   isolated    ISOLATED entries, each sent once the one before arrived and
#               a pause of 0.5-1.5 x PAUSE_MS passed (a quiet server)
#   slow        pamsignal only: SLOW entries, each after 6-18 s of silence
#               (a slow brute force): past the 5 s in which pamsignal looks
#               at the journal every 4 ms, within the minute it looks every
#               32 ms
#   cold        pamsignal only: COLD entries, each after 65-75 s of silence,
#               when pamsignal no longer looks on its own: the first entry
#               after a quiet spell, which waits for journald's notice
#   journald    ISOLATED entries: when journald has stored each (its
#               journal header's sequence number moves) and when it tells
#               readers (the IN_MODIFY on its journal file that every
#               sd-journal reader, pamsignal and journalctl alike, waits for)
#
# Builds nothing; needs root, python3, journalctl. Starts journald if none
# runs and stops it again; writes only to a temp dir. See bench/README.md.
# Environment (all optional):
#   PAMSIGNAL=path   the binary (default: build-release/pamsignal, else build/pamsignal)
#   COUNT=N          open-loop entries (default 1000)
#   GAP_MS=N         open-loop period (default 10)
#   ISOLATED=N       isolated entries per reader (default 50)
#   PAUSE_MS=N       isolated pause (default 100)
#   SLOW=N           slow entries (default 6; 0: none)
#   COLD=N           cold entries (default 3; 0: none)
#   SKIP_PEERS=1     pamsignal only (no journalctl, no journald rows)
#   KEEP_TMP=1       keep the temp dir (per-entry latencies in *.tsv) and say where
bench=daemon-latency
# shellcheck source=bench/daemon-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/daemon-lib.sh"

case "${1:-}" in
	-h|--help) usage 0 ;;
	"") ;;
	*) usage 2 ;;
esac
COUNT=${COUNT:-1000}
GAP_MS=${GAP_MS:-10}
ISOLATED=${ISOLATED:-50}
PAUSE_MS=${PAUSE_MS:-100}
SLOW=${SLOW:-6}
COLD=${COLD:-3}
SKIP_PEERS=${SKIP_PEERS:-0}
for v in COUNT ISOLATED; do [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer"; done
for v in SLOW COLD; do [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a number"; done
for v in GAP_MS PAUSE_MS; do [[ ${!v} =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "$v must be a number"; done
[ "$SKIP_PEERS" = 1 ] || command -v journalctl > /dev/null || die "journalctl not found (or SKIP_PEERS=1)"

take_machine_lock
journal_start
run=$$$RANDOM
write_config "$tmp/pamsignal.conf" "$tmp/state" "$tmp/events.jsonl"

lat() { # LABEL RAWFILE latency-args...
	local label=$1 raw=$2
	shift 2
	"${PY[@]}" latency --label "$label" --raw "$tmp/$raw" "$@" >> "$tmp/rows"
}
: > "$tmp/rows"

note "pamsignal: open loop, $COUNT entries every $GAP_MS ms"
daemon_start "$tmp/pamsignal.conf"
seq0=$("${PY[@]}" seqnum --journald-pid "$jpid")
lat "pamsignal (open loop)" pamsignal-open.tsv --eventlog "$tmp/events.jsonl" \
	--count "$COUNT" --gap-ms "$GAP_MS" --tag "po$run"
note "pamsignal: isolated, $ISOLATED entries"
lat "pamsignal (isolated)" pamsignal-isolated.tsv --eventlog "$tmp/events.jsonl" --isolated \
	--count "$ISOLATED" --gap-ms "$PAUSE_MS" --tag "pi$run"
seq1=$("${PY[@]}" seqnum --journald-pid "$jpid")
if [ "$SLOW" -gt 0 ]; then
	note "pamsignal: slow, $SLOW entries after 6-18 s of silence"
	lat "pamsignal (slow: after 6-18 s quiet)" pamsignal-slow.tsv --eventlog "$tmp/events.jsonl" --isolated \
		--pause-first --count "$SLOW" --gap-ms 12000 --tag "ps$run"
fi
if [ "$COLD" -gt 0 ]; then
	note "pamsignal: cold, $COLD entries after 65-75 s of silence"
	lat "pamsignal (cold: after 65-75 s quiet)" pamsignal-cold.tsv --eventlog "$tmp/events.jsonl" --isolated \
		--pause-first --count "$COLD" --gap-ms 70000 --jitter 0.07 --tag "pc$run"
fi
daemon_stop

if [ "$SKIP_PEERS" != 1 ]; then
	note "journalctl -f -o cat: open loop, $COUNT entries every $GAP_MS ms"
	lat "journalctl -f (open loop)" journalctl-open.tsv --follow "journalctl -f -n 0 -o cat" \
		--count "$COUNT" --gap-ms "$GAP_MS" --tag "jo$run"
	note "journalctl -f -o cat: isolated, $ISOLATED entries"
	lat "journalctl -f (isolated)" journalctl-isolated.tsv --follow "journalctl -f -n 0 -o cat" --isolated \
		--count "$ISOLATED" --gap-ms "$PAUSE_MS" --tag "ji$run"
	note "journald alone: isolated, $ISOLATED entries"
	lat "journald" journald-isolated.tsv --journald --count "$ISOLATED" --gap-ms "$PAUSE_MS"
fi

machine_info
echo "# open loop: $COUNT entries, one every $GAP_MS ms; isolated: $ISOLATED entries, each after the previous one arrived plus a pause of $(awk -v p="$PAUSE_MS" 'BEGIN{printf "%g-%g", p/2, p*1.5}') ms"
echo "# from just before send() on /dev/log to the line in the event log (inotify) / on journalctl's stdout (poll); ms"
echo "# journal entries stored while pamsignal was measured: $((seq1 - seq0)) (its own: about $((COUNT + ISOLATED)) plus warm-up)"
fmt='%-42s %7s %5s %8s %8s %8s %8s %8s\n'
# shellcheck disable=SC2059
printf "$fmt" reader entries lost p50_ms p90_ms p99_ms max_ms mean_ms
# shellcheck disable=SC2059
printf "$fmt" ------------------------------------------ ------- ----- -------- -------- -------- -------- --------
while IFS=$'\t' read -r label n lost p50 p90 p99 max mean; do
	case $label in
		*"after journald's notice") label="  ...after notice (lost: seen before it)" ;;
		"journald stored") label="journald: entry stored (isolated)" ;;
		"journald notifies readers") label="journald: readers notified (isolated)" ;;
	esac
	# shellcheck disable=SC2059
	printf "$fmt" "$label" "$n" "$lost" "$p50" "$p90" "$p99" "$max" "$mean"
done < "$tmp/rows"
echo
p99=$(awk -F'\t' '$1 == "pamsignal (open loop)" {print $6}' "$tmp/rows")
awk -v p="$p99" 'BEGIN{ printf "target p99 <= 20 ms (open loop): %s (p99 = %s ms)\n", (p + 0 <= 20 ? "met" : "NOT met"), p }'
echo "journald posts changes to its readers from a timer (250 ms + 250 ms slack): journalctl -f waits for it on"
echo "every entry; pamsignal only on the first after a minute of silence (cold), then looks every 4 ms itself."

[ "$KEEP_TMP" = 1 ] && note "per-entry latencies: $tmp/*.tsv"
exit 0
