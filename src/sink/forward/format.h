/*
 * The payload formats of forwarded messages (the MSG part of a syslog
 * message): json, cee, cef, leef, ecs, ocsf. One file each, each with the
 * escaping its syntax needs (escape.h); doc/forwarding.md has the mapping
 * table of every format.
 *
 * A format reads one item: an event line or an alert as the daemon wrote
 * them (event/json.c, event/alert.c), parsed by the delivery subsystem's
 * strict reader (sink/deliver/alert.h). Reading the JSON rather than the
 * structs lets a queued item be sent after a restart, from the disk queue,
 * and lets fields added to the JSON later (enrichment) be mapped with one
 * line in a format's table.
 *
 * Formatting does no I/O, keeps no state and allocates only in o: safe on
 * any thread. Every output is valid UTF-8 with no raw control character.
 */
#ifndef PS_SINK_FORWARD_FORMAT_H
#define PS_SINK_FORWARD_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "sink/deliver/alert.h"
#include "util/out.h"

struct ps_fwd_rec {
	const struct ps_item *it;
	/* To fit a message size: the most bytes of any one text value
	 * (SIZE_MAX: no limit), and lean: leave out what is not essential
	 * (an alert's sample events, an event's raw log line). */
	size_t cap;
	bool lean;
};

/* Append r's payload in format f to o. */
void ps_fwd_format(struct ps_out *o, const struct ps_fwd_rec *r, enum ps_fwd_format f);

void ps_fmt_json(struct ps_out *o, const struct ps_fwd_rec *r, bool cee);
void ps_fmt_cef(struct ps_out *o, const struct ps_fwd_rec *r);
void ps_fmt_leef(struct ps_out *o, const struct ps_fwd_rec *r);
void ps_fmt_ecs(struct ps_out *o, const struct ps_fwd_rec *r);
void ps_fmt_ocsf(struct ps_out *o, const struct ps_fwd_rec *r);

/* ---- helpers the formats share (format.c) ---- */

/* A string member, a number member (its JSON text), an object member (its
 * JSON text: read it with ps_fwd_sub), or PS_STR_NULL. */
struct ps_str ps_fwd_str(const struct ps_fwd_rec *r, const char *name);
struct ps_str ps_fwd_num(const struct ps_fwd_rec *r, const char *name);
struct ps_str ps_fwd_obj(const struct ps_fwd_rec *r, const char *name);
/* "kind" of an event, "rule" of an alert. */
struct ps_str ps_fwd_what(const struct ps_fwd_rec *r);

/* A nested object's members (for src_geo, src_as): sub->n is 0 when json
 * is unset or not an object. Free with ps_jobject_free(). */
void ps_fwd_sub(struct ps_jobject *sub, struct ps_str json);

/* A time member (RFC 3339) in microseconds since the epoch, or -1. */
int64_t ps_fwd_time_us(const struct ps_fwd_rec *r, const char *name);
/* usec as UTC RFC 3339 with digits (0, 3 or 6) of fraction: 2026-11-21T19:50:23.000Z.
 * Thread-safe (ps_out_rfc3339 caches the day, for one thread only). */
void ps_fwd_put_time(struct ps_out *o, int64_t usec, unsigned digits);
/* Milliseconds, as CEF's rt and OCSF's time take them. */
static inline int64_t ps_fwd_ms(int64_t usec) { return usec < 0 ? -1 : usec / 1000; }

/* The severity on the scales formats use: 1, 3, 5, 8, 10 (CEF, LEEF,
 * ECS's event.severity) for info...critical. */
unsigned ps_fwd_sev10(enum ps_severity s);

/* An alert's MITRE ATT&CK technique ids ("mitre":[...]): at most max,
 * slices into the item's text; ids that are not [A-Za-z0-9.] are skipped. */
size_t ps_fwd_mitre(const struct ps_fwd_rec *r, struct ps_str *ids, size_t max);

/*
 * The source of an event or alert as a nested object of a JSON format:
 * its address, port and name, and when it was enriched (src_geo, src_as:
 * event/json.c) where it is and who routes it, under the format's own
 * names (NULL: the format has no place for it; as_org_object NULL: the
 * organisation's name sits in the AS object itself). A field enrichment
 * adds later is one more name here and one line in ps_fwd_source().
 */
struct ps_fwd_source_names {
	const char *object, *ip, *port, *host;
	const char *geo, *country_iso_code, *country_name, *city_name;
	const char *as, *as_number, *as_org_object, *as_org_name;
};
struct ps_jw;
void ps_fwd_source(struct ps_jw *w, const struct ps_fwd_rec *r, const struct ps_fwd_source_names *n);

/* Whether an IP member is IPv6 (a colon in it). */
bool ps_fwd_is_v6(struct ps_str ip);

#endif
