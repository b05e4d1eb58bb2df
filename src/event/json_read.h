/*
 * Event and alert lines back into structs: the inverse of json.c and of
 * ps_alert_write_json(), for reading the event log (pamsignal search).
 *
 * The lines were written by pamsignal, but the file is only as safe as
 * its permissions: every value is checked as it would be in a log line.
 * A known field with the wrong JSON type or a value the writer cannot
 * produce (a time that is not RFC 3339, an address that does not parse, a
 * negative pid) makes the line malformed. Unknown fields are ignored, so
 * a log written by a later version (more fields: seq, hash...) still
 * reads; so are names of kinds, reasons and actions this version does not
 * know (the field is then left unset, and the kind's name is kept in
 * ps_event_line.kind_name).
 *
 * Nothing is allocated per line: the reader keeps its JSON objects (their
 * buffers grow to the longest line seen) and the event's fields point into
 * them and into the line, valid until the next read.
 */
#ifndef PS_EVENT_JSON_READ_H
#define PS_EVENT_JSON_READ_H

#include "event/alert.h"
#include "event/event.h"
#include "util/jsonread.h"

enum ps_line_type { PS_LINE_EVENT = 1, PS_LINE_ALERT = 2 };

struct ps_event_line {
	struct ps_jobject obj;                       /* the line */
	struct ps_jobject parent[PS_PROC_DEPTH];     /* the elements of "parents" */
	struct ps_jobject geo, as;                   /* "src_geo", "src_as" */
	struct ps_proc_chain chain;
	struct ps_str kind_name;                     /* "kind" as written */
	struct ps_event ev;                          /* PS_LINE_EVENT */
	struct ps_alert alert;                       /* PS_LINE_ALERT: for the text table only
							(no samples, no MITRE ids) */
};

/* Zero it before the first read; ps_event_line_free() when done. */
void ps_event_line_free(struct ps_event_line *l);

/*
 * Read one line (no newline). Returns PS_LINE_EVENT or PS_LINE_ALERT with
 * l->ev or l->alert filled, or -EBADMSG (not a pamsignal line: *why says
 * what, a static string), -E2BIG (longer than PS_JR_MAX_LEN), -ENOMEM.
 */
int ps_event_line_read(struct ps_event_line *l, struct ps_str line, const char **why);

#endif
