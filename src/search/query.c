#include "search/query.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/timeconv.h"

void ps_query_init(struct ps_query *q)
{
	memset(q, 0, sizeof(*q));
	q->since_us = q->until_us = -1;
	q->alerts = true;
}

int ps_query_kinds(struct ps_query *q, const char *list, char *bad, size_t size)
{
	struct ps_str s = ps_cstr(list);
	q->kinds = 1; /* bit 0 (no kind): "a list was given", so a list of alerts only selects no event */
	q->alerts = false;
	while (s.n > 0) {
		size_t n = 0;
		while (n < s.n && s.p[n] != ',' && s.p[n] != ' ')
			n++;
		struct ps_str word = ps_head(s, n);
		s = ps_tail(s, n + 1);
		if (word.n == 0)
			continue;
		int k = 0;
		for (int i = 1; i < PS_KIND__COUNT && !k; i++)
			if (ps_eq_lit(word, ps_kind_name((enum ps_kind)i)))
				k = i;
		if (k)
			q->kinds |= 1u << k;
		else if (ps_eq_lit(word, "alert"))
			q->alerts = true;
		else {
			ps_to_cstr(word, bad, size);
			return -EINVAL;
		}
	}
	if (q->kinds == 1 && !q->alerts) {
		ps_to_cstr(PS_LIT(""), bad, size);
		return -EINVAL;
	}
	return 0;
}

/* Local midnight of the day now_us falls on, days_back days earlier. */
static int local_midnight(int64_t now_us, int days_back, int64_t *out)
{
	time_t t = (time_t)(now_us / PS_USEC_PER_SEC);
	struct tm tm;
	if (!localtime_r(&t, &tm))
		return -EINVAL;
	tm.tm_mday -= days_back;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	time_t m = mktime(&tm);
	if (m == (time_t)-1)
		return -EINVAL;
	*out = (int64_t)m * PS_USEC_PER_SEC;
	return 0;
}

/* "-90s", "-2d": that long before now. */
static int relative(const char *s, int64_t now_us, int64_t *out)
{
	struct ps_str t = ps_cstr(s + 1);
	uint64_t n, unit;
	if (t.n < 2)
		return -EINVAL;
	switch (t.p[t.n - 1]) {
	case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	case 'w': unit = 7 * 86400; break;
	default: return -EINVAL;
	}
	t.n--;
	if (ps_parse_u64(t, 100 * 366 * 86400ull / unit, &n) < 0)
		return -EINVAL;
	*out = now_us - (int64_t)(n * unit) * PS_USEC_PER_SEC;
	return 0;
}

/*
 * ISO 8601 date and time: rewritten into RFC 3339's shape
 * (YYYY-MM-DDTHH:MM:SS...), then read by ps_parse_rfc3339; without a zone
 * the fields are local time.
 */
static int absolute(const char *s, int64_t *out)
{
	char buf[80];
	size_t n = strlen(s);
	if (n < 10 || n > 48)
		return -EINVAL;
	memcpy(buf, s, n + 1);
	if (n == 10) {
		memcpy(buf + 10, "T00:00:00", 10);
		n += 9;
	}
	if (buf[10] == ' ')
		buf[10] = 'T';
	if (n >= 16 && buf[16] != ':') { /* HH:MM without seconds */
		memmove(buf + 19, buf + 16, n - 16 + 1);
		memcpy(buf + 16, ":00", 3);
		n += 3;
	}
	struct ps_str t = ps_str(buf, n);
	if (ps_parse_rfc3339(&t, out) == 0)
		return t.n == 0 ? 0 : -EINVAL;
	/* No zone: read as UTC to check and split it, then take the fields as local time. */
	memcpy(buf + n, "Z", 2);
	t = ps_str(buf, n + 1);
	int64_t utc;
	if (ps_parse_rfc3339(&t, &utc) < 0 || t.n != 0 || utc < 0)
		return -EINVAL;
	struct ps_civil c = { 0 };
	int64_t secs = utc / PS_USEC_PER_SEC, day_s = secs % 86400;
	ps_civil_from_days(secs / 86400, &c.year, &c.month, &c.day);
	c.hour = (int)(day_s / 3600);
	c.min = (int)(day_s / 60 % 60);
	c.sec = (int)(day_s % 60);
	c.usec = (int)(utc % PS_USEC_PER_SEC);
	return ps_local_to_usec(&c, out);
}

int ps_when_parse(const char *s, int64_t now_us, int64_t *out)
{
	if (strcmp(s, "now") == 0) {
		*out = now_us;
		return 0;
	}
	if (strcmp(s, "today") == 0)
		return local_midnight(now_us, 0, out);
	if (strcmp(s, "yesterday") == 0)
		return local_midnight(now_us, 1, out);
	if (s[0] == '-')
		return relative(s, now_us, out);
	return absolute(s, out);
}

static bool in_time(const struct ps_query *q, int64_t t)
{
	if (q->since_us >= 0 && (t < 0 || t < q->since_us))
		return false;
	return q->until_us < 0 || (t >= 0 && t <= q->until_us);
}

bool ps_query_event(const struct ps_query *q, const struct ps_event *ev)
{
	if (q->kinds && !(ev->kind > 0 && ev->kind < 32 && (q->kinds & (1u << ev->kind))))
		return false;
	if (!in_time(q, ev->time_us))
		return false;
	if (ps_set(q->host) && !ps_eq(q->host, ev->host))
		return false;
	if (ps_set(q->user) && !ps_eq(q->user, ev->user) && !ps_eq(q->user, ev->target_user) &&
	    !ps_eq(q->user, ev->login_user))
		return false;
	return !q->has_cidr || ps_cidr_contains(&q->cidr, &ev->src_ip);
}

bool ps_query_alert(const struct ps_query *q, const struct ps_alert *a)
{
	if (!q->alerts || ps_set(q->session) || !in_time(q, a->time_us))
		return false;
	if (ps_set(q->host) && !ps_eq(q->host, a->host))
		return false;
	if (ps_set(q->user) && !ps_eq(q->user, a->user))
		return false;
	return !q->has_cidr || ps_cidr_contains(&q->cidr, &a->src_ip) || ps_cidr_contains(&q->cidr, &a->subnet);
}
