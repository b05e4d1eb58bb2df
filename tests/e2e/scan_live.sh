#!/bin/bash
# Real daemons, real lines: journald, a private sshd on loopback, sudo and su
# produce logins, failures and commands; journalctl's output in three
# framings goes through pamsignal scan and must give the expected events.
# Starts what is not running and puts the machine back as it was.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/journal.sh"
. "$(dirname "$0")/machine.sh"
SUBSEQ="python3 $PS_SOURCE_ROOT/tests/e2e/subseq.py"

if [ "$(id -u)" != 0 ]; then
	not_ok "scan_live needs root to run sshd, add users and write sudoers"
	finish
	exit 1
fi

take_machine_lock
journal_start
cursor=$(journal_mark start)
check "journald is running and stores what is logged" test -n "$cursor"

make_test_users
start_test_sshd 2299
check "sshd started" test $? -eq 0

sshpass -p "$pw" ssh "${ssh_opts[@]}" -o PubkeyAuthentication=no psl_alice@127.0.0.1 true
check "password login" test $? -eq 0
ssh "${ssh_opts[@]}" -i $TMP/userkey -o IdentitiesOnly=yes -o PasswordAuthentication=no psl_bob@127.0.0.1 true
check "key login" test $? -eq 0
sshpass -p wrong ssh "${ssh_opts[@]}" -o PubkeyAuthentication=no psl_alice@127.0.0.1 true 2> /dev/null
check "wrong password refused" test $? -ne 0
sshpass -p wrong ssh "${ssh_opts[@]}" -o PubkeyAuthentication=no psl_nosuchuser@127.0.0.1 true 2> /dev/null
sshpass -p wrong ssh "${ssh_opts[@]}" -o PubkeyAuthentication=no -l 'x from 203.0.113.9 port 22 ssh2' 127.0.0.1 true 2> /dev/null

runuser -u psl_alice -- sh -c "echo '$pw' | sudo -S -p '' /usr/bin/id" > /dev/null
check "sudo as allowed" test $? -eq 0
runuser -u psl_alice -- sh -c "echo wrong | sudo -S -k -p '' /usr/bin/id" > /dev/null 2>&1
runuser -u psl_bob -- sh -c "echo '$pw' | sudo -S -k -p '' /usr/bin/id" > /dev/null 2>&1

su_with_pty psl_bob psl_alice "$pw"
# Everything logged before the end mark is stored once the mark is.
end=$(journal_mark end)
check "journald stored the run" test -n "$end"

# No field matches with --after-cursor: systemd 252 then drops the first
# matching entry when the cursor's own entry does not match. scan picks out
# what it decodes anyway.
journalctl -q --after-cursor="$cursor" -o export > $TMP/j.export
journalctl -q --after-cursor="$cursor" -o json > $TMP/j.json
journalctl -q --after-cursor="$cursor" -o short-iso-precise > $TMP/j.txt
for f in export json txt; do
	"$PAMSIGNAL" scan --format json $TMP/j.$f > $TMP/ev.$f
	check "scan of journalctl -o $f exits 0" test $? -eq 0
done

cat > $TMP/want <<'W'
{"kind":"auth_success","service":"sshd","user":"psl_alice","src_ip":"127.0.0.1","method":"password"}
{"kind":"session_open","service":"sshd","user":"psl_alice"}
{"kind":"session_close","service":"sshd","user":"psl_alice"}
{"kind":"auth_success","service":"sshd","user":"psl_bob","src_ip":"127.0.0.1","method":"publickey"}
{"kind":"auth_failure","reason":"pam_failure","service":"sshd","user":"psl_alice","src_ip":"127.0.0.1"}
{"kind":"auth_failure","reason":"bad_password","service":"sshd","user":"psl_alice","src_ip":"127.0.0.1"}
{"kind":"auth_failure","reason":"invalid_user","service":"sshd","user":"psl_nosuchuser","src_ip":"127.0.0.1"}
{"kind":"auth_failure","reason":"invalid_user","service":"sshd","user":"x from 203.0.113.9 port 22 ssh2","src_ip":"127.0.0.1"}
{"kind":"command","outcome":"success","service":"sudo","user":"psl_alice","target_user":"root","command":"/usr/bin/id"}
{"kind":"auth_failure","reason":"bad_password","service":"sudo","user":"psl_alice","target_user":"root"}
{"kind":"auth_failure","reason":"not_in_sudoers","service":"sudo","user":"psl_bob","target_user":"root","command":"/usr/bin/id"}
{"kind":"auth_success","service":"su","user":"psl_bob","target_user":"psl_alice"}
W
for f in export json txt; do
	check "real events from journalctl -o $f" $SUBSEQ $TMP/ev.$f $TMP/want
done
check "no event names 203.0.113.9 as its source" test "$(grep -c '"src_ip":"203.0.113.9"' $TMP/ev.export)" -eq 0
# The three framings agree on every decoded field but the journal-only session.
python3 - $TMP/ev.export $TMP/ev.json $TMP/ev.txt <<'PY'
import json, sys
keys = ("kind", "reason", "user", "target_user", "src_ip", "src_port", "service", "pid", "method", "key", "command")
sig = [[tuple(json.loads(l).get(k) for k in keys) for l in open(f)] for f in sys.argv[1:]]
assert sig[0] == sig[1] == sig[2], "framings disagree"
print("framings agree on %d events" % len(sig[0]))
PY
check "export, json and short-iso-precise give the same events" test $? -eq 0

finish
