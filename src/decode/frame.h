/*
 * Framing: where a message, its program, pid, host and time sit in a line.
 *
 * ps_frame_line() recognises, per line: classic syslog ("Nov 21 19:50:23
 * host prog[pid]: msg", with or without <PRI>), RFC 3339 timestamps
 * (rsyslog's high-precision default, journalctl -o short-iso), RFC 5424,
 * and journalctl -o json. Journal export format spans several lines and
 * binary fields; it is assembled with struct ps_journal_entry instead.
 */
#ifndef PS_DECODE_FRAME_H
#define PS_DECODE_FRAME_H

#include <stdbool.h>
#include <stdint.h>

#include "decode/record.h"

/*
 * Per-input state. Classic syslog has no year: it is taken from a
 * reference time (the file's modification time, or now), and a month that
 * goes back by half a year or more inside one input is a new year.
 */
struct ps_frame_ctx {
	int ref_year, ref_month;
	int year, last_month;   /* 0 until the first classic timestamp */
	char *scratch;          /* decoded JSON values; owned, grows to the longest line */
	size_t scratch_cap;
};

void ps_frame_ctx_init(struct ps_frame_ctx *c, int64_t ref_time_sec);
void ps_frame_ctx_free(struct ps_frame_ctx *c);

/*
 * Frame one line (without its newline) into rec, whose text fields then
 * point into line or into c's scratch buffer (valid until the next call).
 * Returns 1 if a framing was recognised, 0 if not (rec->message is then
 * the whole line and the other fields are unknown), or -ENOMEM.
 */
int ps_frame_line(struct ps_frame_ctx *c, struct ps_str line, struct ps_record *rec);

/*
 * Whether rec's text lies in c's scratch buffer (journal JSON values),
 * which the next ps_frame_line() overwrites: such a record, and an event
 * decoded from it, must be used before the next line is framed.
 */
bool ps_frame_borrows_scratch(const struct ps_frame_ctx *c, const struct ps_record *rec);

/* Individual framings, for tests and fuzzing. Same returns as above. */
int ps_frame_syslog(struct ps_frame_ctx *c, struct ps_str line, struct ps_record *rec);
int ps_frame_rfc5424(struct ps_str line, struct ps_record *rec);
int ps_frame_journal_json(struct ps_frame_ctx *c, struct ps_str line, struct ps_record *rec);

/*
 * "prog[pid]: msg" or "prog: msg" at the front of s: the tag of a syslog
 * line. Sets program, pid, message. False if s has no tag.
 */
bool ps_frame_tag(struct ps_str s, struct ps_record *rec);

/*
 * journalctl -o export: "FIELD=value\n" lines, or "FIELD\n" + 64-bit
 * little-endian length + binary value + "\n", entries ended by a blank
 * line. The entry copies the fields it needs, because the lines it is
 * fed from do not outlive the call.
 */
#define PS_JOURNAL_FIELDS 9 /* the fields frame_journal.c takes */

struct ps_journal_entry {
	char *buf;
	size_t len, cap;
	struct {
		size_t off, n;
		bool set;
	} f[PS_JOURNAL_FIELDS];
	bool any;
};

void ps_journal_entry_init(struct ps_journal_entry *e);
void ps_journal_entry_free(struct ps_journal_entry *e);
void ps_journal_entry_reset(struct ps_journal_entry *e);
/* Add one field; fields we do not use are ignored. Returns 0 or -ENOMEM. */
int ps_journal_entry_add(struct ps_journal_entry *e, struct ps_str name, struct ps_str value);
/* The entry as a record (valid until the entry changes). 1, or 0 if empty. */
int ps_journal_entry_record(const struct ps_journal_entry *e, struct ps_record *rec);

/* A journal field name: [A-Z0-9_]+, not starting with a digit. */
bool ps_journal_field_name(struct ps_str s);

#endif
