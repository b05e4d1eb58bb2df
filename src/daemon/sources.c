/* The daemon's sources: the journal (with its blind/retry state) and followed files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>

#include "daemon/daemon_int.h"
#include "util/log.h"
#include "util/timeconv.h"

#define RETRY_MAX_S 60

/* ---- journal ---- */

static int on_journal(sd_event_source *s, int fd, uint32_t revents, void *arg)
{
	struct daemon *d = arg;
	(void)s, (void)fd, (void)revents;
	if (d->journal)
		ps_journal_process(d->journal); /* NOP/APPEND/INVALIDATE: we read either way */
	sd_event_source_set_enabled(d->more, SD_EVENT_ONESHOT);
	return 0;
}

static void go_blind(struct daemon *d, const char *why, int err)
{
	bool was = d->journal_blind;
	d->journal_blind = true;
	if (err)
		snprintf(d->blind_reason, sizeof(d->blind_reason), "%s: %s", why, strerror(-err));
	else
		snprintf(d->blind_reason, sizeof(d->blind_reason), "%s", why);
	ps_log_error("BLIND: cannot read the journal (%s); retrying in %us", d->blind_reason, d->retry_s);
	if (!was)
		ps_ingest_notice(d, PS_KIND_SOURCE_STATUS, "journal", d->blind_reason);
	sd_event_source_set_time_relative(d->retry_timer, (uint64_t)d->retry_s * 1000000);
	sd_event_source_set_enabled(d->retry_timer, SD_EVENT_ONESHOT);
	d->retry_s = d->retry_s * 2 > RETRY_MAX_S ? RETRY_MAX_S : d->retry_s * 2;
	ps_daemon_status(d, true);
}

static void journal_gap(struct daemon *d, const struct ps_journal_gap *gap)
{
	char detail[160];
	time_t a = (time_t)(gap->after_us / 1000000), b = (time_t)(gap->before_us / 1000000);
	struct tm ta, tb;
	char sa[32] = "?", sb[32] = "now";
	if (gap->after_us >= 0 && gmtime_r(&a, &ta))
		strftime(sa, sizeof(sa), "%Y-%m-%dT%H:%M:%SZ", &ta);
	if (gap->before_us >= 0 && gmtime_r(&b, &tb))
		strftime(sb, sizeof(sb), "%Y-%m-%dT%H:%M:%SZ", &tb);
	snprintf(detail, sizeof(detail), "journal entries between %s and %s were vacuumed or rotated away unread", sa, sb);
	ps_log_warn("%s", detail);
	ps_ingest_notice(d, PS_KIND_SOURCE_GAP, "journal", detail);
}

static int journal_open(struct daemon *d)
{
	const char **ids = calloc(d->cfg.n_programs ? d->cfg.n_programs : 1, sizeof(*ids));
	struct ps_journal_gap gap;
	int r;

	if (!ids)
		return -ENOMEM;
	for (size_t i = 0; i < d->cfg.n_programs; i++)
		ids[i] = d->cfg.programs[i].identifier;
	r = ps_journal_open(&d->journal, ids, d->cfg.n_programs, d->positions.journal_cursor,
			    d->positions.journal_since_us, &gap);
	free(ids);
	if (r < 0) {
		d->journal = NULL;
		go_blind(d, "sd_journal_open", r);
		return r;
	}
	if (!ps_journal_has_files(d->journal)) {
		ps_journal_close(d->journal);
		d->journal = NULL;
		go_blind(d, "no journal files are readable (journald not running, or not in group systemd-journal)", 0);
		return -ENOENT;
	}
	if ((r = sd_event_add_io(d->loop, &d->journal_io, ps_journal_fd(d->journal),
				 (uint32_t)ps_journal_poll_events(d->journal), on_journal, d)) < 0) {
		ps_journal_close(d->journal);
		d->journal = NULL;
		go_blind(d, "watching the journal", r);
		return r;
	}
	if (d->journal_blind) {
		ps_log_info("journal readable again");
		ps_ingest_notice(d, PS_KIND_SOURCE_STATUS, "journal", "journal readable again");
	}
	d->journal_blind = false;
	d->retry_s = 1;
	if (gap.gap)
		journal_gap(d, &gap);
	return 0;
}

int ps_journal_retry(sd_event_source *s, uint64_t usec, void *arg)
{
	struct daemon *d = arg;
	(void)s, (void)usec;
	if (!d->journal && journal_open(d) == 0)
		sd_event_source_set_enabled(d->more, SD_EVENT_ONESHOT);
	ps_daemon_status(d, true);
	return 0;
}

static int journal_entry(const struct ps_sd_entry *e, void *arg)
{
	ps_ingest_journal(arg, e);
	return 0;
}

void ps_sources_reopen_journal(struct daemon *d)
{
	ps_sources_save_positions(d); /* the cursor to reopen at */
	d->journal_io = sd_event_source_unref(d->journal_io);
	ps_journal_close(d->journal);
	d->journal = NULL;
	if (journal_open(d) == 0)
		sd_event_source_set_enabled(d->more, SD_EVENT_ONESHOT); /* anything logged in between */
}

/* ---- files ---- */

