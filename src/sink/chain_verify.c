#include "sink/chain_verify.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sink/chain_verify_int.h"

#define NONE SIZE_MAX

int ps_verify_new(struct ps_verify **out, const struct ps_str *keys, size_t n_keys)
{
	struct ps_verify *v = calloc(1, sizeof(*v));
	int r = -ENOMEM;
	if (!v || (n_keys && !(v->keys = calloc(n_keys, sizeof(*v->keys)))))
		goto fail;
	if ((r = ps_chain_new(&v->plain, NULL, 0)) < 0)
		goto fail;
	for (; v->n_keys < n_keys; v->n_keys++)
		if ((r = ps_chain_new(&v->keys[v->n_keys], keys[v->n_keys].p, keys[v->n_keys].n)) < 0)
			goto fail;
	*out = v;
	return 0;
fail:
	ps_verify_free(v);
	return r;
}

void ps_verify_free(struct ps_verify *v)
{
	if (!v)
		return;
	ps_chain_free(v->plain);
	for (size_t i = 0; i < v->n_keys; i++)
		ps_chain_free(v->keys[i]);
	free(v->keys);
	for (size_t i = 0; i < v->n_anchors; i++)
		free(v->anchors[i].label);
	free(v->anchors);
	for (unsigned i = 0; i < v->n_files; i++)
		free(v->files[i]);
	free(v->files);
	free(v->part);
	free(v);
}

int ps_verify_anchor(struct ps_verify *v, uint64_t seq, const unsigned char value[PS_CHAIN_LEN], const char *label)
{
	struct anchor *a = realloc(v->anchors, (v->n_anchors + 1) * sizeof(*a));
	if (!a)
		return -ENOMEM;
	v->anchors = a;
	a += v->n_anchors;
	*a = (struct anchor){ .seq = seq, .label = strdup(label) };
	if (!a->label)
		return -ENOMEM;
	memcpy(a->value, value, PS_CHAIN_LEN);
	v->n_anchors++;
	return 0;
}

/* ---- reports and notes ---- */

static void add_report(struct ps_verify *v, const struct report *r)
{
	if (v->n_reports < MAX_REPORTS)
		v->reports[v->n_reports++] = *r;
	v->problems++;
}

/* The same problem on the line right after the last report's: one run. */
static bool extend_report(struct ps_verify *v, enum problem what, uint64_t seq)
{
	struct report *r = v->n_reports ? &v->reports[v->n_reports - 1] : NULL;
	if (!r || v->problems != v->n_reports || r->what != what || r->end.file != v->last.file ||
	    r->end.line != v->last.line)
		return false;
	r->end = v->now;
	r->seq_end = seq;
	return true;
}

static void report_here(struct ps_verify *v, enum problem what, uint64_t seq)
{
	if (!extend_report(v, what, seq))
		add_report(v, &(struct report){ .what = what, .at = v->now, .end = v->now, .seq = seq, .seq_end = seq });
}

static void add_note(struct ps_verify *v, const struct note *n)
{
	if (v->n_notes < MAX_NOTES)
		v->notes[v->n_notes++] = *n;
}

/* Unchained lines at the start of a file before any record: before the chain began, or inserted. */
static void settle_lead(struct ps_verify *v, bool before_chain)
{
	if (!v->lead)
		return;
	if (before_chain)
		add_note(v, &(struct note){ .kind = N_UNCHAINED_FILE, .at = v->lead_at, .n = v->lead });
	else
		add_report(v, &(struct report){ .what = P_NOT_CHAINED, .at = v->lead_at, .end = v->last });
	v->lead = 0;
}

/* ---- the chain ---- */

/*
 * Whether rec's value is H(prev || body). A keyed record is tried with the
 * key in use, then with the others (the key changed). got: the value with
 * the key in use.
 */
static bool matches(struct ps_verify *v, const struct ps_chain_record *rec, const unsigned char prev[PS_CHAIN_LEN],
		    unsigned char got[PS_CHAIN_LEN])
{
	struct ps_chain *c = rec->keyed ? v->keys[v->key] : v->plain;
	if (ps_chain_value(c, prev, rec->body, got) < 0)
		return false;
	if (memcmp(got, rec->value, PS_CHAIN_LEN) == 0)
		return true;
	for (size_t i = 0; rec->keyed && i < v->n_keys; i++) {
		unsigned char other[PS_CHAIN_LEN];
		if (i != v->key && ps_chain_value(v->keys[i], prev, rec->body, other) == 0 &&
		    memcmp(other, rec->value, PS_CHAIN_LEN) == 0) {
			v->key = i;
			add_note(v, &(struct note){ .kind = N_KEY_CHANGE, .at = v->now, .seq = rec->seq });
			return true;
		}
	}
	return false;
}

static void set_ref(struct ref *ref, const struct ps_chain_record *rec, struct loc at)
{
	*ref = (struct ref){ .seq = rec->seq, .at = at };
	memcpy(ref->value, rec->value, PS_CHAIN_LEN);
}

