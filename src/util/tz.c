#include "util/tz.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/timeconv.h"

#define ZONEINFO "/usr/share/zoneinfo/"
#define MAX_FILE (512 * 1024)

/* One end of daylight time in a POSIX TZ rule. */
struct rule_date {
	char kind;        /* 'J' (1-365, no Feb 29), 'n' (0-365), 'M' (month.week.day) */
	int a, b, c;      /* J/n: day; M: month, week (5: last), weekday (0: Sunday) */
	int32_t time;     /* seconds after local midnight (may be negative or > 24 h) */
};

struct posix_tz {
	int32_t std_off, dst_off; /* east of UTC */
	bool has_dst;
	struct rule_date start, end;
};

struct ps_tz {
	int64_t *times;   /* transitions, ascending */
	uint8_t *idx;     /* the type in effect from each transition */
	int32_t *offs;    /* offset of each type */
	size_t n_times, n_types;
	int32_t first_off; /* before the first transition */
	bool has_footer;
	struct posix_tz footer;
};

/* ---- POSIX TZ strings: std offset [dst [offset] [,start[/time],end[/time]]] ---- */

static bool parse_num(const char **s, int min, int max, int *out)
{
	int v = 0, digits = 0;
	while (**s >= '0' && **s <= '9' && digits < 6) {
		v = v * 10 + (**s - '0');
		(*s)++;
		digits++;
	}
	*out = v;
	return digits > 0 && v >= min && v <= max;
}

/* [+-]hh[:mm[:ss]] with hours up to max_h; returns seconds. */
static bool parse_hms(const char **s, int max_h, int32_t *out)
{
	int sign = 1, h, m = 0, sec = 0;
	if (**s == '+' || **s == '-')
		sign = *(*s)++ == '-' ? -1 : 1;
	if (!parse_num(s, 0, max_h, &h))
		return false;
	if (**s == ':' && (++*s, !parse_num(s, 0, 59, &m)))
		return false;
	if (**s == ':' && (++*s, !parse_num(s, 0, 59, &sec)))
		return false;
	*out = sign * (h * 3600 + m * 60 + sec);
	return true;
}

static bool parse_name(const char **s)
{
	const char *p = *s;
	if (*p == '<') {
		const char *end = strchr(p, '>');
		if (!end || end - p < 4)
			return false;
		*s = end + 1;
		return true;
	}
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
		p++;
	if (p - *s < 3)
		return false;
	*s = p;
	return true;
}

static bool parse_date(const char **s, struct rule_date *d)
{
	d->time = 2 * 3600;
	if (**s == 'J') {
		(*s)++;
		d->kind = 'J';
		if (!parse_num(s, 1, 365, &d->a))
			return false;
	} else if (**s == 'M') {
		(*s)++;
		d->kind = 'M';
		if (!parse_num(s, 1, 12, &d->a) || *(*s)++ != '.' || !parse_num(s, 1, 5, &d->b) ||
		    *(*s)++ != '.' || !parse_num(s, 0, 6, &d->c))
			return false;
	} else {
		d->kind = 'n';
		if (!parse_num(s, 0, 365, &d->a))
			return false;
	}
	if (**s == '/') {
		(*s)++;
		return parse_hms(s, 167, &d->time);
	}
	return true;
}

