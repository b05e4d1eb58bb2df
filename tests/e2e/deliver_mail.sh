#!/bin/bash
# pamsignal run delivering logins by e-mail and with every kind of secret:
# - e-mail through the daemon (not only test-alert): each login reaches an
#   SMTP receiver that requires STARTTLS and AUTH (password_file from
#   $CREDENTIALS_DIRECTORY), to every recipient, with correct headers; hostile
#   names (CR, non-ASCII, "=?", markup) give an RFC 2047 Subject and no
#   header of the attacker's;
# - secrets from url_file, header_file.NAME, secret_file, token_file,
#   topic_file and password_file (paths and credentials) reach the
#   receivers, and never appear in the daemon's messages, its status
#   lines, the dead-letter log, the spools, check-config or test-alert
#   output, or the daemon's argv and environment, even when the receivers
#   fail (500, 400, connection refused).
# No journald: the source is a file, so this runs in parallel with others.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/deliver_lib.sh"

make_ca
mkdir -p $TMP/creds
r=$RANDOM$RANDOM
p_main=$(free_port) p_smtp=$(free_port) p_closed=$(free_port)
# Every secret has SECRET in it: the leak check looks for each whole one.
printf 'SECRET-PASS-%s\n' $r > $TMP/creds/smtp-pass
printf 'https://127.0.0.1:%s/SECRET-PATH-%s\n' $p_main $r > $TMP/creds/hook-url
printf 'Bearer SECRET-HEADER-%s\n' $r > $TMP/creds/hook-auth
printf 'SECRET-NTFY-%s\n' $r > $TMP/creds/ntfy-token
printf 'SECRET_topic_%s\n' $r > $TMP/topic
printf 'whsec_%s\n' "$(head -c 32 /dev/urandom | base64)" > $TMP/whsec
printf 'smtp://pamsignal:SECRET-URLPASS-%s@127.0.0.1:%s\n' $r $p_closed > $TMP/creds/bad-smtp
export CREDENTIALS_DIRECTORY=$TMP/creds

start_receiver main $p_main --cert $TMP/srv.pem --key $TMP/srv.key --hmac-key $TMP/whsec \
	--script "/SECRET-PATH-$r=500,500,400"
check "HTTPS receiver listening" test $? -eq 0
start_smtp $p_smtp $TMP/mail pamsignal $TMP/creds/smtp-pass
check "SMTP receiver (STARTTLS and AUTH required) listening" test $? -eq 0

mail_chan() { # mail_chan NAME URL-KEY-LINE
	printf '[channel.%s]\ntype = email\n%s\nfrom = pamsignal@example.org\nto = root@example.org ops@example.org\n' "$1" "$2"
	printf 'username = pamsignal\npassword_file = smtp-pass\nca_file = %s\nnotify_logins = yes\nrate_limit = none\n' $TMP/ca.pem
}
{
	logins_only_config
	mail_chan mail "url = smtp://127.0.0.1:$p_smtp"
	mail_chan mailbad "url_file = bad-smtp"
	printf '[channel.hook]\ntype = webhook\nurl_file = hook-url\nsecret_file = %s\nheader_file.Authorization = hook-auth\n' $TMP/whsec
	printf 'ca_file = %s\nnotify_logins = yes\nrate_limit = none\n' $TMP/ca.pem
	chan nt ntfy "https://127.0.0.1:$p_main" "topic_file = $TMP/topic" "token_file = ntfy-token"
} > $TMP/p.conf
chmod 600 $TMP/p.conf

# The status lines, as systemd would get them.
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1])
with open(sys.argv[2], "ab", 0) as f:
    while True: f.write(s.recv(65536) + b"\n")' $TMP/notify $TMP/status &
at_exit "kill $! 2> /dev/null"
for _ in $(seq 50); do [ -S $TMP/notify ] && break; sleep 0.1; done
export NOTIFY_SOCKET=$TMP/notify

