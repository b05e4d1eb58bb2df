/*
 * Forwarding: the daemon's one entry point to every [forward.NAME], which
 * sends events and alerts to a syslog receiver (rsyslog, syslog-ng, a
 * SIEM's collector) as RFC 5424 messages over UDP, TCP or TLS.
 *
 *   daemon thread:  ps_forward_route + ps_forward_submit: a copy into the
 *                   forward's inbox, under a lock; no parsing, no I/O
 *   forward thread: inbox → queue (memory) + disk queue (spool.h, synced
 *                   in batches) → format (format.h) → syslog message
 *                   (syslog.h) → non-blocking socket (conn.h), all
 *                   forwards in one poll() loop
 *
 * A thread rather than the daemon's sd-event loop for the same reasons as
 * alert delivery (delivery.h): TLS handshakes, DNS, formatting and the
 * queue's fdatasync stay off the ingestion path.
 *
 * Outages lose nothing that fits the queue: a message leaves the queue
 * only once the receiver's host acknowledged it (conn.h); until then it
 * stays in memory and in STATE_DIR/forward/NAME.q, and is sent again,
 * in order, after a reconnection (backoff from 1 s, doubling, at most
 * 60 s) or a restart. That is at least once: a receiver can get a message
 * twice when a connection breaks between its arrival and our noticing.
 * queue_size bounds the queue (memory and disk); past it, new items are
 * dropped and counted, and the daemon reports that as a forward_overflow
 * event. An item is durable once the thread's next batch is synced;
 * ps_forward_durable() lets the daemon hold its source checkpoint until
 * then, so after a crash what was not yet queued is read again.
 */
#ifndef PS_SINK_FORWARD_FORWARD_H
#define PS_SINK_FORWARD_FORWARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "util/slice.h"

#define PS_FORWARD_MAX 64 /* forwards in one configuration (a bit mask routes) */

struct ps_forward;

struct ps_forward_counters {
	uint64_t sent;       /* messages the receiver acknowledged (UDP: handed to the kernel) */
	uint64_t dropped;    /* items refused because the queue was full */
	uint64_t shortened;  /* messages sent with fields cut to fit max_message_size */
	uint64_t unreadable; /* items in the disk queue that were not an event or alert (dropped) */
	uint64_t connects;   /* connections made */
	uint64_t queued;     /* items waiting now */
	uint64_t queued_bytes;
	bool up;             /* connected now */
};

/*
 * Open every forward's disk queue under cfg->state_dir/forward (queuing
 * what a previous run left) and start the thread. cfg is borrowed and must
 * outlive the forwarder. hostname: the HOSTNAME of every message. With no
 * forwards, *f is NULL and 0 is returned. 0 or -errno.
 */
int ps_forward_start(struct ps_forward **f, const struct ps_config *cfg, const char *hostname);

/* Stop: what is queued stays on disk for the next start; messages written
 * but not acknowledged are sent again then. NULL is fine. */
void ps_forward_stop(struct ps_forward *f);

/* Whether any forward takes events (what = events or both) or alerts:
 * if not, the daemon need not write their JSON at all. */
bool ps_forward_wants(const struct ps_forward *f, bool alerts);

/* Which forwards take this item: bit i for cfg->forwards[i]. what is the
 * event's kind or the alert's rule; severity is the alert's (an event's
 * comes from its kind, see sink/deliver/alert.h). */
uint64_t ps_forward_route(const struct ps_forward *f, bool alert, struct ps_str what, enum ps_severity severity);

/* Queue one JSON object text (an event line or an alert, as the event log
 * holds them; a trailing newline is fine) for the forwards in mask. Never
 * blocks on I/O. Returns how many took it (the others' queues were full). */
int ps_forward_submit(struct ps_forward *f, uint64_t mask, const char *json, size_t len);

/* Whether everything submitted so far is synced in the disk queues. */
bool ps_forward_durable(struct ps_forward *f);

size_t ps_forward_count(const struct ps_forward *f);
/* Forward i's counters; returns its name. */
const char *ps_forward_counters(struct ps_forward *f, size_t i, struct ps_forward_counters *c);

#endif
