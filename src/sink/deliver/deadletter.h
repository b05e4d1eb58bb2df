/*
 * The dead-letter log, STATE_DIR/deadletter.jsonl: one JSON line per item
 * that will not be delivered (refused for good, or still undelivered
 * after the channel's max_age), saying why; queue.c writes the lines.
 * Rotated by size like the event log: once a write would take it past
 * max_size, it becomes deadletter.jsonl.1, the older ones move up to
 * .keep and the oldest is deleted (keep 0: the file is simply emptied).
 * Only the delivery thread writes it, and each write is fdatasync'ed
 * before the items leave their spool.
 */
#ifndef PS_SINK_DELIVER_DEADLETTER_H
#define PS_SINK_DELIVER_DEADLETTER_H

#include <stddef.h>
#include <stdint.h>

struct ps_deadletter {
	char *path;        /* owned */
	int fd;            /* -1: not open yet (opened on first use) */
	uint64_t size, max_size;
	unsigned keep;
};

/* Nothing is opened yet. 0 or -ENOMEM. */
int ps_deadletter_init(struct ps_deadletter *dl, const char *state_dir, uint64_t max_size, unsigned keep);
/* Append whole lines (rotating first if need be) and sync. 0 or -errno. */
int ps_deadletter_write(struct ps_deadletter *dl, const char *lines, size_t len);
void ps_deadletter_close(struct ps_deadletter *dl);

#endif
