/*
 * One line, two sources: with both the journal and a file that rsyslog
 * writes from the same messages, every line arrives twice. Counting per
 * key (program, pid, message) and per source, a line is a duplicate when
 * another source has already delivered more copies of that key than this
 * one has: so sshd's identical "Failed password ..." lines for one
 * connection (same pid, same text) are each kept once, not merged.
 *
 * Bounded: a fixed ring of recent keys; the oldest is forgotten first, and
 * keys older than the window are not matched (a copy that late is a new
 * line, not a duplicate). The window is the daemon's reading time: the
 * keys that still wait for a copy go into the state file with their age,
 * and a restart continues from that age, however long it was down. So a
 * line one source gave before a crash and the other after it is one line.
 */
#ifndef PS_CORRELATE_DEDUP_H
#define PS_CORRELATE_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/out.h"
#include "util/slice.h"

#define PS_DEDUP_SOURCES 8

struct ps_dedup;

struct ps_dedup *ps_dedup_new(size_t cap, int64_t window_us);
void ps_dedup_free(struct ps_dedup *d);

/* True when this line was already delivered by another source. */
bool ps_dedup_repeat(struct ps_dedup *d, unsigned source, struct ps_str program, int64_t pid,
		     struct ps_str message, int64_t now_us);


/*
 * State file lines "dedup\t..." for the keys some source has delivered
 * fewer copies of than another, within the window (only those change a
 * later answer). names[source] names a source across restarts, when ids
 * may change with the configuration ("journal", a file's path); a source
 * without a name is left out.
 */
void ps_dedup_save(const struct ps_dedup *d, struct ps_out *o, int64_t now_us, const char *const *names,
		   size_t n_names);

/*
 * One saved line (without "dedup\t"); source_id gives this run's id for a
 * saved name, or -1 for a source no longer read (its counts are dropped).
 * Returns 0 or -EINVAL.
 */
int ps_dedup_load_line(struct ps_dedup *d, struct ps_str line, int64_t now_us,
		       int (*source_id)(const char *name, void *arg), void *arg);

#endif
