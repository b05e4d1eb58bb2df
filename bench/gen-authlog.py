#!/usr/bin/env python3
"""Generate a deterministic, realistic classic-syslog auth log for benchmarks.

    bench/gen-authlog.py LINES [--seed N] [-o PATH|-]

Writes exactly LINES lines of the form

    Mon DD HH:MM:SS host prog[pid]: message

like Debian's /var/log/auth.log (rsyslog's traditional format).  The output
depends only on LINES, --seed and --host: no clock, no environment, no hash
randomisation is consulted, so the same arguments give byte-identical files
on any machine with Python 3.

What is in it (roughly, by line count): ~80% sshd noise from brute-force
campaigns and scanners, ~20% legitimate activity (publickey/password logins
with their PAM and systemd-logind session lines, sudo, su) and CRON.  See
bench/README.md for the exact mix.

Every address written is from the documentation ranges 192.0.2.0/24,
198.51.100.0/24, 203.0.113.0/24 and 2001:db8::/32 (RFC 5737, RFC 3849);
no other address, and no host name that could be resolved, appears anywhere.

Timestamps never decrease.  They start at Jan 1 00:00:00 and the mean gap
between lines is chosen from LINES so that the whole file stays inside one
(non-leap) year: there is no year rollover, whatever LINES is.

Python 3 standard library only.
"""

import argparse
import heapq
import ipaddress
import random
import sys

DEFAULT_SEED = 1105
DEFAULT_HOST = "bastion"

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # non-leap year

YEAR_SECONDS = 365 * 86400
END = YEAR_SECONDS - 1           # Dec 31 23:59:59, the last second we may use
SPAN = 355 * 86400               # what the arrival rate is planned to fill

# Legitimate accounts: name -> (uid, auth kind, source addresses).
USERS = {
    "alice": (1000, "publickey", ("192.0.2.10", "2001:db8:100:1::10")),
    "bob": (1001, "password", ("198.51.100.20",)),
    "carol": (1002, "publickey", ("203.0.113.30", "2001:db8:100:2::1e")),
    "deploy": (1003, "publickey", ("192.0.2.11",)),
}
LEGIT_NAMES = tuple(USERS)
LEGIT_WEIGHTS = (5, 2, 3, 4)

INVALID_USERS = (
    "admin", "test", "user", "oracle", "postgres", "ubuntu", "git", "ftpuser",
    "guest", "pi", "deploy1", "support", "test1", "testuser", "mysql", "www",
    "www-data", "jenkins", "hadoop", "minecraft", "teamspeak", "ts3", "steam",
    "nagios", "zabbix", "elastic", "docker", "dev", "developer", "apache",
    "tomcat", "redis", "ftp", "student", "demo", "centos", "debian", "admin1",
    "administrator", "sysadmin", "operator", "service", "sales", "backup",
    "info", "web", "webmaster", "odoo", "uucp", "vagrant", "ansible", "azureuser",
    "ec2-user", "user1", "user2", "oracle1", "postgres1", "es", "kafka", "solana",
    "sol", "validator", "node", "ethereum", "bitcoin", "ubnt", "usuario",
    "prueba", "alex", "john", "david", "michael", "daniel", "tester", "temp",
    "default", "manager", "hdfs", "spark", "flask", "django", "gitlab-runner",
    "gitlab", "svn", "nginx", "lighthouse", "ftpadmin", "anonymous", "ADMIN",
    "Administrator", "root1", "rootuser", "0", "123", "x", "qwerty",
)

SUDO_COMMANDS = (
    "/usr/bin/systemctl restart nginx",
    "/usr/bin/systemctl status postgresql",
    "/usr/bin/systemctl reload sshd",
    "/usr/bin/apt update",
    "/usr/bin/apt upgrade -y",
    "/usr/bin/journalctl -u nginx --since today",
    "/usr/bin/tail -n 100 /var/log/syslog",
    "/usr/bin/docker ps",
    "/usr/bin/docker compose up -d",
    "/bin/bash",
    "/usr/bin/vim /etc/nginx/sites-available/default",
    "/usr/sbin/nft list ruleset",
    "/usr/bin/du -sh /var/lib/docker",
    "/usr/bin/certbot renew --quiet",
    "/usr/bin/rsync -a /srv/www/ /srv/backup/www/",
)
SUDO_PWDS = ("/home/{u}", "/home/{u}", "/home/{u}/src", "/srv/www", "/etc/nginx", "/")

