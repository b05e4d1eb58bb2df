/* One record through the pipeline: decode → trust → dedup → sessions → sinks. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "daemon/daemon_int.h"
#include "decode/decode.h"
#include "event/text.h"
#include "source/trust.h"
#include "util/timeconv.h"

/* Probes (scanners, pre-auth noise) go to the event log only; the terminal shows the rest. */
static bool notable(const struct ps_event *ev) { return ev->kind != PS_KIND_PROBE; }

void ps_emit(struct daemon *d, struct ps_event *ev)
{
	/*
	 * Audit events already carry their session (ses=) and are not folded
	 * into the journal's by pid: one login then shows in both, told apart
	 * by audit_type; the rules count it once (detect/views.c).
	 */
	bool echo = ps_pam_echo(d, ev);
	if (!ps_set(ev->audit_type) && !echo && !ps_session_apply(d->sessions, ev)) {
		d->n.folded++;
		return;
	}
	ps_enrich(d->enricher, ev);
	d->n.events++;
	if (d->eventlog)
		ps_eventlog_add(d->eventlog, ev);
	if (echo)
		return;
	if (d->cfg.print && notable(ev))
		ps_event_write_text(&d->term, ev);
	ps_alerts_event(d, ev);
	ps_forwarding_event(d, ev);
	ps_detect_event(d, ev); /* its alerts follow the event */
}

/* Both sources saw it: keep the first copy (see correlate/dedup.h). */
static bool repeat(struct daemon *d, unsigned source, const struct ps_record *rec)
{
	if (!d->dedup)
		return false;
	if (!ps_dedup_repeat(d->dedup, source, rec->program, rec->pid, rec->message, ps_monotonic_us()))
		return false;
	d->n.duplicates++;
	return true;
}

/* An event about a journal entry itself rather than what it says. */
static void about_entry(struct ps_event *ev, enum ps_kind kind, const struct ps_sd_entry *e)
{
	ps_event_init(ev);
	ev->kind = kind;
	ev->time_us = e->rec.time_us;
	ev->host = e->rec.host;
	ev->program = e->identifier;
	ev->message = e->rec.message;
	ev->login_uid = e->rec.login_uid;
	ev->source = PS_LIT("journal");
}

static void suppression(struct daemon *d, const struct ps_sd_entry *e)
{
	struct ps_event ev;
	about_entry(&ev, PS_KIND_LOG_SUPPRESSED, e);
	ev.count = e->n_dropped > UINT32_MAX ? UINT32_MAX : (uint32_t)(e->n_dropped ? e->n_dropped : 1);
	ev.detail = PS_LIT("journald's rate limit dropped messages; events may be missing");
	d->n.suppressed++;
	ps_emit(d, &ev);
}

/*
 * A forged entry becomes one spoofed_log event that says who really sent
 * it; what it claimed stays only in "message" (escaped like all text).
 */
static void spoofed(struct daemon *d, const struct ps_sd_entry *e, enum ps_kind claimed)
{
	struct ps_event ev;
	about_entry(&ev, PS_KIND_SPOOFED_LOG, e);
	ev.pid = e->rec.pid;
	ev.sender_uid = e->uid;
	ev.sender_exe = e->exe;
	ev.sender_comm = e->comm;
	ev.detail = ps_cstr(claimed == PS_KIND_AUTH_SUCCESS ? "forged login" : "not written by the program it names");
	d->n.spoofed++;
	ps_emit(d, &ev);
}

void ps_ingest_journal(struct daemon *d, const struct ps_sd_entry *e)
{
	struct ps_event ev;

	d->n.entries++;
	if (e->suppression) {
		if (e->from_journald)
			suppression(d, e);
		else
			spoofed(d, e, PS_KIND_NONE); /* someone imitating journald to cry wolf */
		return;
	}
	ps_event_init(&ev);
	int r = ps_decode(&e->rec, &ev);
	if (r == -EBADMSG)
		d->n.malformed++;
	if (r != 1)
		return;
	/*
	 * Counted for dedup before the verdict, so that a file's later copy of
	 * a forged line is dropped rather than passed as genuine; and a
	 * forgery is reported even when a file's copy came first (its event
	 * then stands next to this one, which says who really wrote it).
	 */
	bool dup = repeat(d, PS_SOURCE_JOURNAL, &e->rec);
	if (!ps_trust_genuine(&d->cfg, e, &ev)) {
		spoofed(d, e, ev.kind);
		return;
	}
	if (dup)
		return;
	ev.source = PS_LIT("journal");
	ps_emit(d, &ev);
}

void ps_ingest_line(struct daemon *d, struct tail_source *t, struct ps_str line)
{
	struct ps_record rec;
	struct ps_event ev;

	d->n.entries++;
	ps_record_init(&rec);
	if (ps_frame_line(&t->frame, line, &rec) != 1)
		return;
	ps_event_init(&ev);
	int r = ps_decode(&rec, &ev);
	if (r == -EBADMSG)
		d->n.malformed++;
	if (r != 1 || repeat(d, t->id, &rec))
		return;
	ev.source = ps_cstr(ps_tail_path(t->tail));
	ps_emit(d, &ev);
}

void ps_ingest_notice(struct daemon *d, enum ps_kind kind, const char *source, const char *detail)
{
	ps_ingest_notice_count(d, kind, source, detail, 1);
}

void ps_ingest_notice_count(struct daemon *d, enum ps_kind kind, const char *source, const char *detail,
			    uint32_t count)
{
	struct ps_event ev;
	ps_event_init(&ev);
	ev.count = count;
	ev.kind = kind;
	ev.time_us = ps_realtime_us();
	ev.host = ps_cstr(d->hostname);
	ev.program = PS_LIT("pamsignal");
	ev.source = ps_cstr(source);
	ev.detail = ps_cstr(detail);
	if (kind == PS_KIND_SOURCE_GAP)
		d->n.gaps++;
	ps_emit(d, &ev);
}
