#!/bin/bash
# pamsignal run delivering logins (notify_logins) from a followed log file
# to real receivers on loopback:
# - hostile user names (markup, mentions, ANSI escape, invalid UTF-8) arrive
#   escaped for each channel, byte for byte;
# - webhook signatures verify with python's hmac; 429 + Retry-After is
#   honoured; a 400 is dead-lettered with a clear message;
# - a receiver down for 60 s, then up: every alert arrives, in order;
# - kill -9 with alerts spooled, then a restart: delivered, in order,
#   repeats only with the same id;
# - a receiver taking 10 s per request does not slow ingestion;
# - the token is not in the daemon's argv or its messages.
# No journald: the source is a file, so this runs in parallel with others.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/deliver_lib.sh"

make_ca
printf 'whsec_%s\n' "$(head -c 32 /dev/urandom | base64)" > $TMP/whsec
printf 'SECRET-TOKEN-%s\n' "$RANDOM$RANDOM" > $TMP/token
p_main=$(free_port) p_out=$(free_port) p_down=$(free_port) p_slow=$(free_port)
start_receiver main $p_main --cert $TMP/srv.pem --key $TMP/srv.key --hmac-key $TMP/whsec \
	--script /r429=429:2,200 --script /r400=400
check "receiver listening" test $? -eq 0
start_receiver slow $p_slow --delay 10
base=https://127.0.0.1:$p_main

{
	logins_only_config
	chan hook webhook $base/hook "secret_file = $TMP/whsec"
	chan sl slack $base/slack
	chan dc discord $base/discord
	chan tg telegram $base "token_file = $TMP/token" "chat_id = 7"
	chan r429 webhook $base/r429
	chan r400 webhook $base/r400
	chan outage webhook http://127.0.0.1:$p_out/outage
	chan down webhook http://127.0.0.1:$p_down/down
	chan slow webhook http://127.0.0.1:$p_slow/slow "timeout = 30"
} > $TMP/p.conf
chmod 600 $TMP/p.conf

start_daemon
check "daemon starts" test $? -eq 0

hostile=$'<b>&x <!channel> @everyone *_`|\e[31m\xff'
t0=$SECONDS
login "$hostile"
for i in 1 2 3 4 5 6 7 8 9; do login user$i; done

waitfor 20 sh -c "[ \$(grep -c '\"kind\":\"auth_success\"' $TMP/events.jsonl) -ge 10 ]"
check "the ten logins are in the event log" test $? -eq 0
waitfor 20 atleast main /hook 10
check "webhook: ten requests" test $? -eq 0

python3 - $TMP "$(cat $TMP/token)" <<'PY' > $TMP/hostile.out 2>&1
import base64, json, sys
tmp, tok = sys.argv[1], sys.argv[2]
reqs = [json.loads(l) for l in open(tmp + "/main.jsonl")]
def first(path):
    return base64.b64decode([r for r in reqs if r["path"] == path][0]["body"]).decode()
hooks = [r for r in reqs if r["path"] == "/hook"]
assert all(r["sig_ok"] for r in hooks), "signature"
ev = json.loads(base64.b64decode(hooks[0]["body"]))
assert ev["user"] == "<b>&x <!channel> @everyone *_`|\x1b[31m\\xff", repr(ev["user"])
assert hooks[0]["headers"]["webhook-id"].startswith("ps_")
sl = json.loads(first("/slack"))
assert sl["mrkdwn"] is False and sl["blocks"][0]["type"] == "header"
fields = [f for b in sl["blocks"][1:] for f in b["fields"]]
assert all(l["type"] == "mrkdwn" and v["type"] == "plain_text" for l, v in zip(fields[::2], fields[1::2]))
user = dict((l["text"], v["text"]) for l, v in zip(fields[::2], fields[1::2]))["*User*"]
assert user == "&lt;b&gt;&amp;x &lt;!channel&gt; @everyone *_`|\\x1b[31m\\xff", repr(user)
assert "<!channel>" not in json.dumps(sl) and "\x1b" not in json.dumps(sl)
dc = json.loads(first("/discord"))
assert dc["allowed_mentions"] == {"parse": []}
assert "**User:** \\<b\\>&x \\<!channel\\> \\@everyone \\*\\_\\`\\|\\\\x1b\\[31m\\\\xff\n" in dc["content"], repr(dc["content"])
tg = json.loads(first("/bot%s/sendMessage" % tok))
assert tg["parse_mode"] == "HTML"
assert "<b>User:</b> <code>&lt;b&gt;&amp;x &lt;!channel&gt; @everyone *_`|\\x1b[31m\\xff</code>\n" in tg["text"], repr(tg["text"])
print("ok")
PY
check_ok "hostile name: exact bytes for webhook, slack, discord, telegram; signatures verify" $TMP/hostile.out

