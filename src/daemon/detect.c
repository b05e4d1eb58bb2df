/*
 * The detector in the daemon: every event goes through it (ingest.c), its
 * alerts go where events go (the event log, the terminal), and its state
 * survives restarts in STATE_DIR/detect.
 *
 * That state (counters in their windows, open incidents, new_source
 * history) can be megabytes under attack, so it is not part of every
 * checkpoint: it is saved a minute after the last event fed (one save per
 * busy spell, no timer while idle) by a forked child (forksave.h), which
 * writes the state as it was at the fork while the loop goes on: writing
 * it here would stop ingestion for as long as that takes. At exit it is
 * written here, exactly. After a clean stop it is exact; after a crash it
 * may be up to a minute behind the event log, so counters can miss what
 * that minute counted (never count it twice: it is saved from a state the
 * event log had already reached).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon_int.h"
#include "daemon/forksave.h"
#include "event/text.h"
#include "util/log.h"
#include "util/timeconv.h"

#define DETECT_SAVE_AFTER_US (60 * 1000000ULL)

static int on_alert(const struct ps_alert *a, void *arg)
{
	struct daemon *d = arg;
	d->n.alerts++;
	if (d->eventlog)
		ps_eventlog_add_alert(d->eventlog, a);
	if (d->cfg.print)
		ps_alert_write_text(&d->term, a);
	ps_alerts_alert(d, a);
	ps_forwarding_alert(d, a);
	return 0;
}

void ps_detect_event(struct daemon *d, const struct ps_event *ev)
{
	if (!d->detector)
		return;
	/* With the journal or a log file open, sshd's, sudo's and su's own
	 * lines reach the rules: their audit (and PAM module) records only
	 * corroborate them. Sources come and go, so this is asked each time. */
	ps_detector_set_program_logs(d->detector, d->journal || d->n_tails > 0);
	ps_detector_feed(d->detector, ev, on_alert, d);
	if (!d->detect_dirty) {
		d->detect_dirty = true;
		sd_event_source_set_time_relative(d->detect_timer, DETECT_SAVE_AFTER_US);
		sd_event_source_set_enabled(d->detect_timer, SD_EVENT_ONESHOT);
	}
}

