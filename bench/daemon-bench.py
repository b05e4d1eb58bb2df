#!/usr/bin/env python3
"""Measuring helpers for bench/daemon-*.sh (standard library only).

    daemon-bench.py latency   one event at a time: send to /dev/log, wait
                              until the line shows up in the event log (or
                              on a follower's stdout); per-event latencies
    daemon-bench.py flood     as many entries as journald takes, from
                              several processes, while sampling journald's
                              sequence number, the event log, and the CPU
                              time of the processes watched
    daemon-bench.py burst     N entries as fast as possible, then wait until
                              the event log has them all
    daemon-bench.py logins    N logins from N processes (sshd's two lines
                              each) plus logind's "New session" line
    daemon-bench.py seqnum    journald's last sequence number
    daemon-bench.py proc      a process's (and its threads') counters

What is sent is what `logger -t sshd` sends: one syslog datagram
("<38>Mon DD HH:MM:SS sshd[PID]: MESSAGE", auth.info) on /dev/log. Every
message is an sshd line that decodes to an event, with a unique marker as
the user name ("Failed password for invalid user MARK from 203.0.113.X port
P ssh2"). Only documentation addresses are used.
"""
import argparse
import bisect
import ctypes
import ipaddress
import math
import multiprocessing
import os
import random
import re
import select
import shlex
import socket
import struct
import subprocess
import sys
import time

DEV_LOG = "/dev/log"
CLK_TCK = os.sysconf("SC_CLK_TCK")
IN_MODIFY = 0x2


def die(msg):
    print(f"daemon-bench: {msg}", file=sys.stderr)
    sys.exit(2)


def syslog_ts():
    return time.strftime("%b %e %H:%M:%S")


def dgram(ident, msg, pid=None):
    """One datagram as logger sends it (RFC 3164 framing, auth.info)."""
    return f"<38>{syslog_ts()} {ident}[{pid if pid is not None else os.getpid()}]: {msg}".encode()


def failed_password(marker, i):
    return (f"Failed password for invalid user {marker} from 203.0.113.{1 + i % 254} "
            f"port {1024 + i % 60000} ssh2")


def needle(marker):
    """What identifies the line of this marker, in the event log's JSON and in journalctl's output."""
    return f"user {marker} from ".encode()


def connect_devlog():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.connect(DEV_LOG)
    return s


# ---- /proc --------------------------------------------------------------

