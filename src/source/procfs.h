/*
 * A running process as /proc shows it, for attributing a local failure
 * while it is happening (correlate/proctable.h).
 *
 * What is read, and why only that: /proc/PID/stat (parent, name, start
 * time) and the /proc/PID/exe link are answered from the task itself,
 * without the lock on the process's memory; /proc/PID/cmdline reads that
 * memory under the lock (mmap_lock), which a process can keep busy (a page
 * fault on a file that a FUSE server holds up) to stall its reader. So
 * cmdline is read only through ps_procfs_cmdline, which the caller uses for
 * a process that wrote an audit record (privileged: its memory is not the
 * attacker's to stall), never for the chain of parents above it.
 *
 * Under pamsignal.service (ProtectProc=invisible) other processes are not
 * visible: every read then fails with ENOENT and attribution comes from
 * audit records alone.
 */
#ifndef PS_SOURCE_PROCFS_H
#define PS_SOURCE_PROCFS_H

#include <stddef.h>
#include <stdint.h>

#include "util/slice.h"

struct ps_procfs {
	int64_t ppid;
	int64_t start_us; /* when it started, wall clock (boot time + its start ticks) */
	char comm[17];
	size_t comm_n;
	char exe[256];    /* " (deleted)" removed */
	size_t exe_n;     /* 0: unreadable (a kernel thread, or not allowed) */
};

/* Returns 0, or -errno (-ENOENT: no such process, or hidden). */
int ps_procfs_read(int64_t pid, struct ps_procfs *p);

/* The command line, NUL-separated arguments as the process set them, cut at size. Returns its length or -errno. */
int ps_procfs_cmdline(int64_t pid, char *buf, size_t size);

/* The root of the tree to read: "/proc", or another for tests. Not copied. */
void ps_procfs_set_root(const char *root);

#endif
