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
 * The caller may give the event's JSON with it instead (scan has just
 * written it). Then that JSON is the copy, whole: an alert shows the
 * sample's bytes without writing them again, and the event is read back
 * from them only when a rule needs its fields (an update at the end of the
 * input describes its incident by the latest sample). Copying the fields
 * one by one cost scan more than any rule. Those texts share a second ring
 * of bytes, as large as the slots; a text the ring has since overwritten
 * is gone like an overwritten slot.
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
 * ps_event_write_json(PS_JSON_NO_NEWLINE) wrote it, or unset: the copy
 * is then made of ev's fields.
 */
uint32_t ps_samples_put(struct ps_samples *s, const struct ps_event *ev, struct ps_str json);

/*
 * Whether ref is still held, and its JSON into *json (unset: its copy is
 * made of fields, ps_samples_get() rebuilds it). Valid until the next
 * ps_samples_put(). False once overwritten, and for ref 0.
 */
bool ps_samples_json(const struct ps_samples *s, uint32_t ref, struct ps_str *json);

/*
 * The copy for ref, rebuilt into *out (or read back from its JSON), and its
 * JSON into *json when the store has it (else unset); all point into the
 * store, valid until the next ps_samples_put() or ps_samples_get(). False
 * once overwritten, and for ref 0.
 */
bool ps_samples_get(struct ps_samples *s, uint32_t ref, struct ps_event *out, struct ps_str *json);

#endif
