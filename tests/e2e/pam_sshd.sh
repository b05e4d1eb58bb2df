#!/bin/bash
# pam_pamsignal.so in the real sshd stack, in a test copy: Debian's
# pam-auth-update writes the common-auth, common-account and
# common-session that the shipped profile (etc/pam-configs/pamsignal)
# makes, in a private mount namespace (copies of /etc/pam.d,
# /usr/share/pam-configs, /var/lib/pam and debconf's cache: the machine's
# stay as they are); those lines, pointed at the built module and a
# private socket, replace the @include lines of a copy of /etc/pam.d/sshd
# named sshd-pamsig, which a private sshd started as "sshd-pamsig" reads
# (OpenSSH's PAM service is its program name). /etc/pam.d/sshd is never
# edited, and the copy is removed at exit.
#
# Proves, with real logins over loopback: password and public key logins
# give session_open and session_close with the service, user, address,
# tty and a duration; a wrong password, an unknown user and an account
# refused (expired) give auth_failure from the profile's failure lines
# with the user and address; user names with spaces and non-ASCII letters
# are kept; nothing else is reported.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/machine.sh"
. "$(dirname "$0")/pam_lib.sh"
WAIT="python3 $PS_SOURCE_ROOT/tests/e2e/waitevent.py"
JC="python3 $PS_SOURCE_ROOT/tests/e2e/jsoncheck.py"
MODULE=${PS_BUILD_ROOT:-$PS_SOURCE_ROOT/build}/src/pam/pam_pamsignal.so
SERVICE=sshd-pamsig

if [ "$(id -u)" != 0 ] || [ ! -f "$MODULE" ] || ! command -v pam-auth-update > /dev/null ||
	! command -v unshare > /dev/null || ! command -v sshpass > /dev/null; then
	not_ok "pam_sshd needs root, $MODULE (libpam0g-dev), pam-auth-update, unshare and sshpass"
	finish
	exit 1
fi
take_machine_lock

# ---- the profile, through pam-auth-update, in a mount namespace of its own ----
mkdir $TMP/generated
unshare -m bash -s "$PS_SOURCE_ROOT/etc/pam-configs/pamsignal" $TMP <<'SH' > $TMP/pam-auth-update.log 2>&1
set -e
profile=$1 tmp=$2
for d in /etc/pam.d /usr/share/pam-configs /var/lib/pam /var/cache/debconf; do
	mkdir -p $tmp/ns$d
	cp -a $d/. $tmp/ns$d/
	mount --bind $tmp/ns$d $d
done
cp $profile /usr/share/pam-configs/pamsignal
DEBIAN_FRONTEND=noninteractive pam-auth-update --enable pamsignal
for t in auth account session; do cp /etc/pam.d/common-$t $tmp/generated/; done
SH
check "pam-auth-update enables the profile (in a private namespace)" test $? -eq 0
check "... and the machine's common-auth is untouched" bash -c "! grep -q pamsignal /etc/pam.d/common-auth"
check "... and so is debconf's answer" bash -c "! grep -q pamsignal /var/cache/debconf/config.dat"
# The profile's place: after every method, right before pam_deny, which the methods jump over on success.
check "common-auth: the failure line sits right before pam_deny" python3 - $TMP/generated/common-auth <<'PY'
import re, sys
lines = [l.split() for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")]
mods = [next(w for w in l if w.endswith(".so")) for l in lines]
i = mods.index("pam_pamsignal.so")
assert lines[i][-1] == "failure" and mods[i + 1] == "pam_deny.so", lines[i]
# every jump before it lands after pam_deny
for k in range(i):
    m = re.search(r"success=(\d+)", " ".join(lines[k]))
    if m:
        assert k + int(m.group(1)) + 1 > i + 1, lines[k]
PY
check "common-account: the same" grep -qE '^account[[:space:]]+\[default=ignore\][[:space:]]+pam_pamsignal.so failure' \
	$TMP/generated/common-account
check "common-session: an optional line" grep -qE '^session[[:space:]]+optional[[:space:]]+pam_pamsignal.so' \
	$TMP/generated/common-session

# ---- sshd's stack with those lines, pointed at the built module and our socket ----
chmod 711 $TMP
SOCK=$TMP/run/pam.sock
inline() { # the generated file's rules, the module by its path
	grep -vE '^[[:space:]]*(#|$)' $TMP/generated/common-$1 | sed "s|pam_pamsignal.so|$MODULE socket=$SOCK|"
}
while IFS= read -r line; do
	case $line in
	'@include common-auth') inline auth ;;
	'@include common-account') inline account ;;
	'@include common-session') inline session ;;
	*) printf '%s\n' "$line" ;;
	esac
