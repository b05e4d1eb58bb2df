#!/usr/bin/env bash
# Compare pamsignal's scan throughput with the parsers people already run.
#
#   bench/scan-vs-peers.sh [LINES]        peers table on one generated file
#   bench/scan-vs-peers.sh --linearity    pamsignal (and the fast peers) on
#                                         1M and 10M lines, time ratio
#
# Builds nothing.  See bench/README.md for what is measured and how to read
# the output.  Environment (all optional):
#   PAMSIGNAL=path       the binary (default: build-release/pamsignal, else build/pamsignal)
#   PEERS_ONLY=1         measure the peers only (no pamsignal needed)
#   SKIP_FAIL2BAN=1      leave fail2ban-regex out (it is the slow one)
#   RUNS=N               best of N timed runs per tool and size (default 1)
#   COUNT_EVENTS=0       skip the untimed run that counts each tool's events
#   SEED=N               generator seed (default 1105, the generator's own)
#   NO_CACHE=1           generate into the temp dir, not bench/out/
#   BENCH_CACHE=dir      where generated logs are cached (default bench/out)
#   LINEARITY_SIZES="A B"  sizes for --linearity (default "1000000 10000000")
#   SSHG_PARSER=path     default /usr/libexec/sshguard/sshg-parser
#   FAIL2BAN_REGEX=path  default fail2ban-regex
#   GNU_TIME=path        default /usr/bin/time
#   KEEP_TMP=1           keep the temp dir (stderr, time reports) and say where
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")

# A release build (what scripts/setup run installs) when there is one.
if [ -z "${PAMSIGNAL:-}" ] && [ -x "$root/build-release/pamsignal" ]; then
	PAMSIGNAL=$root/build-release/pamsignal
fi
PAMSIGNAL=${PAMSIGNAL:-$root/build/pamsignal}
SSHG_PARSER=${SSHG_PARSER:-/usr/libexec/sshguard/sshg-parser}
FAIL2BAN_REGEX=${FAIL2BAN_REGEX:-fail2ban-regex}
GNU_TIME=${GNU_TIME:-/usr/bin/time}
PEERS_ONLY=${PEERS_ONLY:-0}
SKIP_FAIL2BAN=${SKIP_FAIL2BAN:-0}
RUNS=${RUNS:-1}
SEED=${SEED:-1105}
NO_CACHE=${NO_CACHE:-0}
BENCH_CACHE=${BENCH_CACHE:-$here/out}
LINEARITY_SIZES=${LINEARITY_SIZES:-1000000 10000000}
KEEP_TMP=${KEEP_TMP:-0}

die() { echo "scan-vs-peers: $*" >&2; exit 2; }
note() { echo "scan-vs-peers: $*" >&2; }

usage() {
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
	exit "${1:-0}"
}

mode=peers
lines=1000000
case "${1:-}" in
	-h|--help) usage 0 ;;
	--linearity) mode=linearity; shift ;;
	"") ;;
	*[!0-9]*) usage 2 ;;
	*) lines=$1; shift ;;
