/*
 * Who is behind a local authentication failure: the process that failed
 * and its parents, for an auth_failure with no remote host (su or sudo
 * with a wrong password, a service or a cron job failing PAM).
 *
 * The audit record of the failure names the process (pid=, exe=). Its
 * parents come from the processes audit records showed recently: every
 * kernel event with a SYSCALL record (an execve rule's, any other rule's)
 * says a pid's parent, name, executable and, with EXECVE or PROCTITLE, its
 * command line; the table keeps the latest of each pid. Live (the daemon
 * reading the audit log as it is written), a process the records do not
 * show is read from /proc while it still runs (source/procfs.h: parent,
 * name and executable; the command line only for the failing process
 * itself).
 *
 * Checks against a pid reused by another process: the failing process
 * must have the record's executable; a parent must have been seen (audit)
 * or started (/proc) no later than its child; /proc is read only for a
 * record at most 10 s old. Still a heuristic: each parent says where it
 * came from (via "audit" or "proc").
 *
 * Bounded: the table holds PS_PROCTABLE_CAP processes, the least recently
 * seen evicted first; text is cut (exe 192 bytes, cmdline 384); the chain
 * is PS_PROC_DEPTH long at most, ends at pid 1. Nothing blocks: a lookup
 * is a hash probe, a /proc read a few small reads of procfs.
 */
#ifndef PS_CORRELATE_PROCTABLE_H
#define PS_CORRELATE_PROCTABLE_H

#include <stdbool.h>

#include "decode/audit.h"
#include "event/event.h"

#define PS_PROCTABLE_CAP 2048

struct ps_proctable;

struct ps_proctable *ps_proctable_new(void);
void ps_proctable_free(struct ps_proctable *t);

/* A process a kernel event showed. */
void ps_proctable_put(struct ps_proctable *t, const struct ps_audit_proc *p);

/*
 * When ev is a local auth_failure (no address, no remote host, a pid):
 * fill in ppid, cmdline and parents. ev's new fields point into the table
 * and into t's scratch: valid until the next call on t. live: also read
 * /proc, with now_us the wall clock. Returns whether anything was added.
 */
bool ps_proctable_attribute(struct ps_proctable *t, struct ps_event *ev, bool live, int64_t now_us);

#endif
