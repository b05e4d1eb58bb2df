#!/usr/bin/env bash
# What detection costs in pamsignal scan, what it finds next to sshguard and
# fail2ban on the same file, and how it holds up under a flood.
#
#   bench/detect.sh [LINES]     (default 1000000)
#
# 1. cost: scan of the generated log (bench/gen-authlog.py) with detection
#    (the default) and with --no-detect: CPU and wall time, best of RUNS;
#    then the ratio of CPU times from PAIRS paired runs (each round runs
#    both, in alternating order, pinned to one CPU; the median of the
#    rounds' ratios), which a shared machine's drift moves far less than
#    a best-of.
# 2. alerts: pamsignal's alerts per rule, next to sshguard (sshg-parser piped
#    into sshg-blocker, counting "block" lines) and fail2ban (fail2ban-regex's
#    matches of the sshd filter, run through fail2ban's default ban rule:
#    maxretry 5 within findtime 10m, bantime 10m, per address).
# 3. flood: FLOOD_LINES failed logins from as many distinct IPv6 addresses,
#    then one new attacker: peak RSS, lines/s, and whether it still alerted.
# 4. state save (pamsignal run): how long one save of a full state blocks
#    the event loop, serialised in the loop (as it was) next to a forked
#    child writing it (as it is); bench/detect-save-bench.c, built next to
#    PAMSIGNAL.
#
# Builds nothing. Environment (all optional):
#   PAMSIGNAL=path     default build-release/pamsignal, else build/pamsignal
#   RUNS=N             best of N timed runs (default 3)
#   PAIRS=N            paired rounds for the cost ratio (default 21)
#   FLOOD_LINES=N      default 1000000
#   SAVE_EVENTS=N      flood events before the state save (default 3000000)
#   SKIP_FAIL2BAN=1    fail2ban-regex takes ~30 s per million lines
#   SEED=N             generator seed (default 1105)
#   BENCH_CACHE=dir    generated logs (default bench/out)
#   SSHG_DIR=dir       default /usr/libexec/sshguard
#   GNU_TIME=path      default /usr/bin/time
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
if [ -z "${PAMSIGNAL:-}" ] && [ -x "$root/build-release/pamsignal" ]; then
	PAMSIGNAL=$root/build-release/pamsignal
fi
PAMSIGNAL=${PAMSIGNAL:-$root/build/pamsignal}
RUNS=${RUNS:-3}
PAIRS=${PAIRS:-21}
FLOOD_LINES=${FLOOD_LINES:-1000000}
SKIP_FAIL2BAN=${SKIP_FAIL2BAN:-0}
SEED=${SEED:-1105}
BENCH_CACHE=${BENCH_CACHE:-$here/out}
SSHG_DIR=${SSHG_DIR:-/usr/libexec/sshguard}
GNU_TIME=${GNU_TIME:-/usr/bin/time}
lines=${1:-1000000}

die() { echo "detect.sh: $*" >&2; exit 2; }
[ -x "$PAMSIGNAL" ] || die "$PAMSIGNAL not found (build it, or set PAMSIGNAL=)"
[ -x "$GNU_TIME" ] || die "$GNU_TIME not found (Debian: apt-get install time)"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer"
[[ $PAIRS =~ ^[1-9][0-9]*$ ]] || die "PAIRS must be a positive integer"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pamsignal-detect-bench.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT
mkdir -p "$BENCH_CACHE"

# The same cache as scan-vs-peers.sh: name by size, seed and generator version.
log="$BENCH_CACHE/authlog-$lines-seed$SEED-$(sha256sum "$here/gen-authlog.py" | cut -c1-12).log"
if [ ! -s "$log" ]; then
	python3 "$here/gen-authlog.py" "$lines" --seed "$SEED" -q -o "$log.part" && mv -f "$log.part" "$log"
fi
cat "$log" > /dev/null

. "$here/timing.sh"

