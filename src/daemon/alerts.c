/*
 * The daemon's hook into alert delivery (sink/deliver/delivery.h): start
 * and stop it with the configuration, and hand it every alert and the
 * events some channel asked for (notify_logins, include_kinds).
 */
#include <string.h>

#include "daemon/daemon_int.h"
#include "event/json.h"
#include "util/log.h"

int ps_alerts_start(struct daemon *d)
{
	int r = ps_delivery_start(&d->delivery, &d->cfg);
	if (r < 0)
		ps_log_error("alert delivery: %s", strerror(-r));
	if (d->delivery)
		ps_out_init_mem(&d->alert_json);
	return r;
}

void ps_alerts_stop(struct daemon *d)
{
	ps_delivery_stop(d->delivery);
	d->delivery = NULL;
	ps_out_free(&d->alert_json);
}

void ps_alerts_submit(struct daemon *d, const char *json, size_t len)
{
	if (d->delivery && ps_delivery_submit(d->delivery, json, len) < 0)
		d->n.undeliverable++;
}

void ps_alerts_alert(struct daemon *d, const struct ps_alert *a)
{
	if (!d->delivery)
		return;
	ps_out_reset(&d->alert_json);
	ps_alert_write_json(&d->alert_json, a);
	if (d->alert_json.error) {
		d->alert_json.error = 0;
		d->n.undeliverable++;
		return;
	}
	ps_alerts_submit(d, d->alert_json.buf, d->alert_json.len);
}

void ps_alerts_event(struct daemon *d, const struct ps_event *ev)
{
	if (!ps_delivery_wants_events(d->delivery))
		return;
	ps_out_reset(&d->alert_json);
	ps_event_write_json(&d->alert_json, ev, 0);
	if (d->alert_json.error) {
		d->alert_json.error = 0;
		d->n.undeliverable++;
		return;
	}
	ps_alerts_submit(d, d->alert_json.buf, d->alert_json.len);
}
