/*
 * One item for delivery: an alert from the detector or an event line,
 * as JSON text (see jsonread.h), with what routing and messages need.
 *
 * Events carry no severity of their own: spoofed_log counts as high,
 * source_gap, log_suppressed and forward_overflow as medium, auth_failure
 * as low, the rest as info. Alerts carry theirs.
 */
#ifndef PS_SINK_DELIVER_ALERT_H
#define PS_SINK_DELIVER_ALERT_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "util/jsonread.h"

#define PS_ITEM_ID_MAX 64

struct ps_item {
	char *json;            /* owned copy of the text, without a trailing newline */
	size_t json_len;
	struct ps_jobject obj; /* its members (slices into json and obj.buf) */
	bool is_alert;         /* "type":"alert" (else an event) */
	enum ps_severity severity;
	char id[PS_ITEM_ID_MAX + 1]; /* stable: see ps_item_parse */
};

/*
 * Copy and read json[0..len) (one trailing newline allowed). The id is the
 * alert's own "id" when it has a safe one (1-64 of [A-Za-z0-9._:-]), else
 * "ps_" and 32 hex digits of the text's SHA-256: an event re-read after a
 * crash is written again byte for byte, so it keeps its id and a receiver
 * can drop the repeat. Returns 0, -EBADMSG (not one object, or no "type"
 * of alert/event), -E2BIG, -ENOMEM; on error a is left empty.
 */
int ps_item_parse(struct ps_item *a, const char *json, size_t len);
void ps_item_free(struct ps_item *a);

/* The severity an event of this kind counts as (above). */
enum ps_severity ps_item_event_severity(struct ps_str kind);

/* A string member, or PS_STR_NULL. */
struct ps_str ps_item_str(const struct ps_item *a, const char *name);

/* Whether channel ch takes this alert (severity, rules, kinds, notify_logins). */
bool ps_item_routed(const struct ps_channel_config *ch, const struct ps_item *a);

#endif
