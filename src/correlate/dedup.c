#include "correlate/dedup.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "util/tsv.h"

#define KEY_BYTES 192 /* compared exactly; beyond that the hash and length decide */
#define NIL UINT32_MAX

struct entry {
	uint64_t hash;
	uint32_t next;        /* bucket chain */
	uint32_t len;          /* of key[] */
	uint32_t full_len;     /* of program + message, uncut */
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

/*
 * FNV-1a from a random seed, over what the entry keeps (the cut key, the
 * pid, the uncut length), so a saved entry hashes the same when loaded.
 * Two lines that differ only past the cut share a key: harmless, as the
 * counts of both still pair up one copy per source.
 */
static uint64_t hash(uint64_t seed, const char *key, size_t len, int64_t pid, size_t full_len)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)key[i]) * 0x100000001b3ULL;
	h = (h ^ (uint64_t)pid) * 0x100000001b3ULL;
	return (h ^ (uint64_t)full_len) * 0x100000001b3ULL;
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

/* The live entry for this key, or NULL. */
static struct entry *find(struct ps_dedup *d, uint64_t h, const char *key, size_t len, int64_t pid,
			  size_t full_len, int64_t now_us)
{
	for (uint32_t i = d->buckets[h & (d->n_buckets - 1)]; i != NIL; i = d->ring[i].next) {
		struct entry *e = &d->ring[i];
		if (e->hash != h || e->pid != pid || e->len != len || e->full_len != full_len ||
		    memcmp(e->key, key, len) != 0)
			continue;
		/* Too old to be the same line: the caller counts afresh. */
		return now_us - e->seen_us > d->window_us ? NULL : e;
	}
	return NULL;
}

/* A new key takes the oldest slot. */
static struct entry *insert(struct ps_dedup *d, uint64_t h, const char *key, size_t len, int64_t pid,
			    size_t full_len, int64_t seen_us)
{
	uint32_t *bucket = &d->buckets[h & (d->n_buckets - 1)];
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
	e->full_len = (uint32_t)full_len;
	e->seen_us = seen_us;
	memcpy(e->key, key, len);
	e->next = *bucket;
	*bucket = idx;
	return e;
}

bool ps_dedup_repeat(struct ps_dedup *d, unsigned source, struct ps_str program, int64_t pid,
		     struct ps_str message, int64_t now_us)
{
	char key[KEY_BYTES];
	size_t len = fill_key(key, program, message);
	size_t full_len = program.n + message.n > UINT32_MAX ? UINT32_MAX : program.n + message.n;
	uint64_t h = hash(d->seed, key, len, pid, full_len);

	if (source >= PS_DEDUP_SOURCES)
		return false;
	struct entry *e = find(d, h, key, len, pid, full_len, now_us);
	if (!e) {
		insert(d, h, key, len, pid, full_len, now_us)->count[source] = 1;
		return false;
	}
	e->seen_us = now_us;
	uint32_t most = 0;
	for (unsigned s = 0; s < PS_DEDUP_SOURCES; s++)
		if (s != source && e->count[s] > most)
			most = e->count[s];
	return e->count[source]++ < most;
}

/* Every source read now has delivered as many copies: forgetting the key changes no answer. */
static bool balanced(const struct entry *e, const char *const *names, size_t n_names)
{
	uint32_t lo = UINT32_MAX, hi = 0;
	for (unsigned s = 0; s < PS_DEDUP_SOURCES && s < n_names; s++) {
		if (!names[s])
			continue;
		if (e->count[s] < lo)
			lo = e->count[s];
		if (e->count[s] > hi)
			hi = e->count[s];
	}
	return lo == hi;
}

void ps_dedup_save(const struct ps_dedup *d, struct ps_out *o, int64_t now_us, const char *const *names,
		   size_t n_names)
{
	for (size_t i = 0; i < d->used; i++) {
		const struct entry *e = &d->ring[i];
		if (now_us - e->seen_us > d->window_us || balanced(e, names, n_names))
			continue;
		ps_out_puts(o, "dedup");
		ps_tsv_put_i64(o, now_us - e->seen_us);
		ps_tsv_put_i64(o, e->pid);
		ps_tsv_put_i64(o, e->full_len);
		ps_tsv_put(o, ps_str(e->key, e->len));
		for (unsigned s = 0; s < PS_DEDUP_SOURCES && s < n_names; s++) {
			if (!names[s] || !e->count[s])
				continue;
			ps_tsv_put(o, ps_cstr(names[s]));
			ps_tsv_put_i64(o, e->count[s]);
		}
		ps_out_putc(o, '\n');
	}
}

int ps_dedup_load_line(struct ps_dedup *d, struct ps_str line, int64_t now_us,
		       int (*source_id)(const char *name, void *arg), void *arg)
{
	char key[KEY_BYTES + 1], name[4096];
	int64_t age, pid, full_len, count;
	struct ps_str f;
	uint32_t counts[PS_DEDUP_SOURCES] = { 0 };

	if (!ps_tsv_take_i64(&line, &age) || age < 0 || !ps_tsv_take_i64(&line, &pid) ||
	    !ps_tsv_take_i64(&line, &full_len) || full_len < 0 || full_len > UINT32_MAX ||
	    !ps_tsv_take(&line, key, sizeof(key), &f) || f.n > KEY_BYTES)
		return -EINVAL;
	size_t len = f.n;
	while (line.p) {
		struct ps_str nf;
		if (!ps_tsv_take(&line, name, sizeof(name), &nf) || !ps_tsv_take_i64(&line, &count) || count < 0 ||
		    count > UINT32_MAX)
			return -EINVAL;
		int id = source_id(name, arg);
		if (id >= 0 && id < PS_DEDUP_SOURCES)
			counts[id] = (uint32_t)count;
	}
	if (age > d->window_us)
		return 0;
	uint64_t h = hash(d->seed, key, len, pid, (size_t)full_len);
	struct entry *e = find(d, h, key, len, pid, (size_t)full_len, now_us);
	if (!e)
		e = insert(d, h, key, len, pid, (size_t)full_len, now_us - age);
	memcpy(e->count, counts, sizeof(counts));
	return 0;
}