"$PAMSIGNAL" check-config -c $TMP/p.conf > $TMP/cc.out 2>&1
check "check-config accepts the channels" test $? -eq 0
"$PAMSIGNAL" test-alert -c $TMP/p.conf mail > $TMP/ta.out 2>&1
check "test-alert mail: SMTP 250 with STARTTLS and AUTH" grep -qx 'mail (email): SMTP 250' $TMP/ta.out
"$PAMSIGNAL" test-alert -c $TMP/p.conf mailbad hook >> $TMP/ta.out 2>&1
rm -f $TMP/mail/*.eml

start_daemon
check "daemon starts" test $? -eq 0
hostile1=$'\xc3\xa9<b>\rBcc: v@example.org =?x?='
hostile2='alice =?UTF-8?B?QQ==?= <!channel>'
hostile3=$(printf '\xd0\x96%.0s' $(seq 40)) # 40 Cyrillic letters: folded encoded words
login "$hostile1"
login "$hostile2"
login "$hostile3"
waitfor 30 sh -c "[ \$(ls $TMP/mail/*.eml 2> /dev/null | wc -l) -ge 3 ]"
check "three logins, three e-mails through the daemon" test $? -eq 0

$PYSYS - $TMP "$hostile1" "$hostile2" "$hostile3" <<'PY' > $TMP/mail.out 2>&1
import email, email.policy, glob, re, sys
tmp, names = sys.argv[1], [n.encode("utf-8", "surrogateescape").decode() for n in sys.argv[2:]]
ours = {"x-envelope-from", "x-envelope-to", "x-tls", "x-auth", "date", "from", "to", "message-id", "subject",
        "mime-version", "content-type", "content-transfer-encoding", "auto-submitted"}
shown = [n.replace("\r", "\\x0d") for n in names]
seen = []
for path in sorted(glob.glob(tmp + "/mail/*.eml")):
    raw = open(path, "rb").read()
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")  # headers are ASCII: non-ASCII is encoded
    for line in head.split("\r\n"):
        assert line.startswith(" ") or line.split(":", 1)[0].lower() in ours, line
        assert len(line) <= (76 if "=?UTF-8?B?" in line else 998), line
    subj = re.search(r"^Subject: (.*(?:\r\n .*)*)", head, re.M).group(1)
    for word in re.findall(r"=\?[^ ]*\?=", subj):
        assert word.startswith("=?UTF-8?B?") and len(word) <= 75, word
    m = email.message_from_bytes(raw, policy=email.policy.default)
    assert m["X-TLS"] == "yes" and m["X-Auth"] == "pamsignal", (m["X-TLS"], m["X-Auth"])
    assert m["X-Envelope-To"] == "root@example.org,ops@example.org" and m["X-Envelope-From"] == "pamsignal@example.org"
    assert m["To"] == "root@example.org, ops@example.org" and m["From"] == "pamsignal@example.org"
    assert re.fullmatch(r"<ps_[0-9a-f]{32}@pamsignal>", m["Message-ID"]), m["Message-ID"]
    assert m["Auto-Submitted"] == "auto-generated" and m.get_content_type() == "text/plain"
    assert m.get_content_charset() == "utf-8" and "Bcc" not in m
    body = m.get_content()
    user = re.search(r"^User: (.*?)\r?$", body, re.M).group(1)
    i = shown.index(user)
    assert m["Subject"].startswith("[INFO] Login: " + shown[i][:40]), (m["Subject"], shown[i])
    assert m["Subject"].endswith(" from 203.0.113.7 on web1"), m["Subject"]
    assert "\r" not in m["Subject"] and "\n" not in m["Subject"]
    assert body.startswith("[INFO] Login: ") and "Id: " + m["Message-ID"][1:36] in body, body
    seen.append(i)
assert sorted(seen) == [0, 1, 2], seen
print("ok")
PY
check_ok "e-mail: STARTTLS, AUTH, every recipient, our headers only, RFC 2047 Subject, the name in the body" $TMP/mail.out

# The secrets were used...
waitfor 20 atleast main "/SECRET-PATH-$r" 3
check "hook: three attempts at the url_file URL (500, 500, 400)" test $? -eq 0
python3 - $TMP $r <<'PY' > $TMP/used.out 2>&1
import json, sys
tmp, r = sys.argv[1], sys.argv[2]
reqs = [json.loads(l) for l in open(tmp + "/main.jsonl")]
hook = [q for q in reqs if q["path"] == "/SECRET-PATH-" + r]
assert hook and all(q["headers"]["authorization"] == "Bearer SECRET-HEADER-" + r and q["sig_ok"] for q in hook)
nt = [q for q in reqs if q["path"] == "/SECRET_topic_" + r]
assert nt and all(q["headers"]["authorization"] == "Bearer SECRET-NTFY-" + r for q in nt)
print("ok")
PY
check_ok "url_file, header_file, secret_file, topic_file and token_file reached the receivers" $TMP/used.out
waitfor 20 grep -q 'channel mailbad: attempt 1 failed (SMTP reply 0, ' $TMP/stderr
check "mailbad: its failures are reported" test $? -eq 0
waitfor 20 grep -q 'channel hook: HTTP status 400 for alert' $TMP/stderr
check "hook: the 400 is dead-lettered" test $? -eq 0
waitfor 10 grep -q 'dead-lettered (0 expired)' $TMP/status
check "status lines captured" test $? -eq 0

# ... and are nowhere else.
tr '\0' '\n' < /proc/$dpid/cmdline > $TMP/cmdline
tr '\0' '\n' < /proc/$dpid/environ > $TMP/environ
kill -TERM $dpid
wait $dpid
check "SIGTERM: exit 0" test $? -eq 0
# Every secret but the signing key has SECRET in it (a path, a token, a password).
leaks=
for out in $TMP/stderr $TMP/stdout $TMP/status $TMP/cc.out $TMP/ta.out $TMP/cmdline $TMP/environ \
	$TMP/state/deadletter.jsonl $TMP/state/spool/*; do
	grep -qF -e SECRET -e "$(cut -c7- $TMP/whsec)" "$out" && leaks="$leaks ${out##*/}"
done
check "no secret in messages, status, dead letters, spools, check-config, test-alert, argv or environment" test -z "$leaks"
[ -n "$leaks" ] && echo "# leaked:$leaks"
check "the leak check can see: the receiver's log has them" grep -qF "SECRET-HEADER-$r" $TMP/main.jsonl
finish
