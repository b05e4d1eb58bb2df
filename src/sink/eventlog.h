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
 *
 * Every record is sealed into the hash chain (sink/chain.h) as it is
 * added. The chain's head is part of the mark, so the cut back and the
 * chain agree: after a crash the chain continues from the last record the
 * checkpoint saw, exactly where the file was cut. A record that would take
 * its file past max_size starts the next file (which then begins with
 * "prev"); the chain and its seq go on across the rotation.
 */
#ifndef PS_SINK_EVENTLOG_H
#define PS_SINK_EVENTLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event/alert.h"
#include "event/event.h"
#include "sink/chain.h"

struct ps_eventlog_mark {
	uint64_t dev, ino, size; /* ino 0: no mark */
	struct ps_chain_head chain; /* the last record before size (seq 0: none, or not recorded) */
};

struct ps_eventlog;

/*
 * Open (creating the file and its directory) for appending. recover, if
 * not NULL and set, is the last checkpoint's mark: cut back to it as
 * described above. chain: the hashing (keyed or not); the log borrows it
 * until closed. Where the chain goes on is decided here (sink/chain_resume.h);
 * ps_eventlog_note says what was unusual about it. Returns 0 or -errno.
 */
int ps_eventlog_open(struct ps_eventlog **el, const char *path, uint64_t max_size, unsigned keep,
		     const struct ps_eventlog_mark *recover, struct ps_chain *chain);
void ps_eventlog_close(struct ps_eventlog *el);

/* What opening found that an operator should hear about (records missing
 * or changed while the daemon was stopped, a torn last line cut...), or NULL. */
const char *ps_eventlog_note(const struct ps_eventlog *el);
/* The chain's last record so far (written or not). */
void ps_eventlog_head(const struct ps_eventlog *el, struct ps_chain_head *head);

void ps_eventlog_add(struct ps_eventlog *el, const struct ps_event *ev);
void ps_eventlog_add_alert(struct ps_eventlog *el, const struct ps_alert *a);
/*
 * Write what was collected, rotating first if it would pass max_size.
 * On error (disk full...) the lines stay collected for the next try, and
 * -errno is returned: the caller must not move its sources' checkpoint.
 */
int ps_eventlog_flush(struct ps_eventlog *el);

/* Where the log ends after the last flush that wrote everything, and the
 * chain's head there (a failed flush's partial write is past it). */
void ps_eventlog_get_mark(const struct ps_eventlog *el, struct ps_eventlog_mark *m);

/*
 * File descriptors the checkpoint must fdatasync before it records a
 * mark: a dup of the current log, and every log rotated away since the
 * last call that still exists. *fds is malloc'ed; the array and the
 * descriptors are the caller's from then on. Returns their number or -errno.
 */
int ps_eventlog_sync_fds(struct ps_eventlog *el, int **fds);

#endif
