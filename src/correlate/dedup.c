#include "correlate/dedup.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define KEY_BYTES 192 /* compared exactly; beyond that the hash and length decide */
#define NIL UINT32_MAX

struct entry {
	uint64_t hash;
	uint32_t next;        /* bucket chain */
	uint32_t len;
	int64_t pid;
	int64_t seen_us;
	uint32_t count[PS_DEDUP_SOURCES];
	char key[KEY_BYTES];  /* program NUL message, cut */
};

struct ps_dedup {
	struct entry *ring;
	uint32_t *buckets;
	size_t cap, n_buckets, head, used;
	int64_t window_us;
	uint64_t seed;        /* random: nobody can aim collisions at a known hash */
};

/* FNV-1a from a random seed: cheap, and the exact key compare below decides anyway. */
static uint64_t hash(uint64_t seed, struct ps_str a, int64_t pid, struct ps_str b)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;
	for (size_t i = 0; i < a.n; i++)
		h = (h ^ (unsigned char)a.p[i]) * 0x100000001b3ULL;
	h = (h ^ (uint64_t)pid) * 0x100000001b3ULL;
	for (size_t i = 0; i < b.n; i++)
		h = (h ^ (unsigned char)b.p[i]) * 0x100000001b3ULL;
	return h;
}

static size_t fill_key(char *key, struct ps_str program, struct ps_str message)
{
	size_t n = program.n < KEY_BYTES - 1 ? program.n : KEY_BYTES - 1;
	memcpy(key, program.p, n);
	key[n++] = '\0';
	size_t m = message.n < KEY_BYTES - n ? message.n : KEY_BYTES - n;
	memcpy(key + n, message.p, m);
	return n + m;
}

struct ps_dedup *ps_dedup_new(size_t cap, int64_t window_us)
{
	struct ps_dedup *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->cap = cap;
	for (d->n_buckets = 64; d->n_buckets < cap; d->n_buckets *= 2)
		;
	d->ring = calloc(cap, sizeof(*d->ring));
	d->buckets = malloc(d->n_buckets * sizeof(*d->buckets));
	if (!d->ring || !d->buckets) {
		ps_dedup_free(d);
		return NULL;
	}
	memset(d->buckets, 0xff, d->n_buckets * sizeof(*d->buckets));
	d->window_us = window_us;
	if (getrandom(&d->seed, sizeof(d->seed), GRND_NONBLOCK) != sizeof(d->seed))
		d->seed = (uint64_t)(uintptr_t)d ^ 0x9e3779b97f4a7c15ULL;
	return d;
}

void ps_dedup_free(struct ps_dedup *d)
{
	if (!d)
		return;
	free(d->ring);
	free(d->buckets);
	free(d);
}

static void unlink_entry(struct ps_dedup *d, uint32_t idx)
{
	uint32_t *p = &d->buckets[d->ring[idx].hash & (d->n_buckets - 1)];
	while (*p != NIL && *p != idx)
		p = &d->ring[*p].next;
	if (*p == idx)
		*p = d->ring[idx].next;
}

bool ps_dedup_repeat(struct ps_dedup *d, unsigned source, struct ps_str program, int64_t pid,
		     struct ps_str message, int64_t now_us)
{
	char key[KEY_BYTES];
	size_t len = fill_key(key, program, message);
	uint64_t h = hash(d->seed, program, pid, message);
	uint32_t *bucket = &d->buckets[h & (d->n_buckets - 1)];

	if (source >= PS_DEDUP_SOURCES)
		return false;
	for (uint32_t i = *bucket; i != NIL; i = d->ring[i].next) {
		struct entry *e = &d->ring[i];
		if (e->hash != h || e->pid != pid || e->len != len || memcmp(e->key, key, len) != 0)
			continue;
		if (now_us - e->seen_us > d->window_us)
			break; /* too old to be the same line: count afresh below */
		e->seen_us = now_us;
		uint32_t most = 0;
		for (unsigned s = 0; s < PS_DEDUP_SOURCES; s++)
			if (s != source && e->count[s] > most)
				most = e->count[s];
		return e->count[source]++ < most;
	}

	/* A new key takes the oldest slot. */
	uint32_t idx = (uint32_t)d->head;
	if (d->used == d->cap)
		unlink_entry(d, idx);
	else
		d->used++;
	d->head = (d->head + 1) % d->cap;
	struct entry *e = &d->ring[idx];
	memset(e->count, 0, sizeof(e->count));
	e->hash = h;
	e->pid = pid;
	e->len = (uint32_t)len;
	e->seen_us = now_us;
	memcpy(e->key, key, len);
	e->count[source] = 1;
	e->next = *bucket;
	*bucket = idx;
	return false;
}