static int on_dir_change(sd_event_source *s, const struct inotify_event *ev, void *arg)
{
	struct daemon *d = arg;
	(void)s, (void)ev;
	sd_event_source_set_enabled(d->more, SD_EVENT_ONESHOT);
	return 0;
}

/* The directory, not the file: renames and re-creation show up there too. */
void ps_sources_watch_dir(struct daemon *d, const char *path, sd_event_source **watch)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash)
		slash[slash == dir ? 1 : 0] = '\0';
	int r = sd_event_add_inotify(d->loop, watch, dir,
				     IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CLOSE_WRITE,
				     on_dir_change, d);
	if (r < 0)
		ps_log_warn("%s: cannot watch %s (%s); reading it only when another source wakes us", path, dir,
			    strerror(-r));
}

void ps_sources_resume_gap(struct daemon *d, const char *path, int resume)
{
	if (resume == PS_TAIL_EXACT)
		return;
	char detail[300];
	snprintf(detail, sizeof(detail), "lines of %s may be missing: it was %s while pamsignal was stopped", path,
		 resume == PS_TAIL_GAP_TRUNCATED ? "truncated" : "rotated away (or compressed)");
	ps_log_warn("%s", detail);
	ps_ingest_notice(d, PS_KIND_SOURCE_GAP, path, detail);
}

void ps_sources_tail_gaps(struct daemon *d, const struct ps_tail *tail, uint64_t *reported)
{
	struct ps_tail_stats st;
	ps_tail_get_stats(tail, &st);
	if (st.gaps > *reported) {
		*reported = st.gaps;
		char detail[300];
		snprintf(detail, sizeof(detail), "lines of %s may be missing: it was rotated or truncated away unread",
			 ps_tail_path(tail));
		ps_log_warn("%s", detail);
		ps_ingest_notice(d, PS_KIND_SOURCE_GAP, ps_tail_path(tail), detail);
	}
}

static int tail_open(struct daemon *d, const char *path, unsigned id)
{
	struct tail_source *t = &d->tails[d->n_tails];
	int r;

	memset(t, 0, sizeof(*t));
	t->id = id;
	if ((r = ps_tail_open(&t->tail, path, ps_state_file(&d->positions, path))) < 0) {
		ps_log_error("%s: %s", path, strerror(-r));
		return r;
	}
	ps_sources_resume_gap(d, path, r);
	ps_frame_ctx_init(&t->frame, (int64_t)time(NULL));
	ps_sources_watch_dir(d, path, &t->watch);
	d->n_tails++;
	return 0;
}

static void tail_close(struct tail_source *t)
{
	sd_event_source_unref(t->watch);
	ps_frame_ctx_free(&t->frame);
	ps_tail_close(t->tail);
}

struct line_ctx {
	struct daemon *d;
	struct tail_source *t;
};

static int tail_line(struct ps_str line, uint64_t offset_after, void *arg)
{
	struct line_ctx *c = arg;
	(void)offset_after;
	ps_ingest_line(c->d, c->t, line);
	return 0;
}

static void file_gaps(struct daemon *d, struct tail_source *t)
{
	ps_sources_tail_gaps(d, t->tail, &t->gaps_reported);
}

/* ---- dedup across restarts ---- */

#define SOURCE_NAMES (PS_SOURCE_FILE0 + PS_DEDUP_SOURCES)

/* names[id]: "journal", a followed file's path, NULL for an id not read now. */
static size_t source_names(const struct daemon *d, const char *names[SOURCE_NAMES])
{
	for (size_t i = 0; i < SOURCE_NAMES; i++)
		names[i] = NULL;
	if (d->journal_wanted)
		names[PS_SOURCE_JOURNAL] = "journal";
	for (size_t i = 0; i < d->n_tails; i++)
		if (d->tails[i].id < SOURCE_NAMES)
			names[d->tails[i].id] = ps_tail_path(d->tails[i].tail);
	return SOURCE_NAMES;
}

struct names_arg {
	const char **names;
	size_t n;
};

static int source_id(const char *name, void *arg)
{
	struct names_arg *a = arg;
	for (size_t i = 0; i < a->n; i++)
		if (a->names[i] && strcmp(a->names[i], name) == 0)
			return (int)i;
	return -1;
}

void ps_sources_save_dedup(struct ps_out *o, void *arg)
{
	struct daemon *d = arg;
	const char *names[SOURCE_NAMES];
	if (d->dedup)
		ps_dedup_save(d->dedup, o, ps_monotonic_us(), names, source_names(d, names));
}

/* The lines the state file had: loaded once, when the sources' ids are known. */
static void load_dedup(struct daemon *d)
{
	const char *names[SOURCE_NAMES];
	struct names_arg a = { names, source_names(d, names) };
	struct ps_str rest = ps_str(d->positions.dedup_lines, d->positions.dedup_len);
	int64_t now = ps_monotonic_us();
	size_t bad = 0;

	while (d->dedup && rest.n > 0) {
		const char *nl = memchr(rest.p, '\n', rest.n);
		struct ps_str line = ps_str(rest.p, (size_t)(nl - rest.p)); /* every stored line ends in \n */
		rest = ps_str(nl + 1, rest.n - line.n - 1);
		bad += ps_dedup_load_line(d->dedup, line, now, source_id, &a) < 0;
	}
	if (bad)
		ps_log_warn("%s: %zu unreadable dedup line(s) ignored", d->state_path, bad);
	free(d->positions.dedup_lines);
	d->positions.dedup_lines = NULL;
	d->positions.dedup_len = 0;
}

