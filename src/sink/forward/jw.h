/*
 * A small writer of nested JSON for the ECS and OCSF formats, whose
 * documents are objects in objects ("source":{"geo":{...}}). An object
 * or array that is begun is written only once a member goes into it, so
 * that unknown fields leave no empty "source":{} behind.
 *
 * Member names are ours (literals); string values go through
 * ps_fwd_json_str() with the writer's cap. Numbers are written as the JSON
 * reader kept them (raw, already valid JSON) or from integers.
 */
#ifndef PS_SINK_FORWARD_JW_H
#define PS_SINK_FORWARD_JW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/out.h"

#define PS_JW_DEPTH 8

struct ps_jw {
	struct ps_out *o;
	size_t cap;          /* for string values (escape.h) */
	unsigned depth;      /* levels begun, the top object included */
	unsigned written;    /* levels whose opening bracket is out */
	const char *name[PS_JW_DEPTH];
	bool array[PS_JW_DEPTH];
	bool first[PS_JW_DEPTH]; /* nothing written in this level yet */
};

/* "{" now; every document has at least its top level. */
void ps_jw_start(struct ps_jw *w, struct ps_out *o, size_t cap);
/* Close every level still open, the top one included. */
void ps_jw_finish(struct ps_jw *w);

/* An object or array member, written when something goes in it; name
 * NULL inside an array. Deeper than PS_JW_DEPTH is a programming error. */
void ps_jw_object(struct ps_jw *w, const char *name);
void ps_jw_array(struct ps_jw *w, const char *name);
void ps_jw_end(struct ps_jw *w);

/* Members (name NULL: an array element). Unset values (PS_STR_NULL,
 * NULL) are left out. */
void ps_jw_str(struct ps_jw *w, const char *name, struct ps_str v);
void ps_jw_lit(struct ps_jw *w, const char *name, const char *v);
void ps_jw_raw(struct ps_jw *w, const char *name, struct ps_str json);
void ps_jw_int(struct ps_jw *w, const char *name, int64_t v);
void ps_jw_bool(struct ps_jw *w, const char *name, bool v);
/* Only the member's key: the caller writes one JSON value to w->o next. */
void ps_jw_key(struct ps_jw *w, const char *name);

#endif
