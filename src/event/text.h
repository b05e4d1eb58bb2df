/*
 * Events as an aligned table for a person at a terminal. Every untrusted
 * field goes through ps_out_term_str(), so escape sequences, control
 * characters and bidi tricks in the input are shown, never obeyed.
 */
#ifndef PS_EVENT_TEXT_H
#define PS_EVENT_TEXT_H

#include "event/alert.h"
#include "event/event.h"
#include "util/out.h"

void ps_event_write_text_header(struct ps_out *o);
/* One line per event; times are shown in the local time zone. */
void ps_event_write_text(struct ps_out *o, const struct ps_event *ev);
/* An alert as one row of the same table: KIND "alert", RESULT its severity,
 * DETAIL the rule and its summary. */
void ps_alert_write_text(struct ps_out *o, const struct ps_alert *a);

#endif
