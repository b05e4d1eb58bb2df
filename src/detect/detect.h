/*
 * The detector: events in, alerts out (RULES in pamsignal(8)).
 *
 * Time is the events' own (ev->time_us), never the wall clock, so scanning
 * an old log gives the alerts it would have given live. Every table is
 * bounded by [detect] max_memory; a full table evicts its least recently
 * used entry. One thread only.
 *
 * Alerts go to a callback as they are raised; the alert and everything it
 * points to are valid only during the call. A negative return from the
 * callback is returned by the function that called it (after the rest of
 * the event was still processed).
 *
 * Lifetime of what goes in: an event is read only during ps_detector_feed();
 * whatever the detector keeps (sample events, names) it copies, cut to a
 * bounded size. The configuration is read by ps_detector_new() only.
 */
#ifndef PS_DETECT_DETECT_H
#define PS_DETECT_DETECT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "event/alert.h"
#include "event/event.h"

struct ps_detector;

typedef int (*ps_alert_fn)(const struct ps_alert *a, void *arg);

/*
 * A detector for cfg->detect. Returns 0, -ENOMEM, or -EINVAL when the
 * off_hours time zone cannot be loaded (check-config reports that first).
 */
int ps_detector_new(const struct ps_config *cfg, struct ps_detector **out);
void ps_detector_free(struct ps_detector *d);

/*
 * The caller feeds the programs' own log lines (journal or log files) for
 * every host, so audit and PAM-module records of sshd, sudo, su and login
 * only corroborate them and are not counted again (views.c). Without it,
 * that is learnt per host from the first such log line.
 */
void ps_detector_set_program_logs(struct ps_detector *d, bool on);

/* Examine one event. Returns 0 or the callback's first negative return. */
int ps_detector_feed(struct ps_detector *d, const struct ps_event *ev, ps_alert_fn fn, void *arg);

/*
 * The same, for a caller that has just written ev as JSON: json is what
 * ps_event_write_json(o, ev, PS_JSON_NO_NEWLINE) wrote, read during the
 * call only. Alerts that show ev as a sample then carry those bytes
 * (ps_alert.events_json) instead of having it written again, and no
 * struct for it (ps_alert.events[i] NULL): the alert callback must write
 * JSON.
 */
int ps_detector_feed_json(struct ps_detector *d, const struct ps_event *ev, struct ps_str json, ps_alert_fn fn,
			  void *arg);

/*
 * Let time pass without events (the daemon's timer, every minute or so):
 * state older than its rule's window is dropped, and the incidents it held
 * end (quietly: see ps_detector_flush for final counts). now_us is in event
 * time (the wall clock, live). Feeding does the same as it goes, so tick is
 * only needed while no events come.
 */
int ps_detector_tick(struct ps_detector *d, int64_t now_us, ps_alert_fn fn, void *arg);

/*
 * End of input (scan): every open incident whose count grew since its last
 * alert gets a final update now. Incidents stay open.
 */
int ps_detector_flush(struct ps_detector *d, ps_alert_fn fn, void *arg);

/*
 * Save the state that matters across a restart (counters inside their
 * windows, open incidents, new_source history, the hash key) as text; see
 * state.c for the format. A pure function of the detector. Returns 0 or
 * -errno (a write error on f).
 */
int ps_detector_save(const struct ps_detector *d, FILE *f);

/*
 * Restore saved state into a detector that has seen no event yet. Entries
 * of rules now disabled are skipped; a changed threshold keeps the most
 * recent counts. Returns 0, -EBUSY (the detector is not fresh), -EINVAL
 * with a message naming the line in err (the detector is then as fresh as
 * before: nothing half-loaded), or -ENOMEM.
 */
int ps_detector_load(struct ps_detector *d, FILE *f, char *err, size_t err_size);

struct ps_detector_stats {
	uint64_t events, alerts;
	size_t entries, capacity; /* over all tables */
	uint64_t evictions;
	size_t memory;            /* bytes reserved for tables and samples */
};
void ps_detector_stats(const struct ps_detector *d, struct ps_detector_stats *st);

#endif
