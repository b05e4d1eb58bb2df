/*
 * The file source for offline reading: every record of one input,
 * framed, decoded, and handed to a callback as an event.
 */
#ifndef PS_SOURCE_FILE_H
#define PS_SOURCE_FILE_H

#include <stdint.h>

#include "event/event.h"
#include "source/reader.h"

struct ps_scan_stats {
	uint64_t lines;     /* lines (or export entries) read */
	uint64_t events;
	uint64_t malformed; /* our programs' messages that did not have their structure */
	uint64_t overlong;  /* lines over PS_MAX_LINE, skipped */
};

/* Called per event; a negative return stops the scan and is returned. */
typedef int (*ps_event_fn)(const struct ps_event *ev, void *arg);

/*
 * Read r to the end. name is what events carry as "file". ref_time_sec
 * supplies the year for classic syslog timestamps. Overlong and
 * malformed lines are counted in *st and reported through warn (may be
 * NULL) with their line number. Returns 0 or the first negative errno
 * (read error, or fn's).
 */
typedef void (*ps_warn_fn)(const char *name, uint64_t line, const char *what, void *arg);
int ps_file_scan(struct ps_reader *r, const char *name, int64_t ref_time_sec,
		 ps_event_fn fn, ps_warn_fn warn, void *arg, struct ps_scan_stats *st);

#endif
