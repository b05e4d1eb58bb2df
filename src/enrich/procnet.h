/*
 * The local end of a live TCP connection, found in /proc: for the live
 * daemon, when sshd did not log "Connection from ... on B port Q"
 * (LogLevel below VERBOSE, the default).
 *
 * The process that logged an sshd line (its pid, from the journal or the
 * syslog tag) holds the connection's socket. So: the socket descriptors
 * among /proc/PID/fd's links, then for each a copy in this process
 * (pidfd_getfd(2), Linux 5.6) and getpeername()/getsockname(): the one
 * whose peer is the client's address and port has the local end. That is
 * a few system calls per descriptor of the process (sshd has a handful):
 * ~40 µs, whatever the size of the machine's socket tables
 * (bench/enrich.sh). The copy is closed at once; the socket is not read.
 *
 * Without pidfd_getfd (an older kernel, no CAP_SYS_PTRACE) or for a /proc
 * other than the real one (tests): the line of /proc/PID/net/tcp (then
 * tcp6) with one of those inodes and that remote end. The kernel writes
 * those tables as text, so this costs ~1 ms per thousand sockets on the
 * machine: the caller rations it (enrich.h). /proc/PID/net is the
 * process's own network namespace, so both hold in containers too.
 *
 * Never waits on the network. Bounded: at most PS_PROCNET_FDS descriptors
 * and PS_PROCNET_LINES lines per table are looked at. Another user's
 * /proc/PID/fd needs root: -EACCES otherwise.
 */
#ifndef PS_ENRICH_PROCNET_H
#define PS_ENRICH_PROCNET_H

#include <stdint.h>

#include "util/ip.h"

#define PS_PROCNET_FDS 64
#define PS_PROCNET_LINES 65536

/*
 * proc: "/proc" (tests pass a directory laid out the same way). Returns 1
 * with *local and *local_port set, 0 when the process holds no such
 * connection (it ended, or the pid is not the one holding it), or a
 * negative errno (the process is gone: -ENOENT; not allowed: -EACCES).
 */
int ps_procnet_local(const char *proc, int64_t pid, const struct ps_ip *remote, int32_t remote_port,
		     struct ps_ip *local, int32_t *local_port);

#endif