esac
[ $# -eq 0 ] || usage 2
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer"
[[ $SEED =~ ^[0-9]+$ ]] || die "SEED must be a non-negative integer"
[ "$lines" -gt 0 ] || die "LINES must be > 0"

# ---- tools --------------------------------------------------------------

[ -x "$GNU_TIME" ] || die "$GNU_TIME not found (Debian: apt-get install time)"
command -v python3 >/dev/null || die "python3 is needed for bench/gen-authlog.py"

have_pamsignal=0
if [ "$PEERS_ONLY" = 1 ]; then
	note "PEERS_ONLY=1: not measuring pamsignal"
elif [ -x "$PAMSIGNAL" ]; then
	have_pamsignal=1
else
	die "$PAMSIGNAL not found or not executable.
  Build it first (e.g. meson setup build && meson compile -C build),
  point PAMSIGNAL= at a binary, or run with PEERS_ONLY=1 to measure only the peers."
fi

have_sshg=0
if [ -x "$SSHG_PARSER" ]; then
	have_sshg=1
else
	note "$SSHG_PARSER not found (Debian package sshguard): skipping it"
fi

have_f2b=0
if [ "$mode" = linearity ]; then
	: # too slow for 10M lines; never run in linearity mode
elif [ "$SKIP_FAIL2BAN" = 1 ]; then
	note "SKIP_FAIL2BAN=1: skipping fail2ban-regex"
elif command -v "$FAIL2BAN_REGEX" >/dev/null; then
	have_f2b=1
else
	note "$FAIL2BAN_REGEX not found (Debian package fail2ban): skipping it"
fi

# ---- temp dir -----------------------------------------------------------

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pamsignal-bench.XXXXXX")
cleanup() {
	if [ "$KEEP_TMP" = 1 ]; then
		note "kept $tmp"
	else
		rm -rf -- "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- input --------------------------------------------------------------

gen_hash=$(sha256sum "$here/gen-authlog.py" | cut -c1-12)

# logfile N -> path of a generated log with N lines (generated if missing)
logfile() {
	local n=$1 dir path
	if [ "$NO_CACHE" = 1 ]; then
		dir=$tmp
	else
		dir=$BENCH_CACHE
		mkdir -p "$dir"
	fi
	path="$dir/authlog-$n-seed$SEED-$gen_hash.log"
	if [ ! -s "$path" ]; then
		note "generating $n lines (seed $SEED) into $path"
		local t0=$EPOCHREALTIME
		python3 "$here/gen-authlog.py" "$n" --seed "$SEED" -q -o "$path.part"
		mv -f -- "$path.part" "$path"
		note "generated in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}') s"
	fi
	local got
	got=$(wc -l < "$path")
	[ "$got" -eq "$n" ] || die "$path has $got lines, expected $n (remove it)"
	# Same starting point for every tool: the file is in the page cache.
	cat -- "$path" > /dev/null
	printf '%s\n' "$path"
}

# ---- measuring ----------------------------------------------------------
#
# measure NAME INPUT_FILE
# Every tool is run the same way:
#  1. one untimed counting run: stdout piped straight into a counter (never
#     stored), stderr to a file.  It also serves as the warm-up run.
#     COUNT_EVENTS=0 skips it (events then show as "-").
#  2. RUNS timed runs: stdout to /dev/null, stderr to a file; wall time of
#     the whole process from bash's EPOCHREALTIME around GNU time, whose -v
#     report gives the peak RSS and the CPU time.
# The one exception is grep: GNU grep notices that its stdout is /dev/null
# and then stops at the first match (-c or not), so its timed runs write
# to a file in the temp dir instead (its whole output is one number).
# Timed runs write to /dev/null because writing the output to a file costs
# page-cache and writeback time that grows faster than linearly once it
# runs to gigabytes (pamsignal's JSON for 10M lines is ~3.6 GB), which would
# hide what the parser itself does.
# Sets: m_wall (best run) m_cpu (that run's user+sys) m_rss_kb (largest
# over the runs) m_status (worst exit status seen) m_events.

tool_cmd() { # NAME FILE -> sets cmd (array) and cmd_stdin
	local name=$1 file=$2
	cmd_stdin=/dev/null
	case $name in
		pamsignal) cmd=("$PAMSIGNAL" scan --format json "$file") ;;
		sshg-parser) cmd=("$SSHG_PARSER"); cmd_stdin=$file ;;
		fail2ban-regex) cmd=("$FAIL2BAN_REGEX" "$file" sshd) ;;
		grep) cmd=(grep -c 'Failed password' "$file") ;;
		*) die "unknown tool $name" ;;
	esac
}

