/*
 * Calendar arithmetic for log timestamps.
 *
 * Times are int64 microseconds since the Unix epoch (UTC). Classic syslog
 * timestamps are local wall-clock time; converting them needs the time
 * zone rules (mktime), which are slow, so ps_local_to_utc() caches the
 * conversion per hour: DST and zone changes happen on hour boundaries.
 * That cache, and ps_out_rfc3339()'s cache of the last day, are
 * per-process: these functions are for one thread.
 */
#ifndef PS_UTIL_TIMECONV_H
#define PS_UTIL_TIMECONV_H

#include <stdbool.h>
#include <stdint.h>

#include "util/out.h"

#define PS_USEC_PER_SEC INT64_C(1000000)

/* The clocks, in microseconds: wall time (CLOCK_REALTIME) and time since boot
 * that never jumps (CLOCK_MONOTONIC), for intervals. */
int64_t ps_realtime_us(void);
int64_t ps_monotonic_us(void);

struct ps_civil {
	int year, month, day; /* month 1-12 */
	int hour, min, sec;
	int usec;
};

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t ps_days_from_civil(int y, int m, int d);
/* The date of a day number (days since 1970-01-01). */
void ps_civil_from_days(int64_t days, int *y, int *m, int *d);

bool ps_civil_valid(const struct ps_civil *c);

/* c as UTC (offset_sec east of UTC subtracted) → microseconds. */
int64_t ps_civil_to_usec(const struct ps_civil *c, int offset_sec);

/*
 * c as local time in the process's time zone → microseconds. Returns 0, or
 * -EINVAL if the time does not exist.
 */
int ps_local_to_usec(const struct ps_civil *c, int64_t *usec);

/* Year, month (1-12) of a UTC or local instant in seconds. */
void ps_local_year_month(int64_t sec, int *year, int *month);

/* Write usec as RFC 3339 UTC with microseconds: 2026-11-21T19:50:23.000000Z */
void ps_out_rfc3339(struct ps_out *o, int64_t usec);

/* Month number (1-12) of a three-letter English abbreviation, or 0. */
int ps_month_from_abbr(const char *p);



#include "util/slice.h"

/*
 * Parse an RFC 3339 timestamp at the front of *s and consume it:
 * YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|+HHMM). Fractions beyond
 * microseconds are truncated. Returns 0 or -EINVAL (nothing consumed).
 */
int ps_parse_rfc3339(struct ps_str *s, int64_t *usec);

/* Parse "Mmm dd hh:mm:ss" (day space-padded or not) at the front of *s. */
int ps_parse_bsd_stamp(struct ps_str *s, struct ps_civil *c);
#endif
