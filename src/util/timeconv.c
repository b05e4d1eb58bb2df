#include "util/timeconv.h"

#include <errno.h>
#include <string.h>
#include <time.h>

/* Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar. */
int64_t ps_days_from_civil(int y, int m, int d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void ps_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int days_in_month(int y, int m)
{
	static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : dim[m - 1];
}

bool ps_civil_valid(const struct ps_civil *c)
{
	/* sec 60 is a leap second, which syslog can carry; it is kept. */
	return c->year >= 1970 && c->year <= 9999 && c->month >= 1 && c->month <= 12 &&
	       c->day >= 1 && c->day <= days_in_month(c->year, c->month) &&
	       c->hour >= 0 && c->hour <= 23 && c->min >= 0 && c->min <= 59 &&
	       c->sec >= 0 && c->sec <= 60 && c->usec >= 0 && c->usec <= 999999;
}

int64_t ps_civil_to_usec(const struct ps_civil *c, int offset_sec)
{
	int64_t s = ps_days_from_civil(c->year, c->month, c->day) * 86400 +
		    c->hour * 3600 + c->min * 60 + c->sec - offset_sec;
	return s * PS_USEC_PER_SEC + c->usec;
}

int ps_local_to_usec(const struct ps_civil *c, int64_t *usec)
{
	/* One-entry cache keyed by the local hour; scan is single-threaded. */
	static int cy = -1, cm, cd, ch;
	static int64_t hour_start;

	if (!ps_civil_valid(c))
		return -EINVAL;
	if (c->year != cy || c->month != cm || c->day != cd || c->hour != ch) {
		struct tm tm = {
			.tm_year = c->year - 1900, .tm_mon = c->month - 1, .tm_mday = c->day,
			.tm_hour = c->hour, .tm_isdst = -1,
		};
		time_t t = mktime(&tm);
		if (t == (time_t)-1) /* an hour start is never 1969-12-31T23:59:59 */
			return -EINVAL;
		cy = c->year, cm = c->month, cd = c->day, ch = c->hour;
		hour_start = (int64_t)t;
	}
	*usec = (hour_start + c->min * 60 + c->sec) * PS_USEC_PER_SEC + c->usec;
	return 0;
}

void ps_local_year_month(int64_t sec, int *year, int *month)
{
	time_t t = (time_t)sec;
	struct tm tm;
	if (localtime_r(&t, &tm)) {
		*year = tm.tm_year + 1900;
		*month = tm.tm_mon + 1;
	} else {
		*year = 1970;
		*month = 1;
	}
}

static void put2(char *p, unsigned v)
{
	memcpy(p, ps_digits2 + 2 * v, 2);
}

void ps_out_rfc3339(struct ps_out *o, int64_t usec)
{
	/* Events come in date order: the date part is computed once per day. */
	static int64_t cached_day = INT64_MIN;
	static char date[11]; /* "YYYY-MM-DDT" */
	char out[27];
	int64_t sec = usec / PS_USEC_PER_SEC, frac = usec % PS_USEC_PER_SEC;
	if (frac < 0) {
		frac += PS_USEC_PER_SEC;
		sec--;
	}
	int64_t day = sec / 86400, rem = sec % 86400;
	if (rem < 0) {
		rem += 86400;
		day--;
	}
	if (day != cached_day) {
		int y, m, d;
		ps_civil_from_days(day, &y, &m, &d);
		if (y < 0 || y > 9999)
			y = 0;
		put2(date, (unsigned)y / 100);
		put2(date + 2, (unsigned)y % 100);
		date[4] = '-';
		put2(date + 5, (unsigned)m);
		date[7] = '-';
		put2(date + 8, (unsigned)d);
		date[10] = 'T';
		cached_day = day;
	}
	memcpy(out, date, sizeof(date));
	put2(out + 11, (unsigned)(rem / 3600));
	out[13] = ':';
	put2(out + 14, (unsigned)(rem / 60 % 60));
	out[16] = ':';
	put2(out + 17, (unsigned)(rem % 60));
	out[19] = '.';
	put2(out + 20, (unsigned)(frac / 10000));
	put2(out + 22, (unsigned)(frac / 100 % 100));
	put2(out + 24, (unsigned)(frac % 100));
	out[26] = 'Z';
	ps_out_put(o, out, sizeof(out));
}

int ps_month_from_abbr(const char *p)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	for (int i = 0; i < 12; i++)
		if (p[0] == names[3 * i] && p[1] == names[3 * i + 1] && p[2] == names[3 * i + 2])
			return i + 1;
	return 0;
}

