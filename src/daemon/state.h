/*
 * The state file (STATE_DIR/state): where every source was when the
 * event log last became durable, and the sessions still open then.
 *
 *   pamsignal-state <TAB> 1
 *   eventlog <TAB> dev <TAB> ino <TAB> size <TAB> seq <TAB> hash   (the chain's head there)
 *   journal <TAB> cursor          (or: journal-since <TAB> realtime µs)
 *   file <TAB> path <TAB> dev <TAB> ino <TAB> offset
 *   session <TAB> ...             (correlate/session.c)
 *   dedup <TAB> ...               (correlate/dedup.c)
 *   end
 *
 * Fields are percent-escaped (util/tsv.h). A file without its "end" line
 * is not used. Written only by the checkpoint thread, atomically.
 */
#ifndef PS_DAEMON_STATE_H
#define PS_DAEMON_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "correlate/session.h"
#include "sink/eventlog.h"
#include "source/tail.h"
#include "util/out.h"

struct ps_state_file_pos {
	char *path;
	struct ps_tail_pos pos;
};

struct ps_state {
	struct ps_eventlog_mark eventlog;
	char *journal_cursor;          /* NULL: none */
	int64_t journal_since_us;      /* without a cursor: read from this time; -1: from the end */
	struct ps_state_file_pos *files;
	size_t n_files;
	char *dedup_lines;             /* as read ("dedup" lines without their kind, one per line), or NULL:
	                                * loaded once the sources (and their ids) are known */
	size_t dedup_len;
};

/* Lines the caller adds before the "end" line. */
typedef void ps_state_more_fn(struct ps_out *o, void *arg);

void ps_state_init(struct ps_state *st);
void ps_state_free(struct ps_state *st);

/* Parse text; sessions go straight into s. Returns 0, or -EINVAL with *line the bad line. */
int ps_state_parse(struct ps_state *st, struct ps_sessions *s, char *text, size_t len, unsigned *line);

void ps_state_write(struct ps_out *o, const struct ps_state *st, const struct ps_sessions *s, ps_state_more_fn *more,
		    void *arg);

/* The saved position of a followed file, or NULL. */
const struct ps_tail_pos *ps_state_file(const struct ps_state *st, const char *path);
/* Record (or update) a file's position. Returns 0 or -ENOMEM. */
int ps_state_set_file(struct ps_state *st, const char *path, const struct ps_tail_pos *pos);

#endif
