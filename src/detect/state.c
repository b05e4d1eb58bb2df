/*
 * The detector's state as text, for a restart to continue where it was.
 *
 *   pamsignal-detect <TAB> 1
 *   key <TAB> K0 <TAB> K1                 the hash key, 16 hex digits each
 *   clock <TAB> US                        the latest event time seen
 *   entry <TAB> RULE <TAB> KEY <TAB> PROTECTED <TAB> TOUCHED_US
 *         <TAB> FIRST_US <TAB> LAST_US <TAB> ALERTED_US <TAB> COUNT <TAB> ALERTED_COUNT
 *         <TAB> N <TAB> TIME_US... (the ring, oldest first)
 *         <TAB> N <TAB> HASH:SEEN_US... (the distinct set)
 *         <TAB> EXT
 *   history <TAB> KEY <TAB> PROTECTED <TAB> TOUCHED_US <TAB> N <TAB> SOURCE:LAST_US...
 *   conn <TAB> KEY <TAB> TOUCHED_US <TAB> PENDING     an sshd connection's attempt in flight
 *   end
 *
 * KEY, EXT, HASH and SOURCE are hex of the bytes the detector keys its
 * tables with (internal.h), in this machine's byte order: a state file is
 * for the machine that wrote it. Every number is decimal. Entries come least
 * recently used first, so loading them in order rebuilds the same
 * eviction order. The hash key is saved because the keys and sets hold
 * hashes made with it: the state file must be as private as the detector
 * (the daemon's state directory is root's). Sample events are not saved:
 * alerts after a restart show the samples taken since. A file without its
 * "end" line is refused whole.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "detect/internal.h"
#include "util/out.h"
#include "util/tsv.h"

#define MAGIC "pamsignal-detect"
#define VERSION 1

void ps_det_put_hex(struct ps_out *o, const void *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *b = p;
	ps_out_putc(o, '\t');
	for (size_t i = 0; i < n; i++) {
		ps_out_putc(o, hex[b[i] >> 4]);
		ps_out_putc(o, hex[b[i] & 15]);
	}
}

void ps_det_put_pair(struct ps_out *o, const void *id, size_t n, int64_t t)
{
	ps_det_put_hex(o, id, n);
	ps_out_putc(o, ':');
	ps_out_i64(o, t);
}

static void save_entry(struct ps_out *o, const struct rule_rt *r, const struct entry *e)
{
	const struct incident *inc = &e->inc;
	ps_out_puts(o, "entry");
	ps_tsv_put(o, ps_cstr(ps_rule_name(r->id)));
	ps_det_put_hex(o, ps_table_key(r->table, e), r->key_size);
	ps_tsv_put_i64(o, ps_table_is_protected(r->table, e));
	ps_tsv_put_i64(o, ps_table_touched(r->table, e));
	ps_tsv_put_i64(o, inc->first_us);
	ps_tsv_put_i64(o, inc->last_us);
	ps_tsv_put_i64(o, inc->alerted_us);
	ps_tsv_put_i64(o, (int64_t)inc->count);
	ps_tsv_put_i64(o, (int64_t)inc->alerted_count);
	const int64_t *ring = ps_det_ring(r, (struct entry *)(uintptr_t)e);
	size_t start = e->ring_n < r->ring ? 0 : e->ring_pos;
	ps_tsv_put_i64(o, e->ring_n);
	for (size_t i = 0; i < e->ring_n; i++)
		ps_tsv_put_i64(o, ring[(start + i) % r->ring]);
	const struct set_item *set = ps_det_set(r, (struct entry *)(uintptr_t)e);
	ps_tsv_put_i64(o, e->set_n);
	for (size_t i = 0; i < e->set_n; i++)
		ps_det_put_pair(o, &set[i].hash, sizeof(set[i].hash), set[i].seen_us);
	ps_det_put_hex(o, ps_det_ext(r, e), r->ext_size);
	ps_out_putc(o, '\n');
}

/* Write out what is buffered; -EIO once the stream failed. */
static int drain(struct ps_out *o, FILE *f)
{
	if (o->error)
		return o->error;
	if (o->len && fwrite(o->buf, 1, o->len, f) != o->len)
		return -EIO;
	ps_out_reset(o);
	return 0;
}

