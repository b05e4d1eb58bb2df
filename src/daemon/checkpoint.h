/*
 * Checkpoints: making the event log durable and then recording, in one
 * atomically replaced state file, how far every source has been read.
 *
 * The order is the whole point: fdatasync the event log first, then write
 * the state (temporary file, fsync, rename, fsync of the directory). A
 * state file never names a source position whose events are not on disk.
 *
 * That work runs on its own thread, so no fsync ever sits on the path from
 * a source to the detectors: the loop posts a snapshot (the state text,
 * and the file descriptors to sync) and carries on. A snapshot posted
 * while the previous one is still being written replaces any that is
 * waiting, so checkpoints keep up with the disk and never queue.
 */
#ifndef PS_DAEMON_CHECKPOINT_H
#define PS_DAEMON_CHECKPOINT_H

#include <stdbool.h>
#include <stddef.h>

struct ps_checkpoint;

int ps_checkpoint_start(struct ps_checkpoint **c, const char *state_path);

/* Takes text and the fds array (both malloc'ed; fds may be NULL), and the descriptors (closed once synced). */
void ps_checkpoint_post(struct ps_checkpoint *c, char *text, size_t len, int *fds, size_t nfds);

/* Whether a snapshot is waiting or being written. */
bool ps_checkpoint_busy(struct ps_checkpoint *c);

/* The first error since the last call (0: none); for status and logs. */
int ps_checkpoint_error(struct ps_checkpoint *c);

/* Write whatever is pending, synchronously, and end the thread. */
int ps_checkpoint_stop(struct ps_checkpoint *c);

/*
 * Replace the file at path the same way, synchronously: fill(fd, arg)
 * writes the new text into a temporary file beside it (path.tmp), then
 * fsync, rename, fsync of the directory. Returns 0, fill's negative errno,
 * or the first error of the rest.
 */
typedef int ps_checkpoint_fill_fn(int fd, void *arg);
int ps_checkpoint_replace(const char *path, ps_checkpoint_fill_fn *fill, void *arg);

/* Read the state file into a malloc'ed, NUL-terminated buffer; -ENOENT if none. */
int ps_checkpoint_read(const char *state_path, char **text, size_t *len);

#endif
