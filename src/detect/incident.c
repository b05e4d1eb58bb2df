/* The counting engine most rules share (see internal.h). */
#include <string.h>

#include "detect/internal.h"

size_t ps_det_entry_size(const struct rule_rt *r)
{
	return sizeof(struct entry) + r->ring * sizeof(int64_t) + r->distinct * sizeof(struct set_item) +
	       ((r->ext_size + 7) & ~(size_t)7);
}

static int64_t window_us(const struct rule_rt *r)
{
	return r->window_us;
}

static void reset(const struct rule_rt *r, struct entry *e)
{
	memset(&e->inc, 0, sizeof(e->inc));
	e->ring_pos = e->ring_n = e->set_n = 0;
	memset(ps_det_ext(r, e), 0, r->ext_size);
}

void ps_det_flush_entry(struct ps_detector *d, struct rule_rt *r, struct entry *e)
{
	if (e->inc.alerted_count && e->inc.count > e->inc.alerted_count)
		ps_det_emit(d, r, e, ps_table_key(r->table, e), NULL, true, e->inc.last_us);
}

/*
 * The engine's steps are static, with the exported names as wrappers: in a
 * position-independent build a global function is never inlined, and
 * ps_det_count, which most rules call for every event they count, is then
 * one call instead of four.
 */
static inline __attribute__((always_inline)) struct entry *entry(struct rule_rt *r, const void *key, uint64_t h,
								 int64_t now)
{
	if (!h)
		h = ps_table_hash(r->table, key);
	struct entry *e = ps_table_find(r->table, key, h, now);
	if (!e)
		return ps_table_insert(r->table, key, h, now);
	if (e->inc.count && now - e->inc.last_us > window_us(r))
		reset(r, e); /* that incident is over; this event may start the next */
	return e;
}

static bool set_add(const struct rule_rt *r, struct entry *e, uint64_t elem, int64_t now)
{
	struct set_item *set = ps_det_set(r, e);
	size_t n = e->set_n, hit = n, oldest = 0;
	/* Without early exits: a set is a handful of items, and whether and
	 * where elem is in it is what no branch predictor can guess. The
	 * first match, and the first of the oldest. */
	for (size_t i = n; i-- > 0;)
		hit = set[i].hash == elem ? i : hit;
	for (size_t i = 1; i < n; i++)
		oldest = set[i].seen_us < set[oldest].seen_us ? i : oldest;
	if (hit < n) {
		set[hit].seen_us = now;
		return false;
	}
	/* Full: the thing seen longest ago makes room (it is the first to
	 * leave the window anyway). */
	size_t i = n < r->distinct ? e->set_n++ : oldest;
	set[i] = (struct set_item){ elem, now };
	return true;
}

static inline __attribute__((always_inline)) bool add(struct ps_detector *d, struct rule_rt *r, struct entry *e, const struct ps_event *ev, int64_t now,
		uint32_t weight, uint64_t elem)
{
	struct incident *inc = &e->inc;
	int64_t *ring = ps_det_ring(r, e);
	for (uint32_t i = 0; i < weight && i < r->ring; i++) {
		ring[e->ring_pos] = now;
		if (++e->ring_pos == r->ring) /* no division: this runs for every attempt */
			e->ring_pos = 0;
		if (e->ring_n < r->ring)
			e->ring_n++;
	}
	bool fresh = r->distinct && elem && set_add(r, e, elem, now);
	uint64_t n = r->count_distinct ? fresh : weight;
	if (n == 0)
		return fresh;
	if (inc->count == 0)
		inc->first_us = now;
	inc->last_us = now > inc->last_us ? now : inc->last_us;
	inc->count += n;
	if (inc->n_samples < d->n_samples && ev) {
		if (!d->cur_ref)
			d->cur_ref = ps_samples_put(d->samples, ev, ev == d->cur ? d->cur_json : (struct ps_str){ 0 });
		inc->samples[inc->n_samples++] = d->cur_ref;
	}
	return fresh;
}

static bool met(const struct rule_rt *r, struct entry *e, int64_t now)
{
	int64_t since = now - window_us(r);
	if (r->ring) {
		/* The oldest of the last `ring` times: the slot written next. */
		if (e->ring_n < r->ring || ps_det_ring(r, e)[e->ring_pos] < since)
			return false;
	}
	if (r->distinct) {
		if (e->set_n < r->distinct)
			return false;
		const struct set_item *set = ps_det_set(r, e);
		size_t inside = 0;
		for (size_t i = 0; i < e->set_n; i++)
			inside += set[i].seen_us >= since;
		if (inside < r->distinct)
			return false;
	}
	return true;
}

static inline __attribute__((always_inline)) void consider(struct ps_detector *d, struct rule_rt *r, struct entry *e, const struct ps_event *ev,
		     int64_t now, bool force)
{
	struct incident *inc = &e->inc;
	if (!inc->count)
		return;
	if (!inc->alerted_count) {
		if (force || met(r, e, now))
			ps_det_emit(d, r, e, ps_table_key(r->table, e), ev, false, now);
	} else if (r->realert_us > 0 && inc->count > inc->alerted_count && now - inc->alerted_us >= r->realert_us) {
		ps_det_emit(d, r, e, ps_table_key(r->table, e), ev, true, now);
	}
}

struct entry *ps_det_entry(struct rule_rt *r, const void *key, uint64_t h, int64_t now)
{
	return entry(r, key, h, now);
}

bool ps_det_add(struct ps_detector *d, struct rule_rt *r, struct entry *e, const struct ps_event *ev,
		int64_t now, uint32_t weight, uint64_t elem)
{
	return add(d, r, e, ev, now, weight, elem);
}

bool ps_det_met(const struct rule_rt *r, struct entry *e, int64_t now)
{
	return met(r, e, now);
}

void ps_det_consider(struct ps_detector *d, struct rule_rt *r, struct entry *e, const struct ps_event *ev,
		     int64_t now, bool force)
{
	consider(d, r, e, ev, now, force);
}

struct entry *ps_det_count(struct ps_detector *d, struct rule_rt *r, const void *key, uint64_t hash,
			   const struct ps_event *ev, int64_t now, uint32_t weight, uint64_t elem, bool force)
{
	struct entry *e = entry(r, key, hash, now);
	add(d, r, e, ev, now, weight, elem);
	consider(d, r, e, ev, now, force);
	return e;
}

void ps_det_expire(struct rule_rt *r, int64_t now, size_t max)
{
	struct entry *e;
	/* A user whose every source is older than the window is still a known
	 * user (whose next source is new): history lives twice as long. */
	int64_t ttl = window_us(r) * (r->history ? 2 : 1);
	while (max-- > 0 && (e = ps_table_stale(r->table, now - ttl)))
		ps_table_remove(r->table, e);
}
