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

bool ps_frame_tag(struct ps_str s, struct ps_record *rec)
{
	/* The tag is the first word and ends in ":"; a pid sits in the last "[...]". */
	struct ps_str rest = s;
	struct ps_str tag = ps_take_token(&rest);
	if (tag.n < 2 || !ps_chop(&tag, ":"))
		return false;
	rec->pid = -1;
	if (ps_ends(tag, "]")) {
		struct ps_str name, pid;
		uint64_t v;
		if (ps_rsplit(ps_head(tag, tag.n - 1), "[", &name, &pid) &&
		    ps_parse_u64(pid, INT32_MAX, &v) == 0 && name.n > 0) {
			rec->pid = (int64_t)v;
			tag = name;
		}
	}
	rec->program = tag;
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