/* The detector's state as text (malloc'ed), or NULL. */
static char *save_text(struct daemon *d, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	if (!f)
		return NULL;
	int r = ps_detector_save(d->detector, f);
	if (fclose(f) != 0 || r < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* The detector's state into fd (ps_checkpoint_fill_fn). */
static int fill_state(int fd, void *arg)
{
	int copy = dup(fd);
	FILE *f = copy < 0 ? NULL : fdopen(copy, "w");
	if (!f) {
		int r = -errno;
		if (copy >= 0)
			close(copy);
		return r;
	}
	int r = ps_detector_save(arg, f);
	if (fclose(f) != 0 && r == 0)
		r = -EIO;
	return r;
}

static void save_later(struct daemon *d)
{
	sd_event_source_set_time_relative(d->detect_timer, DETECT_SAVE_AFTER_US);
	sd_event_source_set_enabled(d->detect_timer, SD_EVENT_ONESHOT);
}

/* The saving child, if it has ended (block: once it has): reaped, and what
 * went wrong logged. */
static void reap_saver(struct daemon *d, bool block)
{
	if (!d->detect_saver)
		return;
	int r = ps_forksave_wait(d->detect_saver, block);
	if (r == 1)
		return;
	d->detect_saver = 0;
	d->detect_saver_exit = sd_event_source_unref(d->detect_saver_exit); /* closes its pidfd */
	if (r < 0)
		ps_log_error("writing %s: %s", d->detect_path, strerror(-r));
}

static int on_saver_exit(sd_event_source *s, int fd, uint32_t revents, void *arg)
{
	(void)s, (void)fd, (void)revents;
	reap_saver(arg, false);
	return 0;
}

void ps_detect_save(struct daemon *d)
{
	pid_t pid;
	int pidfd;

	if (!d->detector || !d->detect_dirty)
		return;
	reap_saver(d, false); /* without a pidfd, it is seen to here */
	if (d->detect_saver) {
		save_later(d); /* the last save is still being written */
		return;
	}
	int r = ps_forksave_start(d->detect_path, fill_state, d->detector, &pid, &pidfd);
	if (r < 0) {
		ps_log_error("saving the detector's state: %s", strerror(-r));
		save_later(d);
		return;
	}
	d->detect_saver = pid;
	d->detect_dirty = false;
	if (pidfd >= 0 && sd_event_add_io(d->loop, &d->detect_saver_exit, pidfd, EPOLLIN, on_saver_exit, d) >= 0)
		sd_event_source_set_io_fd_own(d->detect_saver_exit, true);
	else if (pidfd >= 0)
		close(pidfd);
}

static int on_save_timer(sd_event_source *s, uint64_t usec, void *arg)
{
	struct daemon *d = arg;
	(void)s, (void)usec;
	/* Windows that ended while no event came end their incidents now. */
	ps_detector_tick(d->detector, ps_realtime_us(), on_alert, d);
	ps_detect_save(d);
	return 0;
}

/* Load saved text into a fresh detector; a bad file is reported and left unused. */
static void load_text(struct daemon *d, struct ps_detector *det, char *text, size_t len, const char *what)
{
	char err[256] = "";
	FILE *f = fmemopen(text, len, "r");
	if (!f)
		return;
	int r = ps_detector_load(det, f, err, sizeof(err));
	fclose(f);
	if (r < 0)
		ps_log_error("%s: %s; detection starts afresh", what, err[0] ? err : strerror(-r));
	(void)d;
}

int ps_detect_open(struct daemon *d)
{
	char *text;
	size_t len;
	int r;

	if (asprintf(&d->detect_path, "%s/detect", d->cfg.state_dir) < 0)
		return -ENOMEM;
	if ((r = ps_detector_new(&d->cfg, &d->detector)) < 0) {
		ps_log_error("detection: %s", strerror(-r));
		return r;
	}
	r = ps_checkpoint_read(d->detect_path, &text, &len);
	if (r == 0) {
		load_text(d, d->detector, text, len, d->detect_path);
		free(text);
	} else if (r != -ENOENT) {
		ps_log_error("%s: %s; detection starts afresh", d->detect_path, strerror(-r));
	}
	if ((r = sd_event_add_time_relative(d->loop, &d->detect_timer, CLOCK_MONOTONIC, DETECT_SAVE_AFTER_US,
					    1000000, on_save_timer, d)) < 0)
		return r;
	sd_event_source_set_enabled(d->detect_timer, SD_EVENT_OFF);
	return 0;
}

/* SIGHUP: rules and thresholds may have changed; what was counted carries over. */
void ps_detect_reload(struct daemon *d)
{
	struct ps_detector *fresh;
	size_t len;
	char *text;

	if (ps_detector_new(&d->cfg, &fresh) < 0) {
		ps_log_error("detection: the new configuration cannot be used; keeping the running rules");
		return;
	}
	if ((text = save_text(d, &len))) {
		load_text(d, fresh, text, len, "carrying detection state over the reload");
		free(text);
	}
	ps_detector_free(d->detector);
	d->detector = fresh;
}

int ps_detect_close(struct daemon *d)
{
	int r = 0;
	reap_saver(d, true);
	if (d->detector && d->detect_timer) {
		/* Exact state at a clean stop; nothing is left to ingest. */
		if ((r = ps_checkpoint_replace(d->detect_path, fill_state, d->detector)) < 0)
			ps_log_error("writing %s: %s", d->detect_path, strerror(-r));
	}
	d->detect_timer = sd_event_source_unref(d->detect_timer);
	ps_detector_free(d->detector);
	d->detector = NULL;
	free(d->detect_path);
	d->detect_path = NULL;
	return r;
}
