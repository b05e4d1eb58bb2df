/*
 * pamsignal search: what a query selects, and the time syntax of --since
 * and --until.
 *
 * Filters are ANDed. An event matches --user when the name is its user,
 * its target_user or its login_user (who logged in, kept across sudo and
 * su), so a person's commands as root are found under their own name.
 * Alerts match on their own fields (time, host, user, src_ip or subnet);
 * they are selected unless --kind lists kinds without "alert", and never
 * by --session (alerts carry no session).
 */
#ifndef PS_SEARCH_QUERY_H
#define PS_SEARCH_QUERY_H

#include <stdbool.h>
#include <stdint.h>

#include "event/alert.h"
#include "event/event.h"
#include "util/ip.h"
#include "util/slice.h"

struct ps_query {
	struct ps_str user, host, session; /* PS_STR_NULL: any */
	bool has_cidr;
	struct ps_cidr cidr;               /* --src-ip */
	int64_t since_us, until_us;        /* -1: open; both ends included */
	uint32_t kinds;                    /* bit per enum ps_kind; 0: every kind (bit 0: a --kind list) */
	bool alerts;                       /* alert lines are selected */
};

void ps_query_init(struct ps_query *q);

/*
 * A --kind list: "auth_failure,command,alert" (commas or spaces). Returns
 * 0, or -EINVAL with the word that is not a kind in bad (cut to size).
 */
int ps_query_kinds(struct ps_query *q, const char *list, char *bad, size_t size);

/*
 * A point in time for --since/--until, in microseconds since the epoch:
 *   2026-11-21T19:50:23Z, 2026-11-21T19:50:23.5+01:00   RFC 3339 (any zone)
 *   2026-11-21 19:50:23, 2026-11-21T19:50, 2026-11-21    ISO 8601 local time
 *   -90s, -30m, -1h, -2d, -1w                            that long before now
 *   now, today, yesterday                                (local midnight)
 * Returns 0 or -EINVAL.
 */
int ps_when_parse(const char *s, int64_t now_us, int64_t *out);

/* Whether the event (the alert) passes every filter but --session. */
bool ps_query_event(const struct ps_query *q, const struct ps_event *ev);
bool ps_query_alert(const struct ps_query *q, const struct ps_alert *a);

#endif
