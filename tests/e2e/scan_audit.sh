#!/bin/bash
# pamsignal scan on audit data: the real records of tests/data/capture/audit.log
# (capture_audit.sh), as auditd wrote them and as `ausearch --raw` prints
# them, and mixed line by line with syslog lines. Events are the expected
# ones, the output is valid JSON, and the password the kernel recorded at
# sudo's prompt (pam_tty_audit log_passwd) appears in no output.
. "$(dirname "$0")/lib.sh"
JC="python3 $PS_SOURCE_ROOT/tests/e2e/jsoncheck.py"
cap=$PS_SOURCE_ROOT/tests/data/capture
pw='Aud2-pw-9035' # pstaud2's password in the capture

"$PAMSIGNAL" scan --no-detect --format json --stats $cap/audit.log > $TMP/a.json 2> $TMP/a.err
check "audit.log: scanned" test $? -eq 0
check "audit.log: no malformed records" grep -q "malformed 0, overlong 0" $TMP/a.err
check "audit.log: valid JSON events" $JC $TMP/a.json

python3 - $TMP/a.json <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
def has(**kw):
    return any(all(e.get(k) == v for k, v in kw.items()) for e in evs)
checks = [
    has(kind="auth_success", service="sshd", user="pstaud1", src_ip="127.0.0.1", audit_type="USER_AUTH"),
    has(kind="session_open", service="sshd", user="pstaud1", login_user="pstaud1", session="279"),
    has(kind="session_close", service="sshd", user="pstaud1", session="279"),
    has(kind="command", audit_type="USER_CMD", user="pstaud1", command="/usr/bin/id", login_user="pstaud1"),
    has(kind="command", audit_type="EXECVE", user="root", command="/usr/bin/id", login_user="pstaud1", session="279"),
    has(kind="command", audit_type="EXECVE", user="pstaud1", command="id", cwd="/home/pstaud1", tty="pts/2"),
    has(kind="tty_input", user="pstaud1", session="279", tty="pts/2"),
    has(kind="tty_input", program="sudo", user="pstaud2", detail="input withheld: read by a program that asks for passwords"),
    has(kind="auth_failure", user="x addr=203.0.113.9 res=success", src_ip="127.0.0.1"),
    has(kind="auth_failure", user="rööt"),
    has(kind="auth_success", service="su", user="pstaud1", target_user="pstaud2"),
]
bad = [i for i, ok in enumerate(checks) if not ok]
sys.exit("missing expected event(s) %s" % bad if bad else 0)
PY
check "audit.log: logins, sessions with audit ses, sudo kept as login_user, keystrokes" test $? -eq 0
check "the forged address in a user name is not a source" test "$(grep -c '"src_ip":"203.0.113.9"' $TMP/a.json)" -eq 0

"$PAMSIGNAL" scan --format text $cap/audit.log > $TMP/a.txt
check "the password typed at sudo's prompt is in the capture" grep -q "$(printf %s "$pw" | od -An -tx1 | tr -d ' \n' | tr a-f A-F)" $cap/audit.log
check "... and in no JSON output" test "$(grep -c -- "$pw" $TMP/a.json)" -eq 0
check "... and in no text output" test "$(grep -c -- "$pw" $TMP/a.txt)" -eq 0

if command -v ausearch > /dev/null; then
	ausearch --raw -if $cap/audit.log > $TMP/raw.log 2> /dev/null
	"$PAMSIGNAL" scan --no-detect --format json $TMP/raw.log > $TMP/raw.json
	python3 - $TMP/a.json $TMP/raw.json <<'PY'
import json, sys
keys = ("time", "kind", "user", "session", "command", "input", "audit_type")
sig = lambda p: sorted(tuple(str(json.loads(l).get(k)) for k in keys) for l in open(p))
a, b = sig(sys.argv[1]), sig(sys.argv[2])
sys.exit(0 if a == b and a else "audit.log: %d events, ausearch --raw: %d" % (len(a), len(b)))
PY
	check "ausearch --raw output gives the same events" test $? -eq 0
else
	not_ok "ausearch is not installed (auditd package)"
fi

# Audit records and syslog lines in one input: each line by its own framing.
{
	head -3 $cap/auth.log
	grep -m1 'USER_AUTH.*res=failed' $cap/audit.log
	sed -n 4,6p $cap/auth.log
} > $TMP/mixed.log
"$PAMSIGNAL" scan --no-detect --format json $TMP/mixed.log > $TMP/mixed.json
exp_syslog=$("$PAMSIGNAL" scan --no-detect --format json <(sed -n 1,6p $cap/auth.log) | wc -l)
check "a mixed file: the syslog lines' events and the audit event" \
	test "$(wc -l < $TMP/mixed.json)" -eq $((exp_syslog + 1))
check "... the audit one carries its line number" grep -q '"audit_type":"USER_AUTH".*"line":4' $TMP/mixed.json

# Hostile bytes in hex-encoded fields stay inside their field, escaped.
printf '%s\n' "type=USER_AUTH msg=audit(1795305186.106:30): pid=1 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:authentication grantors=? acct=0A7B2274797065223A226576656E74227D1B5D303BFF exe=\"/usr/sbin/sshd\" hostname=192.0.2.7 addr=192.0.2.7 terminal=ssh res=failed'" > $TMP/hostile.log
"$PAMSIGNAL" scan --no-detect --format json $TMP/hostile.log > $TMP/hostile.json
check "hostile acct: one valid JSON line" $JC $TMP/hostile.json
check "... with the name escaped" grep -qF '"user":"\n{\"type\":\"event\"}\u001b]0;\\xff"' $TMP/hostile.json
finish