KEX_OFFERS = (
    "diffie-hellman-group14-sha1",
    "diffie-hellman-group14-sha1",
    "diffie-hellman-group1-sha1,diffie-hellman-group14-sha1",
    "diffie-hellman-group-exchange-sha1,diffie-hellman-group14-sha1,diffie-hellman-group1-sha1",
)

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def build_day_table():
    """'Mon DD' for each day of a non-leap year, day padded like syslog."""
    days = []
    for month, ndays in zip(MONTHS, MONTH_DAYS):
        for d in range(1, ndays + 1):
            days.append("%s %2d" % (month, d))
    return days


def build_attackers(rng, legit):
    """Attacker address pools and cumulative weights.

    IPv4: every usable address of the three documentation /24s that is not
    a legitimate source.  IPv6: 3000 addresses spread over ~2000 /64s of
    2001:db8::/32.  Activity follows a heavy-tailed (Zipf-like) weight, so a
    few addresses are very busy and most show up a handful of times.
    """
    v4 = []
    for net in ("192.0.2.", "198.51.100.", "203.0.113."):
        for host in range(1, 255):
            a = net + str(host)
            if a not in legit:
                v4.append(a)
    rng.shuffle(v4)

    base = int(ipaddress.IPv6Address("2001:db8::"))
    v6 = []
    seen = set(legit)
    prefixes = []
    while len(prefixes) < 2000:
        # 2001:db8:XXXX:YYYY::/64, avoiding 2001:db8:100::/48 (the users').
        hi = rng.getrandbits(16)
        if hi == 0x100:
            continue
        prefixes.append((hi << 16) | rng.getrandbits(16))
    while len(v6) < 3000:
        p = prefixes[rng.randrange(len(prefixes))]
        style = rng.random()
        if style < 0.45:
            iid = rng.randrange(1, 256)             # 2001:db8:a:b::17
        elif style < 0.65:
            iid = rng.getrandbits(16) or 1          # 2001:db8:a:b::1f2e
        else:
            iid = rng.getrandbits(64) or 1          # full SLAAC-ish id
        a = ipaddress.IPv6Address(base | (p << 64) | iid).compressed
        if a not in seen:
            seen.add(a)
            v6.append(a)

    def cum(n):
        out, total = [], 0.0
        for i in range(n):
            total += 1.0 / (i + 1) ** 0.9
            out.append(total)
        return out

    return v4, cum(len(v4)), v6, cum(len(v6))