/* ---- all ---- */

int ps_sources_open(struct daemon *d)
{
	bool journal = d->cfg.journal != PS_SWITCH_NO;
	int r;

	d->retry_s = 1;
	d->journal_wanted = journal;
	if (journal)
		journal_open(d);

	/* Files: when asked, or (auto) when the journal is off or cannot be read. */
	bool files = d->cfg.file == PS_SWITCH_YES || (d->cfg.file == PS_SWITCH_AUTO && !d->journal);
	size_t n = 0;
	for (char **p = d->cfg.file_paths; p && *p; p++)
		n++;
	d->tails = calloc(n ? n : 1, sizeof(*d->tails));
	if (!d->tails)
		return -ENOMEM;
	for (size_t i = 0; files && i < n; i++) {
		const char *path = d->cfg.file_paths[i];
		struct stat st;
		/* auto: only the files this system has (auth.log on Debian, secure on Fedora). */
		if (d->cfg.file == PS_SWITCH_AUTO && stat(path, &st) < 0)
			continue;
		if ((r = tail_open(d, path, PS_SOURCE_FILE0 + (unsigned)i)) < 0 && d->cfg.file == PS_SWITCH_YES)
			return r;
	}
	if ((r = ps_audit_source_open(d)) < 0 || (r = ps_pam_source_open(d)) < 0)
		return r;
	if (d->journal_wanted && d->journal_blind && d->n_tails > 0)
		ps_log_warn("reading %zu log file(s) while the journal is unreadable", d->n_tails);
	if ((d->journal ? 1 : 0) + d->n_tails > 1 || (d->journal_wanted && d->n_tails > 0)) {
		if (!d->dedup && !(d->dedup = ps_dedup_new(8192, 60 * 1000000LL)))
			return -ENOMEM;
	}
	load_dedup(d);
	for (size_t i = 0; i < d->n_tails; i++)
		file_gaps(d, &d->tails[i]);
	return 0;
}

void ps_sources_close(struct daemon *d)
{
	d->journal_io = sd_event_source_unref(d->journal_io);
	ps_journal_close(d->journal);
	d->journal = NULL;
	for (size_t i = 0; i < d->n_tails; i++)
		tail_close(&d->tails[i]);
	free(d->tails);
	d->tails = NULL;
	d->n_tails = 0;
	ps_audit_source_close(d);
	sd_event_source_set_enabled(d->retry_timer, SD_EVENT_OFF);
}

bool ps_sources_read(struct daemon *d)
{
	bool more = false;

	if (d->journal) {
		int r = ps_journal_read(d->journal, journal_entry, d, PS_BATCH);
		if (r < 0) {
			ps_log_error("reading the journal: %s", strerror(-r));
			d->journal_io = sd_event_source_unref(d->journal_io);
			ps_journal_close(d->journal);
			d->journal = NULL;
			go_blind(d, "reading the journal", r);
		} else {
			more |= r == PS_BATCH;
			d->dirty |= r > 0;
			if (r > 0)
				d->journal_seen_us = (uint64_t)ps_monotonic_us();
		}
	}
	for (size_t i = 0; i < d->n_tails; i++) {
		struct tail_source *t = &d->tails[i];
		struct line_ctx c = { d, t };
		int r = ps_tail_poll(t->tail, tail_line, &c, PS_BATCH);
		if (r < 0) {
			/* Once per distinct error: a file that stays unreadable must not flood the log. */
			if (r != t->last_error)
				ps_log_error("%s: %s", ps_tail_path(t->tail), strerror(-r));
			t->last_error = r;
			continue;
		}
		if (t->last_error) {
			ps_log_info("%s: readable again", ps_tail_path(t->tail));
			t->last_error = 0;
		}
		file_gaps(d, t);
		more |= (size_t)r == PS_BATCH;
		d->dirty |= r > 0;
	}
	more |= ps_audit_source_read(d);
	more |= ps_pam_source_read(d);
	return more;
}

/* Copy every source's position into d->positions, for the next checkpoint. */
void ps_sources_save_positions(struct daemon *d)
{
	if (d->journal) {
		const char *c = ps_journal_cursor(d->journal);
		if (c && (!d->positions.journal_cursor || strcmp(c, d->positions.journal_cursor) != 0)) {
			char *copy = strdup(c);
			if (copy) {
				free(d->positions.journal_cursor);
				d->positions.journal_cursor = copy;
			}
		}
	}
	for (size_t i = 0; i < d->n_tails; i++) {
		struct ps_tail_pos pos;
		ps_tail_position(d->tails[i].tail, &pos);
		ps_state_set_file(&d->positions, ps_tail_path(d->tails[i].tail), &pos);
	}
	ps_audit_source_save_position(d);
}