# in_order NAME PATH N: the first N distinct ids arrive in login order; a
# repeated id always carries the same body
in_order() {
	requests "$1" "$2" | python3 -c '
import json, sys
n = int(sys.argv[1]); seen = {}; order = []
for l in sys.stdin:
    r = json.loads(l); i = r["headers"]["webhook-id"]
    if i in seen:
        assert seen[i] == r["text"], "same id, other body"
        continue
    seen[i] = r["text"]
    assert "src_port" in json.loads(r["text"]), "not a login: " + r["text"]
    order.append(json.loads(r["text"])["src_port"])
assert len(order) >= n and order[:n] == sorted(order[:n]), order
' "$3"
}
check "webhook: in order" in_order main /hook 10

waitfor 15 atleast main /r429 2
gap=$(requests main /r429 | python3 -c 'import json,sys; t=[json.loads(l)["t"] for l in sys.stdin]; print("%.1f" % (t[1]-t[0]))')
check "429 with Retry-After: 2 honoured (next attempt after ${gap}s)" python3 -c "import sys; sys.exit(not 2.0 <= $gap < 4.5)"
waitfor 10 test -s $TMP/state/deadletter.jsonl
check "400: dead-lettered" python3 -c "
import json; r=[json.loads(l) for l in open('$TMP/state/deadletter.jsonl')]
assert r[0]['channel']=='r400' and r[0]['code']==400 and r[0]['alert']['kind']=='auth_success'"
check "400: a clear message" grep -q "channel r400: HTTP status 400 for alert ps_[0-9a-f]*: the receiver refused it and would refuse it again; 1 item(s) written to $TMP/state/deadletter.jsonl" $TMP/stderr
check "400: not retried" test "$(count main /r400)" -eq 10

# A receiver 10 s per request: a login's event is still written at once.
latency_check "with a 10 s receiver"

check "the token is not in the daemon's argv" sh -c "! tr '\0' ' ' < /proc/$dpid/cmdline | grep -qF '$(cat $TMP/token)'"
check "the token is not in its messages" sh -c "! grep -qF '$(cat $TMP/token)' $TMP/stderr $TMP/state/deadletter.jsonl"

# kill -9 with alerts spooled for a receiver that is down; then restart.
waitfor 10 test -s $TMP/state/spool/down.q
check "alerts for a receiver that is down are spooled" test $? -eq 0
kill -9 $dpid
wait $dpid 2> /dev/null
start_receiver down $p_down
start_daemon
check "daemon restarts after kill -9" test $? -eq 0
waitfor 60 atleast down /down 11
check "kill -9: every spooled alert delivered after the restart, in order" in_order down /down 11

# The outage: its receiver comes up 60 s after the first login.
sleep $((t0 + 60 - SECONDS > 0 ? t0 + 60 - SECONDS : 0))
check "outage receiver had nothing for 60 s" test ! -e $TMP/outage.jsonl
start_receiver outage $p_out
waitfor 150 atleast outage /outage 11
check "down for 60 s, then up: every alert arrives, in order" in_order outage /outage 11
kill -TERM $dpid
wait $dpid
check "SIGTERM: exit 0" test $? -eq 0
finish
