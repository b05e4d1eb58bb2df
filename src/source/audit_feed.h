/*
 * Audit record lines in, events out: libauparse's feed interface around
 * decode/audit.c.
 *
 * Lines are fed one at a time, in the order auditd wrote them. auparse
 * keeps the records of an unfinished kernel event (no EOE yet) and hands
 * the event over once it is complete, so events can come out a few lines
 * after their first record, or at ps_audit_feed_age() when their EOE never
 * arrives (a lost record), or at ps_audit_feed_flush() at the end of input.
 * Each event carries the line number of its first record, and the feed
 * remembers where in the input each unfinished event began, so that a
 * follower can persist a position that no event in progress lies before
 * (ps_audit_feed_oldest()).
 *
 * A local auth_failure (no remote host) is attributed to the process
 * behind it and its parents (correlate/proctable.h): from the processes
 * earlier records showed, and, when the feed is live, from /proc.
 *
 * Memory: one auparse state, one fixed text buffer and the bounded table
 * of processes, allocated by ps_audit_feed_new(); nothing per line beyond
 * what auparse keeps for events in progress.
 */
#ifndef PS_SOURCE_AUDIT_FEED_H
#define PS_SOURCE_AUDIT_FEED_H

#include <stdbool.h>
#include <stdint.h>

#include "event/event.h"
#include "source/file.h"
#include "source/tail.h"
#include "util/slice.h"

struct ps_audit_feed;

/*
 * fn gets each event (valid during the call); warn (may be NULL) each
 * record that did not have its type's fields, with its line number. Both
 * get arg. file is what events carry as "file" (not copied; may be
 * PS_STR_NULL). Returns 0 or -ENOMEM.
 */
int ps_audit_feed_new(struct ps_audit_feed **f, struct ps_str file, ps_event_fn fn, ps_warn_fn warn,
		      void *arg);
void ps_audit_feed_free(struct ps_audit_feed *f);

/* Records are read as auditd writes them (pamsignal run): attribution may also read /proc. */
void ps_audit_feed_set_live(struct ps_audit_feed *f, bool live);

/*
 * One line (without its newline) that ps_audit_line() recognised, its
 * 1-based line number (0: unknown) and, when following a file, the
 * position just before it (NULL otherwise). Returns 0, or the first
 * negative value fn returned since the last call (events after it were
 * still delivered).
 */
int ps_audit_feed_line(struct ps_audit_feed *f, struct ps_str line, uint64_t line_no,
		       const struct ps_tail_pos *before);

/*
 * The position given with the first record of the oldest event still in
 * progress: true and *out set, or false when every event fed so far has
 * been handed over. At most 64 events in progress are remembered (more
 * would be a flood of interleaved events; the oldest are then forgotten).
 */
bool ps_audit_feed_oldest(const struct ps_audit_feed *f, struct ps_tail_pos *out);

/* Hand over events whose end did not arrive within auparse's timeout (2 s). */
int ps_audit_feed_age(struct ps_audit_feed *f);
/* Hand over every event in progress: the input ended. */
int ps_audit_feed_flush(struct ps_audit_feed *f);
/* True while records of an unfinished event are held. */
bool ps_audit_feed_pending(struct ps_audit_feed *f);

struct ps_audit_stats {
	uint64_t records, events, malformed;
};
void ps_audit_feed_stats(const struct ps_audit_feed *f, struct ps_audit_stats *out);

#endif
