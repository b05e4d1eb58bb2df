/*
 * The one JSON writer for events. Field names and order are the stable
 * contract documented in pamsignal(8); unknown fields are left out.
 */
#ifndef PS_EVENT_JSON_H
#define PS_EVENT_JSON_H

#include "event/event.h"
#include "util/out.h"

enum {
	/* Leave out type, file, line and message (decoder tests compare the rest). */
	PS_JSON_DECODED_ONLY = 1 << 0,
	/* No newline after the object (an event inside an alert's "events"). */
	PS_JSON_NO_NEWLINE = 1 << 1,
};

/*
 * Write ev as one JSON object followed by a newline. Keeps small caches
 * (the last file name, the last day) between calls: one thread only.
 */
void ps_event_write_json(struct ps_out *o, const struct ps_event *ev, unsigned flags);

#endif