counter() { # NAME: read the tool's stdout on stdin, print its event count
	case $1 in
		# one JSON object per line; lines that start with "type":"event" are
		# events (alerts follow them and carry sample events inside)
		pamsignal) { grep -c '^{"type":"event"' || true; } ;;
		sshg-parser) wc -l ;;
		fail2ban-regex)
			sed -n 's/^Lines: [0-9]* lines, .* \([0-9][0-9]*\) matched.*/\1/p' | head -n1 ;;
		grep) head -n1 ;;
	esac
}

ok_status() { # NAME STATUS: is this exit status normal for the tool?
	[ "$2" -eq 0 ] || { [ "$1" = grep ] && [ "$2" -eq 1 ]; }
}

measure() {
	local name=$1 file=$2 run t0 t1 wall rss cpu status
	local err="$tmp/err.$name" tv="$tmp/time.$name" sink=/dev/null
	[ "$name" = grep ] && sink="$tmp/out.grep"
	tool_cmd "$name" "$file"
	m_wall='' m_rss_kb=0 m_cpu='' m_status=0 m_events=-

	if [ "${COUNT_EVENTS:-1}" = 1 ]; then
		m_events=$("${cmd[@]}" < "$cmd_stdin" 2> "$err" | counter "$name"; \
			pst=("${PIPESTATUS[@]}"); echo "${pst[0]}" > "$tmp/status.$name")
		status=$(cat "$tmp/status.$name")
		ok_status "$name" "$status" || m_status=$status
		[ -n "$m_events" ] || m_events='?'
	fi

	for ((run = 1; run <= RUNS; run++)); do
		status=0
		t0=$EPOCHREALTIME
		"$GNU_TIME" -v -o "$tv" "${cmd[@]}" < "$cmd_stdin" > "$sink" 2> "$err" || status=$?
		t1=$EPOCHREALTIME
		ok_status "$name" "$status" || m_status=$status
		wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}')
		rss=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$tv")
		cpu=$(awk -F': ' '/User time \(seconds\)/{u=$2} /System time \(seconds\)/{s=$2} END{printf "%.2f", u+s}' "$tv")
		[ -n "$rss" ] || rss=0
		if [ "$rss" -gt "$m_rss_kb" ]; then m_rss_kb=$rss; fi
		if [ -z "$m_wall" ] || awk -v a="$wall" -v b="$m_wall" 'BEGIN{exit !(a < b)}'; then
			m_wall=$wall m_cpu=$cpu
		fi
	done
	# a failing tool is reported, not fatal (grep -c exits 1 on zero matches)
	if [ "$m_status" -ne 0 ]; then
		note "$name exited $m_status; last lines of its stderr:"
		tail -n 5 "$err" >&2 || true
	fi
}

lps() { awk -v n="$1" -v w="$2" 'BEGIN{ if (w > 0) printf "%.0f", n / w; else print "inf" }'; }
mb() { awk -v k="$1" 'BEGIN{printf "%.1f", k / 1024}'; }

row_fmt='%-15s %10s %8s %12s %10s %9s %12s  %s\n'
print_header() {
	# shellcheck disable=SC2059
	printf "$row_fmt" tool lines wall_s lines/s peak_RSS_MB cpu_s events "events are"
	# shellcheck disable=SC2059
	printf "$row_fmt" --------------- ---------- -------- ------------ ---------- --------- ------------ ----------
}
what_events() {
	case $1 in
		pamsignal) echo "JSON \"type\":\"event\" records" ;;
		sshg-parser) echo "attacks reported (stdout lines)" ;;
		fail2ban-regex) echo "lines matched (its 'Lines:' summary)" ;;
		grep) echo "lines with 'Failed password'" ;;
	esac
}
print_row() { # NAME LINES
	local suffix=""
	[ "$m_status" -eq 0 ] || suffix=" [exit $m_status]"
	# shellcheck disable=SC2059
	printf "$row_fmt" "$1" "$2" "$m_wall" "$(lps "$2" "$m_wall")" "$(mb "$m_rss_kb")" \
		"$m_cpu" "$m_events" "$(what_events "$1")$suffix"
}

