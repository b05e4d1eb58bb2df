#!/usr/bin/env bash
# pamsignal scan of an audit.log next to the audit tools' own reports.
#
#   bench/audit.sh [RECORDS]      (default 1000000)
#
# One generated audit.log (bench/gen-auditlog.py: failed ssh passwords,
# logins, sudo, execve groups), read by:
#   pamsignal scan --format json          every event, detection on
#   pamsignal scan --format json --no-detect
#   aureport --auth -if FILE              the authentication report
#   ausearch -if FILE -m USER_AUTH,USER_LOGIN
# stdout to /dev/null; best of RUNS by CPU time; records/s from wall time;
# peak RSS. Issue target: 2x aureport's rate or more, RSS 32 MB or less.
#
# Environment (all optional):
#   PAMSIGNAL=path   default build-release/pamsignal, else build/pamsignal
#   RUNS=N           default 3
#   SEED=N           generator seed (default 1105)
#   BENCH_CACHE=dir  generated logs (default bench/out)
#   GNU_TIME=path    default /usr/bin/time
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
if [ -z "${PAMSIGNAL:-}" ] && [ -x "$root/build-release/pamsignal" ]; then
	PAMSIGNAL=$root/build-release/pamsignal
fi
PAMSIGNAL=${PAMSIGNAL:-$root/build/pamsignal}
RUNS=${RUNS:-3}
SEED=${SEED:-1105}
BENCH_CACHE=${BENCH_CACHE:-$here/out}
GNU_TIME=${GNU_TIME:-/usr/bin/time}
records=${1:-1000000}

die() { echo "audit.sh: $*" >&2; exit 2; }
[ -x "$PAMSIGNAL" ] || die "$PAMSIGNAL not found (build it, or set PAMSIGNAL=)"
[ -x "$GNU_TIME" ] || die "$GNU_TIME not found (Debian: apt-get install time)"
command -v aureport > /dev/null || die "aureport not found (Debian: apt-get install auditd)"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer"
[[ $records =~ ^[1-9][0-9]*$ ]] || die "RECORDS must be a positive integer"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pamsignal-audit-bench.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT
mkdir -p "$BENCH_CACHE"

log="$BENCH_CACHE/auditlog-$records-seed$SEED-$(sha256sum "$here/gen-auditlog.py" | cut -c1-12).log"
if [ ! -s "$log" ]; then
	python3 "$here/gen-auditlog.py" "$records" --seed "$SEED" -o "$log.part" && mv -f "$log.part" "$log"
fi
cat "$log" > /dev/null
lines=$(wc -l < "$log")

. "$here/timing.sh"

declare -A rate
row() { # LABEL NAME CMD...
	local label=$1 name=$2
	shift 2
	timed "$name" "$@"
	rate[$name]=$(awk -v n="$lines" -v w="$t_wall" 'BEGIN{printf "%.0f", (w > 0 ? n / w : 0)}')
	printf '%-44s %8.2f %8.2f %12s %9.1f\n' "$label" "$t_cpu" "$t_wall" "${rate[$name]}" \
		"$(awk -v k="$t_rss_kb" 'BEGIN{print k/1024}')"
}

echo "# $(uname -sr), $(nproc) CPU(s); $PAMSIGNAL; best of $RUNS runs"
echo "# input: $log ($lines records)"
printf '%-44s %8s %8s %12s %9s\n' tool cpu_s wall_s records/s peak_MB
row "pamsignal scan (detection on)" scan "$PAMSIGNAL" scan --format json "$log"
row "pamsignal scan --no-detect" nodetect "$PAMSIGNAL" scan --format json --no-detect "$log"
row "aureport --auth" aureport aureport --auth -if "$log"
row "ausearch -m USER_AUTH,USER_LOGIN" ausearch ausearch -if "$log" -m USER_AUTH,USER_LOGIN
echo
echo "events: pamsignal $("$PAMSIGNAL" scan --format json --no-detect "$log" | wc -l)," \
	"aureport --auth rows $(aureport --auth -if "$log" | grep -c '^[0-9]*\. ')," \
	"ausearch records $(ausearch -if "$log" -m USER_AUTH,USER_LOGIN 2> /dev/null | grep -c '^type=')"
awk -v p="${rate[scan]}" -v a="${rate[aureport]}" -v s="${rate[ausearch]}" \
	'BEGIN{printf "pamsignal scan / aureport --auth: %.1fx the rate; / ausearch: %.1fx\n", p / a, p / s}'
