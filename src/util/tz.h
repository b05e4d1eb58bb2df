/*
 * Time zones from the tz database, without touching the process's TZ.
 *
 * localtime_r() answers only for the process-wide zone, and changing that
 * means setenv("TZ") + tzset(), which is not thread-safe and would change
 * every other local time the process prints. A rule that asks "is this
 * login outside office hours in Europe/Paris?" needs its own zone, so this
 * reads the compiled zone file (TZif, RFC 8536) itself, as Go's time
 * package and Rust's chrono-tz do: the transitions it lists, then the POSIX
 * TZ rule in its footer for instants after the last one (slim zone files
 * list few transitions and rely on the footer).
 */
#ifndef PS_UTIL_TZ_H
#define PS_UTIL_TZ_H

#include <stdint.h>

struct ps_tz;

/*
 * Load a zone. name:
 *   NULL or ""        the system's zone: $TZ as the C library reads it when set,
 *                     else /etc/localtime, else UTC;
 *   "Europe/Paris"    /usr/share/zoneinfo/Europe/Paris;
 *   "/path/to/file"   that TZif file;
 *   "CET-1CEST,M3.5.0,M10.5.0/3"  a POSIX TZ string, when no zone file has that name.
 * Returns 0, -ENOENT (no such zone), -EINVAL (not a zone file or TZ string)
 * or -ENOMEM. Free with ps_tz_free().
 */
int ps_tz_load(const char *name, struct ps_tz **out);
void ps_tz_free(struct ps_tz *tz);

/* The zone's offset east of UTC, in seconds, at t seconds since the epoch. */
int32_t ps_tz_offset(const struct ps_tz *tz, int64_t t);

#endif