tools=()
[ "$have_pamsignal" = 1 ] && tools+=(pamsignal)
[ "$have_sshg" = 1 ] && tools+=(sshg-parser)
[ "$have_f2b" = 1 ] && tools+=(fail2ban-regex)
tools+=(grep)

machine_info() {
	echo "# $(uname -sr), $(nproc) CPU(s), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo); runs per tool: best of $RUNS; seed $SEED"
	echo "# timed runs: stdout > /dev/null (grep: > a file); events: from one more, untimed run per tool and size"
}

declare -A wall_of rss_of status_of

# ---- peers mode ---------------------------------------------------------

if [ "$mode" = peers ]; then
	file=$(logfile "$lines")
	echo "# input: $file ($lines lines, $(du -m "$file" | cut -f1) MB)"
	machine_info
	print_header
	for t in "${tools[@]}"; do
		measure "$t" "$file"
		print_row "$t" "$lines"
		wall_of[$t]=$m_wall
		rss_of[$t]=$m_rss_kb
		status_of[$t]=$m_status
	done
	echo
	if [ "$have_pamsignal" = 1 ] && [ "$have_sshg" = 1 ]; then
		awk -v a="${wall_of[sshg-parser]}" -v b="${wall_of[pamsignal]}" \
			'BEGIN{ if (b > 0) printf "pamsignal lines/s / sshg-parser lines/s = %.2f\n", a / b }'
		if [ "${status_of[pamsignal]}" -ne 0 ] || [ "${status_of[sshg-parser]}" -ne 0 ]; then
			echo "  (not meaningful: a tool exited non-zero, see above)"
		fi
	elif [ "$have_pamsignal" = 1 ]; then
		echo "pamsignal lines/s / sshg-parser lines/s = n/a (sshg-parser not run)"
	else
		echo "pamsignal lines/s / sshg-parser lines/s = n/a (pamsignal not run)"
	fi
	if [ "$have_pamsignal" = 1 ]; then
		echo "pamsignal peak RSS = $(mb "${rss_of[pamsignal]}") MB"
	fi
	exit 0
fi

# ---- linearity mode -----------------------------------------------------

read -r -a sizes <<< "$LINEARITY_SIZES"
[ "${#sizes[@]}" -eq 2 ] || die "LINEARITY_SIZES must hold two sizes"
small=${sizes[0]} big=${sizes[1]}
file_small=$(logfile "$small")
file_big=$(logfile "$big")
echo "# inputs: $file_small, $file_big"
machine_info
print_header
for t in "${tools[@]}"; do
	[ "$t" = fail2ban-regex ] && continue
	measure "$t" "$file_small"
	print_row "$t" "$small"
	wall_of[$t.s]=$m_wall rss_of[$t.s]=$m_rss_kb
	measure "$t" "$file_big"
	print_row "$t" "$big"
	wall_of[$t.b]=$m_wall rss_of[$t.b]=$m_rss_kb
done
echo
echo "time ratio, $big lines / $small lines (linear = $(awk -v a="$big" -v b="$small" 'BEGIN{printf "%.2f", a / b}')):"
for t in "${tools[@]}"; do
	[ "$t" = fail2ban-regex ] && continue
	awk -v t="$t" -v a="${wall_of[$t.b]}" -v b="${wall_of[$t.s]}" \
		-v ra="${rss_of[$t.b]}" -v rb="${rss_of[$t.s]}" \
		'BEGIN{ printf "  %-12s time x%s   peak RSS x%.2f\n", t, (b > 0 ? sprintf("%.2f", a / b) : "inf"), (rb > 0 ? ra / rb : 0) }'
done
if [ "$have_pamsignal" = 1 ]; then
	echo "pamsignal peak RSS = $(mb "${rss_of[pamsignal.s]}") MB at $small lines, $(mb "${rss_of[pamsignal.b]}") MB at $big lines"
fi