class Gen:
    def __init__(self, lines, seed, host):
        self.rng = rng = random.Random(seed)
        self.lines = lines
        self.host = host
        self.days = build_day_table()

        legit = set()
        for _, _, addrs in USERS.values():
            legit.update(addrs)
        self.v4, self.v4cum, self.v6, self.v6cum = build_attackers(rng, legit)
        self.fpr = {u: "".join(rng.choice(B64) for _ in range(43)) for u in USERS}
        self.keytype = {u: rng.choice(("ED25519", "ED25519", "RSA", "ECDSA"))
                        for u in USERS}

        self.pid = 1200 + rng.randrange(1000)
        self.logind_pid = 612
        self.session_id = 1 + rng.randrange(40)
        self.seq = 0
        self.heap = []

        # Mean gap between arrivals (campaigns, scanner hits, logins).  About
        # 8.8 lines come from each arrival (measured); cron adds ~1.3% on
        # top.  Plan for SPAN seconds, but never more than one line every 2 s
        # on average, so small files still look like a busy server rather
        # than a quiet one.  END clamps anything that would still overshoot.
        line_gap = min(2.0, SPAN / max(lines, 1))
        self.arrival_gap = line_gap * 8.8

    # -- helpers -------------------------------------------------------

    def next_pid(self):
        self.pid += 1 + int(self.rng.random() * 6)
        if self.pid > 4194304:      # Debian's pid_max on 64-bit
            self.pid = 300 + self.rng.randrange(500)
        return self.pid

    def attacker(self):
        rng = self.rng
        if rng.random() < 0.2:
            return rng.choices(self.v6, cum_weights=self.v6cum)[0]
        return rng.choices(self.v4, cum_weights=self.v4cum)[0]

    def push(self, t, msg):
        if t > END:
            t = END
        self.seq += 1
        heapq.heappush(self.heap, (t, self.seq, msg))

    def push_all(self, t0, items):
        """items: list of (offset_seconds, 'prog[pid]: message')."""
        heap, seq = self.heap, self.seq
        push = heapq.heappush
        for off, msg in items:
            t = t0 + off
            if t > END:
                t = END
            seq += 1
            push(heap, (t, seq, msg))
        self.seq = seq

    # -- scenarios -----------------------------------------------------

    def ssh_prog(self):
        return "sshd-session" if self.rng.random() < 0.15 else "sshd"

    def brute_connection(self, ip, port, mode, user):
        """One sshd connection of a brute-force campaign."""
        rng = self.rng
        p = "%s[%d]: " % (self.ssh_prog(), self.next_pid())
        out = []
        t = 0.0
        ipp = "%s port %d" % (ip, port)
        if mode == "root":
            tries = 6 if rng.random() < 0.3 else 1 + int(rng.random() * 5)
            out.append((t, p + "pam_unix(sshd:auth): authentication failure; logname= uid=0 "
                        "euid=0 tty=ssh ruser= rhost=%s  user=root" % ip))
            t += 0.5 + rng.random() * 2
            for _ in range(tries):
                out.append((t, p + "Failed password for root from %s ssh2" % ipp))
                t += 1.5 + rng.random() * 2
            if tries == 6:
                out.append((t, p + "error: maximum authentication attempts exceeded for root "
                            "from %s ssh2 [preauth]" % ipp))
                out.append((t, p + "Disconnecting authenticating user root %s: Too many "
                            "authentication failures [preauth]" % ipp))
                out.append((t, p + "PAM 5 more authentication failures; logname= uid=0 euid=0 "
                            "tty=ssh ruser= rhost=%s  user=root" % ip))
                out.append((t, p + "PAM service(sshd) ignoring max retries; 6 > 3"))
            else:
                r = rng.random()
                if r < 0.6:
                    out.append((t, p + "Received disconnect from %s:11: Bye Bye [preauth]" % ipp))
                    out.append((t, p + "Disconnected from authenticating user root %s "
                                "[preauth]" % ipp))
                elif r < 0.9:
                    out.append((t, p + "Connection closed by authenticating user root %s "
                                "[preauth]" % ipp))
                else:
                    out.append((t, p + "Connection reset by authenticating user root %s "
                                "[preauth]" % ipp))
                if tries > 1:
                    out.append((t, p + "PAM %d more authentication failure%s; logname= uid=0 "
                                "euid=0 tty=ssh ruser= rhost=%s  user=root"
                                % (tries - 1, "s" if tries > 2 else "", ip)))
        else:  # invalid user
            out.append((t, p + "Invalid user %s from %s" % (user, ipp)))
            t += rng.random()
            if rng.random() < 0.15:
                # client gave up before trying a password
                out.append((t, p + "Connection closed by invalid user %s %s [preauth]"
                            % (user, ipp)))
                return out
            out.append((t, p + "pam_unix(sshd:auth): check pass; user unknown"))
            out.append((t, p + "pam_unix(sshd:auth): authentication failure; logname= uid=0 "
                        "euid=0 tty=ssh ruser= rhost=%s" % ip))
            t += 1.5 + rng.random() * 2
            out.append((t, p + "Failed password for invalid user %s from %s ssh2" % (user, ipp)))
            t += rng.random()
            r = rng.random()
            if r < 0.55:
                out.append((t, p + "Received disconnect from %s:11: Bye Bye [preauth]" % ipp))
                out.append((t, p + "Disconnected from invalid user %s %s [preauth]" % (user, ipp)))
            else:
                out.append((t, p + "Connection closed by invalid user %s %s [preauth]"
                            % (user, ipp)))
        return out

    def campaign(self, t0):
        """A burst of connections from one attacker address."""
        rng = self.rng
        ip = self.attacker()
        r = rng.random()
        mode = "root" if r < 0.35 else ("dict" if r < 0.9 else "mixed")
        n = 1
        while rng.random() < 0.8 and n < 60:
            n += 1
        port = 32768 + rng.randrange(28000)
        t = t0
        for _ in range(n):
            port += 1 + int(rng.random() * 40)
            if port > 60999:
                port = 32768 + rng.randrange(2000)
            m = mode
            if m == "mixed":
                m = "root" if rng.random() < 0.4 else "dict"
            if m == "dict":
                if rng.random() < 0.005:
                    user = ""            # "Invalid user  from ..." happens
                else:
                    user = INVALID_USERS[int(rng.random() * len(INVALID_USERS))]
            else:
                user = "root"
            self.push_all(t, self.brute_connection(ip, port, m, user))
            t += 2 + rng.random() * 12

    def scanner(self, t0):
        """Banner grabbers, old clients, port scanners: one connection."""
        rng = self.rng
        ip = self.attacker()
        port = 1024 + rng.randrange(64000)
        p = "%s[%d]: " % (self.ssh_prog(), self.next_pid())
        ipp = "%s port %d" % (ip, port)
        r = rng.random()
        if r < 0.25:
            items = [(0, p + "Did not receive identification string from %s" % ipp)]
        elif r < 0.40:
            items = [(0, p + "banner exchange: Connection from %s: invalid format" % ipp)]
        elif r < 0.60:
            items = [(0, p + "kex_exchange_identification: Connection closed by remote host"),
                     (0, p + "Connection closed by %s" % ipp)]
        elif r < 0.70:
            items = [(0, p + "error: kex_exchange_identification: read: Connection reset by peer"),
                     (0, p + "Connection reset by %s" % ipp)]
        elif r < 0.90:
            offer = KEX_OFFERS[int(rng.random() * len(KEX_OFFERS))]
            items = [(0, p + "Unable to negotiate with %s: no matching key exchange method "
                      "found. Their offer: %s [preauth]" % (ipp, offer))]
        else:
            items = [(0, p + "Connection closed by %s [preauth]" % ipp)]
        self.push_all(t0, items)

    def login(self, t0):
        """A legitimate SSH session, with sudo/su inside it."""
        rng = self.rng
        user = rng.choices(LEGIT_NAMES, weights=LEGIT_WEIGHTS)[0]
        uid, kind, addrs = USERS[user]
        ip = addrs[int(rng.random() * len(addrs))]
        port = 40000 + rng.randrange(20000)
        ipp = "%s port %d" % (ip, port)
        pid = self.next_pid()
        p = "%s[%d]: " % (self.ssh_prog(), pid)
        lp = "systemd-logind[%d]: " % self.logind_pid
        sid = self.session_id
        self.session_id += 1
        tty = "pts/%d" % int(rng.random() * 4)
        items = []
        t = 0.0
        if kind == "password":
            if rng.random() < 0.1:   # a typo first
                items.append((t, p + "pam_unix(sshd:auth): authentication failure; logname= uid=0 "
                              "euid=0 tty=ssh ruser= rhost=%s  user=%s" % (ip, user)))
                t += 2
                items.append((t, p + "Failed password for %s from %s ssh2" % (user, ipp)))
                t += 3 + rng.random() * 4
            items.append((t, p + "Accepted password for %s from %s ssh2" % (user, ipp)))
        else:
            items.append((t, p + "Accepted publickey for %s from %s ssh2: %s SHA256:%s"
                          % (user, ipp, self.keytype[user], self.fpr[user])))
        items.append((t, p + "pam_unix(sshd:session): session opened for user %s(uid=%d) "
                      "by (uid=0)" % (user, uid)))
        items.append((t, lp + "New session %d of user %s." % (sid, user)))
        if rng.random() < 0.3:
            spid = self.next_pid()
            items.append((t, "systemd[%d]: pam_unix(systemd-user:session): session opened for "
                          "user %s(uid=%d) by (uid=0)" % (spid, user, uid)))
        t += 5 + rng.random() * 60

        # sudo / su while logged in (bob has no sudo rights in this story)
        nsudo = 0 if user == "bob" else int(rng.random() * 4)
        for _ in range(nsudo):
            self.sudo(items, t, user, uid, tty)
            t += 10 + rng.random() * 600
        if user != "bob" and rng.random() < 0.15:
            self.su(items, t, user, uid, tty)
            t += 30 + rng.random() * 900

        t += rng.random() * 3600
        items.append((t, p + "Received disconnect from %s:11: disconnected by user" % ipp))
        items.append((t, p + "Disconnected from user %s %s" % (user, ipp)))
        items.append((t, p + "pam_unix(sshd:session): session closed for user %s" % user))
        items.append((t, lp + "Session %d logged out. Waiting for processes to exit." % sid))
        items.append((t, lp + "Removed session %d." % sid))
        self.push_all(t0, items)

    def sudo(self, items, t, user, uid, tty):
        rng = self.rng
        pid = self.next_pid()
        # Classic rsyslog setups write "sudo:" without a pid; journald-fed
        # ones "sudo[pid]:".  Have both.
        p = "sudo[%d]: " % pid if rng.random() < 0.7 else "sudo: "
        cmd = SUDO_COMMANDS[int(rng.random() * len(SUDO_COMMANDS))]
        pwd = SUDO_PWDS[int(rng.random() * len(SUDO_PWDS))].format(u=user)
        # sudo pads the user name to 8 columns ("%8s : ...").
        who = "%8s" % user
        if rng.random() < 0.08:
            items.append((t, p + "pam_unix(sudo:auth): authentication failure; logname=%s uid=%d "
                          "euid=0 tty=/dev/%s ruser=%s rhost=  user=%s"
                          % (user, uid, tty, user, user)))
            t += 4
            items.append((t, p + "%s : 1 incorrect password attempt ; TTY=%s ; PWD=%s ; "
                          "USER=root ; COMMAND=%s" % (who, tty, pwd, cmd)))
            if rng.random() < 0.5:
                return
            t += 3
        items.append((t, p + "%s : TTY=%s ; PWD=%s ; USER=root ; COMMAND=%s"
                      % (who, tty, pwd, cmd)))
        items.append((t, p + "pam_unix(sudo:session): session opened for user root(uid=0) by "
                      "%s(uid=%d)" % (user, uid)))
        items.append((t + 1 + rng.random() * 20,
                      p + "pam_unix(sudo:session): session closed for user root"))

    def su(self, items, t, user, uid, tty):
        rng = self.rng
        p = "su[%d]: " % self.next_pid()
        svc = "su" if rng.random() < 0.6 else "su-l"
        if rng.random() < 0.1:
            items.append((t, p + "pam_unix(%s:auth): authentication failure; logname=%s uid=%d "
                          "euid=0 tty=/dev/%s ruser=%s rhost=  user=root"
                          % (svc, user, uid, tty, user)))
            items.append((t + 2, p + "FAILED SU (to root) %s on %s" % (user, tty)))
            return
        items.append((t, p + "(to root) %s on %s" % (user, tty)))
        items.append((t, p + "pam_unix(%s:session): session opened for user root(uid=0) by "
                      "%s(uid=%d)" % (svc, user, uid)))
        items.append((t + 60 + rng.random() * 600,
                      p + "pam_unix(%s:session): session closed for user root" % svc))

    def cron(self, t0, minute):
        rng = self.rng
        p = "CRON[%d]: " % self.next_pid()
        if minute % 60 == 17:
            cmd = "cd / && run-parts --report /etc/cron.hourly"
        elif minute % 10 == 0:
            cmd = "command -v debian-sa1 > /dev/null && debian-sa1 1 1"
        else:
            cmd = "/usr/local/bin/backup-check >/dev/null 2>&1"
        self.push_all(t0, [
            (0, p + "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)"),
            (0, p + "(root) CMD (%s)" % cmd),
            (rng.random() * 2, p + "pam_unix(cron:session): session closed for user root"),
        ])

    def arrival(self, t):
        r = self.rng.random()
        if r < 0.23:
            self.campaign(t)
        elif r < 0.94:
            self.scanner(t)
        else:
            self.login(t)

    # -- main loop -----------------------------------------------------

    def run(self, out):
        rng = self.rng
        heap = self.heap
        pop = heapq.heappop
        days = self.days
        host = " " + self.host + " "
        gap2 = 2.0 * self.arrival_gap
        rand = rng.random

        next_arrival = 0.0
        next_cron = 60.0 * 10 + 1      # cron fires at second :01
        cur_sec = -1
        head = ""
        buf = []
        append = buf.append
        left = self.lines
        write = out.write
        first = last = None

        while left > 0:
            top = heap[0][0] if heap else END + 1.0
            # Start whatever is due before the earliest pending line: a cron
            # run (they are on the clock) or a new arrival.  Starting work
            # only pushes lines at or after its start, so output stays sorted.
            if next_cron <= next_arrival:
                if next_cron <= top and next_cron <= END:
                    minute = int(next_cron) // 60
                    if minute % 5 == 0 or minute % 60 == 17:
                        self.cron(next_cron, minute)
                    next_cron += 60.0
                    continue
            elif next_arrival <= top and next_arrival <= END:
                self.arrival(next_arrival)
                next_arrival += rand() * gap2
                continue
            if not heap:
                # out of time with nothing pending: cannot happen with the
                # planned rate, but never loop forever or roll the year.
                raise SystemExit("gen-authlog: ran out of year before %d lines" % self.lines)
            t, _, msg = pop(heap)
            sec = int(t)
            if sec != cur_sec:
                cur_sec = sec
                day, rem = divmod(sec, 86400)
                hh, rem = divmod(rem, 3600)
                mm, ss = divmod(rem, 60)
                head = "%s %02d:%02d:%02d%s" % (days[day], hh, mm, ss, host)
                if first is None:
                    first = head
            append(head)
            append(msg)
            append("\n")
            left -= 1
            if len(buf) >= 196608:
                write("".join(buf))
                buf.clear()
        if buf:
            write("".join(buf))
        last = head
        return first, last


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Deterministic synthetic auth.log (classic syslog format) for benchmarks.")
    ap.add_argument("lines", type=int, help="number of lines to write")
    ap.add_argument("-s", "--seed", type=int, default=DEFAULT_SEED,
                    help="random seed (default %(default)s)")
    ap.add_argument("-o", "--output", default="-",
                    help="output file, '-' for stdout (default)")
    ap.add_argument("--host", default=DEFAULT_HOST,
                    help="syslog host name field (default %(default)s)")
    ap.add_argument("-q", "--quiet", action="store_true",
                    help="no summary on stderr")
    args = ap.parse_args(argv)
    if args.lines < 0:
        ap.error("lines must be >= 0")

    gen = Gen(args.lines, args.seed, args.host)
    if args.output == "-":
        out = open(sys.stdout.fileno(), "w", encoding="ascii", newline="\n",
                   buffering=1 << 20, closefd=False)
    else:
        out = open(args.output, "w", encoding="ascii", newline="\n", buffering=1 << 20)
    try:
        first, last = gen.run(out)
    finally:
        out.close()
    if not args.quiet:
        sys.stderr.write("gen-authlog: %d lines, seed %d, from %s to %s\n"
                         % (args.lines, args.seed,
                            (first or "-").rsplit(" ", 2)[0],
                            (last or "-").rsplit(" ", 2)[0]))


if __name__ == "__main__":
    main()
