# Shared by the alert delivery tests (source after lib.sh): a test CA and a
# certificate for 127.0.0.1 made now with openssl, and the receivers.
# Traffic stays on loopback.
PYSYS=/usr/bin/python3 # Debian's python3, which has python3-aiosmtpd
[ -x $PYSYS ] || PYSYS=python3

make_ca() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=pamsignal-test-ca \
		-keyout $TMP/ca.key -out $TMP/ca.pem 2> /dev/null
	openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout $TMP/srv.key -out $TMP/srv.csr 2> /dev/null
	printf 'subjectAltName=IP:127.0.0.1\n' > $TMP/san.ext
	openssl x509 -req -in $TMP/srv.csr -CA $TMP/ca.pem -CAkey $TMP/ca.key -CAcreateserial -days 2 \
		-extfile $TMP/san.ext -out $TMP/srv.pem 2> /dev/null
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_receiver NAME PORT [receiver.py options]: $TMP/NAME.jsonl, pid in rpid_NAME
start_receiver() {
	local name=$1 port=$2
	shift 2
	: > "$TMP/$name.out"
	python3 "$PS_SOURCE_ROOT/tests/e2e/receiver.py" --port "$port" --log "$TMP/$name.jsonl" "$@" > "$TMP/$name.out" 2>&1 &
	eval "rpid_$name=$!"
	at_exit "kill $! 2> /dev/null"
	for _ in $(seq 100); do grep -q listening "$TMP/$name.out" && return 0; sleep 0.05; done
	cat "$TMP/$name.out"
	return 1
}

# requests NAME [PATH]: one JSON line per request received (decoded body in "text")
requests() {
	python3 - "$TMP/$1.jsonl" "${2:-}" <<'PY'
import base64, json, os, sys
if os.path.exists(sys.argv[1]):
    for l in open(sys.argv[1]):
        r = json.loads(l)
        if not sys.argv[2] or r["path"] == sys.argv[2]:
            r["text"] = base64.b64decode(r["body"]).decode("utf-8", "backslashreplace")
            print(json.dumps(r))
PY
}

# check_ok DESCRIPTION FILE: FILE (a python check's output) is "ok"; shown when not.
check_ok() {
	check "$1" grep -qx ok "$2"
	grep -qx ok "$2" || sed 's/^/# /' "$2"
}
