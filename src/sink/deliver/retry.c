#include "sink/deliver/retry.h"

#include <string.h>
#include <time.h>

#include "util/jsonread.h"
#include "util/timeconv.h"

int64_t ps_backoff_us(unsigned attempt, uint32_t rnd)
{
	int64_t d = PS_BACKOFF_BASE_US;
	for (unsigned i = 1; i < attempt && d < PS_BACKOFF_MAX_US; i++)
		d *= 2;
	if (d > PS_BACKOFF_MAX_US)
		d = PS_BACKOFF_MAX_US;
	return d - (int64_t)((double)(d / 2) * ((double)rnd / 4294967296.0));
}

/* Seconds as a JSON number or header text: digits, optional fraction. */
static int64_t seconds_us(struct ps_str s)
{
	while (s.n && (*s.p == ' ' || *s.p == '\t'))
		s.p++, s.n--;
	while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t'))
		s.n--;
	if (s.n == 0)
		return -1;
	int64_t us = 0, frac = 100000;
	size_t i = 0;
	for (; i < s.n && s.p[i] >= '0' && s.p[i] <= '9'; i++) {
		us = us * 10 + (s.p[i] - '0') * 1000000LL;
		if (us > PS_RETRY_AFTER_MAX_US)
			return PS_RETRY_AFTER_MAX_US;
	}
	if (i == 0)
		return -1;
	if (i < s.n && s.p[i] == '.') {
		for (i++; i < s.n && s.p[i] >= '0' && s.p[i] <= '9'; i++, frac /= 10)
			us += (s.p[i] - '0') * frac;
	}
	return i == s.n ? us : -1;
}

/* IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT" (the form RFC 9110 requires senders to use). */
static int64_t http_date_s(struct ps_str s)
{
	char buf[40];
	struct tm tm;
	if (s.n < 29 || s.n >= sizeof(buf))
		return -1;
	memcpy(buf, s.p, s.n);
	buf[s.n] = '\0';
	memset(&tm, 0, sizeof(tm));
	const char *end = strptime(buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (!end || *end)
		return -1;
	return (int64_t)timegm(&tm);
}

int64_t ps_retry_after_us(struct ps_str header, struct ps_str body, int64_t now_s)
{
	int64_t us = -1;
	if (ps_set(header) && header.n) {
		us = seconds_us(header);
		if (us < 0) {
			int64_t at = http_date_s(header);
			if (at >= 0)
				us = at > now_s ? (at - now_s) * 1000000 : 0;
		}
	}
	if (us < 0 && ps_set(body) && body.n) {
		struct ps_jobject o = { 0 };
		if (ps_jobject_read(&o, body.p, body.n) == 0) {
			struct ps_str v = ps_jobject_get(&o, "retry_after", PS_J_NUMBER);
			struct ps_str params = ps_jobject_get(&o, "parameters", PS_J_OBJECT);
			if (ps_set(v)) {
				us = seconds_us(v);
			} else if (ps_set(params)) {
				struct ps_jobject p = { 0 };
				if (ps_jobject_read(&p, params.p, params.n) == 0)
					us = seconds_us(ps_jobject_get(&p, "retry_after", PS_J_NUMBER));
				ps_jobject_free(&p);
			}
		}
		ps_jobject_free(&o);
	}
	return us > PS_RETRY_AFTER_MAX_US ? PS_RETRY_AFTER_MAX_US : us;
}

enum ps_outcome_class ps_http_class(long status)
{
	if (status >= 200 && status < 300)
		return PS_SENT;
	if (status == 0 || status == 408 || status == 425 || status == 429 || status >= 500)
		return PS_RETRY;
	return PS_DEAD;
}

enum ps_outcome_class ps_smtp_class(long code)
{
	if (code >= 200 && code < 300)
		return PS_SENT;
	if (code >= 500)
		return PS_DEAD;
	return PS_RETRY;
}

void ps_bucket_init(struct ps_bucket *b, unsigned count, unsigned period_s, int64_t now_us)
{
	b->count = count;
	b->period_s = period_s;
	b->tokens = count;
	b->last_us = now_us;
}

static void refill(struct ps_bucket *b, int64_t now_us)
{
	if (now_us > b->last_us) {
		b->tokens += (double)(now_us - b->last_us) * b->count / (b->period_s * 1e6);
		if (b->tokens > b->count)
			b->tokens = b->count;
	}
	b->last_us = now_us;
}

int64_t ps_bucket_wait(struct ps_bucket *b, int64_t now_us)
{
	if (!b->count)
		return 0;
	refill(b, now_us);
	if (b->tokens >= 1.0)
		return 0;
	return (int64_t)((1.0 - b->tokens) * b->period_s * 1e6 / b->count) + 1;
}

void ps_bucket_take(struct ps_bucket *b, int64_t now_us)
{
	if (!b->count)
		return;
	refill(b, now_us);
	b->tokens -= 1.0;
}
