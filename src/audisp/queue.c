#include "audisp/queue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define HDR 4

int ps_audisp_queue_init(struct ps_audisp_queue *q, size_t cap)
{
	memset(q, 0, sizeof(*q));
	if (cap < HDR + 1)
		return -EINVAL;
	if (!(q->buf = malloc(cap)))
		return -ENOMEM;
	q->cap = cap;
	return 0;
}

void ps_audisp_queue_free(struct ps_audisp_queue *q)
{
	free(q->buf);
	memset(q, 0, sizeof(*q));
}

/* The ring's bytes at pos, n of them, copied in or out across its end. */
static void put(struct ps_audisp_queue *q, size_t pos, const void *src, size_t n)
{
	size_t first = q->cap - pos < n ? q->cap - pos : n;
	memcpy(q->buf + pos, src, first);
	memcpy(q->buf, (const unsigned char *)src + first, n - first);
}

static void get(const struct ps_audisp_queue *q, size_t pos, void *dst, size_t n)
{
	size_t first = q->cap - pos < n ? q->cap - pos : n;
	memcpy(dst, q->buf + pos, first);
	memcpy((unsigned char *)dst + first, q->buf, n - first);
}

static uint32_t oldest_len(const struct ps_audisp_queue *q)
{
	uint32_t n;
	get(q, q->head, &n, HDR);
	return n;
}

void ps_audisp_queue_pop(struct ps_audisp_queue *q)
{
	if (!q->count)
		return;
	size_t n = HDR + oldest_len(q);
	q->head = (q->head + n) % q->cap;
	q->used -= n;
	if (--q->count == 0)
		q->head = q->used = 0;
}

void ps_audisp_queue_push(struct ps_audisp_queue *q, const void *rec, size_t n)
{
	if (n > UINT32_MAX || n > q->cap - HDR) {
		q->dropped++;
		return;
	}
	while (q->cap - q->used < HDR + n) {
		ps_audisp_queue_pop(q);
		q->dropped++;
	}
	uint32_t len = (uint32_t)n;
	size_t tail = (q->head + q->used) % q->cap;
	put(q, tail, &len, HDR);
	put(q, (tail + HDR) % q->cap, rec, n);
	q->used += HDR + n;
	q->count++;
}

size_t ps_audisp_queue_peek(const struct ps_audisp_queue *q, void *out, size_t cap)
{
	if (!q->count)
		return 0;
	size_t n = oldest_len(q);
	if (n > cap)
		n = cap; /* cannot happen with cap >= PS_AUDISP_MAX: longer records are never queued */
	get(q, (q->head + HDR) % q->cap, out, n);
	return n;
}
