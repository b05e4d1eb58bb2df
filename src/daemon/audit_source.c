/*
 * The audit log as a live source: /var/log/audit/audit.log followed with
 * ps_tail (auditd rotates it by renaming: audit.log.1, ...), its records
 * grouped by the auparse feed.
 *
 * Position: auparse holds the records of an event until the event is
 * known complete (a later record, or the age timer after auditd's 2 s end
 * of event timeout). The position saved is the start of the oldest event
 * still held, so a restart reads those records again: an event is written
 * once, after it is complete, and never lost. Only at the end of the file
 * with no more records coming does the age timer decide completeness.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "daemon/daemon_int.h"
#include "decode/audit.h"
#include "source/audit_feed.h"
#include "util/log.h"

#define AGE_US (1000 * 1000) /* how often held events are checked for completeness */

struct audit_source {
	struct ps_tail *tail;
	struct ps_audit_feed *feed;
	sd_event_source *watch, *age;
	uint64_t gaps_reported;
	int last_error;
};

static int audit_event(const struct ps_event *ev_in, void *arg)
{
	struct daemon *d = arg;
	struct ps_event ev = *ev_in; /* ps_emit may fill fields in */
	ev.source = ps_cstr(ps_tail_path(d->audit->tail));
	if (!ps_set(ev.host))
		ev.host = ps_cstr(d->hostname);
	ps_emit(d, &ev);
	return 0;
}

static void audit_malformed(const char *name, uint64_t line, const char *what, void *arg)
{
	struct daemon *d = arg;
	(void)name, (void)line, (void)what;
	d->n.malformed++;
}

static int on_age(sd_event_source *s, uint64_t usec, void *arg)
{
	struct daemon *d = arg;
	(void)s, (void)usec;
	if (d->audit) {
		ps_audit_feed_age(d->audit->feed);
		d->dirty = true;
	}
	/* Through the loop's step, so that what aging emitted is written and checkpointed. */
	sd_event_source_set_enabled(d->more, SD_EVENT_ONESHOT);
	return 0;
}

static void gaps(struct daemon *d)
{
	ps_sources_tail_gaps(d, d->audit->tail, &d->audit->gaps_reported);
}

int ps_audit_source_open(struct daemon *d)
{
	const char *path = d->cfg.audit_path;
	struct stat st;
	int r;

	if (d->cfg.audit == PS_SWITCH_NO || (d->cfg.audit == PS_SWITCH_AUTO && stat(path, &st) < 0))
		return 0;
	struct audit_source *a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	int resume = ps_tail_open(&a->tail, path, ps_state_file(&d->positions, path));
	if ((r = resume) < 0) {
		ps_log_error("%s: %s", path, strerror(-r));
		free(a);
		return d->cfg.audit == PS_SWITCH_YES ? r : 0;
	}
	if ((r = ps_audit_feed_new(&a->feed, PS_STR_NULL, audit_event, audit_malformed, d)) < 0) {
		ps_tail_close(a->tail);
		free(a);
		return r;
	}
	ps_audit_feed_set_live(a->feed, true);
	d->audit = a;
	ps_sources_resume_gap(d, path, resume);
	ps_sources_watch_dir(d, path, &a->watch);
	if ((r = sd_event_add_time_relative(d->loop, &a->age, CLOCK_MONOTONIC, AGE_US, 100000, on_age, d)) < 0)
		return r;
	sd_event_source_set_enabled(a->age, SD_EVENT_OFF);
	gaps(d);
	return 0;
}

void ps_audit_source_close(struct daemon *d)
{
	struct audit_source *a = d->audit;
	if (!a)
		return;
	/* Events still held are not flushed: the saved position is before them, so they are read again. */
	sd_event_source_unref(a->watch);
	sd_event_source_unref(a->age);
	ps_audit_feed_free(a->feed);
	ps_tail_close(a->tail);
	free(a);
	d->audit = NULL;
}

static int audit_line(struct ps_str line, uint64_t offset_after, void *arg)
{
	struct daemon *d = arg;
	struct ps_tail_pos before;
	uint64_t serial;
	(void)offset_after;

	d->n.entries++;
	if (!ps_audit_line(line, &serial))
		return 0; /* not a record (a line auditd did not write) */
	ps_tail_position(d->audit->tail, &before);
	ps_audit_feed_line(d->audit->feed, line, 0, &before);
	return 0;
}

bool ps_audit_source_read(struct daemon *d)
{
	struct audit_source *a = d->audit;
	if (!a)
		return false;
	int r = ps_tail_poll(a->tail, audit_line, d, PS_BATCH);
	if (r < 0) {
		if (r != a->last_error)
			ps_log_error("%s: %s", ps_tail_path(a->tail), strerror(-r));
		a->last_error = r;
		return false;
	}
	if (a->last_error) {
		ps_log_info("%s: readable again", ps_tail_path(a->tail));
		a->last_error = 0;
	}
	gaps(d);
	d->dirty |= r > 0;
	/* Held events: look again once auparse's timeout may have passed. */
	if (ps_audit_feed_pending(a->feed)) {
		int enabled = SD_EVENT_OFF;
		sd_event_source_get_enabled(a->age, &enabled);
		if (enabled == SD_EVENT_OFF) {
			sd_event_source_set_time_relative(a->age, AGE_US);
			sd_event_source_set_enabled(a->age, SD_EVENT_ONESHOT);
		}
	}
	return (size_t)r == PS_BATCH;
}

void ps_audit_source_save_position(struct daemon *d)
{
	struct ps_tail_pos pos;
	if (!d->audit)
		return;
	if (!ps_audit_feed_oldest(d->audit->feed, &pos))
		ps_tail_position(d->audit->tail, &pos);
	ps_state_set_file(&d->positions, ps_tail_path(d->audit->tail), &pos);
}

const char *ps_audit_source_path(const struct daemon *d)
{
	return d->audit ? ps_tail_path(d->audit->tail) : NULL;
}