static bool parse_posix(const char *s, struct posix_tz *tz)
{
	int32_t off;
	memset(tz, 0, sizeof(*tz));
	if (!parse_name(&s) || !parse_hms(&s, 24, &off))
		return false;
	tz->std_off = -off; /* POSIX offsets count west of UTC */
	if (*s == '\0')
		return true;
	if (!parse_name(&s))
		return false;
	tz->has_dst = true;
	tz->dst_off = tz->std_off + 3600;
	if (*s && *s != ',') {
		if (!parse_hms(&s, 24, &off))
			return false;
		tz->dst_off = -off;
	}
	if (*s == '\0') { /* no rule: the US one, as the C library assumes */
		s = ",M3.2.0,M11.1.0";
	}
	return *s++ == ',' && parse_date(&s, &tz->start) && *s++ == ',' && parse_date(&s, &tz->end) &&
	       *s == '\0';
}

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Seconds since the epoch of the rule's date and time in year y, as local time at offset off. */
static int64_t rule_utc(const struct rule_date *d, int y, int32_t off)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int64_t day;
	if (d->kind == 'J') {
		day = ps_days_from_civil(y, 1, 1) + d->a - 1 + (leap(y) && d->a >= 60);
	} else if (d->kind == 'n') {
		day = ps_days_from_civil(y, 1, 1) + d->a;
	} else {
		int64_t first = ps_days_from_civil(y, d->a, 1);
		int dow = (int)(((first + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
		int mday = 1 + (d->c - dow + 7) % 7 + (d->b - 1) * 7;
		int len = mdays[d->a - 1] + (d->a == 2 && leap(y));
		while (mday > len)
			mday -= 7;
		day = first + mday - 1;
	}
	return day * 86400 + d->time - off;
}

static int32_t posix_offset(const struct posix_tz *tz, int64_t t)
{
	if (!tz->has_dst)
		return tz->std_off;
	int64_t local = t + tz->std_off;
	int y, m, d;
	ps_civil_from_days(local / 86400 - (local % 86400 < 0), &y, &m, &d);
	int64_t start = rule_utc(&tz->start, y, tz->std_off), end = rule_utc(&tz->end, y, tz->dst_off);
	bool dst = start < end ? (t >= start && t < end) : (t < end || t >= start);
	return dst ? tz->dst_off : tz->std_off;
}

/* ---- TZif files (RFC 8536) ---- */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct counts {
	uint32_t isut, isstd, leap, time, type, chr;
};

static bool header(const unsigned char *p, size_t n, struct counts *c)
{
	if (n < 44 || memcmp(p, "TZif", 4) != 0)
		return false;
	c->isut = be32(p + 20);
	c->isstd = be32(p + 24);
	c->leap = be32(p + 28);
	c->time = be32(p + 32);
	c->type = be32(p + 36);
	c->chr = be32(p + 40);
	return c->type >= 1 && c->type <= 256 && c->time <= 100000 && c->chr <= 4096 && c->leap <= 1000 &&
	       c->isut <= 256 && c->isstd <= 256;
}

static size_t block_size(const struct counts *c, size_t tsize)
{
	return c->time * (tsize + 1) + c->type * 6 + c->chr + c->leap * (tsize + 4) + c->isstd + c->isut;
}

static int parse_tzif(const unsigned char *p, size_t n, struct ps_tz *tz)
{
	struct counts c;
	size_t tsize = 4;
	if (!header(p, n, &c))
		return -EINVAL;
	if (p[4] >= '2') { /* skip the 32-bit block for the 64-bit one */
		size_t skip = 44 + block_size(&c, 4);
		if (skip > n || !header(p + skip, n - skip, &c))
			return -EINVAL;
		p += skip;
		n -= skip;
		tsize = 8;
	}
	if (44 + block_size(&c, tsize) > n)
		return -EINVAL;
	const unsigned char *times = p + 44, *idx = times + c.time * tsize, *types = idx + c.time;
	tz->times = calloc(c.time ? c.time : 1, sizeof(*tz->times));
	tz->idx = calloc(c.time ? c.time : 1, 1);
	tz->offs = calloc(c.type, sizeof(*tz->offs));
	if (!tz->times || !tz->idx || !tz->offs)
		return -ENOMEM;
	for (uint32_t i = 0; i < c.type; i++)
		tz->offs[i] = (int32_t)be32(types + 6 * i);
	for (uint32_t i = 0; i < c.time; i++) {
		tz->times[i] = tsize == 8 ? be64(times + 8 * i) : (int32_t)be32(times + 4 * i);
		if (idx[i] >= c.type || (i > 0 && tz->times[i] <= tz->times[i - 1]))
			return -EINVAL;
		tz->idx[i] = idx[i];
	}
	tz->n_times = c.time;
	tz->n_types = c.type;
	/* Before the first transition: the first standard-time type (RFC 8536 3.2). */
	tz->first_off = tz->offs[0];
	for (uint32_t i = 0; i < c.type; i++) {
		if (!types[6 * i + 4]) {
			tz->first_off = tz->offs[i];
			break;
		}
	}
	const unsigned char *footer = p + 44 + block_size(&c, tsize), *end = p + n;
	if (tsize == 8 && footer < end && *footer == '\n') {
		const unsigned char *nl = memchr(footer + 1, '\n', (size_t)(end - footer - 1));
		char buf[128];
		size_t len = nl ? (size_t)(nl - footer - 1) : 0;
		if (nl && len > 0 && len < sizeof(buf)) {
			memcpy(buf, footer + 1, len);
			buf[len] = '\0';
			tz->has_footer = parse_posix(buf, &tz->footer);
		}
	}
	return 0;
}

static int read_file(const char *path, unsigned char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	unsigned char *buf = malloc(MAX_FILE);
	size_t n = 0;
	int r = 0;
	if (!buf)
		r = -ENOMEM;
	while (r == 0 && n < MAX_FILE) {
		ssize_t got = read(fd, buf + n, MAX_FILE - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			r = -errno;
		else if (got == 0)
			break;
		else
			n += (size_t)got;
	}
	close(fd);
	if (r < 0 || n == MAX_FILE) {
		free(buf);
		return r < 0 ? r : -EINVAL;
	}
	*out = buf;
	*len = n;
	return 0;
}

/* A zone name that stays inside the zoneinfo directory. */
static bool safe_name(const char *name)
{
	if (name[0] == '\0' || name[0] == '/' || strlen(name) > 200)
		return false;
	for (const char *p = name; *p; p++) {
		if (*p == '.' && p[1] == '.')
			return false;
		if ((unsigned char)*p <= ' ' || *p == '\\')
			return false;
	}
	return true;
}

void ps_tz_free(struct ps_tz *tz)
{
	if (!tz)
		return;
	free(tz->times);
	free(tz->idx);
	free(tz->offs);
	free(tz);
}

int ps_tz_load(const char *name, struct ps_tz **out)
{
	char path[256];
	const char *file = NULL;
	*out = NULL;
	if (!name || !*name) {
		const char *env = getenv("TZ");
		if (!env)
			name = "/etc/localtime";
		else if (!*env)
			name = "UTC0"; /* TZ set but empty: UTC, as the C library reads it */
		else
			name = env[0] == ':' ? env + 1 : env;
	}
	if (name[0] == '/') {
		file = name;
	} else if (safe_name(name) && strlen(ZONEINFO) + strlen(name) < sizeof(path)) {
		memcpy(path, ZONEINFO, strlen(ZONEINFO));
		memcpy(path + strlen(ZONEINFO), name, strlen(name) + 1);
		file = path;
	}
	struct ps_tz *tz = calloc(1, sizeof(*tz));
	if (!tz)
		return -ENOMEM;
	unsigned char *data = NULL;
	size_t len = 0;
	int r = file ? read_file(file, &data, &len) : -ENOENT;
	if (r == 0) {
		r = parse_tzif(data, len, tz);
		free(data);
	} else if (r != -ENOMEM) {
		/* No such file: a POSIX TZ string, or "UTC" on a system without zone files. */
		if (parse_posix(name, &tz->footer) || strcmp(name, "UTC") == 0 || strcmp(name, "/etc/localtime") == 0) {
			tz->has_footer = true;
			r = 0;
		} else if (r != -ENOENT) {
			r = -EINVAL;
		}
	}
	if (r < 0) {
		ps_tz_free(tz);
		return r;
	}
	*out = tz;
	return 0;
}

int32_t ps_tz_offset(const struct ps_tz *tz, int64_t t)
{
	if (tz->n_times == 0 || t < tz->times[0])
		return tz->n_times == 0 && tz->has_footer ? posix_offset(&tz->footer, t) : tz->first_off;
	if (t >= tz->times[tz->n_times - 1] && tz->has_footer)
		return posix_offset(&tz->footer, t);
	size_t lo = 0, hi = tz->n_times; /* the last transition at or before t */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (tz->times[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return tz->offs[tz->idx[lo]];
}
