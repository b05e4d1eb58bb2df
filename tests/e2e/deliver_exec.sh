#!/bin/bash
# pamsignal run with exec channels, delivering logins from a followed file:
# - a program that records its stdin, argv and environment: every login
#   arrives in order as the event JSON, byte for byte, hostile names
#   (shell syntax, quotes, markup, ANSI, invalid UTF-8) only inside the
#   JSON; argv is the configured one (quoted words kept whole), the
#   environment the documented one;
# - a program that hangs (with a child of its own): killed as a group at
#   the timeout, retried, and after max_age dead-lettered with the reason;
#   logins are still written at once and delivered by the other channels
#   while it hangs;
# - a program exiting 65 (EX_DATAERR): dead-lettered with its output, not
#   retried; the dead-letter log is rotated at deadletter_max_size and
#   only deadletter_keep old files stay;
# - test-alert runs a channel's program and reports its exit.
# No journald: the source is a file, so this runs in parallel with others.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/deliver_lib.sh"

mkdir -p $TMP/rec $TMP/hang
cat > $TMP/record.sh <<EOF
#!/bin/sh
# One file set per id: stdin, argv, environment; the order of arrival in a list.
cat > $TMP/rec/\$PAMSIGNAL_ID.json
printf '%s\n' "\$@" > $TMP/rec/\$PAMSIGNAL_ID.argv
env > $TMP/rec/\$PAMSIGNAL_ID.env
echo \$PAMSIGNAL_ID >> $TMP/rec/order
EOF
cat > $TMP/hang.sh <<EOF
#!/bin/sh
sleep 300 &
echo \$! >> $TMP/hang/children
echo \$\$ >> $TMP/hang/parents
exec sleep 300
EOF
# 65 with a line of output: dead-lettered; the output (~600 bytes) makes
# each dead-letter line about 1.3 KB, so 60 of them rotate a 64K log.
cat > $TMP/refuse.sh <<'EOF'
#!/bin/sh
cat > /dev/null
printf 'refused: %0600d\n' 0 >&2
exit 65
EOF
chmod 755 $TMP/record.sh $TMP/hang.sh $TMP/refuse.sh

{
	logins_only_config
	printf '[channel.rec]\ntype = exec\nnotify_logins = yes\ncommand = %s "two words" x\\ y '"'"'$HOME'"'"'\n' $TMP/record.sh
	printf '[channel.hang]\ntype = exec\nnotify_logins = yes\ncommand = %s\ntimeout = 1\nmax_age = 6s\n' $TMP/hang.sh
	printf '[channel.refuse]\ntype = exec\nnotify_logins = yes\ncommand = %s\n' $TMP/refuse.sh
} > $TMP/p.conf
chmod 600 $TMP/p.conf
sed -i 's/^hostname = web1$/&\ndeadletter_max_size = 64K\ndeadletter_keep = 1/' $TMP/p.conf

"$PAMSIGNAL" check-config -c $TMP/p.conf > $TMP/cc.out 2>&1
check "check-config accepts the exec channels" test $? -eq 0
"$PAMSIGNAL" test-alert -c $TMP/p.conf rec > $TMP/ta.out 2>&1
check "test-alert rec: exit 0" test $? -eq 0
check "test-alert rec: reports the exit status" grep -qx 'rec (exec): exit status 0' $TMP/ta.out
"$PAMSIGNAL" test-alert -c $TMP/p.conf refuse > $TMP/ta.out 2>&1
check "test-alert refuse: exit 1" test $? -eq 1
check "test-alert refuse: the exit status and output" \
	sh -c "grep -qx 'refuse (exec): exit status 65 (EX_DATAERR)' $TMP/ta.out && grep -q '^  output: refused: 0000' $TMP/ta.out"
