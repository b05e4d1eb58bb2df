/*
 * One [forward.NAME] on the forward thread: its queue of items in order,
 * its disk queue, its connection and what is written on it. Internal to
 * forward.c and target.c.
 *
 * An item's life: queued (in the list and the spool) → framed into the
 * output buffer → written (its last byte in the kernel: tcp_end known) →
 * acknowledged by the receiver's TCP (popped, spool "done" record). When
 * the connection breaks, every item still in the list goes back to
 * "queued" and is sent again, in order, on the next one.
 */
#ifndef PS_SINK_FORWARD_TARGET_H
#define PS_SINK_FORWARD_TARGET_H

#include <poll.h>
#include <stdatomic.h>

#include "sink/deliver/spool.h"
#include "sink/forward/conn.h"
#include "sink/forward/forward.h"
#include "sink/forward/syslog.h"
#include "util/out.h"

struct fitem {
	struct fitem *next;
	uint64_t seq;       /* in the spool */
	uint64_t app_end;   /* stream offset just past its frame on this connection */
	uint64_t tcp_end;   /* conn.sent once that was written */
	bool mapped;        /* tcp_end is known */
	bool unreadable;    /* not an event or alert: framed as nothing, dropped in turn */
	size_t len;
	char json[];        /* len bytes, no newline */
};

struct target {
	const struct ps_forward_config *cfg;
	SSL_CTX *tls;
	struct ps_syslog_opts opts;
	struct ps_spool *spool;
	uint64_t next_seq;
	bool spool_dirty;
	uint64_t spool_growth;      /* bytes added to the spool since it was last compacted */

	struct fitem *head, *tail;
	struct fitem *unsent;       /* the first item not framed on this connection; NULL: none */
	struct fitem *unmapped;     /* the first framed item whose tcp_end is not known */
	size_t depth;
	uint64_t bytes;             /* of json in the list */

	struct ps_conn conn;
	struct ps_out out;          /* frames not written yet, from out_off */
	size_t out_off;
	uint64_t app_written;       /* bytes of frames written on this connection */
	struct ps_out msg;          /* one message, before framing */
	unsigned attempt;           /* failed connections in a row */
	int64_t next_try_us;        /* monotonic: when to connect again */
	int64_t up_since_us;
	uint32_t rnd;

	struct ps_forward_counters n;   /* the thread's */
	struct ps_forward_counters pub; /* n as last published, under the forwarder's lock */
	short revents;              /* from the last poll */

	/* Shared with the daemon thread: inbox under the forwarder's lock,
	 * queued (inbox + list bytes, the bound) and dropped atomic. */
	struct ps_out inbox;
	struct ps_out taken;        /* the thread's: the last inbox taken */
	_Atomic uint64_t queued;
	_Atomic uint64_t dropped;
};

/* Open the target's TLS context and spool (recovering its items). 0 or -errno (logged). */
int ps_target_open(struct target *t, const struct ps_forward_config *cfg, const char *dir, const char *hostname);
void ps_target_close(struct target *t);

/* Queue one item from the inbox (json[0..len), no newline). */
void ps_target_push(struct target *t, const char *json, size_t len);

/* Connect, write and collect acknowledgements as far as possible now;
 * fill pfd (fd -1: nothing to wait for). Returns the monotonic time to be
 * called again at the latest (INT64_MAX: only when pfd is ready or an item
 * is pushed). */
int64_t ps_target_step(struct target *t, int64_t now_us, struct pollfd *pfd);

/* Write the spool's new records (after pushes, and pops). 0 or -errno (logged). */
int ps_target_sync(struct target *t);

#endif
