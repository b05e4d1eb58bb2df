/*
 * A channel's persistent queue: STATE_DIR/spool/NAME.q, append-only.
 *
 *   "+" SEQ SP QUEUED_US SP ID SP LEN SP CRC32 "\n" BODY "\n"   an item queued
 *   "-" SEQ "\n"                                               an item finished
 *                                                             (sent, dead-lettered or merged)
 *
 * Appends are collected in memory and written and fdatasync'ed by
 * ps_spool_sync(), which only the delivery thread calls: the ingestion
 * thread never waits on the disk. Opening reads the file back, keeps the
 * items not finished, in order, and cuts a torn or corrupt tail (a crash
 * in the middle of an append: its CRC or length does not match) at the
 * last whole record, then rewrites the file with only what is pending.
 * The file is emptied whenever the queue is.
 */
#ifndef PS_SINK_DELIVER_SPOOL_H
#define PS_SINK_DELIVER_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "sink/deliver/alert.h"

#define PS_SPOOL_MAX (256u * 1024 * 1024) /* larger files are not read back whole */

struct ps_spool;

struct ps_spool_item {
	uint64_t seq;
	int64_t queued_us;
	const char *id;   /* borrowed for the callback's duration */
	const char *body;
	size_t len;
};

typedef void (*ps_spool_item_fn)(const struct ps_spool_item *it, void *arg);

/*
 * Open (creating) path, calling fn for every pending item in order.
 * *next_seq is one past the highest sequence seen; *cut the bytes of torn
 * tail removed. Returns 0 or -errno.
 */
int ps_spool_open(struct ps_spool **s, const char *path, ps_spool_item_fn fn, void *arg, uint64_t *next_seq,
		  size_t *cut);
void ps_spool_close(struct ps_spool *s);

void ps_spool_add(struct ps_spool *s, uint64_t seq, int64_t queued_us, const char *id, const char *body,
		  size_t len);
void ps_spool_done(struct ps_spool *s, uint64_t seq);
/* Write what was added and done; fdatasync if items were added (a "done"
 * record alone is not worth a disk flush: losing it only repeats the item).
 * 0, or -errno (kept for the next call). */
int ps_spool_sync(struct ps_spool *s);
/* Nothing is pending any more: empty the file (after a sync). */
int ps_spool_clear(struct ps_spool *s);
/* Rewrite the file with only the items still pending (after a sync), as
 * opening does: for a queue that never empties, whose file would
 * otherwise only grow. Reads the file back; 0 or -errno. */
int ps_spool_compact(struct ps_spool *s);

#endif