rm -f $TMP/rec/*

start_daemon
check "daemon starts" test $? -eq 0

hostile=$'$(touch '$TMP$'/pwned)\'";rm -rf / <b>@everyone *_`\e[31m\xff'
login "$hostile"
for i in $(seq 2 9); do login user$i; done
waitfor 20 sh -c "[ \$(grep -c '\"kind\":\"auth_success\"' $TMP/events.jsonl) -ge 9 ]"
check "nine logins in the event log" test $? -eq 0
waitfor 20 sh -c "[ \$(cat $TMP/rec/order 2> /dev/null | wc -l) -ge 9 ]"
check "exec: nine programs ran" test $? -eq 0

python3 - $TMP <<'PY' > $TMP/rec.out 2>&1
import json, os, sys
tmp = sys.argv[1]
order = open(tmp + "/rec/order").read().split()
events = [l for l in open(tmp + "/events.jsonl") if '"kind":"auth_success"' in l]
assert len(order) == len(set(order)) == 9, order
for ident, line in zip(order, events):
    got = open(f"{tmp}/rec/{ident}.json", "rb").read()
    # The event JSON as the event log has it (without the log's own hash
    # chain members, pamsignal-verify(8)), and a newline.
    body = line[:line.index(',"seq":')] + "}\n" if ',"seq":' in line else line
    assert got == body.encode(), (got, line)
    assert open(f"{tmp}/rec/{ident}.argv").read() == "two words\nx y\n$HOME\n"
    env = dict(l.split("=", 1) for l in open(f"{tmp}/rec/{ident}.env").read().splitlines())
    for k in ("PWD", "SHLVL", "_"):  # what sh adds itself
        env.pop(k, None)
    assert env == {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8",
                   "PAMSIGNAL_CHANNEL": "rec", "PAMSIGNAL_ID": ident, "PAMSIGNAL_SEVERITY": "info",
                   "PAMSIGNAL_TYPE": "event", "PAMSIGNAL_ATTEMPT": "1"}, env
first = json.loads(open(f"{tmp}/rec/{order[0]}.json").read())
assert first["user"] == "$(touch " + tmp + "/pwned)'\";rm -rf / <b>@everyone *_`\x1b[31m\\xff", repr(first["user"])
assert [json.loads(open(f"{tmp}/rec/{i}.json").read())["src_port"] for i in order] == list(range(40000, 40009))
assert not os.path.exists(tmp + "/pwned")
print("ok")
PY
check_ok "exec: every login's JSON on stdin, in order; argv and environment fixed; the hostile name only in the JSON" $TMP/rec.out

# The hanging program: killed at its 1 s timeout with its child, retried.
waitfor 10 grep -q 'channel hang: attempt 1 failed (killed after the timeout); next in' $TMP/stderr
check "hang: the first attempt is killed at the timeout and retried" test $? -eq 0
waitfor 10 sh -c "[ \$(wc -l < $TMP/hang/parents) -ge 2 ]"
check "hang: tried again" test $? -eq 0
# Every program but the one running now, and the children of all of them, are gone.
alive() { # alive PID: not gone and not a zombie
	[ -r /proc/$1/stat ] && ! awk '{ exit !($3 == "Z") }' /proc/$1/stat 2> /dev/null
}
sleep 1.5
dead_too=1
while read -r p; do alive $p && dead_too=0; done < <(head -n -1 $TMP/hang/children; head -n -1 $TMP/hang/parents)
check "hang: each killed attempt's process group (program and child) is gone" test $dead_too -eq 1

# While it hangs, logins are written at once and the other channels deliver.
latency_check "while an exec channel's program hangs"
waitfor 10 sh -c "[ \$(cat $TMP/rec/order 2> /dev/null | wc -l) -ge 10 ]"
check "the recording channel delivers while the other hangs" test $? -eq 0

# max_age = 6s: then dead-lettered, with why and the last error, and counted.
waitfor 20 grep -q 'channel hang: .* not delivered within max_age (6s) after [0-9]* attempt(s); last: killed after the timeout; written to' $TMP/stderr
check "hang: dead-lettered after max_age, saying why" test $? -eq 0

# 65: dead-lettered at once, with the program's output; then 60 more to rotate.
waitfor 10 grep -q 'channel refuse: exit status 65 (EX_DATAERR) for alert ps_[0-9a-f]*: the receiver refused it and would refuse it again' $TMP/stderr
check "refuse: exit 65 is dead-lettered with a clear message" test $? -eq 0
for i in $(seq 1 60); do login bulk$i; done
waitfor 30 sh -c "[ \$(cat $TMP/state/deadletter.jsonl* | grep -c '\"channel\":\"refuse\"') -ge 70 ]"
check "refuse: 70 dead letters written" test $? -eq 0
python3 - $TMP <<'PY' > $TMP/dl.out 2>&1
import glob, json, os, sys
tmp = sys.argv[1] + "/state/deadletter.jsonl"
assert os.path.exists(tmp + ".1") and not os.path.exists(tmp + ".2"), glob.glob(tmp + "*")
for f in (tmp, tmp + ".1"):
    assert os.path.getsize(f) <= 64 * 1024, (f, os.path.getsize(f))
recs = [json.loads(l) for f in (tmp + ".1", tmp) for l in open(f)]
ref = [r for r in recs if r["channel"] == "refuse"]
assert all(r["code"] == 65 and r["error"] == "exit status 65 (EX_DATAERR)" and r["attempts"] == 0 for r in ref), ref[0]
assert ref[0]["response"].startswith("refused: 0000") and len(ref[0]["response"]) == 512
assert [r for r in recs if r["channel"] == "hang" and r["error"].startswith("not delivered within max_age (6s)")]
print("ok")
PY
check_ok "dead-letter log rotated at 64K, one old file kept; records say why" $TMP/dl.out
check "refuse: never retried" sh -c "! grep -q 'channel refuse: attempt' $TMP/stderr"

kill -TERM $dpid
wait $dpid
check "SIGTERM with a program running: exit 0" test $? -eq 0
sleep 0.5
left=0
while read -r p; do alive $p && left=1; done < <(cat $TMP/hang/children $TMP/hang/parents)
check "SIGTERM: the running program's group is killed too" test $left -eq 0
finish