/* rec written as the successor of ref: cur becomes rec. */
static void follow(struct ps_verify *v, const struct ps_chain_record *rec, const struct ref *ref)
{
	unsigned char got[PS_CHAIN_LEN];
	struct ref before = *ref;
	bool prev_ok = !rec->has_prev || memcmp(rec->prev, before.value, PS_CHAIN_LEN) == 0 ||
		       (before.has_alt && memcmp(rec->prev, before.alt, PS_CHAIN_LEN) == 0);
	set_ref(&v->cur, rec, v->now);
	if (!prev_ok) {
		if (matches(v, rec, rec->prev, got))
			add_report(v, &(struct report){ .what = P_PREV, .at = v->now, .end = v->now, .seq = rec->seq,
							 .other = before.at, .other_seq = before.seq });
		else
			report_here(v, P_ALTERED, rec->seq);
		return;
	}
	if (matches(v, rec, before.value, got))
		return;
	if (before.has_alt && matches(v, rec, before.alt, got)) {
		/* The record before chains on its true value: only its hash member was edited. */
		struct report *r = v->n_reports ? &v->reports[v->n_reports - 1] : NULL;
		if (r && r->what == P_ALTERED && r->end.file == before.at.file && r->end.line == before.at.line &&
		    r->at.line == r->end.line && r->at.file == r->end.file)
			r->what = P_HASH_FIELD;
		return;
	}
	report_here(v, P_ALTERED, rec->seq);
	memcpy(v->cur.alt, got, PS_CHAIN_LEN);
	v->cur.has_alt = true;
}

static bool zero(const unsigned char value[PS_CHAIN_LEN])
{
	static const unsigned char zeros[PS_CHAIN_LEN];
	return memcmp(value, zeros, PS_CHAIN_LEN) == 0;
}

/* A record whose predecessor is not at hand: check it against its own "prev". */
static void check_alone(struct ps_verify *v, const struct ps_chain_record *rec)
{
	unsigned char got[PS_CHAIN_LEN];
	if (rec->has_prev && (rec->seq == 1) != zero(rec->prev))
		report_here(v, P_BAD_START, rec->seq);
	else if (rec->has_prev && !matches(v, rec, rec->prev, got))
		report_here(v, P_ALTERED, rec->seq);
}

static void first(struct ps_verify *v, const struct ps_chain_record *rec)
{
	v->have = true;
	v->first_seq = rec->seq;
	settle_lead(v, false);
	if (!rec->has_prev)
		report_here(v, P_NO_PREV, rec->seq);
	check_alone(v, rec);
	if (rec->seq != 1)
		add_note(v, &(struct note){ .kind = N_START, .at = v->now, .seq = rec->seq });
	set_ref(&v->cur, rec, v->now);
	v->high = v->cur;
}

/* The P_MISSING report whose gap holds seq, or NONE. */
static size_t gap_of(const struct ps_verify *v, uint64_t seq)
{
	for (size_t i = v->n_reports; i-- > 0;) {
		const struct report *r = &v->reports[i];
		if (r->what == P_MISSING && r->other_seq < seq && seq < r->seq)
			return i;
	}
	return NONE;
}

static void close_run(struct ps_verify *v)
{
	if (!v->run_open)
		return;
	v->run_open = false;
	if (v->run_explains == NONE) {
		add_report(v, &v->run);
		return;
	}
	struct report *gap = &v->reports[v->run_explains];
	if (gap->found == 0)
		gap->found_at = v->run.at;
	gap->found += v->run.seq_end - v->run.seq + 1;
	gap->found_end = v->run.end;
}

static void out_of_place(struct ps_verify *v, const struct ps_chain_record *rec)
{
	close_run(v);
	v->run_open = true;
	v->run = (struct report){ .what = P_OUT_OF_ORDER, .at = v->now, .end = v->now, .seq = rec->seq,
				  .seq_end = rec->seq, .other = v->high.at, .other_seq = v->high.seq };
	v->run_explains = gap_of(v, rec->seq);
	set_ref(&v->cur, rec, v->now);
}

static void record(struct ps_verify *v, const struct ps_chain_record *rec)
{
	v->records++;
	if (!rec->keyed && v->n_keys)
		report_here(v, P_UNKEYED, rec->seq);
	for (size_t i = 0; i < v->n_anchors; i++) {
		struct anchor *a = &v->anchors[i];
		if (a->seq != rec->seq || a->seen)
			continue;
		a->seen = true;
		if (memcmp(a->value, rec->value, PS_CHAIN_LEN) != 0)
			add_report(v, &(struct report){ .what = P_ANCHOR, .at = v->now, .end = v->now, .seq = rec->seq,
							 .anchor = i });
		else
			add_note(v, &(struct note){ .kind = N_ANCHOR_OK, .at = v->now, .seq = rec->seq, .anchor = i });
	}
	if (!v->have) {
		first(v, rec);
	} else if (rec->seq == v->cur.seq + 1) {
		follow(v, rec, &v->cur);
		if (rec->seq > v->high.seq) {
			close_run(v);
			v->high = v->cur;
		} else if (v->run_open) {
			v->run.end = v->now; /* the run goes on: a block moved or copied whole */
			v->run.seq_end = rec->seq;
		}
	} else if (rec->seq == v->high.seq + 1) {
		close_run(v);
		follow(v, rec, &v->high);
		v->high = v->cur;
	} else if (rec->seq > v->high.seq + 1) {
		close_run(v);
		add_report(v, &(struct report){ .what = P_MISSING, .at = v->now, .end = v->now, .seq = rec->seq,
						 .other = v->high.at, .other_seq = v->high.seq });
		check_alone(v, rec);
		set_ref(&v->cur, rec, v->now);
		v->high = v->cur;
	} else {
		out_of_place(v, rec);
	}
}