/* Exactly n digits at the front of *s. */
static bool take_fixed(struct ps_str *s, size_t n, int *out)
{
	int v = 0;
	if (s->n < n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s->p[i];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*out = v;
	*s = ps_tail(*s, n);
	return true;
}

static bool take_char(struct ps_str *s, char c)
{
	if (s->n == 0 || s->p[0] != c)
		return false;
	*s = ps_tail(*s, 1);
	return true;
}

int ps_parse_rfc3339(struct ps_str *s, int64_t *usec)
{
	struct ps_str t = *s;
	struct ps_civil c = { 0 };
	int offset = 0;

	if (!take_fixed(&t, 4, &c.year) || !take_char(&t, '-') || !take_fixed(&t, 2, &c.month) ||
	    !take_char(&t, '-') || !take_fixed(&t, 2, &c.day) || !take_char(&t, 'T') ||
	    !take_fixed(&t, 2, &c.hour) || !take_char(&t, ':') || !take_fixed(&t, 2, &c.min) ||
	    !take_char(&t, ':') || !take_fixed(&t, 2, &c.sec))
		return -EINVAL;
	if (take_char(&t, '.')) {
		size_t digits = 0;
		int scale = 100000;
		while (t.n > 0 && t.p[0] >= '0' && t.p[0] <= '9') {
			if (scale > 0) {
				c.usec += (t.p[0] - '0') * scale;
				scale /= 10;
			}
			t = ps_tail(t, 1);
			digits++;
		}
		if (digits == 0)
			return -EINVAL;
	}
	if (!take_char(&t, 'Z')) {
		int sign = t.n > 0 && t.p[0] == '-' ? -1 : 1;
		int oh, om;
		if (!take_char(&t, '+') && !take_char(&t, '-'))
			return -EINVAL;
		if (!take_fixed(&t, 2, &oh))
			return -EINVAL;
		take_char(&t, ':');
		if (!take_fixed(&t, 2, &om) || oh > 23 || om > 59)
			return -EINVAL;
		offset = sign * (oh * 3600 + om * 60);
	}
	if (!ps_civil_valid(&c))
		return -EINVAL;
	*usec = ps_civil_to_usec(&c, offset);
	*s = t;
	return 0;
}

int ps_parse_bsd_stamp(struct ps_str *s, struct ps_civil *c)
{
	struct ps_str t = *s;
	if (t.n < 15)
		return -EINVAL;
	c->month = ps_month_from_abbr(t.p);
	if (!c->month || t.p[3] != ' ')
		return -EINVAL;
	t = ps_tail(t, 4);
	if (take_char(&t, ' ')) {
		if (!take_fixed(&t, 1, &c->day))
			return -EINVAL;
	} else if (!take_fixed(&t, 2, &c->day)) {
		return -EINVAL;
	}
	if (!take_char(&t, ' ') || !take_fixed(&t, 2, &c->hour) || !take_char(&t, ':') ||
	    !take_fixed(&t, 2, &c->min) || !take_char(&t, ':') || !take_fixed(&t, 2, &c->sec))
		return -EINVAL;
	c->usec = 0;
	if (c->day < 1 || c->day > 31 || c->hour > 23 || c->min > 59 || c->sec > 60)
		return -EINVAL;
	*s = t;
	return 0;
}

static int64_t clock_us(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * PS_USEC_PER_SEC + ts.tv_nsec / 1000;
}

int64_t ps_realtime_us(void) { return clock_us(CLOCK_REALTIME); }
int64_t ps_monotonic_us(void) { return clock_us(CLOCK_MONOTONIC); }
