#!/bin/bash
# The hash chain's cost on the event log's write path: events/s written
# with no chain, a SHA-256 chain and an HMAC-SHA256 chain (bench/chain-bench.c),
# and the hashing alone next to sha256sum (coreutils, the peer) over the
# same bytes. Files go to a tmpfs, so the disk does not hide the cost.
# With BASE=/path/to/pamsignal (a build from before the chain), also the
# daemon's rate: pamsignal run following a file of N generated auth.log
# lines, until the last one's event is in the log, old binary and new.
# Usage:
#   bench/chain.sh [BUILD_DIR] [N]      (defaults: build, 1000000)
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
n=${2:-1000000}
tmp=$(mktemp -d /dev/shm/chain-bench.XXXXXX 2> /dev/null || mktemp -d)
trap 'rm -rf $tmp' EXIT
"$build/chain-bench" $tmp "$n"
# sha256sum over the chained log, best of 3: one stream, no per-record setup.
best=
for _ in 1 2 3; do
	s=$( { /usr/bin/time -f %e sha256sum $tmp/sha256.jsonl > /dev/null; } 2>&1 )
	best=$(python3 -c "print(min(float('$s'), float('${best:-1e9}')))")
done
python3 - "$tmp/sha256.jsonl" "$n" "$best" <<'PY'
import os, sys
path, n, s = sys.argv[1], int(sys.argv[2]), max(float(sys.argv[3]), 0.01)
size = os.path.getsize(path)
print("%-7s %10.0f events/s  %7.1f MB/s  %6.0f ns/event  (sha256sum of the same %d MB, /usr/bin/time's 10 ms resolution)"
      % ("peer", n / s, size / s / 1e6, s / n * 1e9, size // 1000000))
PY

[ -n "${BASE:-}" ] || exit 0
# daemon BINARY [CONFIG LINE]: records/s of pamsignal run over $tmp/gen.log.
daemon() {
	local d=$tmp/run
	rm -rf $d
	mkdir -p $d
	: > $d/auth.log
	printf '[general]\nstate_dir = %s/state\n[source.journal]\nenabled = no\n[source.file]\nenabled = yes\npaths = %s/auth.log\n[source.audit]\nenabled = no\n[output.stdout]\nenabled = no\n[output.eventlog]\npath = %s/log/events.jsonl\nmax_size = 100M\n%s\n' \
		$d $d $d "${2:-}" > $d/p.conf
	chmod 600 $d/p.conf
	"$1" run -c $d/p.conf 2> $d/err &
	local pid=$!
	for _ in $(seq 100); do grep -q monitoring $d/err && break; sleep 0.05; done
	local t0 t1
	t0=$(date +%s.%N)
	cat $tmp/gen.log >> $d/auth.log
	while ! grep -q '"user":"ENDMARK"' $d/log/events.jsonl 2> /dev/null; do sleep 0.01; done
	t1=$(date +%s.%N)
	kill $pid
	wait $pid || true
	python3 -c "import sys; n = int(sys.argv[1]); print('%-32s %8.0f records/s (%d records, %.2f s)' % (sys.argv[4], n / (float(sys.argv[3]) - float(sys.argv[2])), n, float(sys.argv[3]) - float(sys.argv[2])))" \
		"$(cat $d/log/events.jsonl* | wc -l)" $t0 $t1 "$3"
}
python3 bench/gen-authlog.py "$n" -q -o $tmp/gen.log
echo "Nov 21 12:00:00 web1 sshd[999]: Failed password for invalid user ENDMARK from 198.51.100.7 port 22 ssh2" >> $tmp/gen.log
printf '%s\n' 0123456789abcdef0123456789abcdef > $tmp/key
echo "pamsignal run on $n auth.log lines, 3 rounds:"
for _ in 1 2 3; do
	daemon "$BASE" "" "before the chain ($BASE)"
	daemon "$build/pamsignal" "" "chain (SHA-256)"
	daemon "$build/pamsignal" "hmac_key_file = $tmp/key" "chain (HMAC-SHA256)"
done
