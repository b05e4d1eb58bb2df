/*
 * Alert delivery: the daemon's one entry point to every [channel.NAME].
 *
 *   daemon thread:   ps_delivery_submit(json)  parse, route, hand over (no I/O)
 *   delivery thread: spool append + fdatasync (batched) → per-channel queue
 *                    → rate limit / digest → libcurl multi → retry or
 *                    dead-letter → spool "done" record
 *
 * Why a thread and not curl's socket callbacks on the daemon's sd-event
 * loop: TLS handshakes, request building and the spool's fdatasync would
 * then run on the ingestion thread; here the daemon only pays for a parse,
 * a copy and a mutex, and the thread sleeps in curl_multi_poll() (woken by
 * curl_multi_wakeup) with no process or thread per alert.
 *
 * Guarantees. Order is kept per channel (one request in flight per
 * channel). Delivery is at least once: an item leaves its spool only after
 * the service accepted it (2xx / SMTP 250), it was dead-lettered, or it
 * was merged into a digest that was accepted. An item is durable once the
 * thread's next batch is synced (milliseconds after submit);
 * ps_delivery_durable() lets the daemon hold its source checkpoint until
 * then, so after a crash anything not yet in the spool is read from the
 * sources again and submitted again, with the same id (see alert.h).
 * Receivers deduplicate on the id (webhook-id, Message-ID, "Id:" line).
 */
#ifndef PS_SINK_DELIVER_DELIVERY_H
#define PS_SINK_DELIVER_DELIVERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

struct ps_delivery;

struct ps_delivery_counters {
	uint64_t sent;     /* messages accepted (a digest counts once) */
	uint64_t merged;   /* items delivered inside digests */
	uint64_t retried;  /* attempts that will be made again */
	uint64_t dead;     /* items dead-lettered (refused for good, or expired) */
	uint64_t expired;  /* of those, items older than their channel's max_age */
	uint64_t dropped;  /* items refused: a channel's max_queue was full */
	uint64_t queued;   /* items waiting now, all channels */
};

/*
 * Open every channel's spool under cfg->state_dir/spool (queuing what a
 * previous run left) and start the delivery thread. cfg is borrowed and
 * must outlive the delivery (stop it before freeing or replacing cfg).
 * With no channels, *d is NULL and 0 is returned. 0 or -errno.
 */
int ps_delivery_start(struct ps_delivery **d, const struct ps_config *cfg);

/*
 * Stop the thread: what is queued stays in the spools for the next start;
 * a request in flight is abandoned (sent again then: at least once).
 * Returns after the spools are synced. NULL is fine.
 */
void ps_delivery_stop(struct ps_delivery *d);

/*
 * Hand over one JSON object text (an alert, or an event line as
 * event/json.c writes it; a trailing newline is fine). Never blocks on
 * I/O. Returns the number of channels that take it (0: none), -EBADMSG
 * for text that is not an alert or event object, -ENOMEM.
 */
int ps_delivery_submit(struct ps_delivery *d, const char *json, size_t len);

/* Whether any channel takes events (notify_logins, include_kinds): if not,
 * the daemon need not format events for submit at all. */
bool ps_delivery_wants_events(const struct ps_delivery *d);

/* Whether everything submitted so far is synced in the spools. */
bool ps_delivery_durable(struct ps_delivery *d);

void ps_delivery_counters(struct ps_delivery *d, struct ps_delivery_counters *c);

#endif