done < /etc/pam.d/sshd > $TMP/$SERVICE
install -m 644 $TMP/$SERVICE /etc/pam.d/$SERVICE
at_exit "rm -f /etc/pam.d/$SERVICE"
check "the test stack holds three pamsignal lines" test "$(grep -c "$MODULE" /etc/pam.d/$SERVICE)" -eq 3

make_test_users
# An ASan build's module needs the sanitizer's runtime loaded before it (sshd has none).
asan=$(pam_asan_preload "$MODULE")
if [ -n "$asan" ]; then
	LD_PRELOAD=$asan ASAN_OPTIONS=detect_leaks=0 start_test_sshd 2296 $SERVICE
else
	start_test_sshd 2296 $SERVICE
fi
check "sshd started as $SERVICE" test $? -eq 0

LOG=$TMP/events.jsonl
pam_config $TMP/pamsignal.conf $SOCK $LOG
dpid=
at_exit '[ -n "$dpid" ] && kill -9 $dpid 2> /dev/null'
run_daemon $TMP/pamsignal.conf
check "pamsignal run listens on $SOCK" grep -q "pam $SOCK" $TMP/stderr
wait_for() { # wait_for DESCRIPTION SUBSET [waitevent options]
	local what=$1
	shift
	check "$what" $WAIT $LOG "$@" --timeout 15
}
pw_ssh() { # pw_ssh PASSWORD USER [ssh args]: a password login
	local p=$1 u=$2
	shift 2
	sshpass -p "$p" ssh "${ssh_opts[@]}" -o PubkeyAuthentication=no -l "$u" "$@" 127.0.0.1 true 2> /dev/null
}
S='"service":"'$SERVICE'","source":"pam"'

pw_ssh "$pw" psl_alice
check "a password login succeeds through the test stack" test $? -eq 0
wait_for "session_open: service, user, address, tty" '{"kind":"session_open",'"$S"',"user":"psl_alice","src_ip":"127.0.0.1","tty":"ssh"}'
wait_for "session_close with a duration" '{"kind":"session_close",'"$S"',"user":"psl_alice","src_ip":"127.0.0.1","duration_s":0}'
check "no failure for a right password" $WAIT $LOG '{"kind":"auth_failure","user":"psl_alice"}' --count 0 --exact

ssh "${ssh_opts[@]}" -i $TMP/userkey -o PasswordAuthentication=no psl_bob@127.0.0.1 true 2> /dev/null
check "a public key login succeeds" test $? -eq 0
wait_for "a public key login: session_open too (no pam_authenticate)" '{"kind":"session_open",'"$S"',"user":"psl_bob"}'

pw_ssh wrong psl_bob
check "a wrong password is refused" test $? -ne 0
wait_for "auth_failure from common-auth's failure line" \
	'{"kind":"auth_failure","reason":"pam_failure",'"$S"',"user":"psl_bob","src_ip":"127.0.0.1","tty":"ssh"}'
pw_ssh wrong psl_nosuchuser7
wait_for "an unknown user: auth_failure with the name tried" '{"kind":"auth_failure",'"$S"',"user":"psl_nosuchuser7"}'
pw_ssh wrong 'x addr=203.0.113.9 res=success'
wait_for "a name with spaces and fields in it, kept whole" '{"kind":"auth_failure",'"$S"',"user":"x addr=203.0.113.9 res=success"}'
pw_ssh wrong 'rööt'
wait_for "a non-ASCII name, kept" '{"kind":"auth_failure",'"$S"',"user":"rööt"}'

# Right password, expired account: pam_unix's account check refuses it.
chage -E 0 psl_alice
pw_ssh "$pw" psl_alice
check "an expired account is refused" test $? -ne 0
wait_for "auth_failure not_allowed from common-account's failure line" \
	'{"kind":"auth_failure","reason":"not_allowed",'"$S"',"user":"psl_alice","src_ip":"127.0.0.1"}'
chage -E -1 psl_alice

check "nothing but these: 2 sessions, 5 failures" python3 - $LOG <<'PY'
import collections, json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
n = collections.Counter(e["kind"] for e in evs if e["type"] == "event")
sys.exit(0 if n == {"session_open": 2, "session_close": 2, "auth_failure": 5} else print(n) or 1)
PY
kill -TERM $dpid
wait $dpid
check "SIGTERM exits 0" test $? -eq 0
dpid=
pw_ssh "$pw" psl_alice
check "with the daemon gone, logins go on" test $? -eq 0
check "the event log is valid JSON" $JC $LOG
finish
