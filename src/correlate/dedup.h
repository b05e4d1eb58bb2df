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
 * line, not a duplicate).
 */
#ifndef PS_CORRELATE_DEDUP_H
#define PS_CORRELATE_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/slice.h"

#define PS_DEDUP_SOURCES 8

struct ps_dedup;

struct ps_dedup *ps_dedup_new(size_t cap, int64_t window_us);
void ps_dedup_free(struct ps_dedup *d);

/* True when this line was already delivered by another source. */
bool ps_dedup_repeat(struct ps_dedup *d, unsigned source, struct ps_str program, int64_t pid,
		     struct ps_str message, int64_t now_us);

#endif