echo "# $(uname -sr), $(nproc) CPU(s); $PAMSIGNAL; best of $RUNS runs"
echo "# input: $log ($lines lines)"
echo
echo "## 1. cost of detection (stdout to /dev/null)"
printf '%-28s %8s %8s %10s\n' run cpu_s wall_s peak_MB
timed nodetect "$PAMSIGNAL" scan --format json --no-detect "$log"
base=$t_cpu
printf '%-28s %8.2f %8.2f %10.1f\n' "scan --no-detect" "$t_cpu" "$t_wall" "$(awk -v k="$t_rss_kb" 'BEGIN{print k/1024}')"
timed detect "$PAMSIGNAL" scan --format json "$log"
printf '%-28s %8.2f %8.2f %10.1f\n' "scan (detection on)" "$t_cpu" "$t_wall" "$(awk -v k="$t_rss_kb" 'BEGIN{print k/1024}')"
awk -v a="$t_cpu" -v b="$base" -v n="$RUNS" 'BEGIN{printf "detection adds %.0f%% CPU time (best of %d each)\n", (a / b - 1) * 100, n}'

# cpu_time CMD...: user + system CPU seconds of one run, to the millisecond.
cpu_time() {
	local TIMEFORMAT='%3U %3S' t
	t=$({ time "$@" > /dev/null 2> "$tmp/err.paired"; } 2>&1) || die "$* failed: $(tail -3 "$tmp/err.paired")"
	awk -v t="$t" 'BEGIN{split(t, f, " "); print f[1] + f[2]}'
}
pin=()
command -v taskset > /dev/null && pin=(taskset -c "$(($(nproc) - 1))")
ratios=()
for ((i = 0; i < PAIRS; i++)); do
	if ((i % 2)); then
		b=$(cpu_time "${pin[@]}" "$PAMSIGNAL" scan --format json "$log")
		a=$(cpu_time "${pin[@]}" "$PAMSIGNAL" scan --format json --no-detect "$log")
	else
		a=$(cpu_time "${pin[@]}" "$PAMSIGNAL" scan --format json --no-detect "$log")
		b=$(cpu_time "${pin[@]}" "$PAMSIGNAL" scan --format json "$log")
	fi
	ratios+=("$(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.4f", b / a}')")
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{v[NR] = $1} END {
	m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; q = int(NR / 4)
	printf "detection adds %.1f%% CPU time (median of %d paired runs; interquartile %.1f-%.1f%%)\n",
		(m - 1) * 100, NR, (v[q + 1] - 1) * 100, (v[NR - q] - 1) * 100 }'
timed alerts "$PAMSIGNAL" scan --format json --alerts "$log"
printf '%-28s %8.2f %8.2f %10.1f\n' "scan --alerts" "$t_cpu" "$t_wall" "$(awk -v k="$t_rss_kb" 'BEGIN{print k/1024}')"

echo
echo "## 2. what each tool reports on the same file"
"$PAMSIGNAL" scan --format json --alerts "$log" > "$tmp/alerts.json"
python3 - "$tmp/alerts.json" <<'PY'
import collections, json, sys
first, upd, srcs = collections.Counter(), collections.Counter(), collections.defaultdict(set)
for line in open(sys.argv[1]):
    a = json.loads(line)
    (upd if a.get("update") else first)[a["rule"]] += 1
    srcs[a["rule"]].add(a.get("src_ip") or a.get("subnet") or a.get("user"))
print("pamsignal alerts (first / updates / distinct keys):")
for rule in sorted(first, key=lambda r: -first[r]):
    print("  %-24s %7d %7d %7d" % (rule, first[rule], upd[rule], len(srcs[rule])))
with open(sys.argv[1] + ".bf", "w") as f:
    f.write("\n".join(sorted(srcs["brute_force"])) + "\n")
PY
if [ -x "$SSHG_DIR/sshg-parser" ] && [ -x "$SSHG_DIR/sshg-blocker" ]; then
	# sshg-blocker keeps time by the wall clock: fed a whole file at once,
	# every attack is "now", so each attacker is counted once it reaches
	# the threshold (30; most attacks score 10).
	"$SSHG_DIR/sshg-parser" < "$log" | "$SSHG_DIR/sshg-blocker" -a 30 > "$tmp/sshg.out" 2> /dev/null || true
	awk '$1 == "block" {print $2}' "$tmp/sshg.out" | sort -u > "$tmp/sshg.ips"
	echo "sshguard (sshg-parser | sshg-blocker -a 30): $(grep -c '^block' "$tmp/sshg.out" || true) blocks," \
		"$(wc -l < "$tmp/sshg.ips") addresses;" \
		"$(comm -12 "$tmp/sshg.ips" "$tmp/alerts.json.bf" | wc -l) of them also in pamsignal's brute_force"
