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
 *
 * Or, with [source.audit] socket, the records come from pamsignal-audisp,
 * auditd's plugin (audisp/wire.h): one datagram per record, from root only
 * (as the pam socket, source/pam_socket.h; others are refused and reported
 * as spoofed_log), into the same feed. A datagram has no position: what
 * the plugin could not deliver it counts, and its count becomes a
 * source_gap event here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "daemon/daemon_int.h"
#include "decode/audit.h"
#include "audisp/wire.h"
#include "source/audit_feed.h"
#include "source/pam_socket.h"
#include "util/log.h"
#include "util/timeconv.h"

#define AGE_US (1000 * 1000) /* how often held events are checked for completeness */
#define REFUSED_NOTICE_US (60 * 1000000LL)

struct audit_source {
	struct ps_tail *tail;         /* following the file; NULL with the socket */
	struct ps_pam_socket sock;    /* the plugin's socket (fd -1 when following the file) */
	sd_event_source *io;
	uint64_t refused, refused_said;
	int64_t refused_said_us;
	unsigned char buf[PS_AUDISP_MAX + 1]; /* one more: a longer datagram shows as cut */
	struct ps_audit_feed *feed;
	sd_event_source *watch, *age;
	uint64_t gaps_reported;
	int last_error;
};

static int audit_event(const struct ps_event *ev_in, void *arg)
{
	struct daemon *d = arg;
	struct ps_event ev = *ev_in; /* ps_emit may fill fields in */
	ev.source = ps_cstr(ps_audit_source_path(d));
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
	if (d->audit->tail)
		ps_sources_tail_gaps(d, d->audit->tail, &d->audit->gaps_reported);
}

/* From here on a belongs to d: on failure, ps_audit_source_close() takes back what was opened. */
static int start_feed(struct daemon *d, struct audit_source *a)
{
	int r;
	d->audit = a;
	if ((r = ps_audit_feed_new(&a->feed, PS_STR_NULL, audit_event, audit_malformed, d)) < 0)
		return r;
	ps_audit_feed_set_live(a->feed, true);
	if ((r = sd_event_add_time_relative(d->loop, &a->age, CLOCK_MONOTONIC, AGE_US, 100000, on_age, d)) < 0)
		return r;
	sd_event_source_set_enabled(a->age, SD_EVENT_OFF);
	return 0;
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *arg)
{
	struct daemon *d = arg;
	(void)s, (void)fd, (void)revents;
	/* Read in the loop's step (which writes and checkpoints); the source re-arms after reading. */
	sd_event_source_set_enabled(d->more, SD_EVENT_ONESHOT);
	return 0;
}

/* [source.audit] socket: bound like the pam socket; auto makes a socket that cannot be bound a warning. */
static int open_socket(struct daemon *d, struct audit_source *a)
{
	const char *path = d->cfg.audit_socket;
	int r = ps_pam_socket_open(&a->sock, path);
	if (r < 0) {
		const char *why = r == -EADDRINUSE ? "another process listens there" : strerror(-r);
		free(a);
		if (d->cfg.audit == PS_SWITCH_YES) {
			ps_log_error("[source.audit] socket %s: %s", path, why);
			return r;
		}
		ps_log_warn("[source.audit] socket %s: %s; pamsignal-audisp's records are not read", path, why);
		return 0;
	}
	if ((r = start_feed(d, a)) < 0 || (r = sd_event_add_io(d->loop, &a->io, a->sock.fd, EPOLLIN, on_io, d)) < 0)
		return r;
	sd_event_source_set_enabled(a->io, SD_EVENT_ONESHOT);
	return 0;
}

