/*
 * The live journal source: sd-journal, local entries only, matched on the
 * syslog identifiers we decode plus journald's own "Suppressed N messages"
 * notices.
 *
 * Each entry is handed over with the fields journald itself attached
 * (_PID, _UID, _EXE, _HOSTNAME, _AUDIT_SESSION, the receive time): those
 * come from the kernel and /proc, not from the sender, and are what the
 * trust check and the record use. The text fields point into sd-journal's
 * memory and are valid only during the callback.
 */
#ifndef PS_SOURCE_JOURNAL_H
#define PS_SOURCE_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/record.h"

struct ps_sd_entry {
	struct ps_record rec;
	int64_t uid;                /* _UID; -1 when absent */
	struct ps_str exe;          /* _EXE; unset when journald could not read it */
	struct ps_str comm;         /* _COMM: the executable's name (15 bytes at most), or what it set */
	bool capable;               /* _CAP_EFFECTIVE non-zero: running with privilege (set-user-ID root) */
	struct ps_str identifier;   /* SYSLOG_IDENTIFIER as stored */
	/* journald's rate-limit notice (MESSAGE_ID journal-dropped): */
	bool suppression;
	uint64_t n_dropped;
	bool from_journald;         /* _TRANSPORT=driver: written by journald itself, which no client can claim */
};

/* Entries we could not read in order: vacuumed or rotated away. */
struct ps_journal_gap {
	bool gap;
	int64_t after_us;           /* realtime of the last entry we had */
	int64_t before_us;          /* realtime of the first entry we have now; -1: none yet */
};

typedef int (*ps_journal_fn)(const struct ps_sd_entry *e, void *arg);

struct ps_journal;

/*
 * Open the local journal, match the identifiers, and position after cursor;
 * without one, at since_us (a realtime), or with since_us -1 at the end, so
 * a first start does not replay history. A cursor
 * whose entry is gone is reported in *gap, and reading continues with the
 * first entry after it. Returns 0 or -errno.
 */
int ps_journal_open(struct ps_journal **j, const char *const *identifiers, size_t n,
		    const char *cursor, int64_t since_us, struct ps_journal_gap *gap);
void ps_journal_close(struct ps_journal *j);

/* For the event loop: poll this fd for these events, then call ps_journal_process. */
int ps_journal_fd(struct ps_journal *j);
int ps_journal_poll_events(struct ps_journal *j);
int ps_journal_process(struct ps_journal *j);

/*
 * Hand every new entry to fn, at most max (0: no limit). Returns the
 * number delivered, or -errno (fn's negative return stops the read).
 */
int ps_journal_read(struct ps_journal *j, ps_journal_fn fn, void *arg, size_t max);

/* The cursor of the last entry delivered (or the one opened with); NULL if none. */
const char *ps_journal_cursor(struct ps_journal *j);

/* Whether any journal file is readable at all: false means we are blind. */
bool ps_journal_has_files(struct ps_journal *j);

#endif
