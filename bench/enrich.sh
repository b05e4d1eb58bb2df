#!/bin/bash
# What enrichment costs: `pamsignal scan` of the generated 1,000,000-line
# auth.log with and without [enrich] (GeoIP City + ASN databases and a
# provider range file), best of $RUNS, and the cost of one lookup next to
# libmaxminddb's own calls (build/enrich-bench).
#
#   bench/enrich.sh [LINES]        (default 1000000; RUNS=3; BUILD=build-release)
#
# The databases come from tests/mkmmdb.py bench-city / bench-asn: 100,000
# networks each with GeoLite2-sized City records (names in eight
# languages), plus the documentation ranges the log's addresses are in, so
# every lookup walks a deep tree and decodes a full record. The target
# (issue #7): the rate with enrichment within 20% of the rate without.
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-1000000}
runs=${RUNS:-3}
build=${BUILD:-build-release}
out=bench/out
mkdir -p $out
ps=$build/pamsignal
[ -x $ps ] && [ -x $build/enrich-bench ] || {
	echo "build first: meson setup $build --buildtype=release -Db_lto=true -Dtests=false && meson compile -C $build" >&2
	exit 2
}
log=$out/auth-$lines.log
[ -s $log ] || python3 bench/gen-authlog.py "$lines" -o $log -q
for kind in city asn; do
	[ -s $out/bench-$kind.mmdb ] || python3 tests/mkmmdb.py bench-$kind $out/bench-$kind.mmdb
done
# Ranges as a provider file would hold them: a few thousand blocks, the log's among them.
if [ ! -s $out/bench-ranges.txt ]; then
	python3 - > $out/bench-ranges.txt << 'PY'
import random
r = random.Random(3)
for i in range(5000):
    print("%d.%d.%d.0/24,cloud/region-%d" % (r.randrange(11, 99), r.randrange(256), r.randrange(256), i % 40))
print("192.0.2.0/25,aws/EC2/us-east-1")
print("203.0.113.0/24,gcp/europe-west1")
print("2001:db8:f000::/36,azure/AzureCloud.westeurope")
PY
fi
cat > $out/enrich.conf << EOF
[enrich]
geoip_db = $PWD/$out/bench-city.mmdb
asn_db = $PWD/$out/bench-asn.mmdb
provider_ranges = $PWD/$out/bench-ranges.txt
EOF
: > $out/empty.conf

# CPU seconds (user + system), not wall time: the machine is shared, and a
# busy neighbour stretches wall time far more than the CPU time a scan needs.
# Plain and enriched runs alternate, so that both meet the same neighbours;
# the least of each is kept.
cpu() { # cpu MODE CONF: one scan's CPU seconds
	{ /usr/bin/time -f '%U %S' $ps scan $1 -c "$2" --format json $log > /dev/null; } 2>&1 | tail -1 |
		awk '{ print $1 + $2 }'
}
least() { if [ -z "$1" ] || [ "$(echo "$2 < $1" | bc -l)" = 1 ]; then echo "$2"; else echo "$1"; fi; }
events=$($ps scan --no-detect --stats $log 2>&1 > /dev/null | sed -n 's/.*events \([0-9]*\),.*/\1/p')
echo "log: $log ($lines lines, $events events); least CPU time of $runs alternating runs"
printf '%-34s %10s %14s %9s\n' "scan" "CPU s" "lines/CPU s" "vs plain"
for mode in --no-detect ""; do
	plain= enriched=
	for _ in $(seq $runs); do
		plain=$(least "$plain" "$(cpu "$mode" $out/empty.conf)")
		enriched=$(least "$enriched" "$(cpu "$mode" $out/enrich.conf)")
	done
	for pair in "plain:$plain" "enriched:$enriched"; do
		name=${pair%%:*} t=${pair#*:}
		printf '%-34s %10.3f %14.0f %8.1f%%\n' "${mode:-(with detection)} $name" "$t" \
			"$(echo "$lines / $t" | bc -l)" "$(echo "($plain / $t) * 100" | bc -l)"
	done
	per=$(echo "($enriched - $plain) * 1000000000 / $events" | bc -l)
	printf '%-34s %.0f ns per event\n' "  enrichment cost" "$per"
done

# One lookup, against libmaxminddb's own calls on the same addresses.
$ps scan --no-detect $log | python3 -c '
import json, sys
seen = set()
for line in sys.stdin:
    ip = json.loads(line).get("src_ip")
    if ip and ip not in seen:
        seen.add(ip)
        print(ip)
' > $out/bench-addresses.txt
echo "lookups of the log's $(wc -l < $out/bench-addresses.txt) distinct source addresses:"
$build/enrich-bench $out/bench-city.mmdb $out/bench-asn.mmdb $out/bench-addresses.txt 200

# The live daemon's /proc search (ps_procnet_local): a small process holding
# one connection, as sshd does, searched for it, while another holds
# $PROC_CONNS more so that the machine's socket tables are large.
for conns in 0 ${PROC_CONNS:-2000}; do
	rm -f $out/proc-hold.txt
	python3 - "$conns" > $out/proc-hold.txt << 'PY' &
import socket, subprocess, sys, time
n = int(sys.argv[1])
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(n + 8)
held = []
for _ in range(n):
    c = socket.create_connection(srv.getsockname())
    s, _ = srv.accept()
    held += [c, s]
child = subprocess.Popen([sys.executable, "-c", "import socket, sys, time\n"
                          "s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))\n"
                          "print('up', flush=True)\ntime.sleep(60)", str(srv.getsockname()[1])],
                         stdout=subprocess.PIPE, text=True)
child.stdout.readline()
conn, _ = srv.accept()
print(child.pid, "127.0.0.1", srv.getsockname()[1], flush=True)
try:
    time.sleep(60)
finally:
    child.kill()
PY
	holder=$!
	for _ in $(seq 200); do [ -s $out/proc-hold.txt ] && break; sleep 0.1; done
	read -r hpid haddr hport < $out/proc-hold.txt
	echo "/proc search, $(($(wc -l < /proc/$hpid/net/tcp) - 1)) sockets on the machine:"
	$build/enrich-bench --proc "$hpid" "$haddr" "$hport" 1000 || true
	$build/enrich-bench --proc-tables "$hpid" "$haddr" "$hport" 100 || true
	kill "$hpid" $holder 2> /dev/null || true
	wait $holder 2> /dev/null || true
done
