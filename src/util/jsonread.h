/*
 * A small, strict reader for ONE JSON object text: an alert from the
 * detector or an event line from event/json.c (the delivery subsystem's
 * input, and the event log as `pamsignal search` reads it). It records the object's top-level members by name; nested
 * arrays and objects (an alert's "events", "mitre") are checked and kept
 * as raw JSON text.
 *
 * Not decode/frame_journal.c's parser: that one reads only the flat objects
 * of `journalctl -o json` (strings and byte arrays, first value of a
 * repeated field wins), whereas alerts nest, carry numbers, and must be
 * refused when a key repeats (two readers could disagree on its value).
 *
 * Strict RFC 8259: no trailing commas, comments, NaN or leading zeros;
 * strings must be valid UTF-8 and have no raw control characters; depth
 * at most PS_JR_MAX_DEPTH. \u escapes decode to UTF-8; a lone surrogate
 * becomes U+FFFD. Bounded: input at most PS_JR_MAX_LEN bytes, at most
 * PS_JR_MAX_FIELDS recorded members (further ones are checked, not kept).
 */
#ifndef PS_UTIL_JSONREAD_H
#define PS_UTIL_JSONREAD_H

#include <stdbool.h>
#include <stddef.h>

#include "util/slice.h"

#define PS_JR_MAX_LEN (64 * 1024)
#define PS_JR_MAX_FIELDS 64
#define PS_JR_MAX_DEPTH 16

enum ps_jtype { PS_J_STRING, PS_J_NUMBER, PS_J_BOOL, PS_J_NULL, PS_J_ARRAY, PS_J_OBJECT };

struct ps_jfield {
	struct ps_str name;  /* decoded */
	struct ps_str value; /* strings: decoded; others: the raw JSON text */
	enum ps_jtype type;
};

struct ps_jobject {
	struct ps_jfield f[PS_JR_MAX_FIELDS];
	size_t n;
	char *buf; /* owned: decoded names and strings point here */
	size_t cap;
};

/*
 * Read the object in p[0..n) (whitespace around it allowed). Slices of
 * raw values point into p, which must outlive o. Returns 0, -EBADMSG for
 * text that is not one valid object, -E2BIG past PS_JR_MAX_LEN, -ENOMEM.
 *
 * o starts zeroed; reading into it again reuses its buffer (grown when a
 * longer text comes), so a reader of many lines allocates only a few
 * times, and the previous object's members are gone. Free with
 * ps_jobject_free() when done, whatever the reads returned.
 */
int ps_jobject_read(struct ps_jobject *o, const char *p, size_t n);
void ps_jobject_free(struct ps_jobject *o);

/* The member's value, or PS_STR_NULL (not there, or not of that type). */
struct ps_str ps_jobject_get(const struct ps_jobject *o, const char *name, enum ps_jtype type);

/*
 * The elements of an array (the raw text of a PS_J_ARRAY member), one per
 * call: ps_jarray_next() sets *elem to the next element's raw JSON text
 * and returns 1, then 0 after the last; -EBADMSG for text that is not an
 * array. Nothing is allocated; elements are checked as they are reached.
 */
struct ps_jarray {
	struct ps_str rest;
	bool started;
};
void ps_jarray_begin(struct ps_jarray *a, struct ps_str array);
int ps_jarray_next(struct ps_jarray *a, struct ps_str *elem);

#endif
