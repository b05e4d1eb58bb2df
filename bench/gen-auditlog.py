#!/usr/bin/env python3
"""Write a synthetic /var/log/audit/audit.log for benchmarks.

usage: gen-auditlog.py RECORDS [--seed N] [-o FILE]

The mix of a busy bastion with auditing on, in the shapes Debian 12's
sshd, sudo, su and kernel write (tests/data/capture/audit.log):
  - failed ssh passwords: USER_AUTH res=failed then sshd's USER_LOGIN
    res=failed, from documentation addresses, some with hex-encoded
    hostile names;
  - ssh logins: USER_AUTH, USER_ACCT, CRED_ACQ, USER_LOGIN, USER_START,
    and later USER_END, CRED_DISP;
  - sudo: USER_AUTH, USER_ACCT, USER_CMD, CRED_REFR, USER_START, USER_END,
    CRED_DISP;
  - commands: SYSCALL, EXECVE, CWD, PATH, PATH, PROCTITLE (one serial).
Records, not lines of any other kind; serials and times increase.
"""
import argparse
import random
import sys

p = argparse.ArgumentParser()
p.add_argument("records", type=int)
p.add_argument("--seed", type=int, default=1105)
p.add_argument("-o", "--output")
a = p.parse_args()
rnd = random.Random(a.seed)
out = open(a.output, "w") if a.output else sys.stdout
t = 1795305000.0
serial = 1000
n = 0
ses = 100

USERS = ["alice", "bob", "carol", "deploy", "backup", "svc-web"]
BAD = ["root", "admin", "test", "oracle", "ubuntu", "pi", "git", "user1"]
CMDS = [("/usr/bin/id", ["id"]), ("/usr/bin/ls", ["ls", "-la", "/var/log"]),
        ("/usr/bin/cat", ["cat", "/etc/hostname"]), ("/usr/bin/ss", ["ss", "-tlnp"]),
        ("/usr/bin/systemctl", ["systemctl", "status", "nginx"])]


def src():
    r = rnd.random()
    if r < 0.3:
        return "2001:db8:%x:%x::%x" % (rnd.randrange(65536), rnd.randrange(65536), rnd.randrange(1, 65536))
    return "%s.%d" % (rnd.choice(["192.0.2", "198.51.100", "203.0.113"]), rnd.randrange(1, 255))


def hexname(s):
    return s.encode().hex().upper()


def rec(typ, body):
    global serial, t, n
    t += rnd.random() * 0.05
    out.write("type=%s msg=audit(%.3f:%d): %s\n" % (typ, t, serial, body))
    serial += 1
    n += 1


def failed_ssh():
    pid = rnd.randrange(2000, 4000000)
    user = rnd.choice(BAD)
    if rnd.random() < 0.05:
        acct = hexname(user + " from 203.0.113.9 port 22")
    else:
        acct = '"%s"' % user
    ip = src()
    rec("USER_AUTH", "pid=%d uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:authentication grantors=? "
        "acct=%s exe=\"/usr/sbin/sshd\" hostname=%s addr=%s terminal=ssh res=failed'" % (pid, acct, ip, ip))
    rec("USER_LOGIN", "pid=%d uid=0 auid=4294967295 ses=4294967295 msg='op=login acct=%s exe=\"/usr/sbin/sshd\" "
        "hostname=? addr=%s terminal=sshd res=failed'" % (pid, acct, ip))


def login():
    global ses
    pid = rnd.randrange(2000, 4000000)
    user = rnd.choice(USERS)
    uid = 1000 + USERS.index(user)
    ip = src()
    ses += 1
    base = "exe=\"/usr/sbin/sshd\" hostname=%s addr=%s" % (ip, ip)
    rec("USER_AUTH", "pid=%d uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:authentication "
        "grantors=pam_unix acct=\"%s\" %s terminal=ssh res=success'" % (pid, user, base))
    rec("USER_ACCT", "pid=%d uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:accounting grantors=pam_unix "
        "acct=\"%s\" %s terminal=ssh res=success'" % (pid, user, base))
    rec("CRED_ACQ", "pid=%d uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:setcred grantors=pam_unix "
        "acct=\"%s\" %s terminal=ssh res=success'" % (pid, user, base))
    rec("USER_LOGIN", "pid=%d uid=0 auid=%d ses=%d msg='op=login id=%d %s terminal=/dev/pts/%d res=success'"
        % (pid, uid, ses, uid, base, ses % 50))
    rec("USER_START", "pid=%d uid=0 auid=%d ses=%d msg='op=PAM:session_open grantors=pam_unix acct=\"%s\" "
        "%s terminal=ssh res=success'" % (pid, uid, ses, user, base))
    for _ in range(rnd.randrange(0, 3)):
        command(uid, ses)
    if rnd.random() < 0.4:
        sudo(user, uid, ses)
    rec("USER_END", "pid=%d uid=0 auid=%d ses=%d msg='op=PAM:session_close grantors=pam_unix acct=\"%s\" "
        "%s terminal=ssh res=success'" % (pid, uid, ses, user, base))
    rec("CRED_DISP", "pid=%d uid=0 auid=%d ses=%d msg='op=PAM:setcred grantors=pam_unix acct=\"%s\" "
        "%s terminal=ssh res=success'" % (pid, uid, ses, user, base))


