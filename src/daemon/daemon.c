/* The daemon's life: setup, the event loop, checkpoints, reload and exit. */
#include "daemon/daemon.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "daemon/daemon_int.h"
#include "event/text.h"
#include "source/trust.h"
#include "util/log.h"
#include "util/username.h"
#include "util/timeconv.h"

#define SESSIONS_MAX 4096
#define LATER_US (200 * 1000)        /* retry of a failed flush or a busy checkpoint */
#define STATUS_EVERY_US (2 * 1000000)

/*
 * journald tells its readers about new entries through a timer: at most
 * every 250 ms, plus sd-event's default 250 ms of slack, whereas the entry
 * itself is in the mapped journal file within a few milliseconds. So
 * while entries keep coming, the daemon also looks on its own: every
 * FOLLOW_FAST_US for FOLLOW_FAST_FOR_US after the last entry (an attack's
 * next line is seen within milliseconds), then every FOLLOW_SLOW_US until
 * FOLLOW_QUIET_US (a slow brute force, a user's next command), then not
 * at all: an idle daemon has no wakeups, and only the first entry after a
 * quiet minute waits for journald's notice.
 */
#define FOLLOW_FAST_US 4000
#define FOLLOW_FAST_FOR_US (5 * 1000000)
#define FOLLOW_SLOW_US 32000
#define FOLLOW_QUIET_US (60 * 1000000)

static uint64_t mono_us(void) { return (uint64_t)ps_monotonic_us(); }

static void print_diag(enum ps_diag_level level, const char *file, unsigned line, const char *msg, void *arg)
{
	(void)arg;
	const char *what = level == PS_DIAG_ERROR ? "error" : "warning";
	if (file && line)
		fprintf(stderr, "%s:%u: %s: %s\n", file, line, what, msg);
	else
		fprintf(stderr, "%s: %s: %s\n", file ? file : "pamsignal", what, msg);
}

void ps_daemon_status(struct daemon *d, bool force)
{
	uint64_t now = mono_us();
	if (!force && now - d->status_us < STATUS_EVERY_US)
		return;
	d->status_us = now;
	char state[256], status[1280], alerts[256] = "", pam[96] = "", enrich[200] = "", forward[128];
	if (d->stalled)
		snprintf(state, sizeof(state), "STALLED: event log not writable, sources paused");
	else if (d->journal_wanted && d->journal_blind)
		snprintf(state, sizeof(state), "BLIND: journal unreadable (%s)%s", d->blind_reason,
			 d->n_tails ? ", files only" : "");
	else
		snprintf(state, sizeof(state), "monitoring");
	if (d->delivery) {
		struct ps_delivery_counters c;
		ps_delivery_counters(d->delivery, &c);
		snprintf(alerts, sizeof(alerts),
			 "; alerts: %llu sent, %llu retried, %llu dead-lettered (%llu expired), %llu dropped, %llu queued",
			 (unsigned long long)c.sent, (unsigned long long)c.retried, (unsigned long long)c.dead,
			 (unsigned long long)c.expired, (unsigned long long)c.dropped, (unsigned long long)c.queued);
	}
	if (d->pam)
		snprintf(pam, sizeof(pam), "; pam socket: %llu refused (not root), %llu unreadable",
			 (unsigned long long)d->n.pam_rejected, (unsigned long long)d->n.pam_malformed);
	if (d->enricher) {
		struct ps_enrich_stats e;
		ps_enricher_stats(d->enricher, &e);
		snprintf(enrich, sizeof(enrich), "; enrich: %llu located, %llu AS, /proc %llu of %llu found (%llu over ration), "
			 "dns %llu of %llu named", (unsigned long long)e.geo_found, (unsigned long long)e.as_found,
			 (unsigned long long)e.proc_found, (unsigned long long)e.proc_searches,
			 (unsigned long long)e.proc_skipped, (unsigned long long)e.rdns_named,
			 (unsigned long long)e.rdns_asked);
	}
	ps_forwarding_status(d, forward, sizeof(forward));
	snprintf(status, sizeof(status),
		 "STATUS=%s; %llu entries, %llu events, %llu alerts, %llu spoofed, %llu suppressed, %llu gaps, "
		 "%zu open sessions%s%s%s%s",
		 state, (unsigned long long)d->n.entries, (unsigned long long)d->n.events, (unsigned long long)d->n.alerts,
		 (unsigned long long)d->n.spoofed, (unsigned long long)d->n.suppressed, (unsigned long long)d->n.gaps,
		 ps_sessions_open(d->sessions), alerts, pam, enrich, forward);
	sd_notify(0, status);
}

