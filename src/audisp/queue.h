/*
 * The plugin's bounded queue: records waiting for the daemon, in one fixed
 * byte ring allocated at start (nothing per record). When a record does
 * not fit, the oldest ones are dropped to make room and counted: auditd
 * must never wait for pamsignal, and the newest records matter most.
 */
#ifndef PS_AUDISP_QUEUE_H
#define PS_AUDISP_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ps_audisp_queue {
	unsigned char *buf;
	size_t cap;       /* bytes in buf */
	size_t head;      /* where the oldest record's length starts */
	size_t used;      /* bytes in use: a 4-byte length before each record */
	size_t count;     /* records queued */
	uint64_t dropped; /* records thrown away, not yet reported */
};

/* cap: bytes of memory, at least one record's room. Returns 0 or -ENOMEM/-EINVAL. */
int ps_audisp_queue_init(struct ps_audisp_queue *q, size_t cap);
void ps_audisp_queue_free(struct ps_audisp_queue *q);

/* Queue a record of n bytes, dropping the oldest ones (counted) while it
 * does not fit; one larger than the whole queue is itself dropped. */
void ps_audisp_queue_push(struct ps_audisp_queue *q, const void *rec, size_t n);

/* Copy the oldest record into out (cap bytes, at least PS_AUDISP_MAX);
 * returns its length, or 0 when the queue is empty. */
size_t ps_audisp_queue_peek(const struct ps_audisp_queue *q, void *out, size_t cap);
/* Remove the oldest record (after it was sent). */
void ps_audisp_queue_pop(struct ps_audisp_queue *q);

#endif
