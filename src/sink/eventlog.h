/*
 * The event log: one JSON object per line (the same contract as
 * `pamsignal scan --format json`), rotated by size with a retention count.
 *
 * Lines are collected in memory and written with one write() per batch,
 * never fsync'ed here: durability is the checkpoint's job, off the
 * ingestion path (see daemon/checkpoint.h). A checkpoint records the log's
 * inode and size at the moment its sources' positions were taken; after a
 * crash, ps_eventlog_open cuts the log back to that mark, so events written
 * after it (and any partial last line) are removed and then written again
 * when the sources are re-read from the same positions: every event ends
 * up in the log exactly once.
 */
#ifndef PS_SINK_EVENTLOG_H
#define PS_SINK_EVENTLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event/alert.h"
#include "event/event.h"

struct ps_eventlog_mark {
	uint64_t dev, ino, size; /* ino 0: no mark */
};

struct ps_eventlog;

/*
 * Open (creating the file and its directory) for appending. recover, if
 * not NULL and set, is the last checkpoint's mark: cut back to it as
 * described above. Returns 0 or -errno.
 */
int ps_eventlog_open(struct ps_eventlog **el, const char *path, uint64_t max_size, unsigned keep,
		     const struct ps_eventlog_mark *recover);
void ps_eventlog_close(struct ps_eventlog *el);

void ps_eventlog_add(struct ps_eventlog *el, const struct ps_event *ev);
void ps_eventlog_add_alert(struct ps_eventlog *el, const struct ps_alert *a);
/*
 * Write what was collected, rotating first if it would pass max_size.
 * On error (disk full...) the lines stay collected for the next try, and
 * -errno is returned: the caller must not move its sources' checkpoint.
 */
int ps_eventlog_flush(struct ps_eventlog *el);

/* Where the log ends now (after the last flush). */
void ps_eventlog_get_mark(const struct ps_eventlog *el, struct ps_eventlog_mark *m);

/*
 * File descriptors the checkpoint must fdatasync before it records a
 * mark: a dup of the current log, and every log rotated away since the
 * last call that still exists. *fds is malloc'ed; the array and the
 * descriptors are the caller's from then on. Returns their number or -errno.
 */
int ps_eventlog_sync_fds(struct ps_eventlog *el, int **fds);

#endif
