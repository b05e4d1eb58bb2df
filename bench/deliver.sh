#!/bin/bash
# Alert delivery: the ingestion path's cost of ps_delivery_submit (µs per
# submit, on the daemon's thread) with the receiver down, and alerts/s
# through queue, spool and libcurl to a local webhook receiver (python's
# http.server on 127.0.0.1, which is the bottleneck), then through an exec
# channel (one program per alert: /bin/cat to /dev/null) beside that peer. Usage:
#   bench/deliver.sh [BUILD_DIR] [N]
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
n=${2:-5000}
tmp=$(mktemp -d)
trap 'kill $rpid 2> /dev/null; rm -rf $tmp' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
conf() { # conf URL [TYPE KEY]
	printf '[general]\nstate_dir = %s/state\n[channel.hook]\ntype = %s\n%s = %s\nnotify_logins = yes\nrate_limit = none\n' \
		"$tmp" "${2:-webhook}" "${3:-url}" "$1" > $tmp/p.conf
	chmod 600 $tmp/p.conf
	rm -rf $tmp/state
	mkdir -p $tmp/state
}
echo "== receiver down (connection refused): submit cost on the ingestion thread"
conf "http://127.0.0.1:$port/hook"
timeout 20 "$build/deliver-bench" $tmp/p.conf "$n" | head -1
echo "== receiver up: throughput"
python3 tests/e2e/receiver.py --port "$port" --log $tmp/rx.jsonl > $tmp/rx.out 2>&1 &
rpid=$!
for _ in $(seq 100); do grep -q listening $tmp/rx.out && break; sleep 0.05; done
conf "http://127.0.0.1:$port/hook"
"$build/deliver-bench" $tmp/p.conf "$n"
echo "received: $(wc -l < $tmp/rx.jsonl) requests"
echo "== exec channel: throughput (a program per alert)"
printf '#!/bin/sh\nexec cat > /dev/null\n' > $tmp/hook.sh
chmod 755 $tmp/hook.sh
conf "$tmp/hook.sh" exec command
"$build/deliver-bench" $tmp/p.conf "$n"