/* ---- checkpoints ---- */

static void checkpoint_now(struct daemon *d)
{
	int *fds = NULL;
	int nfds = 0;
	struct ps_out o;

	ps_sources_save_positions(d);
	if (d->eventlog) {
		ps_eventlog_get_mark(d->eventlog, &d->positions.eventlog);
		if ((nfds = ps_eventlog_sync_fds(d->eventlog, &fds)) < 0) {
			ps_log_error("checkpoint: %s", strerror(-nfds));
			return;
		}
	}
	ps_out_init_mem(&o);
	ps_state_write(&o, &d->positions, d->sessions, ps_sources_save_dedup, d);
	if (o.error) {
		ps_out_free(&o);
		for (int i = 0; i < nfds; i++)
			close(fds[i]);
		free(fds);
		return;
	}
	ps_checkpoint_post(d->checkpoint, o.buf, o.len, fds, (size_t)nfds); /* takes o.buf */
	d->dirty = false;
	int err = ps_checkpoint_error(d->checkpoint);
	if (err)
		ps_log_error("writing %s: %s", d->state_path, strerror(-err));
}

/* ---- the loop's one step: read, write, checkpoint ---- */

static void later(struct daemon *d)
{
	sd_event_source_set_time_relative(d->later, LATER_US);
	sd_event_source_set_enabled(d->later, SD_EVENT_ONESHOT);
}

static int flush_sinks(struct daemon *d)
{
	int r = 0;
	if (d->eventlog && (r = ps_eventlog_flush(d->eventlog)) < 0) {
		if (!d->stalled)
			ps_log_error("writing the event log: %s; sources paused until it can be written",
				     strerror(-r));
		d->stalled = true;
		ps_daemon_status(d, true);
		return r;
	}
	if (d->stalled) {
		ps_log_info("event log writable again; sources resumed");
		d->stalled = false;
		ps_daemon_status(d, true);
	}
	ps_out_flush(&d->term);
	d->term.error = 0; /* a closed terminal must not stop the daemon */
	return 0;
}

/*
 * Arm or stop the look-ahead timer (see FOLLOW_FAST_US). When it stops,
 * the journal is opened afresh at the cursor: sd-journal keeps every window
 * of the files it has read mapped, so after a burst the daemon's RSS holds
 * tens of MB of journal (shared page cache, but counted); an idle daemon
 * gives them back.
 */
static void follow(struct daemon *d)
{
	uint64_t quiet = mono_us() - d->journal_seen_us;
	if (!d->journal || !d->journal_seen_us || quiet >= FOLLOW_QUIET_US) {
		sd_event_source_set_enabled(d->follow, SD_EVENT_OFF);
		if (d->following && d->journal && !d->stalled)
			ps_sources_reopen_journal(d);
		d->following = false;
		return;
	}
	d->following = true;
	sd_event_source_set_time_relative(d->follow, quiet < FOLLOW_FAST_FOR_US ? FOLLOW_FAST_US : FOLLOW_SLOW_US);
	sd_event_source_set_enabled(d->follow, SD_EVENT_ONESHOT);
}

static void step(struct daemon *d)
{
	bool more = false;

	if (!d->stalled || flush_sinks(d) == 0)
		more = ps_sources_read(d);
	ps_forwarding_check(d);
	if (flush_sinks(d) < 0) {
		later(d);
		return;
	}
	if (d->dirty) {
		/* Not past an alert that is not in its spool yet (delivery.h): after a
		 * crash its source is read again and the alert submitted again. */
		if (ps_checkpoint_busy(d->checkpoint) || !ps_delivery_durable(d->delivery) ||
		    !ps_forward_durable(d->forward))
			later(d); /* coalesce: the next snapshot goes when this one is done */
		else
			checkpoint_now(d);
	}
	if (more)
		sd_event_source_set_enabled(d->more, SD_EVENT_ONESHOT);
	follow(d);
	ps_daemon_status(d, false);
}