int ps_audit_source_open(struct daemon *d)
{
	const char *path = d->cfg.audit_path;
	struct stat st;
	int r;

	if (d->cfg.audit == PS_SWITCH_NO)
		return 0;
	struct audit_source *a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->sock.fd = -1;
	if (d->cfg.audit_socket)
		return open_socket(d, a);
	if (d->cfg.audit == PS_SWITCH_AUTO && stat(path, &st) < 0) {
		free(a);
		return 0;
	}
	int resume = ps_tail_open(&a->tail, path, ps_state_file(&d->positions, path));
	if ((r = resume) < 0) {
		ps_log_error("%s: %s", path, strerror(-r));
		free(a);
		return d->cfg.audit == PS_SWITCH_YES ? r : 0;
	}
	if ((r = start_feed(d, a)) < 0)
		return r;
	ps_sources_resume_gap(d, path, resume);
	ps_sources_watch_dir(d, path, &a->watch);
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
	sd_event_source_unref(a->io);
	ps_audit_feed_free(a->feed);
	if (a->tail)
		ps_tail_close(a->tail);
	ps_pam_socket_close(&a->sock);
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

/* Held events: look again once auparse's timeout may have passed. */
static void arm_age(struct audit_source *a)
{
	if (ps_audit_feed_pending(a->feed)) {
		int enabled = SD_EVENT_OFF;
		sd_event_source_get_enabled(a->age, &enabled);
		if (enabled == SD_EVENT_OFF) {
			sd_event_source_set_time_relative(a->age, AGE_US);
			sd_event_source_set_enabled(a->age, SD_EVENT_ONESHOT);
		}
	}
}

/* A datagram from a sender that is not root: counted, and reported at most once a minute. */
static void refused(struct daemon *d, struct audit_source *a, const struct ps_pam_sender *from)
{
	a->refused++;
	int64_t now = ps_monotonic_us();
	if (a->refused_said_us && now - a->refused_said_us < REFUSED_NOTICE_US)
		return;
	a->refused_said_us = now;
	uint64_t since = a->refused - a->refused_said;
	a->refused_said = a->refused;
	if (from->known)
		ps_log_warn("%s: refused a datagram from uid %u (pid %d): only root's pamsignal-audisp may send audit "
			    "records; %llu refused in all",
			    a->sock.path, (unsigned)from->uid, (int)from->pid, (unsigned long long)a->refused);
	else
		ps_log_warn("%s: refused a datagram without sender credentials; %llu refused in all", a->sock.path,
			    (unsigned long long)a->refused);
	ps_refused_datagrams(d, "pamsignal-audisp", a->sock.path, from, since,
			     "datagrams on the audit socket from a sender that is not root");
}

/* The plugin's loss report: a source_gap carrying the count. */
static void dropped(struct daemon *d, struct audit_source *a, uint64_t n)
{
	char detail[200];
	snprintf(detail, sizeof(detail),
		 "pamsignal-audisp dropped %llu audit record(s): the daemon was down or slow and its queue was full",
		 (unsigned long long)n);
	ps_log_warn("%s: %s", a->sock.path, detail);
	ps_ingest_notice(d, PS_KIND_SOURCE_GAP, a->sock.path, detail);
}

static bool read_socket(struct daemon *d, struct audit_source *a)
{
	size_t n = 0;
	for (; n < PS_BATCH; n++) {
		struct ps_pam_sender from;
		size_t len;
		const char *rec = NULL;
		size_t rec_len = 0;
		uint64_t lost = 0, serial;
		int r = ps_pam_socket_recv(&a->sock, a->buf, sizeof(a->buf), &len, &from);
		if (r < 0 && r != a->last_error)
			ps_log_error("%s: %s", a->sock.path, strerror(-r));
		a->last_error = r < 0 ? r : 0;
		if (r <= 0)
			break;
		d->n.entries++;
		if (!from.known || from.uid != 0) {
			refused(d, a, &from);
			continue;
		}
		r = len > PS_AUDISP_MAX ? -EBADMSG : ps_audisp_parse(a->buf, len, &rec, &rec_len, &lost);
		if (r == PS_AUDISP_DROPPED)
			dropped(d, a, lost);
		else if (r == PS_AUDISP_RECORD && ps_audit_line(ps_str(rec, rec_len), &serial))
			ps_audit_feed_line(a->feed, ps_str(rec, rec_len), 0, NULL);
		else
			d->n.malformed++;
		d->dirty = true; /* a datagram cannot be read again: checkpoint soon */
	}
	sd_event_source_set_enabled(a->io, SD_EVENT_ONESHOT);
	arm_age(a);
	return n == PS_BATCH;
}

bool ps_audit_source_read(struct daemon *d)
{
	struct audit_source *a = d->audit;
	if (!a)
		return false;
	if (!a->tail)
		return read_socket(d, a);
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
	arm_age(a);
	return (size_t)r == PS_BATCH;
}

void ps_audit_source_save_position(struct daemon *d)
{
	struct ps_tail_pos pos;
	if (!d->audit || !d->audit->tail)
		return; /* datagrams have no position */
	if (!ps_audit_feed_oldest(d->audit->feed, &pos))
		ps_tail_position(d->audit->tail, &pos);
	ps_state_set_file(&d->positions, ps_tail_path(d->audit->tail), &pos);
}

const char *ps_audit_source_path(const struct daemon *d)
{
	if (!d->audit)
		return NULL;
	return d->audit->tail ? ps_tail_path(d->audit->tail) : d->audit->sock.path;
}
