# Test accounts and a private sshd for the live end-to-end tests. Source
# after lib.sh (and journal.sh). Everything is undone at exit.
#
# take_machine_lock: the accounts, sudoers rule and ports are machine-wide,
#   so live tests run one at a time.
# make_test_users: psl_alice and psl_bob with password $pw; psl_alice may
#   sudo /usr/bin/id; psl_bob logs in with the key $TMP/userkey.
# start_test_sshd PORT [NAME]: sshd on 127.0.0.1:PORT with its own config,
#   host key and pid file; ssh_opts holds the client options for it. With
#   NAME, sshd runs under that program name, and OpenSSH then uses the PAM
#   service NAME (/etc/pam.d/NAME) instead of the system's sshd stack.
#   $sshd_extra, if set, goes first in its config (sshd takes the first
#   value of a keyword: "LogLevel INFO" there wins; ListenAddress adds).
# start_auditd [CONFIG_DIR]: auditd running (started if it is not, and then
#   stopped at exit) and auditing enabled (put back at exit); its pid in
#   $auditd_pid. With CONFIG_DIR, an auditd of its own (auditd -c: its
#   auditd.conf, log and plugins.d): only one auditd can hold the kernel's
#   audit socket, so a running one is stopped first and started again at exit.

pw='Psl-Test-Pw-7'

take_machine_lock() {
	mkdir -p /run/lock
	exec 9> /run/lock/pamsignal-live-tests.lock
	flock -w 900 9 || { not_ok "another live test holds the lock"; finish; exit 1; }
}

make_test_users() {
	local u
	for u in psl_alice psl_bob; do
		pkill -u "$u" 2> /dev/null && sleep 0.2
		userdel -r "$u" > /dev/null 2>&1 || true
		useradd -m -s /bin/bash "$u"
		at_exit "pkill -u $u 2> /dev/null; sleep 0.2; userdel -r $u > /dev/null 2>&1"
		echo "$u:$pw" | chpasswd
	done
	echo 'psl_alice ALL=(ALL) /usr/bin/id' > /etc/sudoers.d/psl-test
	chmod 440 /etc/sudoers.d/psl-test
	at_exit "rm -f /etc/sudoers.d/psl-test"
	ssh-keygen -q -t ed25519 -N '' -f $TMP/userkey
	install -d -m 700 -o psl_bob -g psl_bob ~psl_bob/.ssh
	install -m 600 -o psl_bob -g psl_bob $TMP/userkey.pub ~psl_bob/.ssh/authorized_keys
}

start_test_sshd() {
	local port=$1 dir=$TMP/sshd-$1 exe=/usr/sbin/sshd
	mkdir -p /run/sshd $dir
	if [ -n "${2:-}" ]; then
		exe=$dir/$2
		ln -s /usr/sbin/sshd $exe
	fi
	ssh-keygen -q -t ed25519 -N '' -f $dir/hostkey
	cat > $dir/sshd_config <<CFG
${sshd_extra:-}
Port $port
ListenAddress 127.0.0.1
HostKey $dir/hostkey
PidFile $dir/sshd.pid
UsePAM yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
PermitRootLogin no
LogLevel VERBOSE
CFG
	$exe -f $dir/sshd_config
	at_exit "kill \$(cat $dir/sshd.pid) 2> /dev/null"
	for _ in $(seq 50); do [ -s $dir/sshd.pid ] && break; sleep 0.1; done
	ssh_opts=(-p $port -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR
		-o ConnectTimeout=5 -o NumberOfPasswordPrompts=1)
	test -s $dir/sshd.pid
}

start_auditd() {
	local conf=${1:-} old was_enabled
	# Before auditd starts: starting it enables auditing.
	was_enabled=$(auditctl -s | awk '$1 == "enabled" {print $2}')
	if [ -n "$conf" ] && old=$(pgrep -x auditd); then
		kill $old
		for _ in $(seq 50); do kill -0 $old 2> /dev/null || break; sleep 0.1; done
		at_exit "auditd"
	fi
	if ! pgrep -x auditd > /dev/null; then
		auditd ${conf:+-c "$conf"}
		for _ in $(seq 50); do auditd_pid=$(auditctl -s | awk '$1 == "pid" {print $2}'); [ "${auditd_pid:-0}" != 0 ] && break; sleep 0.1; done
		at_exit "kill $auditd_pid; for _ in \$(seq 50); do kill -0 $auditd_pid 2> /dev/null || break; sleep 0.1; done"
	fi
	auditd_pid=$(auditctl -s | awk '$1 == "pid" {print $2}')
	auditctl -e 1 > /dev/null
	at_exit "auditctl -e $was_enabled > /dev/null"
	test "${auditd_pid:-0}" != 0
}

# run_daemon CONF: pamsignal run -c CONF in the background (pid in $dpid,
#   stdout appended to $TMP/stdout, stderr to $TMP/stderr, emptied first),
#   returning once it says it is monitoring. The caller kills it at exit.
run_daemon() {
	: > $TMP/stderr
	"$PAMSIGNAL" run -c "$1" >> $TMP/stdout 2>> $TMP/stderr &
	dpid=$!
	for _ in $(seq 100); do grep -q 'monitoring' $TMP/stderr && return 0; sleep 0.1; done
	cat $TMP/stderr
	return 1
}

# su reads the password from a terminal: give it one. su_with_pty FROM TO PASSWORD
su_with_pty() {
	python3 - "$1" "$2" "$3" <<'PY'
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp("runuser", ["runuser", "-u", sys.argv[1], "--", "su", sys.argv[2], "-c", "true"])
time.sleep(1)
os.write(fd, (sys.argv[3] + "\n").encode())
try:
    while os.read(fd, 1024):
        pass
except OSError:
    pass
os.waitpid(pid, 0)
PY
}
