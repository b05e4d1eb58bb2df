/*
 * Syslog files as rsyslog and syslog-ng write them:
 *   [<PRI>]Mmm dd hh:mm:ss HOST TAG: MSG                (RFC 3164 / traditional)
 *   YYYY-MM-DDThh:mm:ss[.ffffff]±hh:mm HOST TAG: MSG    (rsyslog high precision,
 *                                                        journalctl -o short-iso)
 */
#include <errno.h>

#include "decode/frame.h"
#include "util/timeconv.h"

/* The year of a classic timestamp's month, tracking rollover within the input. */
static int infer_year(struct ps_frame_ctx *c, int month)
{
	if (c->year == 0) {
		c->year = month > c->ref_month ? c->ref_year - 1 : c->ref_year;
	} else if (month < c->last_month && c->last_month - month >= 6) {
		c->year++;
	}
	c->last_month = month;
	return c->year;
}

int ps_frame_syslog(struct ps_frame_ctx *c, struct ps_str line, struct ps_record *rec)
{
	struct ps_str s = line;
	int64_t usec;

	if (ps_skip(&s, "<")) {
		if (ps_take_digits(&s).n == 0 || !ps_skip(&s, ">"))
			return 0;
	}
	if (s.n > 4 && s.p[4] == '-') {
		if (ps_parse_rfc3339(&s, &usec) < 0)
			return 0;
	} else {
		struct ps_civil civil;
		if (ps_parse_bsd_stamp(&s, &civil) < 0)
			return 0;
		civil.year = infer_year(c, civil.month);
		if (ps_local_to_usec(&civil, &usec) < 0)
			usec = -1; /* e.g. Feb 29 in a year without one: keep the line */
	}
	if (!ps_skip(&s, " "))
		return 0;
	struct ps_str host = ps_take_token(&s);
	if (host.n == 0 || !ps_skip(&s, " ") || !ps_frame_tag(s, rec))
		return 0;
	rec->host = host;
	rec->time_us = usec;
	return 1;
}
