/*
 * The daemon's hook into forwarding (sink/forward/forward.h): start and
 * stop it with the configuration, hand it every event and alert a
 * [forward.NAME] takes, and turn what its queues had to drop into
 * forward_overflow events, at most one per forward every
 * OVERFLOW_REPORT_US, each counting what was dropped since the last.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon_int.h"
#include "event/json.h"
#include "util/log.h"
#include "util/timeconv.h"

#define OVERFLOW_REPORT_US (10 * 1000000LL)

static int on_report_timer(sd_event_source *s, uint64_t usec, void *arg)
{
	(void)s, (void)usec;
	ps_forwarding_check(arg);
	return 0;
}

int ps_forwarding_start(struct daemon *d)
{
	int r = ps_forward_start(&d->forward, &d->cfg, d->hostname);
	if (r < 0) {
		ps_log_error("forwarding: %s", strerror(-r));
		return r;
	}
	if (!d->forward)
		return 0;
	ps_out_init_mem(&d->forward_json);
	d->forward_reported = calloc(ps_forward_count(d->forward), sizeof(*d->forward_reported));
	d->forward_report_us = calloc(ps_forward_count(d->forward), sizeof(*d->forward_report_us));
	if (!d->forward_reported || !d->forward_report_us) {
		ps_forwarding_stop(d);
		return -ENOMEM;
	}
	if (!d->forward_timer &&
	    (r = sd_event_add_time_relative(d->loop, &d->forward_timer, CLOCK_MONOTONIC, OVERFLOW_REPORT_US, 100000,
					    on_report_timer, d)) < 0) {
		ps_forwarding_stop(d);
		return r;
	}
	sd_event_source_set_enabled(d->forward_timer, SD_EVENT_OFF);
	return 0;
}

void ps_forwarding_stop(struct daemon *d)
{
	ps_forward_stop(d->forward);
	d->forward = NULL;
	ps_out_free(&d->forward_json);
	free(d->forward_reported);
	free(d->forward_report_us);
	d->forward_reported = NULL;
	d->forward_report_us = NULL;
	if (d->forward_timer)
		sd_event_source_set_enabled(d->forward_timer, SD_EVENT_OFF);
}

static void submit(struct daemon *d, uint64_t mask)
{
	if (d->forward_json.error) {
		d->forward_json.error = 0;
		d->n.undeliverable++;
		return;
	}
	ps_forward_submit(d->forward, mask, d->forward_json.buf, d->forward_json.len);
}

void ps_forwarding_event(struct daemon *d, const struct ps_event *ev)
{
	if (!ps_forward_wants(d->forward, false))
		return;
	const char *kind = ps_kind_name(ev->kind);
	uint64_t mask = ps_forward_route(d->forward, false, ps_cstr(kind ? kind : ""), PS_SEVERITY_INFO);
	if (!mask)
		return;
	ps_out_reset(&d->forward_json);
	ps_event_write_json(&d->forward_json, ev, 0);
	submit(d, mask);
}

void ps_forwarding_alert(struct daemon *d, const struct ps_alert *a)
{
	if (!ps_forward_wants(d->forward, true))
		return;
	uint64_t mask = ps_forward_route(d->forward, true, ps_cstr(ps_rule_name(a->rule)), a->severity);
	if (!mask)
		return;
	ps_out_reset(&d->forward_json);
	ps_alert_write_json(&d->forward_json, a);
	submit(d, mask);
}

/* One forward_overflow event for what a forward dropped since the last. */
static void report(struct daemon *d, const char *name, uint64_t dropped, uint64_t queue_size)
{
	char source[80], detail[160];
	snprintf(source, sizeof(source), "forward.%s", name);
	snprintf(detail, sizeof(detail), "its queue was full (queue_size = %llu bytes): events and alerts were dropped",
		 (unsigned long long)queue_size);
	ps_log_warn("forward %s: queue full; %llu event(s) or alert(s) dropped", name, (unsigned long long)dropped);
	ps_ingest_notice_count(d, PS_KIND_FORWARD_OVERFLOW, source, detail,
			       dropped > UINT32_MAX ? UINT32_MAX : (uint32_t)dropped);
}

void ps_forwarding_check(struct daemon *d)
{
	int64_t now = ps_monotonic_us(), wait = INT64_MAX;
	for (size_t i = 0; i < ps_forward_count(d->forward); i++) {
		struct ps_forward_counters c;
		const char *name = ps_forward_counters(d->forward, i, &c);
		if (c.dropped <= d->forward_reported[i])
			continue;
		int64_t due = d->forward_report_us[i] ? d->forward_report_us[i] + OVERFLOW_REPORT_US : now;
		if (now < due) {
			if (due - now < wait)
				wait = due - now;
			continue;
		}
		report(d, name, c.dropped - d->forward_reported[i], d->cfg.forwards[i].queue_size);
		/* The notice itself may have been dropped by the same full queue: not counted again. */
		ps_forward_counters(d->forward, i, &c);
		d->forward_reported[i] = c.dropped;
		d->forward_report_us[i] = now;
	}
	if (wait != INT64_MAX) {
		sd_event_source_set_time_relative(d->forward_timer, (uint64_t)wait);
		sd_event_source_set_enabled(d->forward_timer, SD_EVENT_ONESHOT);
	}
}

void ps_forwarding_status(struct daemon *d, char *buf, size_t size)
{
	struct ps_forward_counters sum = { 0 };
	size_t n = ps_forward_count(d->forward), up = 0;
	buf[0] = '\0';
	if (!n)
		return;
	for (size_t i = 0; i < n; i++) {
		struct ps_forward_counters c;
		ps_forward_counters(d->forward, i, &c);
		sum.sent += c.sent;
		sum.queued += c.queued;
		sum.dropped += c.dropped;
		up += c.up;
	}
	snprintf(buf, size, "; forward: %zu/%zu connected, %llu sent, %llu queued, %llu dropped", up, n,
		 (unsigned long long)sum.sent, (unsigned long long)sum.queued, (unsigned long long)sum.dropped);
}
