#include "detect/table.h"

#include <stdlib.h>
#include <string.h>

#include "util/slice.h"

/* Slot indices are 1-based: 0 is "none", so a calloc'd bucket array is
 * already all empty and its pages stay untouched until used. */
#define NIL 0u

enum { PROBATION, PROTECTED };

struct slot {
	uint64_t hash;
	int64_t touched;
	uint32_t chain;      /* next slot in the bucket */
	uint32_t prev, next; /* neighbours in the segment's list (prev: newer) */
	uint8_t seg;
	uint8_t live;
};

struct list {
	uint32_t head, tail; /* head: most recently used */
	size_t n;
};

struct ps_table {
	unsigned char *slots; /* (cap + 1) * stride bytes; slot 0 unused */
	uint32_t *buckets;
	size_t cap, stride, key_size, val_size;
	size_t n_buckets, max_buckets; /* grows with the entries, up to max_buckets */
	size_t key_off, val_off;
	uint32_t fresh;       /* next never-used slot */
	uint32_t free_list;   /* removed slots, linked through next */
	struct list seg[2];
	uint64_t evictions;
	const struct ps_sipkey *sip;
	ps_table_hash_fn hash;
};

static size_t round8(size_t n) { return (n + 7) & ~(size_t)7; }

size_t ps_table_entry_cost(size_t key_size, size_t val_size)
{
	/* One bucket per slot (the bucket count is the next power of two, so
	 * up to two): counted as two. */
	return sizeof(struct slot) + round8(key_size) + round8(val_size) + 2 * sizeof(uint32_t);
}

static struct slot *slot(const struct ps_table *t, uint32_t i)
{
	return (struct slot *)(void *)(t->slots + (size_t)i * t->stride);
}

static uint32_t index_of_val(const struct ps_table *t, const void *val)
{
	return (uint32_t)(((const unsigned char *)val - t->val_off - t->slots) / t->stride);
}

static unsigned char *key_of(const struct ps_table *t, uint32_t i) { return t->slots + (size_t)i * t->stride + t->key_off; }
static unsigned char *val_of(const struct ps_table *t, uint32_t i) { return t->slots + (size_t)i * t->stride + t->val_off; }

struct ps_table *ps_table_new(size_t cap, size_t key_size, size_t val_size, const struct ps_sipkey *sip,
			      ps_table_hash_fn hash)
{
	if (cap < 1 || cap >= UINT32_MAX / 2)
		return NULL;
	struct ps_table *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->cap = cap;
	t->key_size = key_size;
	t->val_size = val_size;
	t->key_off = sizeof(struct slot);
	t->val_off = t->key_off + round8(key_size);
	t->stride = t->val_off + round8(val_size);
	for (t->max_buckets = 16; t->max_buckets < cap; t->max_buckets *= 2)
		;
	/* Buckets start few and double with the entries: a table sized for a
	 * flood but holding a few thousand sources stays in the cache. */
	t->n_buckets = 16;
	t->slots = calloc(cap + 1, t->stride);
	t->buckets = calloc(t->n_buckets, sizeof(*t->buckets));
	if (!t->slots || !t->buckets) {
		ps_table_free(t);
		return NULL;
	}
	t->fresh = 1;
	t->sip = sip;
	t->hash = hash;
	return t;
}

void ps_table_free(struct ps_table *t)
{
	if (!t)
		return;
	free(t->slots);
	free(t->buckets);
	free(t);
}

uint64_t ps_table_hash(const struct ps_table *t, const void *key)
{
	return t->hash ? t->hash(t->sip, key) : ps_siphash(t->sip, key, t->key_size);
}

static void list_unlink(struct ps_table *t, uint32_t i)
{
	struct slot *s = slot(t, i);
	struct list *l = &t->seg[s->seg];
	if (s->prev)
		slot(t, s->prev)->next = s->next;
	else
		l->head = s->next;
	if (s->next)
		slot(t, s->next)->prev = s->prev;
	else
		l->tail = s->prev;
	l->n--;
}

static void list_push(struct ps_table *t, uint32_t i, int seg)
{
	struct slot *s = slot(t, i);
	struct list *l = &t->seg[seg];
	s->seg = (uint8_t)seg;
	s->prev = NIL;
	s->next = l->head;
	if (l->head)
		slot(t, l->head)->prev = i;
	else
		l->tail = i;
	l->head = i;
	l->n++;
}

/* Keep the protected segment within 4/5 of the capacity. */
static void balance(struct ps_table *t)
{
	while (t->seg[PROTECTED].n > t->cap - t->cap / 5 && t->seg[PROTECTED].tail) {
		uint32_t i = t->seg[PROTECTED].tail;
		list_unlink(t, i);
		list_push(t, i, PROBATION);
	}
}

/* Found again: promoted to the protected segment, or to its front. Out of
 * line: most finds are of the entry at the front already. */
static __attribute__((noinline)) void promote(struct ps_table *t, uint32_t i)
{
	list_unlink(t, i);
	list_push(t, i, PROTECTED);
	balance(t);
}

