#!/bin/bash
# capture_audit.sh - regenerate audit.log, the real audit records in this
# directory (Debian 12: auditd 3.0.9, OpenSSH 9.2p1, sudo 1.9.13, Linux-PAM 1.5.2).
#
# What it does (as root, loopback only), and undoes at exit:
#   * starts auditd if it is not running (and stops it again), enables it, adds the
#     rule `-a always,exit -F arch=b64 -S execve -F auid=UID -k pstest` for each
#     test user (and deletes them);
#   * makes users pstaud1 and pstaud2 and a sudoers.d rule for pstaud1;
#   * runs a private sshd on 127.0.0.1:2393 started as "sshd-pstaudit":
#     OpenSSH names its PAM service after the program, so it uses
#     /etc/pam.d/sshd-pstaudit (a copy of sshd's stack plus pam_tty_audit,
#     with log_passwd for pstaud2 only) and no system PAM file is edited;
#   * a password login with a terminal in which pstaud1 types commands and
#     runs sudo, answering its password prompt; the same for pstaud2, whose
#     password prompt is recorded (log_passwd); a wrong password; a hostile
#     user name; su from pstaud1 to pstaud2;
#   * keeps from audit.log only the records of those events (by serial:
#     every record of an event that names one of our users or their auid).
# Takes the live tests' machine lock (users, ports and PAM are machine-wide).
set -u
. "$(dirname "$0")/../../e2e/lib.sh"
. "$(dirname "$0")/../../e2e/machine.sh"
OUT=$(cd "$(dirname "$0")" && pwd)
PORT=2393
PW1='Aud1-pw-4471'
PW2='Aud2-pw-9035'
[ "$(id -u)" = 0 ] || { echo "capture_audit.sh: must run as root" >&2; exit 1; }
take_machine_lock

# auditd, and where its log stands now.
if ! pgrep -x auditd > /dev/null; then
	auditd || exit 1
	at_exit 'auditctl --signal stop 2> /dev/null || pkill -x auditd'
	for _ in $(seq 50); do auditctl -s | grep -q 'pid [1-9]' && break; sleep 0.1; done
fi
was_enabled=$(auditctl -s | awk '$1 == "enabled" {print $2}')
auditctl -e 1 > /dev/null
at_exit "auditctl -e $was_enabled > /dev/null"
start_ino=$(stat -c %i /var/log/audit/audit.log)
start_offset=$(stat -c %s /var/log/audit/audit.log)

for u in pstaud1 pstaud2; do
	userdel -r $u > /dev/null 2>&1
	useradd -m -s /bin/bash $u
	at_exit "pkill -u $u; sleep 0.2; userdel -r $u > /dev/null 2>&1"
done
# Commands of our users only: the log is the machine's, and auditd rotates it at 8 MB.
for u in pstaud1 pstaud2; do
	auditctl -a always,exit -F arch=b64 -S execve -F auid=$(id -u $u) -k pstest
	at_exit "auditctl -d always,exit -F arch=b64 -S execve -F auid=$(id -u $u) -k pstest"
done
echo "pstaud1:$PW1" | chpasswd
echo "pstaud2:$PW2" | chpasswd
echo 'pstaud1,pstaud2 ALL=(ALL) /usr/bin/id' > /etc/sudoers.d/zz-pstaudit
chmod 440 /etc/sudoers.d/zz-pstaudit
at_exit 'rm -f /etc/sudoers.d/zz-pstaudit'

{
	cat /etc/pam.d/sshd
	echo 'session required pam_tty_audit.so enable=pstaud1'
	echo 'session required pam_tty_audit.so enable=pstaud2 log_passwd'
} > /etc/pam.d/sshd-pstaudit
at_exit 'rm -f /etc/pam.d/sshd-pstaudit'
mkdir -p /run/sshd $TMP/sshd
ln -s /usr/sbin/sshd $TMP/sshd/sshd-pstaudit
ssh-keygen -q -t ed25519 -N '' -f $TMP/sshd/hostkey
printf 'Port %s\nListenAddress 127.0.0.1\nHostKey %s\nPidFile %s\nUsePAM yes\nPasswordAuthentication yes\nKbdInteractiveAuthentication no\nPermitRootLogin no\n' \
	$PORT $TMP/sshd/hostkey $TMP/sshd/pid > $TMP/sshd/config
