#!/bin/bash
# Detection against the real sshd on loopback, through the journal:
#  - six failed password logins give exactly one brute_force incident
#    (one alert when the threshold is reached, then at most its final
#    count at the end of the input, marked as an update);
#  - a following success from the same source gives success_after_failures;
#  - five invalid user names give password_spray.
# Each step's journal range, bracketed by marks, goes through pamsignal scan.
# Starts what is not running and puts the machine back as it was.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/journal.sh"
. "$(dirname "$0")/machine.sh"

if [ "$(id -u)" != 0 ]; then
	not_ok "detect_sshd needs root to run sshd and add users"
	finish
	exit 1
fi

take_machine_lock
journal_start
make_test_users
start_test_sshd 2298
check "sshd started" test $? -eq 0

# scan_range CURSOR OUT: the journal after CURSOR, through scan, alerts only.
scan_range() {
	journalctl -q --after-cursor="$1" -o export > $TMP/range.export
	"$PAMSIGNAL" scan --alerts --format json $TMP/range.export > "$2"
}
# alerts FILE RULE: how many alerts of RULE, and of those how many are updates.
check_alerts() {
	python3 - "$@" <<'PY'
import json, sys
path, want = sys.argv[1], sys.argv[2:]
alerts = [json.loads(l) for l in open(path)]
for a in alerts:
    assert a["type"] == "alert", a
def of(rule):
    return [a for a in alerts if a["rule"] == rule]
for w in want:
    rule, _, expect = w.partition("=")
    got = of(rule)
    firsts = [a for a in got if not a.get("update")]
    for k, v in (kv.split(":", 1) for kv in expect.split(",") if kv):
        if k == "alerts":
            assert len(firsts) == int(v), "%s: %d first alerts, want %s: %s" % (rule, len(firsts), v, got)
        elif k == "incidents":
            assert len({(a.get("src_ip"), a["first_seen"]) for a in got}) == int(v), (rule, got)
        elif k == "final_count":
            assert got and got[-1]["count"] == int(v), (rule, [a["count"] for a in got])
        else:
            assert firsts and str(firsts[0].get(k)) == v, "%s: %s is %r, want %r" % (rule, k, firsts[0].get(k), v)
print("alerts as expected: " + " ".join(want))
PY
}

# 1. Six wrong passwords for an existing user.
cursor=$(journal_mark start)
check "journald is running and stores what is logged" test -n "$cursor"
for i in 1 2 3 4 5 6; do
	sshpass -p "wrong-$i" ssh "${ssh_opts[@]}" -o PubkeyAuthentication=no psl_alice@127.0.0.1 true 2> /dev/null
done
check "journald stored the failures" test -n "$(journal_mark failures)"
scan_range "$cursor" $TMP/failures.json
check "scan of the failures exits 0" test $? -eq 0
check "six failures: exactly one brute_force incident, first alert at 5, final count 6" \
	check_alerts $TMP/failures.json \
	"brute_force=alerts:1,incidents:1,count:5,src_ip:127.0.0.1,severity:high,final_count:6" \
	"success_after_failures=alerts:0" "password_spray=alerts:0"
check "every alert line is valid alert JSON" python3 "$PS_SOURCE_ROOT/tests/e2e/jsoncheck.py" $TMP/failures.json

# 2. Then the right password from the same source.
sshpass -p "$pw" ssh "${ssh_opts[@]}" -o PubkeyAuthentication=no psl_alice@127.0.0.1 true
check "password login" test $? -eq 0
check "journald stored the login" test -n "$(journal_mark login)"
scan_range "$cursor" $TMP/login.json
check "the login after them: success_after_failures" \
	check_alerts $TMP/login.json \
	"success_after_failures=alerts:1,user:psl_alice,src_ip:127.0.0.1,count:6,severity:critical" \
	"brute_force=alerts:1,incidents:1"

# 3. Five invalid user names.
cursor=$(journal_mark spray-start)
for u in psl_nx1 psl_nx2 psl_nx3 psl_nx4 psl_nx5; do
	sshpass -p wrong ssh "${ssh_opts[@]}" -o PubkeyAuthentication=no "$u@127.0.0.1" true 2> /dev/null
done
check "journald stored the names" test -n "$(journal_mark spray)"
scan_range "$cursor" $TMP/spray.json
check "five invalid names: password_spray" \
	check_alerts $TMP/spray.json "password_spray=alerts:1,count:5,src_ip:127.0.0.1,user:psl_nx5"

# The same in the terminal table: one line per alert, nothing raw.
"$PAMSIGNAL" scan --alerts --format text $TMP/range.export > $TMP/spray.txt
check "text: the spray alert as a row" grep -q '^.* alert  *high  *sshd  *psl_nx5  *127.0.0.1  *password_spray: ' $TMP/spray.txt
finish