void *ps_table_find(struct ps_table *t, const void *key, uint64_t hash, int64_t now)
{
	for (uint32_t i = t->buckets[hash & (t->n_buckets - 1)]; i != NIL; i = slot(t, i)->chain) {
		struct slot *s = slot(t, i);
		if (s->hash != hash || !ps_same_bytes(key_of(t, i), key, t->key_size))
			continue;
		s->touched = now;
		if (s->seg != PROTECTED || t->seg[PROTECTED].head != i)
			promote(t, i);
		return val_of(t, i);
	}
	return NULL;
}

static void unchain(struct ps_table *t, uint32_t i)
{
	uint32_t *p = &t->buckets[slot(t, i)->hash & (t->n_buckets - 1)];
	while (*p != NIL && *p != i)
		p = &slot(t, *p)->chain;
	if (*p == i)
		*p = slot(t, i)->chain;
}

static void drop(struct ps_table *t, uint32_t i)
{
	unchain(t, i);
	list_unlink(t, i);
	slot(t, i)->live = 0;
}

void ps_table_remove(struct ps_table *t, void *val)
{
	uint32_t i = index_of_val(t, val);
	drop(t, i);
	slot(t, i)->next = t->free_list;
	t->free_list = i;
}

/* Double the buckets once there are more entries than buckets. Amortised
 * O(1); if the memory is not there, chains just get longer. */
static void grow(struct ps_table *t)
{
	size_t n = t->n_buckets * 2;
	uint32_t *b = calloc(n, sizeof(*b));
	if (!b)
		return;
	for (uint32_t i = 1; i < t->fresh; i++) {
		struct slot *s = slot(t, i);
		if (!s->live)
			continue;
		s->chain = b[s->hash & (n - 1)];
		b[s->hash & (n - 1)] = i;
	}
	free(t->buckets);
	t->buckets = b;
	t->n_buckets = n;
}

void *ps_table_insert(struct ps_table *t, const void *key, uint64_t hash, int64_t now)
{
	if (ps_table_count(t) >= t->n_buckets && t->n_buckets < t->max_buckets)
		grow(t);
	uint32_t i;
	if (t->free_list) {
		i = t->free_list;
		t->free_list = slot(t, i)->next;
	} else if (t->fresh <= t->cap) {
		i = t->fresh++;
	} else {
		i = t->seg[PROBATION].tail ? t->seg[PROBATION].tail : t->seg[PROTECTED].tail;
		drop(t, i);
		t->evictions++;
	}
	struct slot *s = slot(t, i);
	s->hash = hash;
	s->touched = now;
	s->live = 1;
	memcpy(key_of(t, i), key, t->key_size);
	memset(val_of(t, i), 0, t->val_size);
	uint32_t *b = &t->buckets[hash & (t->n_buckets - 1)];
	s->chain = *b;
	*b = i;
	list_push(t, i, PROBATION);
	return val_of(t, i);
}

void ps_table_protect(struct ps_table *t, void *val)
{
	uint32_t i = index_of_val(t, val);
	list_unlink(t, i);
	list_push(t, i, PROTECTED);
	balance(t);
}

bool ps_table_is_protected(const struct ps_table *t, const void *val)
{
	return slot(t, index_of_val(t, val))->seg == PROTECTED;
}

const void *ps_table_key(const struct ps_table *t, const void *val)
{
	return key_of(t, index_of_val(t, val));
}

int64_t ps_table_touched(const struct ps_table *t, const void *val)
{
	return slot(t, index_of_val(t, val))->touched;
}

void *ps_table_stale(struct ps_table *t, int64_t before)
{
	for (int seg = PROBATION; seg <= PROTECTED; seg++) {
		uint32_t i = t->seg[seg].tail;
		if (i && slot(t, i)->touched < before)
			return val_of(t, i);
	}
	return NULL;
}

void *ps_table_next(const struct ps_table *t, const void *val)
{
	uint32_t i;
	int seg;
	if (!val) {
		i = t->seg[PROBATION].tail;
		seg = PROBATION;
	} else {
		struct slot *s = slot(t, index_of_val(t, val));
		i = s->prev;
		seg = s->seg;
	}
	if (!i && seg == PROBATION)
		i = t->seg[PROTECTED].tail;
	return i ? val_of(t, i) : NULL;
}

void ps_table_clear(struct ps_table *t)
{
	memset(t->buckets, 0, t->n_buckets * sizeof(*t->buckets));
	for (uint32_t i = 1; i < t->fresh; i++)
		slot(t, i)->live = 0;
	memset(t->seg, 0, sizeof(t->seg));
	t->fresh = 1;
	t->free_list = NIL;
}

size_t ps_table_count(const struct ps_table *t) { return t->seg[0].n + t->seg[1].n; }
size_t ps_table_cap(const struct ps_table *t) { return t->cap; }
uint64_t ps_table_evictions(const struct ps_table *t) { return t->evictions; }