static int on_more(sd_event_source *s, void *arg)
{
	(void)s;
	step(arg);
	return 0;
}

static int on_later(sd_event_source *s, uint64_t usec, void *arg)
{
	(void)s, (void)usec;
	step(arg);
	return 0;
}

/* ---- setup and reload ---- */

static void load_state(struct daemon *d)
{
	char *text;
	size_t len;
	unsigned line;
	int r = ps_checkpoint_read(d->state_path, &text, &len);

	ps_state_init(&d->positions);
	if (r == -ENOENT)
		goto fresh;
	if (r < 0) {
		ps_log_error("%s: %s; starting from the end of every source", d->state_path, strerror(-r));
		goto fresh;
	}
	r = ps_state_parse(&d->positions, d->sessions, text, len, &line);
	free(text);
	if (r < 0) {
		ps_log_error("%s:%u: unreadable state; starting from the end of every source", d->state_path, line);
		ps_state_free(&d->positions);
		goto fresh;
	}
	return;
fresh:
	/* Nothing read yet: a restart reads from this moment on, not from its own start. */
	d->positions.journal_since_us = (int64_t)time(NULL) * 1000000;
}

/* The chain's head in the daemon's own log (the journal): an anchor kept
 * apart from the event log, for pamsignal verify --anchor. */
static void log_chain_head(struct daemon *d, const char *when)
{
	struct ps_chain_head h;
	char hex[PS_CHAIN_HEX_SIZE];
	ps_eventlog_head(d->eventlog, &h);
	ps_log_info("event log chain %s at seq %llu, %s %s", when, (unsigned long long)h.seq, h.keyed ? "hmac" : "hash",
		    ps_chain_format_hex(h.value, hex));
}

static void close_sinks(struct daemon *d)
{
	ps_eventlog_close(d->eventlog);
	d->eventlog = NULL;
	ps_chain_free(d->chain);
	d->chain = NULL;
}

static int open_sinks(struct daemon *d)
{
	int r;
	if (d->cfg.eventlog) {
		if ((r = ps_chain_new(&d->chain, d->cfg.eventlog_key, d->cfg.eventlog_key_len)) < 0 ||
		    (r = ps_eventlog_open(&d->eventlog, d->cfg.eventlog_path, d->cfg.eventlog_max_size,
					  d->cfg.eventlog_keep, &d->positions.eventlog, d->chain)) < 0) {
			ps_log_error("%s: %s", d->cfg.eventlog_path, strerror(-r));
			close_sinks(d);
			return r;
		}
		const char *note = ps_eventlog_note(d->eventlog);
		if (note)
			ps_log_warn("event log: %s", note);
		log_chain_head(d, "opened");
	}
	return 0;
}

static void set_hostname(struct daemon *d)
{
	if (d->cfg.hostname)
		snprintf(d->hostname, sizeof(d->hostname), "%s", d->cfg.hostname);
	else if (gethostname(d->hostname, sizeof(d->hostname) - 1) < 0)
		snprintf(d->hostname, sizeof(d->hostname), "localhost");
}

/*
 * Enrichment for this machine's events. A database or range file that
 * cannot be read is reported and left out: monitoring logins matters
 * more than knowing their country (check-config fails on it).
 */
static int open_enricher(struct daemon *d)
{
	char host[256] = "";
	if (gethostname(host, sizeof(host) - 1) < 0)
		host[0] = '\0';
	struct ps_enrich_live live = { .hostname = host, .proc = "/proc" };
	return ps_enricher_new(&d->cfg, &live, print_diag, NULL, &d->enricher) == -ENOMEM ? -ENOMEM : 0;
}

