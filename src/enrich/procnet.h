/*
 * The local end of a live TCP connection, found in /proc: for the live
 * daemon, when sshd did not log "Connection from ... on B port Q"
 * (LogLevel below VERBOSE, the default).
 *
 * The process that logged an sshd line (its pid, from the journal or the
 * syslog tag) holds the connection's socket. So: the socket inodes among
 * /proc/PID/fd's links, then the line of /proc/PID/net/tcp (and tcp6)
 * with one of those inodes and the client's address and port as its
 * remote end; its local end is the answer. /proc/PID/net is the
 * process's own network namespace, so this holds in containers too.
 *
 * Cost: a directory read of the process's few descriptors and a read of
 * the socket tables up to the matching line, in-kernel work that never
 * waits on the network. Bounded: at most PS_PROCNET_FDS descriptors and
 * PS_PROCNET_LINES lines per table are looked at. Reading another user's
 * /proc/PID/fd needs root (or CAP_SYS_PTRACE): -EACCES otherwise.
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