int ps_detector_save(const struct ps_detector *d, FILE *f)
{
	struct ps_out o;
	int r = 0;
	ps_out_init_mem(&o);
	ps_out_puts(&o, MAGIC);
	ps_tsv_put_i64(&o, VERSION);
	ps_out_puts(&o, "\nkey");
	ps_det_put_hex(&o, &d->sip.k0, 8);
	ps_det_put_hex(&o, &d->sip.k1, 8);
	ps_out_puts(&o, "\nclock");
	ps_tsv_put_i64(&o, d->clock_us);
	ps_out_putc(&o, '\n');
	for (int i = 0; r == 0 && i < PS_RULE__COUNT; i++) {
		const struct rule_rt *rt = &d->rules[i];
		if (!rt->table)
			continue;
		for (const void *v = ps_table_next(rt->table, NULL); r == 0 && v; v = ps_table_next(rt->table, v)) {
			if (rt->history)
				ps_det_save_history(&o, rt, v);
			else
				save_entry(&o, rt, v);
			if (o.len > 64 * 1024)
				r = drain(&o, f);
		}
	}
	if (r == 0) {
		ps_det_save_conns(&o, d);
		ps_out_puts(&o, "end\n");
		r = drain(&o, f);
	}
	ps_out_free(&o);
	if (r == 0 && fflush(f) != 0)
		r = -EIO;
	return r;
}

/* ---- loading ---- */