$TMP/sshd/sshd-pstaudit -f $TMP/sshd/config
at_exit "kill \$(cat $TMP/sshd/pid)"
for _ in $(seq 50); do [ -s $TMP/sshd/pid ] && break; sleep 0.1; done
ssh_opts=(-p $PORT -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR
	-o PubkeyAuthentication=no -o NumberOfPasswordPrompts=1)

# session USER PASSWORD: a login with a terminal; types a few commands,
# sudo with its password at the prompt, and exits.
session() {
	python3 - "$1" "$2" "${ssh_opts[@]}" <<'PY'
import os, pty, sys, time
user, pw, opts = sys.argv[1], sys.argv[2], sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp("sshpass", ["sshpass", "-p", pw, "ssh", "-tt", *opts, user + "@127.0.0.1"])
def typed(s, wait=1.0):
    time.sleep(wait)
    os.write(fd, s.encode())
def drain():
    try:
        while os.read(fd, 4096):
            pass
    except OSError:
        pass
typed("id\r", 3)
typed("printf '%s\\n' 'two words' \"it's\"\r")
typed("sudo -k /usr/bin/id\r")
typed(pw + "\r", 2)
typed("exit\r", 2)
drain()
os.waitpid(pid, 0)
PY
}
session pstaud1 "$PW1"
session pstaud2 "$PW2"
sshpass -p wrong ssh "${ssh_opts[@]}" pstaud1@127.0.0.1 true 2> /dev/null
# Names with spaces and forged fields, and with non-ASCII letters: acct= is
# written hex-encoded (the ssh client refuses quotes and control characters).
sshpass -p wrong ssh "${ssh_opts[@]}" -l 'x addr=203.0.113.9 res=success' 127.0.0.1 true 2> /dev/null
sshpass -p wrong ssh "${ssh_opts[@]}" -l 'rööt' 127.0.0.1 true 2> /dev/null
su_with_pty pstaud1 pstaud2 "$PW2"
sleep 3 # auditd writes asynchronously (flush = INCREMENTAL_ASYNC)

uids="$(id -u pstaud1)|$(id -u pstaud2)"
# From where the log stood at the start, across a rotation by auditd.
: > $TMP/all.log
found=
for f in $(ls -r /var/log/audit/audit.log.* 2> /dev/null) /var/log/audit/audit.log; do
	if [ "$(stat -c %i $f)" = "$start_ino" ]; then
		tail -c +$((start_offset + 1)) $f >> $TMP/all.log
		found=1
	elif [ -n "$found" ]; then
		cat $f >> $TMP/all.log
	fi
done
python3 - "$uids" $TMP/all.log > "$OUT/audit.log" <<'PY'
import re, sys
uids, path = sys.argv[1], sys.argv[2]
lines = open(path, encoding="utf-8", errors="surrogateescape").read().split("\n")
ours = re.compile(r'(auid|uid)=(%s)\b|acct="?pstaud|acct=7820|acct=72C3B6' % uids)
def serial(l):
    m = re.search(r'msg=audit\(([0-9.:]+)\)', l)
    return m.group(1) if m else None
keep = {serial(l) for l in lines if ours.search(l)} - {None}
for l in lines:
    if l and serial(l) in keep and 'type=CONFIG_CHANGE' not in l:
        sys.stdout.buffer.write((l + "\n").encode("utf-8", "surrogateescape"))
PY
echo "wrote $OUT/audit.log: $(wc -l < "$OUT/audit.log") records" >&2
