#!/bin/bash
# pamsignal test-alert against real receivers on loopback: every channel's
# request reaches an HTTPS receiver (a CA made now, given by ca_file) in the
# documented shape; the webhook's Standard Webhooks signature verifies with
# python's hmac; e-mail goes through an SMTP receiver that requires STARTTLS;
# a 400 is reported and exits 1; check-config names bad channel keys with
# FILE:LINE; secrets never appear in output.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/deliver_lib.sh"

make_ca
check "test CA and server certificate made" test -s $TMP/srv.pem
port=$(free_port)
printf 'whsec_%s\n' "$(head -c 32 /dev/urandom | base64)" > $TMP/whsec
printf 'SECRET-TOKEN-%s\n' "$RANDOM$RANDOM" > $TMP/token
start_receiver https "$port" --cert $TMP/srv.pem --key $TMP/srv.key --hmac-key $TMP/whsec --script /bad=400
check "HTTPS receiver listening" test $? -eq 0
base=https://127.0.0.1:$port
smtp_port=$(free_port)
start_smtp $smtp_port $TMP/mail
check "SMTP receiver listening" test $? -eq 0

cat > $TMP/p.conf <<CFG
[general]
state_dir = $TMP/state
hostname = web1
[channel.hook]
type = webhook
url = $base/hook
secret_file = $TMP/whsec
ca_file = $TMP/ca.pem
header.X-Test = yes
[channel.tg]
type = telegram
url = $base
token_file = $TMP/token
chat_id = -100123
ca_file = $TMP/ca.pem
[channel.sl]
type = slack
url = $base/slack
ca_file = $TMP/ca.pem
[channel.dc]
type = discord
url = $base/discord
ca_file = $TMP/ca.pem
[channel.teams]
type = teams
url = $base/teams
ca_file = $TMP/ca.pem
[channel.nt]
type = ntfy
url = $base
topic = pamsignal-alerts
token_file = $TMP/token
ca_file = $TMP/ca.pem
[channel.mail]
type = email
url = smtp://127.0.0.1:$smtp_port
from = pamsignal@example.org
to = root@example.org admin@example.org
ca_file = $TMP/ca.pem
[channel.bad]
type = webhook
url = $base/bad
ca_file = $TMP/ca.pem
[channel.untrusted]
type = webhook
url = $base/hook
CFG
chmod 600 $TMP/p.conf

"$PAMSIGNAL" check-config -c $TMP/p.conf > $TMP/cc.out 2>&1
check "check-config accepts the channels" test $? -eq 0
check "check-config lists them" grep -q '^channel: *tg: telegram, min_severity low, rate_limit 20/60$' $TMP/cc.out

for ch in hook tg sl dc teams nt; do
	"$PAMSIGNAL" test-alert -c $TMP/p.conf $ch > $TMP/ta.out 2> $TMP/ta.err
	check "test-alert $ch: exit 0" test $? -eq 0
	check "test-alert $ch: reports HTTP 200" grep -q "^$ch ([a-z]*): HTTP 200$" $TMP/ta.out
done
"$PAMSIGNAL" test-alert -c $TMP/p.conf mail > $TMP/ta.out 2> $TMP/ta.err
check "test-alert mail: SMTP 250 (STARTTLS required by the receiver)" grep -q '^mail (email): SMTP 250$' $TMP/ta.out
"$PAMSIGNAL" test-alert -c $TMP/p.conf bad > $TMP/ta.out 2> $TMP/ta.err
check "test-alert to a 400: exit 1" test $? -eq 1
check "test-alert to a 400: reports it" grep -q '^bad (webhook): HTTP 400$' $TMP/ta.out
"$PAMSIGNAL" test-alert -c $TMP/p.conf untrusted > $TMP/ta.out 2> $TMP/ta.err
check "a certificate not from ca_file is refused" grep -q '^untrusted (webhook): error: SSL peer certificate' $TMP/ta.out
"$PAMSIGNAL" test-alert -c $TMP/p.conf nosuch > /dev/null 2> $TMP/ta.err
check "an unknown channel: exit 2" test $? -eq 2

