/*
 * Lines back in time order, within a bounded window.
 *
 * The event log is written in the order events arrived, which is time
 * order but for a little: the audit source hands an event over once it is
 * complete (up to a few seconds late), and the journal and a file can be a
 * little apart. Matching lines are held in a min-heap by time (ties in
 * arrival order); once more than PS_ORDER_MAX_LINES lines or
 * PS_ORDER_MAX_BYTES bytes are held, the earliest goes out. So the output
 * is in time order whenever no line is later than that many lines after
 * where it belongs; one that is comes out as soon as it is read (and is
 * counted as late).
 *
 * Lines are copied into slots that are reused: the window allocates while
 * it fills, then only for lines over 2 KiB (a slot keeps a buffer up to
 * that size), so it holds at most PS_ORDER_MAX_BYTES of lines plus 2 KiB
 * per slot.
 */
#ifndef PS_SEARCH_ORDER_H
#define PS_SEARCH_ORDER_H

#include <stddef.h>
#include <stdint.h>

#include "util/slice.h"

#define PS_ORDER_MAX_LINES 16384
#define PS_ORDER_MAX_BYTES (32u << 20)

struct ps_order;

/* Called with each line leaving the window, in order; a negative return is kept and returned. */
typedef int (*ps_order_fn)(struct ps_str line, void *arg);

struct ps_order *ps_order_new(ps_order_fn fn, void *arg);
void ps_order_free(struct ps_order *o);

/* Hold a copy of line, whose time is time_us (-1: unknown, sorts first). Returns 0, -ENOMEM or fn's error. */
int ps_order_add(struct ps_order *o, int64_t time_us, struct ps_str line);

/* Everything still held, in order. Returns 0 or fn's first error. */
int ps_order_drain(struct ps_order *o);

/* Lines that came out after a later one had already gone (beyond the window). */
uint64_t ps_order_late(const struct ps_order *o);

#endif
