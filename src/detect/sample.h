/*
 * The sample store: compact copies of events for alerts to show.
 *
 * Events are valid only while the caller's record is, so an incident that
 * wants to show its first attempts later keeps copies here. The store is a
 * ring of small fixed-size slots: a copy costs no allocation, the oldest
 * copy is overwritten when the ring wraps, and a reference to an
 * overwritten copy simply stops resolving (an alert then shows fewer
 * samples, never a wrong one). The ring is kept small enough to stay in
 * the CPU's cache: copying events into a larger one cost scan more than all
 * the rules together.
 *
 * A copy keeps every field of the event but parents (an attribution
 * chain would not fit a slot; its cmdline is kept); text fields are cut to
 * fit the slot: each to PS_SAMPLE_FIELD_MAX bytes, the message to what is
 * left.
 *
 * The caller may give the event's JSON with it (scan has just written it):
 * when the copy is exact (nothing cut, no parents), that JSON is also the
 * copy's, and an alert can show the sample without writing it again. Those
 * texts share a second ring of bytes, as large as the slots; a text the
 * ring has since overwritten is simply not returned.
 */
#ifndef PS_DETECT_SAMPLE_H
#define PS_DETECT_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "event/event.h"

#define PS_SAMPLE_SLOT 512      /* bytes per copy */
#define PS_SAMPLE_FIELD_MAX 96  /* per text field but the message */
#define PS_SAMPLES_MAX 2048     /* slots at most, whatever the budget */

struct ps_samples;

/* NULL when out of memory. cap >= 1 slots. */
struct ps_samples *ps_samples_new(size_t cap);
void ps_samples_free(struct ps_samples *s);

/* Bytes of the store (slots and the JSON ring) for cap slots. */
size_t ps_samples_size(size_t cap);

/*
 * Copy ev; returns its reference (never 0). json: ev as
 * ps_event_write_json(PS_JSON_NO_NEWLINE) wrote it, or unset; kept only
 * with an exact copy.
 */
uint32_t ps_samples_put(struct ps_samples *s, const struct ps_event *ev, struct ps_str json);

/*
 * The copy for ref, rebuilt into *out, and its JSON into *json when the
 * store still has it (else unset); both point into the store, valid until
 * the next ps_samples_put(). False once overwritten, and for ref 0.
 */
bool ps_samples_get(const struct ps_samples *s, uint32_t ref, struct ps_event *out, struct ps_str *json);

#endif