bool ps_det_take_i64(struct ps_det_line *l, int64_t *v)
{
	return ps_tsv_take_i64(&l->rest, v);
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool unhex(struct ps_str s, void *out, size_t n)
{
	unsigned char *b = out;
	if (s.n != 2 * n)
		return false;
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(s.p[2 * i]), lo = hexval(s.p[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		b[i] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}

bool ps_det_take_hex(struct ps_det_line *l, void *out, size_t n)
{
	struct ps_str f;
	return ps_tsv_take(&l->rest, l->buf, sizeof(l->buf), &f) && unhex(f, out, n);
}

bool ps_det_take_pair(struct ps_det_line *l, void *out, size_t n, int64_t *t)
{
	struct ps_str f, hex, num;
	uint64_t v;
	if (!ps_tsv_take(&l->rest, l->buf, sizeof(l->buf), &f) || !ps_split(f, ":", &hex, &num) || !unhex(hex, out, n))
		return false;
	bool neg = ps_skip(&num, "-");
	if (ps_parse_u64(num, INT64_MAX, &v) < 0)
		return false;
	*t = neg ? -(int64_t)v : (int64_t)v;
	return true;
}

/* The ring's times, oldest first; a smaller ring now keeps the latest. */
static bool load_ring(struct ps_det_line *l, const struct rule_rt *r, struct entry *e)
{
	int64_t n, t;
	if (!ps_det_take_i64(l, &n) || n < 0 || n > 65535)
		return false;
	int64_t *ring = ps_det_ring(r, e);
	for (int64_t i = 0; i < n; i++) {
		if (!ps_det_take_i64(l, &t))
			return false;
		if (!r->ring || n - i > (int64_t)r->ring)
			continue;
		ring[e->ring_pos] = t;
		e->ring_pos = (uint16_t)((e->ring_pos + 1) % r->ring);
		if (e->ring_n < r->ring)
			e->ring_n++;
	}
	return true;
}

static bool load_set(struct ps_det_line *l, const struct rule_rt *r, struct entry *e)
{
	int64_t n;
	struct set_item it;
	if (!ps_det_take_i64(l, &n) || n < 0 || n > 65535)
		return false;
	struct set_item *set = ps_det_set(r, e);
	for (int64_t i = 0; i < n; i++) {
		if (!ps_det_take_pair(l, &it.hash, sizeof(it.hash), &it.seen_us))
			return false;
		if (e->set_n < r->distinct)
			set[e->set_n++] = it;
	}
	return true;
}

static const char *load_entry(struct ps_det_line *l, struct rule_rt *r)
{
	unsigned char key[256];
	int64_t prot, touched, v[5];
	if (r->key_size > sizeof(key) || !ps_det_take_hex(l, key, r->key_size))
		return "bad key";
	if (!ps_det_take_i64(l, &prot) || !ps_det_take_i64(l, &touched))
		return "bad entry";
	for (int i = 0; i < 5; i++)
		if (!ps_det_take_i64(l, &v[i]) || (i >= 3 && v[i] < 0))
			return "bad incident";
	uint64_t h = ps_table_hash(r->table, key);
	if (ps_table_find(r->table, key, h, touched))
		return "duplicate entry";
	struct entry *e = ps_table_insert(r->table, key, h, touched);
	e->inc.first_us = v[0];
	e->inc.last_us = v[1];
	e->inc.alerted_us = v[2];
	e->inc.count = (uint64_t)v[3];
	e->inc.alerted_count = (uint64_t)v[4];
	if (!load_ring(l, r, e) || !load_set(l, r, e))
		return "bad counts";
	unsigned char ext[64];
	if (r->ext_size > sizeof(ext) || !ps_det_take_hex(l, ext, r->ext_size))
		return "bad rule data";
	memcpy(ps_det_ext(r, e), ext, r->ext_size);
	if (prot)
		ps_table_protect(r->table, e);
	return NULL;
}

/* One line; NULL when done with it, else what is wrong. */
static const char *load_line(struct ps_detector *d, struct ps_det_line *l, bool *end)
{
	struct ps_str tag;
	char name[64];
	if (!ps_tsv_take(&l->rest, name, sizeof(name), &tag))
		return "empty line";
	if (ps_eq_lit(tag, "end")) {
		*end = true;
		return NULL;
	}
	if (ps_eq_lit(tag, "key"))
		return ps_det_take_hex(l, &d->sip.k0, 8) && ps_det_take_hex(l, &d->sip.k1, 8) ? NULL : "bad key";
	if (ps_eq_lit(tag, "clock"))
		return ps_det_take_i64(l, &d->clock_us) ? NULL : "bad clock";
	if (ps_eq_lit(tag, "conn"))
		return ps_det_load_conn(d, l);
	bool history = ps_eq_lit(tag, "history");
	if (!history && !ps_eq_lit(tag, "entry"))
		return NULL; /* a later version's addition: skipped */
	struct rule_rt *r = &d->rules[PS_RULE_NEW_SOURCE];
	if (!history) {
		struct ps_str rule;
		int id;
		if (!ps_tsv_take(&l->rest, name, sizeof(name), &rule) || (id = ps_rule_from_name(rule.p, rule.n)) < 0)
			return NULL; /* a rule this version does not have */
		r = &d->rules[id];
		if (r->history)
			return "history saved as an entry";
	}
	if (!r->table)
		return NULL; /* the rule is disabled now */
	return history ? ps_det_load_history(d, r, l) : load_entry(l, r);
}

static bool fresh(const struct ps_detector *d)
{
	for (int i = 0; i < PS_RULE__COUNT; i++)
		if (d->rules[i].table && ps_table_count(d->rules[i].table))
			return false;
	return d->events == 0 && ps_table_count(d->conns) == 0;
}

int ps_detector_load(struct ps_detector *d, FILE *f, char *err, size_t err_size)
{
	struct ps_det_line *l = malloc(sizeof(*l));
	struct ps_sipkey sip = d->sip;
	char *text = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	const char *what = NULL;
	bool end = false;
	int r = 0;
	if (!fresh(d)) {
		free(l);
		return -EBUSY;
	}
	if (!l)
		return -ENOMEM;
	for (ssize_t n; !what && !end && (n = getline(&text, &cap, f)) >= 0;) {
		lineno++;
		if (n > 0 && text[n - 1] == '\n')
			n--;
		l->rest = ps_str(text, (size_t)n);
		if (lineno == 1) {
			struct ps_str magic;
			int64_t version;
			if (!ps_tsv_take(&l->rest, l->buf, sizeof(l->buf), &magic) || !ps_eq_lit(magic, MAGIC) ||
			    !ps_det_take_i64(l, &version))
				what = "not a pamsignal detector state file";
			else if (version != VERSION)
				what = "a state version this pamsignal does not read";
			continue;
		}
		what = load_line(d, l, &end);
	}
	if (!what && ferror(f))
		r = -EIO;
	else if (!what && !end)
		what = lineno ? "no end line (the file was cut short)" : "empty file";
	if (what) {
		snprintf(err, err_size, "line %u: %s", lineno, what);
		r = -EINVAL;
	}
	if (r < 0) {
		for (int i = 0; i < PS_RULE__COUNT; i++)
			if (d->rules[i].table)
				ps_table_clear(d->rules[i].table);
		ps_table_clear(d->conns);
		d->sip = sip;
		d->clock_us = 0;
	}
	ps_det_forget_hashes(d); /* hashed with the old key, if ever */
	free(text);
	free(l);
	return r;
}
