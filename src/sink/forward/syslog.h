/*
 * RFC 5424 syslog messages, and their framing on a stream (RFC 6587 3.4.1
 * octet counting, which RFC 5425 requires over TLS):
 *
 *   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA BOM MSG
 *
 * PRI is the facility * 8 + the severity (info 6, low 5, medium 4,
 * high 3, critical 2). TIMESTAMP is the event's or alert's own time
 * (microseconds, UTC), or "-" when it has none. HOSTNAME is this host's
 * name; MSGID the event's kind, or "alert". STRUCTURED-DATA is "-", or
 * with sd_id set one element [sd_id id="..." type="..." kind="..."
 * severity="..." user="..." src_ip="..."] whose values are escaped as
 * RFC 5424 6.3.3 says. MSG is the payload in the forward's format, after
 * the UTF-8 byte order mark when bom is set (6.4).
 */
#ifndef PS_SINK_FORWARD_SYSLOG_H
#define PS_SINK_FORWARD_SYSLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "sink/deliver/alert.h"
#include "util/out.h"

struct ps_syslog_opts {
	unsigned facility;        /* 0-23 */
	char hostname[256];       /* PRINTUSASCII or "-" (see ps_syslog_hostname) */
	const char *app_name;     /* 1-48 PRINTUSASCII (checked by the configuration) */
	long procid;
	const char *sd_id;        /* NULL: "-" */
	bool bom;
	enum ps_fwd_format format;
	size_t max_message;       /* bytes of the whole message, framing excluded */
};

/* opts->hostname from name: RFC 5424's HOSTNAME (1-255 PRINTUSASCII), or "-". */
void ps_syslog_hostname(struct ps_syslog_opts *opts, const char *name);

/*
 * Replace o's contents with the message for it. When the message would be
 * longer than opts->max_message it is written again, shorter each time
 * (text values cut, then the raw log line and sample events left out);
 * as a last resort it is cut at a character boundary. Returns 0, 1 when
 * fields were shortened, 2 when the message had to be cut.
 */
int ps_syslog_message(struct ps_out *o, const struct ps_syslog_opts *opts, const struct ps_item *it);

/* Append "LEN SP" and the message (octet counting). */
void ps_syslog_frame(struct ps_out *o, const char *msg, size_t len);

/* The syslog severity (RFC 5424 table 2) of an item's severity. */
unsigned ps_syslog_severity(enum ps_severity s);

#endif
