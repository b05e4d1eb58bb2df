/* The daemon's parts, shared by daemon.c (setup, loop, signals), sources.c
 * (journal and files), audit_source.c (the audit log) and ingest.c (one
 * record through the pipeline). */
#ifndef PS_DAEMON_INT_H
#define PS_DAEMON_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "config/config.h"
#include "correlate/dedup.h"
#include "correlate/session.h"
#include "daemon/checkpoint.h"
#include "daemon/state.h"
#include "decode/frame.h"
#include "detect/detect.h"
#include "enrich/enrich.h"
#include "event/event.h"
#include "sink/deliver/delivery.h"
#include "sink/eventlog.h"
#include "sink/forward/forward.h"
#include "source/journal.h"
#include "source/tail.h"
#include "util/out.h"

/* Entries or lines taken from one source before the loop looks around
 * (signals, watchdog, other sources): bounds latency under a flood. */
#define PS_BATCH 512

enum { PS_SOURCE_JOURNAL = 0, PS_SOURCE_FILE0 = 1 };

struct tail_source {
	struct ps_tail *tail;
	struct ps_frame_ctx frame;
	unsigned id;               /* dedup source id */
	sd_event_source *watch;    /* inotify on the file's directory */
	uint64_t gaps_reported;
	int last_error;            /* of the last poll, logged once */
};

struct counters {
	uint64_t entries, events, spoofed, suppressed, gaps, duplicates, folded, malformed, alerts;
	uint64_t undeliverable; /* alerts or events delivery refused (not JSON it reads, no memory) */
	uint64_t pam_rejected, pam_malformed; /* pam socket datagrams refused: not from root; unreadable */
};

struct daemon {
	struct ps_config cfg;
	const char *config_arg;      /* -c FILE, or NULL: reloads look for the default file again */
	char hostname[256];
	sd_event *loop;

	/* journal */
	struct ps_journal *journal;
	sd_event_source *journal_io;
	bool journal_wanted, journal_blind;
	unsigned retry_s;
	sd_event_source *retry_timer;
	sd_event_source *follow;     /* timer: look for entries journald has not announced yet */
	uint64_t journal_seen_us;    /* monotonic time the last journal entry was read */
	bool following;              /* the follow timer runs */
	char blind_reason[160];

	/* files */
	struct tail_source *tails;
	size_t n_tails;

	struct audit_source *audit;  /* NULL: not read */
	struct pam_source *pam;      /* NULL: no pam socket */

	sd_event_source *more;       /* deferred: a source had more than one batch */
	sd_event_source *later;      /* timer: retry a flush or a checkpoint */

	struct ps_sessions *sessions;
	struct ps_detector *detector;
	char *detect_path;           /* STATE_DIR/detect (detect.c) */
	pid_t detect_saver;          /* the child writing it (forksave.h); 0: none */
	sd_event_source *detect_saver_exit; /* its pidfd, readable once it has exited */
	sd_event_source *detect_timer; /* saves the detector's state a minute after activity */
	bool detect_dirty;           /* fed since the last save */
	struct ps_dedup *dedup;      /* only with more than one source */
	struct ps_enricher *enricher; /* [enrich]: geo, AS, provider, destination, reverse DNS */

	/* sinks */
	struct ps_eventlog *eventlog;
	struct ps_chain *chain;      /* the event log's hashing (keyed or not) */
	struct ps_out term;
	char term_buf[16 * 1024];
	bool stalled;                /* the event log cannot be written: sources wait */

	/* alert channels (alerts.c): NULL when there are none */
	struct ps_delivery *delivery;
	struct ps_out alert_json;    /* an event as JSON, for submit */

	/* [forward.NAME]s (forward.c): NULL when there are none */
	struct ps_forward *forward;
	struct ps_out forward_json;  /* an event or alert as JSON, for submit */
	uint64_t *forward_reported;  /* per forward: drops already reported as forward_overflow */
	int64_t *forward_report_us;  /* per forward: monotonic time of that report */
	sd_event_source *forward_timer; /* a report held back by the rate limit */

	/* checkpoints */
	struct ps_checkpoint *checkpoint;
	char *state_path;
	struct ps_state positions;   /* what the next checkpoint records */
	bool dirty;

	struct counters n;
	uint64_t status_us;
};