else
	echo "sshguard: $SSHG_DIR/sshg-parser or sshg-blocker not found, skipped"
fi
if [ "$SKIP_FAIL2BAN" != 1 ] && command -v fail2ban-regex > /dev/null; then
	fail2ban-regex -o row "$log" sshd 2> /dev/null > "$tmp/f2b.rows" || true
	python3 - "$tmp/f2b.rows" "$tmp/alerts.json.bf" <<'PY'
import ast, collections, sys
# fail2ban's defaults: maxretry 5 failures within findtime 600 s bans for bantime 600 s.
hits, bans, banned_until = collections.defaultdict(collections.deque), 0, {}
banned = set()
for line in open(sys.argv[1]):
    line = line.strip().rstrip(",")
    if not line.startswith("["):
        continue
    ip, t = ast.literal_eval(line)[:2]
    if banned_until.get(ip, 0) > t:
        continue
    q = hits[ip]
    q.append(t)
    while q and q[0] <= t - 600:
        q.popleft()
    if len(q) >= 5:
        bans += 1
        banned.add(ip)
        banned_until[ip] = t + 600
        q.clear()
ours = set(open(sys.argv[2]).read().split())
print("fail2ban (fail2ban-regex sshd, maxretry 5 / findtime 10m / bantime 10m): %d bans, %d addresses; "
      "%d of them also in pamsignal's brute_force" % (bans, len(banned), len(banned & ours)))
PY
else
	echo "fail2ban: skipped"
fi

echo
echo "## 3. flood: $FLOOD_LINES failed logins from distinct IPv6 addresses, then a new attacker"
flood="$BENCH_CACHE/flood-ipv6-$FLOOD_LINES.log"
if [ ! -s "$flood" ]; then
	python3 - "$FLOOD_LINES" > "$flood.part" <<'PY'
import sys
n = int(sys.argv[1])
out = sys.stdout
for i in range(n):
    s = i // 2000  # 2,000 lines a second
    out.write("Jan  1 %02d:%02d:%02d bastion sshd[%d]: Failed password for invalid user u%d from "
              "2001:db8:%x:%x::1 port 22 ssh2\n" % (s // 3600 % 24, s // 60 % 60, s % 60, 1000 + i % 4000000,
                                                   i % 100, i >> 16, i & 0xffff))
for i in range(5):
    out.write("Jan  1 23:59:59 bastion sshd[9%d]: Failed password for root from 203.0.113.77 port 22 ssh2\n" % i)
PY
	mv -f "$flood.part" "$flood"
fi
cat "$flood" > /dev/null
timed flood "$PAMSIGNAL" scan --format json --alerts "$flood"
total=$((FLOOD_LINES + 5))
echo "peak RSS $(awk -v k="$t_rss_kb" 'BEGIN{printf "%.1f", k/1024}') MB (max_memory 64M)," \
	"$(awk -v n="$total" -v w="$t_wall" 'BEGIN{printf "%.0f", n / w}') lines/s (wall $t_wall s, cpu $t_cpu s)"
if "$PAMSIGNAL" scan --format json --alerts "$flood" | grep -q '"rule":"brute_force".*"src_ip":"203.0.113.77"'; then
	echo "the attacker after the flood alerted: yes"
else
	echo "the attacker after the flood alerted: NO"
	exit 1
fi

echo
echo "## 4. state save in pamsignal run: a full state, event loop blocked per save"
save_bench=$(dirname "$PAMSIGNAL")/detect-save-bench
if [ -x "$save_bench" ]; then
	mkdir -p "$tmp/state"
	"$save_bench" "${SAVE_EVENTS:-3000000}" "$tmp/state" "$RUNS"
else
	echo "$save_bench not found (built with pamsignal), skipped"
fi
