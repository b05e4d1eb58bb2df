/*
 * A state file written by a forked child, so that the loop never waits for
 * it: serialising the detector's full state takes a fifth of a second
 * (64 MB of tables, 21 MB of text), and ingestion must not stop for that.
 *
 * The child is a copy of the process at the fork: it writes what memory
 * held at that moment however the parent's data changes meanwhile (the
 * kernel copies a page on the parent's first write to it), so the file is
 * one consistent state. It writes as checkpoints do (ps_checkpoint_replace:
 * temporary file, fsync, rename, fsync of the directory) and exits; only
 * the fork itself, a copy of the page tables, blocks the caller. The child
 * dies with its parent, so no writer left over from a crash can replace
 * what the next daemon saves.
 *
 * In the child only fill() runs, then _exit(): it must not take locks
 * other threads may have held at the fork (malloc and stdio are safe with
 * glibc, which resets theirs in the child).
 */
#ifndef PS_DAEMON_FORKSAVE_H
#define PS_DAEMON_FORKSAVE_H

#include <stdbool.h>
#include <sys/types.h>

#include "daemon/checkpoint.h"

/*
 * Start a child writing path with fill(fd, arg). *pid: the child; *pidfd:
 * a descriptor that becomes readable when it exits (close-on-exec, the
 * caller's to close), or -1 if the kernel has none (then poll with
 * ps_forksave_wait). Returns 0 or -errno (fork failed: nothing started).
 */
int ps_forksave_start(const char *path, ps_checkpoint_fill_fn *fill, void *arg, pid_t *pid, int *pidfd);

/*
 * The child's result once it has ended, reaping it: 0 (written), a
 * negative errno (what failed), or -ECANCELED (killed by a signal).
 * Returns 1 while it runs (block: waits instead).
 */
int ps_forksave_wait(pid_t pid, bool block);

#endif
