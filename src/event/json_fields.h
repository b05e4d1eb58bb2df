/*
 * Field writers shared by the JSON writers of events (json.c) and alerts
 * (alert.c), so both escape and lay out fields the same way. Private to
 * src/event/. Each macro writes `,"name":value` (no comma before the first
 * field, tracked in *first), and leaves out an unset value.
 */
#ifndef PS_EVENT_JSON_FIELDS_H
#define PS_EVENT_JSON_FIELDS_H

#include <stdbool.h>
#include <stdint.h>

#include "event/event.h"
#include "util/ip.h"
#include "util/out.h"
#include "util/timeconv.h"

/*
 * Writes ,"name": (the caller writes the value). name is always a literal,
 * so the whole key goes out in one copy of known length.
 */
#define KEY(o, first, name)                                                     \
	do {                                                                    \
		if (!*(first))                                                  \
			ps_out_putc(o, ',');                                    \
		*(first) = false;                                               \
		ps_out_put(o, "\"" name "\":", sizeof("\"" name "\":") - 1);       \
	} while (0)

#define str_field(o, first, name, v)                                            \
	do {                                                                    \
		struct ps_str v_ = (v);                                         \
		if (ps_set(v_)) {                                               \
			KEY(o, first, name);                                    \
			ps_out_json_str(o, v_);                                 \
		}                                                               \
	} while (0)

/* Our own vocabulary (kinds, reasons...): never needs escaping. */
#define name_field(o, first, name, v)                                           \
	do {                                                                    \
		const char *v_ = (v);                                           \
		if (v_) {                                                       \
			KEY(o, first, name);                                    \
			ps_out_putc(o, '"');                                    \
			ps_out_puts(o, v_);                                     \
			ps_out_putc(o, '"');                                    \
		}                                                               \
	} while (0)

#define int_field(o, first, name, v)                                            \
	do {                                                                    \
		int64_t v_ = (v);                                               \
		if (v_ >= 0) {                                                  \
			KEY(o, first, name);                                    \
			ps_out_i64(o, v_);                                      \
		}                                                               \
	} while (0)

static inline void ps_json_ip_value(struct ps_out *o, const struct ps_ip *ip)
{
	char buf[PS_IP_STRLEN];
	size_t n = ps_ip_format(ip, buf);
	ps_out_putc(o, '"');
	ps_out_put(o, buf, n);
	ps_out_putc(o, '"');
}

#define ip_field(o, first, name, ip)                                            \
	do {                                                                    \
		if ((ip)->family) {                                             \
			KEY(o, first, name);                                    \
			ps_json_ip_value(o, ip);                                        \
		}                                                               \
	} while (0)

/* "src_geo":{...} and "src_as":{...}, each left out when empty. */
static inline void ps_json_geo_as(struct ps_out *o, bool *first, const struct ps_geo *geo, const struct ps_as *as)
{
	if (ps_set(geo->country_iso_code) || ps_set(geo->country_name) || ps_set(geo->city_name)) {
		bool inner = true;
		KEY(o, first, "src_geo");
		ps_out_putc(o, '{');
		str_field(o, &inner, "country_iso_code", geo->country_iso_code);
		str_field(o, &inner, "country_name", geo->country_name);
		str_field(o, &inner, "city_name", geo->city_name);
		ps_out_putc(o, '}');
	}
	if (as->number >= 0 || ps_set(as->organization)) {
		bool inner = true;
		KEY(o, first, "src_as");
		ps_out_putc(o, '{');
		int_field(o, &inner, "number", as->number);
		str_field(o, &inner, "organization", as->organization);
		ps_out_putc(o, '}');
	}
}

/* A time as an RFC 3339 UTC string; negative: unknown, left out. */
#define time_field(o, first, name, us)                                          \
	do {                                                                    \
		int64_t us_ = (us);                                             \
		if (us_ >= 0) {                                                 \
			KEY(o, first, name);                                    \
			ps_out_putc(o, '"');                                    \
			ps_out_rfc3339(o, us_);                                 \
			ps_out_putc(o, '"');                                    \
		}                                                               \
	} while (0)

#endif