python3 - $TMP <<'PY' > $TMP/shape.out 2>&1
import base64, json, sys, email, email.policy, glob
tmp = sys.argv[1]
reqs = [json.loads(l) for l in open(tmp + "/https.jsonl")]
def one(path):
    r = [x for x in reqs if x["path"] == path]
    assert len(r) == 1, (path, len(r))
    return r[0], json.loads(base64.b64decode(r[0]["body"]))
tok = open(tmp + "/token").read().strip()
r, b = one("/hook")
assert r["sig_ok"] is True, r
assert r["headers"]["webhook-id"] == b["id"] and r["headers"]["x-test"] == "yes"
assert b["type"] == "alert" and b["severity"] == "high"
r, b = one("/bot%s/sendMessage" % tok)
assert b["parse_mode"] == "HTML" and b["chat_id"] == "-100123" and "<b>[HIGH]</b> test_alert" in b["text"], b
r, b = one("/slack"); assert b["text"].startswith("[HIGH] test_alert") and b["blocks"][0]["type"] == "header", b
r, b = one("/discord"); assert b["allowed_mentions"] == {"parse": []} and "**User:** alice" in b["content"], b
r, b = one("/teams")
c = b["attachments"][0]
assert c["contentType"] == "application/vnd.microsoft.card.adaptive" and c["content"]["type"] == "AdaptiveCard"
assert [x["type"] for x in c["content"]["body"]] == ["RichTextBlock"] * 10
assert c["content"]["body"][2]["inlines"] == [{"type": "TextRun", "text": "User: ", "weight": "Bolder"}, {"type": "TextRun", "text": "alice"}]
r = [x for x in reqs if x["path"] == "/pamsignal-alerts"][0]
assert r["headers"]["authorization"] == "Bearer " + tok and r["headers"]["priority"] == "4", r["headers"]
assert r["headers"]["title"].startswith("[HIGH] test_alert")
m = email.message_from_binary_file(open(glob.glob(tmp + "/mail/*.eml")[0], "rb"), policy=email.policy.default)
assert m["X-TLS"] == "yes" and m["X-Envelope-To"] == "root@example.org,admin@example.org", m
assert m["Subject"].startswith("[HIGH] test_alert") and "User: alice" in m.get_content()
print("ok")
PY
check_ok "every channel's payload has its API's documented shape" $TMP/shape.out
check "the token is in no output" sh -c "! grep -rqF '$(cat $TMP/token)' $TMP/ta.out $TMP/ta.err $TMP/cc.out"

# Configuration errors: FILE:LINE naming the channel and key.
cat > $TMP/bad.conf <<CFG
[channel.a]
type = telegrm
[channel.b]
type = webhook
rate_limit = fast
template = {user
secret_file = relative-name
CFG
chmod 600 $TMP/bad.conf
env -u CREDENTIALS_DIRECTORY "$PAMSIGNAL" check-config -c $TMP/bad.conf > /dev/null 2> $TMP/err
check "check-config: bad channel file exits 1" test $? -eq 1
check "type: FILE:LINE names the key" grep -q "^$TMP/bad.conf:2: error: \[channel.a\] type: 'telegrm' is not one of" $TMP/err
check "rate_limit: FILE:LINE" grep -q "^$TMP/bad.conf:5: error: \[channel.b\] rate_limit: not COUNT/SECONDS" $TMP/err
check "template: FILE:LINE" grep -q "^$TMP/bad.conf:6: error: \[channel.b\] template: bad placeholder" $TMP/err
check "credential without \$CREDENTIALS_DIRECTORY" grep -q "^$TMP/bad.conf:7: error: \[channel.b\] secret_file: 'relative-name' is not an absolute path and \$CREDENTIALS_DIRECTORY is not set" $TMP/err
check "webhook without url" grep -q "^$TMP/bad.conf:3: error: \[channel.b\] type webhook needs url or url_file" $TMP/err
mkdir -p $TMP/creds && cp $TMP/whsec $TMP/creds/hook-key
sed -i 's/^type = telegrm/type = console/; /rate_limit/d; /template/d; s/relative-name/hook-key/' $TMP/bad.conf
printf 'url = %s/hook\n' "$base" >> $TMP/bad.conf
CREDENTIALS_DIRECTORY=$TMP/creds "$PAMSIGNAL" check-config -c $TMP/bad.conf > /dev/null 2> $TMP/err
check "secret_file from \$CREDENTIALS_DIRECTORY" test $? -eq 0
finish
