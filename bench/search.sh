#!/bin/bash
# pamsignal search next to jq and grep on one event log: a generated
# auth.log (gen-authlog.py) scanned into events, then the same question
# (a user's events of some kinds) asked of each. Prints lines/s, CPU time
# and peak RSS, and checks that search and jq select the same events.
#   bench/search.sh [LINES]        (default 1000000)
# Environment: PAMSIGNAL (default build-release/pamsignal, else build/pamsignal),
# GNU_TIME (default /usr/bin/time). Needs jq and GNU time.
set -euo pipefail
export LC_ALL=C
root=$(cd "$(dirname "$0")/.." && pwd)
lines=${1:-1000000}
pamsignal=${PAMSIGNAL:-$root/build-release/pamsignal}
[ -x "$pamsignal" ] || pamsignal=$root/build/pamsignal
gnu_time=${GNU_TIME:-/usr/bin/time}
tmp=$(mktemp -d)
trap 'rm -rf $tmp' EXIT

python3 "$root/bench/gen-authlog.py" "$lines" -q -o $tmp/auth.log
"$pamsignal" scan --no-detect --format json $tmp/auth.log > $tmp/events.jsonl
n=$(wc -l < $tmp/events.jsonl)
size=$(du -m $tmp/events.jsonl | cut -f1)
user=$(python3 -c '
import collections, json, sys
c = collections.Counter(json.loads(l).get("user") for l in open(sys.argv[1]))
print(next(u for u, _ in c.most_common() if u))' $tmp/events.jsonl)
echo "event log: $n lines, $size MB; question: user '$user', kinds auth_success and session_open"

run() { # NAME OUTPUT COMMAND...
	local name=$1 out=$2
	shift 2
	"$gnu_time" -f "%U %S %M" -o $tmp/time "$@" > "$out"
	read -r u s rss < $tmp/time
	python3 -c 'import sys; n, u, s, rss, name, m = sys.argv[1:]; cpu = float(u) + float(s)
print("%-10s %8.2f s CPU %12.0f lines/s %8d KB peak RSS %8s matched" % (name, cpu, int(n) / max(cpu, 0.01), int(rss), m))' \
		"$n" "$u" "$s" "$rss" "$name" "$(wc -l < "$out")"
}
run search $tmp/search.out "$pamsignal" search --user "$user" --kind auth_success,session_open --format json $tmp/events.jsonl
run jq $tmp/jq.out jq -c --arg u "$user" 'select(.user == $u or .target_user == $u or .login_user == $u)
	| select(.kind == "auth_success" or .kind == "session_open")' $tmp/events.jsonl
run grep $tmp/grep.out grep -F "\"user\":\"$user\"" $tmp/events.jsonl
if python3 -c '
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
key = lambda e: (e["time"], e.get("line", 0))
sys.exit(sorted(a, key=key) != sorted(b, key=key))' $tmp/search.out $tmp/jq.out; then
	echo "search and jq selected the same events"
else
	echo "search and jq differ"
	exit 1
fi