static int on_reload(sd_event_source *s, const struct signalfd_siginfo *si, void *arg)
{
	struct daemon *d = arg;
	struct ps_config fresh;
	(void)s, (void)si;

	sd_notify(0, "RELOADING=1");
	ps_log_info("SIGHUP: reloading %s", d->config_arg ? d->config_arg : PS_CONFIG_DEFAULT_PATH " (or defaults)");
	/* The argument again, not cfg.path: a default file created since the start is read too. */
	if (ps_config_load(d->config_arg, &fresh, print_diag, NULL) < 0) {
		ps_log_error("reload failed; keeping the running configuration");
		sd_notify(0, "READY=1");
		return 0;
	}
	/* Everything read so far is written before the sources change. */
	step(d);
	ps_sources_save_positions(d);
	ps_sources_close(d);
	bool new_log = d->cfg.eventlog != fresh.eventlog ||
		       (fresh.eventlog && strcmp(d->cfg.eventlog_path, fresh.eventlog_path) != 0) ||
		       d->cfg.eventlog_max_size != fresh.eventlog_max_size || d->cfg.eventlog_keep != fresh.eventlog_keep ||
		       d->cfg.eventlog_key_len != fresh.eventlog_key_len ||
		       (d->cfg.eventlog_key && memcmp(d->cfg.eventlog_key, fresh.eventlog_key, fresh.eventlog_key_len) != 0);
	ps_alerts_stop(d); /* borrows d->cfg; queued alerts wait in the spools */
	ps_forwarding_stop(d); /* the same for forwarded events */
	ps_config_free(&d->cfg);
	d->cfg = fresh;
	ps_detect_reload(d);
	set_hostname(d);
	/* Reopens the databases and range files even when the file did not change: geoipupdate replaced them. */
	ps_enricher_reload(d->enricher, &d->cfg, print_diag, NULL);
	ps_alerts_start(d);
	ps_forwarding_start(d);
	ps_uid_names_forget();
	if (new_log && d->eventlog) {
		checkpoint_now(d); /* hands the old log's descriptors to the sync thread */
		log_chain_head(d, "closed");
		close_sinks(d);
		d->positions.eventlog = (struct ps_eventlog_mark){ 0 };
		if (open_sinks(d) < 0)
			d->cfg.eventlog = false; /* reported; the terminal still gets events */
	}
	ps_sources_open(d);
	d->dirty = true;
	sd_notify(0, "READY=1");
	ps_daemon_status(d, true);
	step(d);
	return 0;
}

static int on_exit_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *arg)
{
	(void)arg;
	ps_log_info("signal %u: stopping", si->ssi_signo);
	return sd_event_exit(sd_event_source_get_event(s), 0);
}

static int setup_loop(struct daemon *d)
{
	sigset_t mask;
	int r;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);

	if ((r = sd_event_default(&d->loop)) < 0 ||
	    (r = sd_event_add_signal(d->loop, NULL, SIGTERM, on_exit_signal, d)) < 0 ||
	    (r = sd_event_add_signal(d->loop, NULL, SIGINT, on_exit_signal, d)) < 0 ||
	    (r = sd_event_add_signal(d->loop, NULL, SIGHUP, on_reload, d)) < 0 ||
	    (r = sd_event_add_defer(d->loop, &d->more, on_more, d)) < 0 ||
	    (r = sd_event_add_time_relative(d->loop, &d->later, CLOCK_MONOTONIC, LATER_US, 10000, on_later, d)) < 0 ||
	    (r = sd_event_add_time_relative(d->loop, &d->follow, CLOCK_MONOTONIC, FOLLOW_FAST_US, 1000, on_later,
					    d)) < 0 ||
	    (r = sd_event_add_time_relative(d->loop, &d->retry_timer, CLOCK_MONOTONIC, 1000000, 100000,
					    ps_journal_retry, d)) < 0)
		return r;
	sd_event_source_set_enabled(d->more, SD_EVENT_OFF);
	sd_event_source_set_enabled(d->later, SD_EVENT_OFF);
	sd_event_source_set_enabled(d->retry_timer, SD_EVENT_OFF);
	sd_event_source_set_enabled(d->follow, SD_EVENT_OFF);
	sd_event_set_watchdog(d->loop, true); /* WATCHDOG=1 at half of WATCHDOG_USEC, only under systemd */
	return 0;
}

