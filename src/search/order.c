#include "search/order.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Slot buffers up to this size are kept for the next line; larger ones are freed. */
#define KEEP_CAP 2048

struct slot {
	int64_t time_us;
	uint64_t seq;   /* arrival: keeps equal times in log order */
	char *buf;      /* reused: grown, never shrunk */
	size_t len, cap;
};

struct ps_order {
	ps_order_fn fn;
	void *arg;
	struct slot *slots;   /* slots[0..n) hold lines; the rest are spares with buffers */
	size_t n, n_alloc, bytes;
	uint32_t *heap;       /* indexes into slots, a min-heap by (time, seq) */
	uint64_t seq, late;
	int64_t last_out_us;  /* time of the latest line out */
	int error;
};

struct ps_order *ps_order_new(ps_order_fn fn, void *arg)
{
	struct ps_order *o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	o->fn = fn;
	o->arg = arg;
	o->last_out_us = INT64_MIN;
	return o;
}

void ps_order_free(struct ps_order *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->n_alloc; i++)
		free(o->slots[i].buf);
	free(o->slots);
	free(o->heap);
	free(o);
}

static bool before(const struct ps_order *o, uint32_t a, uint32_t b)
{
	const struct slot *x = &o->slots[a], *y = &o->slots[b];
	return x->time_us < y->time_us || (x->time_us == y->time_us && x->seq < y->seq);
}

static void swap(uint32_t *h, size_t i, size_t j)
{
	uint32_t t = h[i];
	h[i] = h[j];
	h[j] = t;
}

static void sift_up(struct ps_order *o, size_t i)
{
	while (i > 0 && before(o, o->heap[i], o->heap[(i - 1) / 2])) {
		swap(o->heap, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void sift_down(struct ps_order *o, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < o->n && before(o, o->heap[l], o->heap[m]))
			m = l;
		if (r < o->n && before(o, o->heap[r], o->heap[m]))
			m = r;
		if (m == i)
			return;
		swap(o->heap, i, m);
		i = m;
	}
}

/* The earliest line out; its slot becomes the free one at heap[n]. */
static void pop(struct ps_order *o)
{
	uint32_t top = o->heap[0];
	struct slot *s = &o->slots[top];
	if (s->time_us < o->last_out_us)
		o->late++;
	else
		o->last_out_us = s->time_us;
	int r = o->fn(ps_str(s->buf, s->len), o->arg);
	if (r < 0 && !o->error)
		o->error = r;
	o->bytes -= s->len;
	if (s->cap > KEEP_CAP) { /* kept, big buffers would outgrow the byte bound */
		free(s->buf);
		s->buf = NULL;
		s->cap = 0;
	}
	o->n--;
	o->heap[0] = o->heap[o->n];
	o->heap[o->n] = top;
	sift_down(o, 0);
}

/* A slot for the next line: a spare (heap[n]) or a new one. */
static int take_slot(struct ps_order *o, uint32_t *idx)
{
	if (o->n < o->n_alloc) {
		*idx = o->heap[o->n];
		return 0;
	}
	size_t want = o->n_alloc ? 2 * o->n_alloc : 64;
	if (want > PS_ORDER_MAX_LINES + 1)
		want = PS_ORDER_MAX_LINES + 1;
	struct slot *s = realloc(o->slots, want * sizeof(*s));
	if (!s)
		return -ENOMEM;
	o->slots = s;
	uint32_t *h = realloc(o->heap, want * sizeof(*h));
	if (!h)
		return -ENOMEM;
	o->heap = h;
	for (size_t i = o->n_alloc; i < want; i++) {
		o->slots[i] = (struct slot){ 0 };
		o->heap[i] = (uint32_t)i;
	}
	o->n_alloc = want;
	*idx = o->heap[o->n];
	return 0;
}

int ps_order_add(struct ps_order *o, int64_t time_us, struct ps_str line)
{
	uint32_t idx;
	int r = take_slot(o, &idx);
	if (r < 0)
		return r;
	struct slot *s = &o->slots[idx];
	if (s->cap < line.n) {
		size_t cap = line.n < 256 ? 256 : line.n;
		char *b = realloc(s->buf, cap);
		if (!b)
			return -ENOMEM;
		s->buf = b;
		s->cap = cap;
	}
	if (line.n)
		memcpy(s->buf, line.p, line.n);
	s->len = line.n;
	s->time_us = time_us;
	s->seq = o->seq++;
	o->bytes += line.n;
	o->heap[o->n] = idx;
	sift_up(o, o->n++);
	while (o->n > PS_ORDER_MAX_LINES || (o->bytes > PS_ORDER_MAX_BYTES && o->n > 1))
		pop(o);
	r = o->error;
	o->error = 0;
	return r;
}

int ps_order_drain(struct ps_order *o)
{
	while (o->n > 0)
		pop(o);
	int r = o->error;
	o->error = 0;
	return r;
}

uint64_t ps_order_late(const struct ps_order *o)
{
	return o->late;
}