def cpu_ticks(pid):
    """utime+stime of a process (all its threads), in clock ticks; None if gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            s = f.read()
    except OSError:
        return None
    fields = s[s.rindex(b")") + 2:].split()
    return int(fields[11]) + int(fields[12])


def runq_ns(pid):
    """Time the process's threads spent runnable but waiting for a CPU
    (/proc/PID/task/*/schedstat, second field), in ns; None if gone."""
    total = 0
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return None
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[1])
        except (OSError, IndexError, ValueError):
            pass
    return total


def status_kb(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def ctxt_switches(pid):
    """voluntary+nonvoluntary context switches summed over all threads."""
    total = 0
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return None
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:")):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


# ---- journald's sequence number ------------------------------------------
#
# The journal file's header holds tail_entry_seqnum at byte 160 (systemd's
# journal-def.h). journald numbers every entry it stores with one counter,
# so the difference between two readings is how many entries it stored in
# between (ours and anyone else's). The file is the system.journal journald
# has open (it changes when journald rotates).

def journald_pid():
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open(f"/proc/{p}/comm") as f:
                if f.read().strip() != "systemd-journal":
                    continue
            with open(f"/proc/{p}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    continue
        except OSError:
            continue
        return int(p)
    return None


def journal_file(jpid):
    for fd in os.listdir(f"/proc/{jpid}/fd"):
        try:
            target = os.readlink(f"/proc/{jpid}/fd/{fd}")
        except OSError:
            continue
        if target.endswith("/system.journal"):
            return target
    return None


def seqnum(jpid):
    path = journal_file(jpid)
    if not path:
        return None
    try:
        with open(path, "rb") as f:
            f.seek(160)
            return struct.unpack("<Q", f.read(8))[0]
    except OSError:
        return None


# ---- watching the event log or a follower's output ------------------------

class FileWatch:
    """New complete lines of a growing file, woken by inotify (IN_MODIFY)."""

    def __init__(self, path):
        libc = ctypes.CDLL(None, use_errno=True)
        self.ifd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.ifd < 0:
            die("inotify_init1: " + os.strerror(ctypes.get_errno()))
        if libc.inotify_add_watch(self.ifd, path.encode(), IN_MODIFY) < 0:
            die(f"inotify_add_watch {path}: " + os.strerror(ctypes.get_errno()))
        self.fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        os.lseek(self.fd, 0, os.SEEK_END)
        self.rest = b""
        self.poll_fd = self.ifd

    def read(self):
        try:
            while os.read(self.ifd, 65536):
                pass
        except BlockingIOError:
            pass
        chunks = [self.rest]
        while True:
            b = os.read(self.fd, 1 << 20)
            if not b:
                break
            chunks.append(b)
        data = b"".join(chunks)
        cut = data.rfind(b"\n") + 1
        self.rest = data[cut:]
        return data[:cut]


class PipeWatch:
    """New complete lines on a follower's stdout."""

    def __init__(self, fd):
        self.fd = fd
        os.set_blocking(fd, False)
        self.rest = b""
        self.poll_fd = fd

    def read(self):
        chunks = [self.rest]
        try:
            while True:
                b = os.read(self.fd, 1 << 20)
                if not b:
                    break
                chunks.append(b)
        except BlockingIOError:
            pass
        data = b"".join(chunks)
        cut = data.rfind(b"\n") + 1
        self.rest = data[cut:]
        return data[:cut]


def percentile(sorted_vals, p):
    """Nearest rank."""
    if not sorted_vals:
        return float("nan")
    k = max(1, math.ceil(p / 100 * len(sorted_vals)))
    return sorted_vals[k - 1]


def summary(label, lat):
    """One TSV line: label, n, timeouts, p50, p90, p99, max, mean (ms)."""
    ok = sorted(v for v in lat if v is not None)
    ms = lambda ns: f"{ns / 1e6:.2f}"
    nan = float("nan")
    return (f"{label}\t{len(lat)}\t{len(lat) - len(ok)}\t{ms(percentile(ok, 50))}\t{ms(percentile(ok, 90))}\t"
            f"{ms(percentile(ok, 99))}\t{ms(ok[-1] if ok else nan)}\t{ms(sum(ok) / len(ok) if ok else nan)}")


def write_raw(path, columns):
    """Per-event latencies in µs, one column per series."""
    if not path:
        return
    names = list(columns)
    with open(path, "w") as f:
        f.write("i\t" + "\t".join(f"{n}_us" for n in names) + "\n")
        for i in range(len(columns[names[0]])):
            vals = [columns[n][i] for n in names]
            f.write(f"{i}\t" + "\t".join("timeout" if v is None else f"{v / 1000:.1f}" for v in vals) + "\n")


def wait_ready(sock, watch, poller, tag, timeout):
    """A reader that just started may not watch the journal yet: send a
    warm-up entry every second until one of them arrives."""
    want = f"user {tag}w".encode()
    t_end = time.monotonic() + timeout
    k = 0
    while time.monotonic() < t_end:
        sock.send(dgram("sshd", failed_password(f"{tag}w{k}", k)))
        k += 1
        t_next = time.monotonic() + 1
        while time.monotonic() < t_next:
            if poller.poll(max(1, int((t_next - time.monotonic()) * 1000))) and want in watch.read():
                time.sleep(0.6)    # let journald's notice of it pass
                watch.read()
                return
    die(f"no warm-up entry reached the reader within {timeout:.0f} s: is it running?")


class JournalNotes:
    """When journald tells readers that the journal changed: the IN_MODIFY
    on the system.journal it has open (it ftruncate()s the file to its own
    size, at most every 250 ms; readers cannot see an entry earlier)."""

    def __init__(self):
        jpid = journald_pid()
        self.path = journal_file(jpid) if jpid else None
        if not self.path:
            die("cannot find journald's system.journal")
        libc = ctypes.CDLL(None, use_errno=True)
        self.fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0 or libc.inotify_add_watch(self.fd, self.path.encode(), IN_MODIFY) < 0:
            die(f"inotify on {self.path}: " + os.strerror(ctypes.get_errno()))
        self.times = []

    def drain(self):
        try:
            while os.read(self.fd, 65536):
                pass
        except BlockingIOError:
            pass

    def own_share(self, sent, got):
        """Per entry: from the last notice before the line arrived (and after
        the entry was sent) to its arrival; None when there is none."""
        out = []
        for s0, g in zip(sent, got):
            k = bisect.bisect_right(self.times, g) - 1 if g is not None else -1
            out.append(g - self.times[k] if k >= 0 and self.times[k] >= s0 else None)
        return out


def open_loop(sock, watch, poller, tag, count, gap_ms, timeout, notes=None):
    """Send one entry every gap_ms, whether or not the earlier ones arrived;
    note when each shows up. Returns (sent, got) in ns (got None: not seen)."""
    pat = re.compile(rb"user " + tag.encode() + rb"n(\d+) from ")
    sent = [None] * count
    got = [None] * count
    n_got = 0
    gap = int(gap_ms * 1e6)
    if notes:
        notes.drain()
        poller.register(notes.fd, select.POLLIN)
    i = 0
    next_send = time.monotonic_ns()
    last_send = None
    while True:
        now = time.monotonic_ns()
        if i < count and now >= next_send:
            data = dgram("sshd", failed_password(f"{tag}n{i}", i))
            t0 = time.monotonic_ns()
            sock.send(data)
            sent[i] = last_send = t0
            i += 1
            next_send += gap
            continue
        if i >= count and (n_got == count or now - last_send > timeout * 1e9):
            break
        until = next_send if i < count else last_send + int(timeout * 1e9)
        ready = poller.poll(max(0, math.ceil((until - now) / 1e6)))
        if not ready:
            continue
        t1 = time.monotonic_ns()
        for fd, _ in ready:
            if notes and fd == notes.fd:
                notes.drain()
                notes.times.append(t1)
                continue
            for m in pat.finditer(watch.read()):
                k = int(m.group(1))
                if k < count and got[k] is None and sent[k] is not None:
                    got[k] = t1
                    n_got += 1
    if notes:
        poller.unregister(notes.fd)
    return sent, got


def isolated(sock, watch, poller, tag, count, pause_ms, timeout, pause_first=False, jitter=0.5):
    """One entry at a time: send, wait until it shows up, pause, next
    (pause_first: pause before each entry, the first included). Pauses are
    pause_ms times 1 - jitter .. 1 + jitter."""
    rng = random.Random(1105)
    lat = []
    for i in range(count):
        if pause_first:
            time.sleep(pause_ms / 1000 * (1 - jitter + 2 * jitter * rng.random()))
        want = needle(f"{tag}i{i}")
        data = dgram("sshd", failed_password(f"{tag}i{i}", i))
        t0 = time.monotonic_ns()
        sock.send(data)
        deadline = t0 + int(timeout * 1e9)
        got = None
        while got is None:
            left = (deadline - time.monotonic_ns()) / 1e6
            if left <= 0:
                break
            if poller.poll(math.ceil(left)):
                t1 = time.monotonic_ns()
                if want in watch.read():
                    got = t1
        lat.append(None if got is None else got - t0)
        if pause_first:
            continue
        # A fixed period would lock onto the phase of journald's timer
        # (below): pause between 0.5 and 1.5 times pause_ms instead.
        time.sleep(pause_ms / 1000 * (0.5 + rng.random()))
    return lat


def journald_isolated(sock, count, pause_ms, timeout):
    """journald alone, one entry at a time: when it has stored the entry
    (the journal header's tail seqnum moves: checked in a tight loop) and
    when it tells readers (the IN_MODIFY every sd-journal reader waits
    for, which journald makes by ftruncate()ing the file to its own size)."""
    jpid = journald_pid()
    path = journal_file(jpid) if jpid else None
    if not path:
        die("cannot find journald's system.journal")
    libc = ctypes.CDLL(None, use_errno=True)
    ifd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
    if ifd < 0 or libc.inotify_add_watch(ifd, path.encode(), IN_MODIFY) < 0:
        die(f"inotify on {path}: " + os.strerror(ctypes.get_errno()))
    jfd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    poller = select.poll()
    poller.register(ifd, select.POLLIN)
    seq = lambda: struct.unpack("<Q", os.pread(jfd, 8, 160))[0]

    def drain():
        try:
            while os.read(ifd, 65536):
                pass
        except BlockingIOError:
            pass

    rng = random.Random(1105)
    stored, notified = [], []
    for i in range(count):
        data = dgram("sshd", failed_password(f"jn{i}", i))
        drain()
        s0 = seq()
        t0 = time.monotonic_ns()
        sock.send(data)
        deadline = t0 + int(timeout * 1e9)
        t_st = t_no = None
        while time.monotonic_ns() < deadline:
            if seq() > s0:
                t_st = time.monotonic_ns()
                break
        while t_st is not None:
            left = (deadline - time.monotonic_ns()) / 1e6
            if left <= 0:
                break
            if poller.poll(math.ceil(left)):
                t_no = time.monotonic_ns()
                break
        stored.append(None if t_st is None else t_st - t0)
        notified.append(None if t_no is None else t_no - t0)
        time.sleep(pause_ms / 1000 * (0.5 + rng.random()))
    os.close(jfd)
    os.close(ifd)
    return stored, notified


def cmd_latency(a):
    sock = connect_devlog()
    if a.journald:
        stored, notified = journald_isolated(sock, a.count, a.gap_ms, a.timeout)
        write_raw(a.raw, {"stored": stored, "notified": notified})
        print(summary("journald stored", stored))
        print(summary("journald notifies readers", notified))
        return
    follower = None
    if a.eventlog:
        watch = FileWatch(a.eventlog)
    else:
        follower = subprocess.Popen(shlex.split(a.follow), stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        watch = PipeWatch(follower.stdout.fileno())
    poller = select.poll()
    poller.register(watch.poll_fd, select.POLLIN)
    try:
        wait_ready(sock, watch, poller, a.tag, 15)
        if a.isolated:
            lat = isolated(sock, watch, poller, a.tag, a.count, a.gap_ms, a.timeout, a.pause_first, a.jitter)
            own = None
        else:
            notes = JournalNotes()
            sent, got = open_loop(sock, watch, poller, a.tag, a.count, a.gap_ms, a.timeout, notes)
            lat = [None if g is None else g - s0 for s0, g in zip(sent, got)]
            own = notes.own_share(sent, got)
    finally:
        if follower:
            follower.terminate()
            follower.wait()
    write_raw(a.raw, {"latency": lat, "after_notice": own} if own else {"latency": lat})
    print(summary(a.label, lat))
    if own:
        print(summary(a.label + " after journald's notice", own))


# ---- flood ---------------------------------------------------------------

def flooder(k, tag, stop_at, counter, stop_flag, end_at):
    sock = connect_devlog()
    pid = os.getpid()
    n = 0
    while True:
        prefix = f"<38>{syslog_ts()} sshd[{pid}]: Failed password for invalid user {tag}p{k}n"
        for _ in range(64):
            sock.send(f"{prefix}{n} from 203.0.113.{1 + n % 254} port {1024 + n % 60000} ssh2".encode())
            n += 1
        with counter.get_lock():
            counter.value += 64
        if stop_flag.value or time.monotonic() >= stop_at:
            break
    with end_at.get_lock():
        end_at.value = max(end_at.value, time.monotonic())


class Sampler:
    def __init__(self, a):
        self.jpid = a.journald_pid or journald_pid()
        self.watch = FileWatch(a.eventlog) if a.eventlog else None
        self.tagb = f"user {a.tag}p".encode()
        self.events = 0
        self.pids = {}
        for spec in a.watch_pid or []:
            name, pid = spec.split("=", 1)
            self.pids[name] = int(pid)
        self.seq0 = seqnum(self.jpid)
        if self.seq0 is None:
            die("cannot read journald's sequence number")
        self.cpu0 = {n: cpu_ticks(p) for n, p in self.pids.items()}
        self.runq0 = {n: runq_ns(p) for n, p in self.pids.items()}

    def sample(self):
        if self.watch:
            self.events += self.watch.read().count(self.tagb)
        s = seqnum(self.jpid)
        cpu = {n: cpu_ticks(p) for n, p in self.pids.items()}
        return (s - self.seq0 if s is not None else -1), self.events, cpu


def cmd_flood(a):
    """Flood for a.seconds; sample every a.interval; then wait for the drain.

    With --eventlog: drained when the event log holds every entry sent
    (checked every 20 ms). Without: when no watched process has used CPU
    for a.quiet seconds (a follower with nothing left to read sleeps)."""
    counter = multiprocessing.Value("q", 0)
    stop_flag = multiprocessing.Value("i", 0)
    end_at = multiprocessing.Value("d", 0.0)
    sm = Sampler(a)
    start = time.monotonic()
    procs = [multiprocessing.Process(target=flooder, args=(k, a.tag, start + a.seconds, counter, stop_flag, end_at))
             for k in range(a.procs)]
    for p in procs:
        p.start()
    rows = []

    def row(now):
        seq, ev, cpu = sm.sample()
        rows.append((now - start, counter.value, seq, ev, cpu))
        return rows[-1]

    next_t = start + a.interval
    while True:  # the flood
        time.sleep(max(0.0, min(next_t, start + a.seconds) - time.monotonic()))
        now = time.monotonic()
        if now >= start + a.seconds:
            for p in procs:
                p.join()
            break
        row(now)
        next_t += a.interval
    t_end = end_at.value
    sent_total = counter.value
    end_row = row(time.monotonic())
    n_during = len(rows)
    # the drain
    last_busy = time.monotonic()
    last_cpu = None
    drained = None
    while True:
        time.sleep(0.02 if sm.watch else 0.01)
        now = time.monotonic()
        if sm.watch:
            sm.events += sm.watch.read().count(sm.tagb)
            if sm.events >= sent_total:
                drained = now
                row(now)
                break
        else:
            key = tuple(cpu_ticks(p) for p in sm.pids.values())
            if key != last_cpu:
                last_busy, last_cpu = now, key
            elif now - last_busy >= a.quiet:
                drained = last_busy
                row(now)
                break
        if now >= next_t:
            row(now)
            next_t += a.interval
        if now - t_end > a.drain_timeout:
            print("daemon-bench: drain timed out", file=sys.stderr)
            row(now)
            break

    names = list(sm.pids)
    with open(a.samples, "w") as f:
        f.write("t_s\tsent\tjournal\tevents\tlag\t" + "\t".join(f"cpu_{n}_s" for n in names) + "\n")
        for t, sent, seq, ev, cpu in rows:
            f.write(f"{t:.3f}\t{sent}\t{seq}\t{ev}\t{max(0, sent - ev) if sm.watch else ''}\t" +
                    "\t".join("" if cpu[n] is None else f"{(cpu[n] - sm.cpu0[n]) / CLK_TCK:.2f}" for n in names) +
                    "\n")

    # key=value summary for the shell
    flood_s = t_end - start
    print(f"sent={sent_total}")
    print(f"flood_s={flood_s:.3f}")
    print(f"journal_at_flood_end={end_row[2]}")
    print(f"journal_final={rows[-1][2]}")
    if sm.watch:
        lags = [max(0, r[1] - r[3]) for r in rows[:n_during]]
        print(f"events_at_flood_end={end_row[3]}")
        print(f"events_final={rows[-1][3]}")
        print(f"lag_max={max(lags)}")
        print(f"lag_at_flood_end={lags[-1]}")
    print(f"drain_s={(drained - t_end) if drained else -1:.2f}")
    print(f"window_s={((drained or time.monotonic()) - start):.3f}")
    for n in names:
        c = rows[-1][4][n]
        print(f"cpu_{n}_s={'' if c is None else f'{(c - sm.cpu0[n]) / CLK_TCK:.2f}'}")
        q = runq_ns(sm.pids[n])
        print(f"runq_{n}_s={'' if q is None or sm.runq0[n] is None else f'{(q - sm.runq0[n]) / 1e9:.2f}'}")


def cmd_wait_events(a):
    """Wait until the event log holds N lines with the tag (from the start of
    the file): flood/burst entries ("user TAGp..."), or with --needle any
    byte string."""
    tagb = (a.needle or f"user {a.tag}p").encode()
    t0 = time.monotonic()
    n = 0
    with open(a.eventlog, "rb") as f:
        rest = b""
        while True:
            b = f.read(1 << 20)
            if b:
                data = rest + b
                cut = data.rfind(b"\n") + 1
                n += data[:cut].count(tagb)
                rest = data[cut:]
                continue
            if n >= a.count:
                break
            if time.monotonic() - t0 > a.timeout:
                print(f"n={n}")
                print(f"wait_s=-1")
                return
            time.sleep(0.01)
    print(f"n={n}")
    print(f"wait_s={time.monotonic() - t0:.3f}")
    print(f"done_epoch={time.time():.6f}")


def cmd_burst(a):
    sock = connect_devlog()
    pid = os.getpid()
    t0 = time.monotonic()
    prefix = f"<38>{syslog_ts()} sshd[{pid}]: Failed password for invalid user {a.tag}p0n"
    for n in range(a.count):
        if n % 1024 == 0:
            prefix = f"<38>{syslog_ts()} sshd[{pid}]: Failed password for invalid user {a.tag}p0n"
        sock.send(f"{prefix}{n} from 198.51.100.{1 + n % 254} port {1024 + n % 60000} ssh2".encode())
    print(f"sent={a.count}")
    print(f"send_s={time.monotonic() - t0:.3f}")


def cmd_logins(a):
    """N logins, each from its own process (sshd's session key is the pid):
    "Accepted password ..." and "pam_unix(sshd:session): session opened ..."
    from the child, "New session N of user U." from this process as logind.
    The sender must be trusted as sshd and systemd-logind in the daemon's
    configuration for these to count as logins (see daemon-footprint.sh)."""
    logind = connect_devlog()
    jpid = journald_pid()
    seq0 = seqnum(jpid)
    if seq0 is None:
        die("cannot read journald's sequence number")
    alive = []
    t0 = time.monotonic()
    for n in range(a.count):
        user = f"{a.tag}u{n}"
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            try:
                s = connect_devlog()
                ip = (f"198.51.100.{1 + n % 254}" if n % 2 else
                      str(ipaddress.IPv6Address(f"2001:db8:{n // 65536:x}:{n % 65536:x}::1")))
                s.send(dgram("sshd", f"Accepted password for {user} from {ip} port {1024 + n % 60000} ssh2"))
                s.send(dgram("sshd", f"pam_unix(sshd:session): session opened for user {user}"
                                     f"(uid={100000 + n}) by (uid=0)"))
                os.write(w, b"x")
                # Stay until journald has read /proc/PID (it does so when it
                # takes the datagram): the parent ends us.
                time.sleep(60)
            finally:
                os._exit(0)
        os.close(w)
        os.read(r, 1)
        os.close(r)
        logind.send(dgram("systemd-logind", f"New session {100000 + n} of user {user}."))
        alive.append(pid)
        if len(alive) >= a.batch:
            reap(alive, jpid, seq0 + 3 * (n + 1), a.linger)
    reap(alive, jpid, seq0 + 3 * a.count, a.linger)
    print(f"logins={a.count}")
    print(f"send_s={time.monotonic() - t0:.3f}")


def reap(pids, jpid, want_seq, linger):
    # journald reads each sender's /proc entry when it takes the datagram:
    # wait until it has stored at least that many entries, and a little more.
    t0 = time.monotonic()
    while (seqnum(jpid) or 0) < want_seq and time.monotonic() - t0 < 10:
        time.sleep(0.01)
    time.sleep(linger)
    for p in pids:
        try:
            os.kill(p, 15)
        except ProcessLookupError:
            pass
    for p in pids:
        os.waitpid(p, 0)
    pids.clear()


def cmd_seqnum(a):
    s = seqnum(a.journald_pid or journald_pid())
    if s is None:
        die("cannot read journald's sequence number")
    print(s)


def cmd_journald_pid(a):
    p = journald_pid()
    if p:
        print(p)


def cmd_proc(a):
    print(f"vmhwm_kb={status_kb(a.pid, 'VmHWM')}")
    print(f"vmrss_kb={status_kb(a.pid, 'VmRSS')}")
    print(f"rssanon_kb={status_kb(a.pid, 'RssAnon')}")
    print(f"rssfile_kb={status_kb(a.pid, 'RssFile')}")
    print(f"ctxt={ctxt_switches(a.pid)}")
    print(f"cpu_ticks={cpu_ticks(a.pid)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)

    p = sub.add_parser("latency")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--eventlog", help="the daemon's event log")
    g.add_argument("--follow", help="a follower command (one string, split like a shell would) whose stdout carries the messages")
    g.add_argument("--journald", action="store_true", help="journald itself: stored, and readers notified (always --isolated)")
    p.add_argument("--isolated", action="store_true", help="one entry at a time (wait for each, then pause --gap-ms)")
    p.add_argument("--pause-first", action="store_true", help="--isolated: pause before each entry, the first too")
    p.add_argument("--jitter", type=float, default=0.5, help="--isolated --pause-first: pauses vary by this share")
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--gap-ms", type=float, default=10, help="open loop: send period; --isolated: pause after each")
    p.add_argument("--timeout", type=float, default=5, help="seconds an entry may take before it counts as lost")
    p.add_argument("--tag", default="lat")
    p.add_argument("--label", default="reader")
    p.add_argument("--raw", help="write per-event latencies (µs) here")
    p.set_defaults(fn=cmd_latency)

    p = sub.add_parser("flood")
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--procs", type=int, default=2)
    p.add_argument("--tag", required=True)
    p.add_argument("--eventlog")
    p.add_argument("--watch-pid", action="append", metavar="NAME=PID")
    p.add_argument("--journald-pid", type=int)
    p.add_argument("--interval", type=float, default=0.5)
    p.add_argument("--quiet", type=float, default=1.0, help="without --eventlog: drained when no watched process used CPU for this long")
    p.add_argument("--drain-timeout", type=float, default=300)
    p.add_argument("--samples", required=True)
    p.set_defaults(fn=cmd_flood)

    p = sub.add_parser("burst")
    p.add_argument("--count", type=int, default=50000)
    p.add_argument("--tag", required=True)
    p.set_defaults(fn=cmd_burst)

    p = sub.add_parser("wait-events")
    p.add_argument("--eventlog", required=True)
    p.add_argument("--tag")
    p.add_argument("--needle")
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--timeout", type=float, default=300)
    p.set_defaults(fn=cmd_wait_events)

    p = sub.add_parser("logins")
    p.add_argument("--count", type=int, default=10000)
    p.add_argument("--tag", required=True)
    p.add_argument("--batch", type=int, default=200)
    p.add_argument("--linger", type=float, default=0.2)
    p.set_defaults(fn=cmd_logins)

    p = sub.add_parser("seqnum")
    p.add_argument("--journald-pid", type=int)
    p.set_defaults(fn=cmd_seqnum)

    p = sub.add_parser("journald-pid")
    p.set_defaults(fn=cmd_journald_pid)

    p = sub.add_parser("proc")
    p.add_argument("pid", type=int)
    p.set_defaults(fn=cmd_proc)

    a = ap.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