static void teardown(struct daemon *d)
{
	ps_detect_close(d);
	ps_alerts_stop(d);
	ps_forwarding_stop(d);
	sd_event_source_unref(d->forward_timer);
	ps_sources_close(d);
	ps_pam_source_close(d);
	close_sinks(d);
	ps_sessions_free(d->sessions);
	ps_dedup_free(d->dedup);
	ps_enricher_free(d->enricher);
	ps_state_free(&d->positions);
	free(d->state_path);
	sd_event_source_unref(d->more);
	sd_event_source_unref(d->later);
	sd_event_source_unref(d->retry_timer);
	sd_event_source_unref(d->follow);
	sd_event_unref(d->loop);
	ps_config_free(&d->cfg);
}

int ps_daemon_run(const char *config_path)
{
	static struct daemon daemon; /* large (buffers); one per process */
	struct daemon *d = &daemon;
	int r;

	d->config_arg = config_path;
	if (ps_config_load(config_path, &d->cfg, print_diag, NULL) < 0)
		return 1;
	set_hostname(d);
	ps_out_init_fd(&d->term, STDOUT_FILENO, d->term_buf, sizeof(d->term_buf));
	if (asprintf(&d->state_path, "%s/state", d->cfg.state_dir) < 0 || !(d->sessions = ps_sessions_new(SESSIONS_MAX))) {
		ps_log_error("out of memory");
		return 1;
	}
	if (mkdir(d->cfg.state_dir, 0750) < 0 && errno != EEXIST) {
		ps_log_error("%s: %s", d->cfg.state_dir, strerror(errno));
		return 1;
	}
	load_state(d);
	if (open_enricher(d) < 0) {
		ps_log_error("out of memory");
		return 1;
	}
	if ((r = setup_loop(d)) < 0) {
		ps_log_error("event loop: %s", strerror(-r));
		return 1;
	}
	if ((r = ps_detect_open(d)) < 0) {
		teardown(d);
		return 1;
	}
	if (open_sinks(d) < 0 || ps_alerts_start(d) < 0 || ps_forwarding_start(d) < 0 ||
	    (r = ps_checkpoint_start(&d->checkpoint, d->state_path)) < 0) {
		teardown(d);
		return 1;
	}
	if (d->cfg.print) {
		ps_event_write_text_header(&d->term);
		ps_out_flush(&d->term);
	}
	if ((r = ps_sources_open(d)) < 0) {
		ps_log_error("opening sources: %s", strerror(-r));
		ps_checkpoint_stop(d->checkpoint);
		teardown(d);
		return 1;
	}
	if (!d->journal && d->n_tails == 0 && !d->audit && !d->pam)
		ps_log_error("BLIND: no source can be read yet; pamsignal keeps trying and reports every retry");
	else
		ps_log_info("monitoring: %s%s%zu file(s)%s%s%s%s", d->journal ? "journal" : "", d->journal ? ", " : "",
			    d->n_tails, d->audit ? ", audit " : "", d->audit ? ps_audit_source_path(d) : "",
			    d->pam ? ", pam " : "", d->pam ? ps_pam_source_path(d) : "");
	d->dirty = true;
	step(d);
	sd_notify(0, "READY=1");
	ps_daemon_status(d, true);

	r = sd_event_loop(d->loop);

	sd_notify(0, "STOPPING=1");
	step(d); /* what is already read gets written */
	ps_alerts_stop(d); /* and what was submitted is in the spools */
	ps_forwarding_stop(d);
	checkpoint_now(d);
	if (d->eventlog)
		log_chain_head(d, "closed");
	int cr = ps_checkpoint_stop(d->checkpoint);
	int dr = ps_detect_close(d);
	if (cr < 0)
		ps_log_error("final checkpoint: %s", strerror(-cr));
	teardown(d);
	return r < 0 || cr < 0 || dr < 0 ? 1 : 0;
}
