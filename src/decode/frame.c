#include "decode/frame.h"

#include <stdlib.h>

#include "util/timeconv.h"

void ps_frame_ctx_init(struct ps_frame_ctx *c, int64_t ref_time_sec)
{
	*c = (struct ps_frame_ctx){ 0 };
	ps_local_year_month(ref_time_sec, &c->ref_year, &c->ref_month);
}

void ps_frame_ctx_free(struct ps_frame_ctx *c)
{
	free(c->scratch);
	c->scratch = NULL;
	c->scratch_cap = 0;
}

static bool in_scratch(const struct ps_frame_ctx *c, struct ps_str s)
{
	/* As integers: comparing pointers into different objects is undefined. */
	uintptr_t p = (uintptr_t)s.p, start = (uintptr_t)c->scratch;
	return s.n && c->scratch && p >= start && p - start < c->scratch_cap;
}

bool ps_frame_borrows_scratch(const struct ps_frame_ctx *c, const struct ps_record *rec)
{
	return in_scratch(c, rec->message) || in_scratch(c, rec->program) || in_scratch(c, rec->host) ||
	       in_scratch(c, rec->audit_session);
}

bool ps_frame_tag(struct ps_str s, struct ps_record *rec)
{
	/* The tag is the first word and ends in ":"; a pid sits in a final "[digits]". */
	const char *sp = s.n ? memchr(s.p, ' ', s.n) : NULL;
	size_t end = sp ? (size_t)(sp - s.p) : s.n;
	if (end < 2 || s.p[end - 1] != ':')
		return false;
	struct ps_str tag = ps_str(s.p, end - 1);
	rec->pid = -1;
	if (tag.n >= 3 && tag.p[tag.n - 1] == ']') {
		/* Read the digits backwards from the "]"; at most 10 of them. */
		size_t i = tag.n - 1, digits = 0;
		uint64_t v = 0, scale = 1;
		while (i > 0 && digits < 10 && tag.p[i - 1] >= '0' && tag.p[i - 1] <= '9') {
			v += (uint64_t)(tag.p[--i] - '0') * scale;
			scale *= 10;
			digits++;
		}
		if (digits > 0 && i >= 2 && tag.p[i - 1] == '[' && v <= INT32_MAX) {
			rec->pid = (int64_t)v;
			tag.n = i - 1;
		}
	}
	rec->program = tag;
	struct ps_str rest = ps_tail(s, end);
	ps_skip(&rest, " ");
	rec->message = rest;
	return true;
}

int ps_frame_line(struct ps_frame_ctx *c, struct ps_str line, struct ps_record *rec)
{
	int r;
	ps_record_init(rec);
	if (line.n > 0 && line.p[0] == '{')
		r = ps_frame_journal_json(c, line, rec);
	else if (line.n > 0 && line.p[0] == '<' && (r = ps_frame_rfc5424(line, rec)) != 0)
		return r;
	else
		r = ps_frame_syslog(c, line, rec);
	if (r == 0) {
		ps_record_init(rec);
		rec->message = line;
	}
	return r;
}
