/*
 * RFC 5424: <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]
 * Each header field is "-" when absent. Structured data is skipped, with
 * its escapes (\" \\ \]) honoured so that a "]" inside a value does not
 * end it early. A UTF-8 BOM before MSG is dropped (RFC 5424 6.4).
 */
#include <errno.h>

#include "decode/frame.h"
#include "util/timeconv.h"

static struct ps_str nil_or(struct ps_str s)
{
	return ps_eq_lit(s, "-") ? PS_STR_NULL : s;
}

/* Skip "-" or one or more [SD-ID param="value"...] elements. */
static bool skip_sd(struct ps_str *s)
{
	if (ps_skip(s, "-"))
		return true;
	if (s->n == 0 || s->p[0] != '[')
		return false;
	size_t i = 0;
	while (i < s->n && s->p[i] == '[') {
		bool quoted = false, closed = false;
		for (i++; i < s->n && !closed; i++) {
			char ch = s->p[i];
			if (quoted && ch == '\\')
				i++;
			else if (ch == '"')
				quoted = !quoted;
			else if (!quoted && ch == ']')
				closed = true;
		}
		if (!closed)
			return false;
	}
	*s = ps_tail(*s, i);
	return true;
}

int ps_frame_rfc5424(struct ps_str line, struct ps_record *rec)
{
	struct ps_str s = line;
	int64_t usec = -1;

	if (!ps_skip(&s, "<") || ps_take_digits(&s).n == 0 || !ps_skip(&s, ">1 "))
		return 0;
	if (!ps_skip(&s, "-") && ps_parse_rfc3339(&s, &usec) < 0)
		return 0;
	struct ps_str host, app, procid;
	if (!ps_skip(&s, " ") || (host = ps_take_token(&s)).n == 0 || !ps_skip(&s, " ") ||
	    (app = ps_take_token(&s)).n == 0 || !ps_skip(&s, " ") ||
	    (procid = ps_take_token(&s)).n == 0 || !ps_skip(&s, " ") ||
	    ps_take_token(&s).n == 0 || !ps_skip(&s, " ") || !skip_sd(&s))
		return 0;
	if (s.n > 0 && !ps_skip(&s, " "))
		return 0;
	ps_skip(&s, "\xef\xbb\xbf");

	uint64_t pid;
	rec->time_us = usec;
	rec->host = nil_or(host);
	rec->program = nil_or(app);
	rec->pid = ps_parse_u64(procid, INT32_MAX, &pid) == 0 ? (int64_t)pid : -1;
	rec->message = s;
	return 1;
}
