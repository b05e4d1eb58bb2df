/*
 * One channel's queue on the delivery thread: its items in order, its
 * spool, its one transfer in flight, its rate limit and retry timer.
 * Internal to delivery.c and queue.c.
 */
#ifndef PS_SINK_DELIVER_QUEUE_H
#define PS_SINK_DELIVER_QUEUE_H

#include <curl/curl.h>
#include <stdio.h>

#include "sink/deliver/deadletter.h"
#include "sink/deliver/delivery.h"
#include "sink/deliver/digest.h"
#include "sink/deliver/exec.h"
#include "sink/deliver/retry.h"
#include "sink/deliver/spool.h"
#include "sink/deliver/transfer.h"

struct qitem {
	struct qitem *next;
	uint64_t seq;
	int64_t queued_us; /* wall clock, for digests */
	struct ps_item a;
};

struct queue {
	const struct ps_channel_config *cfg;
	struct ps_spool *spool;
	struct qitem *head, *tail;
	size_t depth;
	uint64_t next_seq;

	/* the request in flight (or waiting for its retry): the first n_items items */
	CURL *easy;
	bool busy;             /* easy is in the multi handle, or exec's program runs */
	struct ps_exec exec;   /* type exec: the program for the first n_items items */
	size_t n_items;        /* 0: nothing prepared */
	struct ps_digest digest;
	bool is_digest;
	char digest_id[PS_ITEM_ID_MAX + 1];
	struct ps_request req;
	struct ps_response resp;
	unsigned attempt;
	char last_error[96];   /* why the last attempt failed, for the max_age message */
	int64_t next_try_us;   /* monotonic */
	struct ps_bucket bucket;
	bool spool_dirty;
};

/* Context the queues need from the thread. */
struct qctx {
	struct ps_delivery_counters *n; /* the thread's counters (under its lock) */
	CURLM *multi;
	struct ps_deadletter *dl;
	uint64_t rnd;                   /* xorshift state for jitter */
};

/* Append an item (takes a; a is zeroed). False if the queue is full. */
bool ps_queue_push(struct queue *q, struct qctx *c, uint64_t seq, int64_t queued_us, struct ps_item *a);
/*
 * Dead-letter what is older than the channel's max_age, then start the
 * next request (or program) if it is time; returns the monotonic time to
 * look again (INT64_MAX: no need).
 */
int64_t ps_queue_kick(struct queue *q, struct qctx *c, int64_t now_us);
/* The transfer on q->easy ended with res. */
void ps_queue_done(struct queue *q, struct qctx *c, CURLcode res, int64_t now_us);
/* An exec channel's program: move it along (exec.h); returns when to look again. */
int64_t ps_queue_exec_step(struct queue *q, struct qctx *c, int64_t now_us);
/* Its descriptors to wait on (at most PS_EXEC_WAITFDS). */
unsigned ps_queue_waitfds(const struct queue *q, struct curl_waitfd *w);
void ps_queue_free(struct queue *q, struct qctx *c);

#endif
