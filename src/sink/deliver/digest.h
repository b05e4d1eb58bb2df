/*
 * What a rate-limited channel sends instead of the alerts it could not:
 * one message, "+37 more failed logins from 203.0.113.7 in the last 5 min",
 * a line per (what, source) group. Nothing is dropped: every merged item
 * is counted in a group or in `other`.
 */
#ifndef PS_SINK_DELIVER_DIGEST_H
#define PS_SINK_DELIVER_DIGEST_H

#include <stdint.h>

#include "sink/deliver/alert.h"

#define PS_DIGEST_GROUPS 12

struct ps_digest_group {
	char what[48]; /* "failed logins", "brute_force alerts" (display text) */
	char src[48];  /* the source address, display text; "" when none */
	unsigned count;
};

struct ps_digest {
	struct ps_digest_group g[PS_DIGEST_GROUPS];
	size_t n;
	unsigned other; /* items past the last group */
	unsigned total;
	int64_t first_us, last_us; /* when the merged items were queued */
	enum ps_severity severity; /* the highest merged */
	char first_id[PS_ITEM_ID_MAX + 1];
};

void ps_digest_init(struct ps_digest *d);
void ps_digest_add(struct ps_digest *d, const struct ps_item *a, int64_t queued_us);
/* "5 min", "40 s": the span covered, for "in the last ...". */
void ps_digest_span(const struct ps_digest *d, char *buf, size_t size);

#endif