/* sources.c */
int ps_sources_open(struct daemon *d);
void ps_sources_close(struct daemon *d);
/* Read up to a batch from every source; true if any had more. */
bool ps_sources_read(struct daemon *d);
void ps_sources_save_positions(struct daemon *d);
/* The dedup memory's state file lines (a ps_state_more_fn; arg: the daemon). */
void ps_sources_save_dedup(struct ps_out *o, void *arg);
int ps_journal_retry(sd_event_source *s, uint64_t usec, void *arg);
/* Close the journal and open it again at the cursor (drops sd-journal's mapped windows). */
void ps_sources_reopen_journal(struct daemon *d);
/* Shared by followed files and the audit log: wake the loop on changes in
 * path's directory; report a resume that may have missed lines (a
 * ps_tail_open() result) and gaps counted since *reported. */
void ps_sources_watch_dir(struct daemon *d, const char *path, sd_event_source **watch);
void ps_sources_resume_gap(struct daemon *d, const char *path, int resume);
void ps_sources_tail_gaps(struct daemon *d, const struct ps_tail *tail, uint64_t *reported);

/* audit_source.c: [source.audit], opened and read along with the others by sources.c */
int ps_audit_source_open(struct daemon *d);
void ps_audit_source_close(struct daemon *d);
bool ps_audit_source_read(struct daemon *d);
void ps_audit_source_save_position(struct daemon *d);
const char *ps_audit_source_path(const struct daemon *d);

/* pam_source.c: [source.pam]. Opened with the other sources, but kept
 * across a reload that does not change it; closed at exit only. */
int ps_pam_source_open(struct daemon *d);
void ps_pam_source_close(struct daemon *d);
bool ps_pam_source_read(struct daemon *d);
const char *ps_pam_source_path(const struct daemon *d);
/* ev came from the pam socket while a log source reports the same PAM call
 * (pam_source.c): written to the event log, counted and shown only once. */
bool ps_pam_echo(const struct daemon *d, const struct ps_event *ev);
struct ps_pam_sender;
/* A spoofed_log for since datagrams refused on a socket (pam's, audit's) as not from root, the last from from. */
void ps_refused_datagrams(struct daemon *d, const char *program, const char *source, const struct ps_pam_sender *from,
			  uint64_t since, const char *detail);

/* ingest.c */
void ps_ingest_journal(struct daemon *d, const struct ps_sd_entry *e);
void ps_ingest_line(struct daemon *d, struct tail_source *t, struct ps_str line);
/* An event about the monitoring itself (gap, blindness...), stamped now. */
void ps_ingest_notice(struct daemon *d, enum ps_kind kind, const char *source, const char *detail);
/* The same standing for count occurrences. */
void ps_ingest_notice_count(struct daemon *d, enum ps_kind kind, const char *source, const char *detail,
			    uint32_t count);
void ps_emit(struct daemon *d, struct ps_event *ev);

/* detect.c */
int ps_detect_open(struct daemon *d);
void ps_detect_event(struct daemon *d, const struct ps_event *ev);
void ps_detect_save(struct daemon *d);
void ps_detect_reload(struct daemon *d);
int ps_detect_close(struct daemon *d);
/* alerts.c: delivery to [channel.NAME]s; start after cfg is loaded, stop
 * before it is freed. submit: one alert JSON text (the detector's). */
int ps_alerts_start(struct daemon *d);
void ps_alerts_stop(struct daemon *d);
void ps_alerts_submit(struct daemon *d, const char *json, size_t len);
void ps_alerts_event(struct daemon *d, const struct ps_event *ev);
/* A detector's alert, to every channel that routes it. */
void ps_alerts_alert(struct daemon *d, const struct ps_alert *a);

/* forward.c: [forward.NAME]s; start after cfg is loaded and the hostname
 * set, stop before cfg is freed. check: report what the queues dropped. */
int ps_forwarding_start(struct daemon *d);
void ps_forwarding_stop(struct daemon *d);
void ps_forwarding_event(struct daemon *d, const struct ps_event *ev);
void ps_forwarding_alert(struct daemon *d, const struct ps_alert *a);
void ps_forwarding_check(struct daemon *d);
/* "; forward: ..." for the status line, or "". */
void ps_forwarding_status(struct daemon *d, char *buf, size_t size);

/* daemon.c */
void ps_daemon_status(struct daemon *d, bool force);

#endif