int ps_verify_file(struct ps_verify *v, const char *name)
{
	char **files = realloc(v->files, (v->n_files + 1) * sizeof(*files));
	if (!files)
		return -ENOMEM;
	v->files = files;
	if (!(files[v->n_files] = strdup(name)))
		return -ENOMEM;
	settle_lead(v, !v->have);
	v->now = (struct loc){ .file = v->n_files++, .line = 0 };
	v->part_len = 0;
	v->skipping = false;
	return 0;
}

int ps_verify_line(struct ps_verify *v, struct ps_str line, bool terminated)
{
	struct ps_chain_record rec;
	int r = 0;

	v->now.line++;
	v->lines++;
	if (!terminated) {
		report_here(v, P_INCOMPLETE, 0);
	} else if (line.n == 0 || line.p[0] != '{' || ps_chain_parse(line, &rec) < 0) {
		if (v->have) {
			report_here(v, P_NOT_CHAINED, 0);
		} else if (v->lead++ == 0) {
			v->lead_at = v->now;
		}
	} else if (rec.keyed && v->n_keys == 0) {
		v->need_key = true;
		v->need_key_at = v->now;
		v->need_key_seq = rec.seq;
		r = -ENOKEY;
	} else {
		record(v, &rec);
	}
	v->last = v->now;
	return r;
}

void ps_verify_overlong(struct ps_verify *v)
{
	v->now.line++;
	v->lines++;
	report_here(v, P_OVERLONG, 0);
	v->last = v->now;
}

/* Keep the start of a line that goes on in the next piece. */
static int hold(struct ps_verify *v, const char *p, size_t n)
{
	if (v->skipping)
		return 0;
	if (v->part_len + n > PS_VERIFY_MAX_LINE) {
		v->skipping = true;
		v->part_len = 0;
		return 0;
	}
	if (v->part_len + n > v->part_cap) {
		size_t cap = v->part_cap ? v->part_cap : 64 * 1024;
		while (cap < v->part_len + n)
			cap *= 2;
		char *part = realloc(v->part, cap);
		if (!part)
			return -ENOMEM;
		v->part = part;
		v->part_cap = cap;
	}
	memcpy(v->part + v->part_len, p, n);
	v->part_len += n;
	return 0;
}

/* A whole line: the held start, if any, and p. */
static int whole_line(struct ps_verify *v, const char *p, size_t n, bool terminated)
{
	int r = 0;
	if (v->skipping) {
		v->skipping = false;
		ps_verify_overlong(v);
	} else if (v->part_len) {
		if ((r = hold(v, p, n)) < 0)
			return r;
		if (v->skipping) {
			v->skipping = false;
			ps_verify_overlong(v);
		} else {
			r = ps_verify_line(v, ps_str(v->part, v->part_len), terminated);
		}
	} else {
		r = ps_verify_line(v, ps_str(p, n), terminated);
	}
	v->part_len = 0;
	return r;
}

int ps_verify_feed(struct ps_verify *v, const char *p, size_t n)
{
	const char *nl;
	int r;
	while (n > 0 && (nl = memchr(p, '\n', n))) {
		size_t len = (size_t)(nl - p);
		if ((r = whole_line(v, p, len, true)) < 0)
			return r;
		p += len + 1;
		n -= len + 1;
	}
	return n ? hold(v, p, n) : 0;
}

int ps_verify_feed_end(struct ps_verify *v)
{
	return v->part_len || v->skipping ? whole_line(v, "", 0, false) : 0;
}

void ps_verify_end(struct ps_verify *v)
{
	close_run(v);
	settle_lead(v, !v->have);
	if (!v->have && v->lines > 0 && v->problems == 0)
		add_report(v, &(struct report){ .what = P_NONE_CHAINED, .seq = v->lines });
	for (size_t i = 0; i < v->n_anchors; i++) {
		const struct anchor *a = &v->anchors[i];
		if (a->seen)
			continue;
		if (!v->have || a->seq > v->high.seq)
			add_report(v, &(struct report){ .what = P_TRUNCATED, .at = v->high.at, .seq = a->seq,
							 .other_seq = v->have ? v->high.seq : 0, .anchor = i });
		else if (a->seq < v->first_seq)
			add_note(v, &(struct note){ .kind = N_ANCHOR_BEFORE, .seq = a->seq, .anchor = i });
		/* else: within a gap, reported as missing */
	}
}

uint64_t ps_verify_problems(const struct ps_verify *v) { return v->problems; }
uint64_t ps_verify_records(const struct ps_verify *v) { return v->records; }