def sudo(user, uid, s):
    pid = rnd.randrange(2000, 4000000)
    exe, argv = rnd.choice(CMDS)
    tail = "exe=\"/usr/bin/sudo\" hostname=? addr=? terminal=/dev/pts/%d res=success'" % (s % 50)
    rec("USER_AUTH", "pid=%d uid=%d auid=%d ses=%d msg='op=PAM:authentication grantors=pam_unix acct=\"%s\" %s"
        % (pid, uid, uid, s, user, tail))
    rec("USER_ACCT", "pid=%d uid=%d auid=%d ses=%d msg='op=PAM:accounting grantors=pam_unix acct=\"%s\" %s"
        % (pid, uid, uid, s, user, tail))
    rec("USER_CMD", "pid=%d uid=%d auid=%d ses=%d msg='cwd=\"/home/%s\" cmd=%s exe=\"/usr/bin/sudo\" "
        "terminal=pts/%d res=success'" % (pid, uid, uid, s, user, hexname(" ".join(argv)), s % 50))
    rec("CRED_REFR", "pid=%d uid=0 auid=%d ses=%d msg='op=PAM:setcred grantors=pam_unix acct=\"root\" %s"
        % (pid, uid, s, tail))
    rec("USER_START", "pid=%d uid=0 auid=%d ses=%d msg='op=PAM:session_open grantors=pam_unix acct=\"root\" %s"
        % (pid, uid, s, tail))
    command(uid, s, exe, argv, euid=0)
    rec("USER_END", "pid=%d uid=0 auid=%d ses=%d msg='op=PAM:session_close grantors=pam_unix acct=\"root\" %s"
        % (pid, uid, s, tail))
    rec("CRED_DISP", "pid=%d uid=0 auid=%d ses=%d msg='op=PAM:setcred grantors=pam_unix acct=\"root\" %s"
        % (pid, uid, s, tail))


def command(uid, s, exe=None, argv=None, euid=None):
    global serial, t, n
    if exe is None:
        exe, argv = rnd.choice(CMDS)
    euid = uid if euid is None else euid
    pid = rnd.randrange(2000, 4000000)
    t += rnd.random() * 0.05
    stamp = "msg=audit(%.3f:%d):" % (t, serial)
    args = " ".join('a%d="%s"' % (i, x) for i, x in enumerate(argv))
    lines = [
        "type=SYSCALL %s arch=c000003e syscall=59 success=yes exit=0 a0=55d0 a1=55d1 a2=55d2 a3=0 items=2 "
        "ppid=%d pid=%d auid=%d uid=%d gid=%d euid=%d suid=%d fsuid=%d egid=%d sgid=%d fsgid=%d tty=pts%d "
        "ses=%d comm=\"%s\" exe=\"%s\" key=\"pstest\"" % (stamp, pid - 1, pid, uid, euid, euid, euid, euid,
                                                         euid, euid, euid, euid, s % 50, s, argv[0], exe),
        "type=EXECVE %s argc=%d %s" % (stamp, len(argv), args),
        "type=CWD %s cwd=\"/home/u%d\"" % (stamp, uid),
        "type=PATH %s item=0 name=\"%s\" inode=1234 dev=fe:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 "
        "nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0" % (stamp, exe),
        "type=PATH %s item=1 name=\"/lib64/ld-linux-x86-64.so.2\" inode=99 dev=fe:01 mode=0100755 ouid=0 "
        "ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0" % stamp,
        "type=PROCTITLE %s proctitle=%s" % (stamp, "00".join(x.encode().hex().upper() for x in argv)),
    ]
    out.write("\n".join(lines) + "\n")
    serial += 1
    n += len(lines)


while n < a.records:
    r = rnd.random()
    if r < 0.55:
        failed_ssh()
    elif r < 0.75:
        login()
    else:
        command(1000 + rnd.randrange(len(USERS)), rnd.randrange(100, ses + 1))
out.close()
