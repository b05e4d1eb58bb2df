/*
 * A record: one message plus whatever its container already told us.
 *
 * Framings (syslog, RFC 5424, journal export/JSON) produce records; the live
 * journal source fills one from an sd-journal entry's trusted fields. All
 * text is sliced from a buffer the caller owns.
 */
#ifndef PS_DECODE_RECORD_H
#define PS_DECODE_RECORD_H

#include <stdint.h>

#include "util/slice.h"

struct ps_record {
	struct ps_str program;       /* syslog tag / SYSLOG_IDENTIFIER */
	struct ps_str message;
	struct ps_str host;
	int64_t time_us;             /* -1: unknown */
	int64_t pid;                 /* -1: unknown */
	struct ps_str audit_session; /* journal _AUDIT_SESSION (trusted) */
	int64_t login_uid;           /* journal _AUDIT_LOGINUID (trusted): who logged in; -1: unset */
	struct ps_str file;          /* input position, for the event */
	uint64_t line;
};

void ps_record_init(struct ps_record *rec);

/* An audit login uid (decimal) as a number; -1 for 4294967295, (uid_t)-1, "no login", or junk. */
int64_t ps_login_uid(struct ps_str s);

#endif
