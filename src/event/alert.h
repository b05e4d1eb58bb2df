/*
 * The alert: what a detection rule concluded from one or more events.
 *
 * Its JSON form is a stable contract (pamsignal(8), ALERTS): one object per
 * line with "type":"alert", the rule and severity, when and where, one
 * readable sentence, the key fields, the counts and times of the incident,
 * MITRE ATT&CK technique ids, and up to a few sample events written exactly
 * as event lines are.
 *
 * An alert is built by the detector and handed to a callback. Its summary is
 * a buffer of its own; every other text field, and the sample events, are
 * borrowed (from the event being processed or from the detector's sample
 * store) and valid only during that callback.
 */
#ifndef PS_EVENT_ALERT_H
#define PS_EVENT_ALERT_H

#include <stdbool.h>
#include <stdint.h>

#include "event/event.h"
#include "util/ip.h"
#include "util/out.h"
#include "util/slice.h"

/* The rules, in the order documented. Names are the JSON values of "rule"
 * and the NAME of [rule.NAME] in pamsignal.conf. */
#define PS_RULES(X)                                                     \
	X(BRUTE_FORCE, "brute_force")                                   \
	X(BRUTE_FORCE_SUBNET, "brute_force_subnet")                     \
	X(PASSWORD_SPRAY, "password_spray")                             \
	X(TARGETED_ACCOUNT, "targeted_account")                         \
	X(SUCCESS_AFTER_FAILURES, "success_after_failures")             \
	X(ROOT_LOGIN, "root_login")                                     \
	X(NEW_SOURCE, "new_source")                                     \
	X(OFF_HOURS, "off_hours")                                       \
	X(SUDO, "sudo")                                                 \
	X(SU, "su")                                                     \
	X(ROOT_PRIVILEGE, "root_privilege")                             \
	X(ACCOUNT_CHANGE, "account_change")                             \
	X(SCANNER, "scanner")                                           \
	X(BLIND_SPOT, "blind_spot")                                     \
	X(COMMANDS_OF_INTEREST, "commands_of_interest")

enum ps_rule {
#define X(id, name) PS_RULE_##id,
	PS_RULES(X)
#undef X
	PS_RULE__COUNT
};

enum ps_severity {
	PS_SEVERITY_INFO = 0,
	PS_SEVERITY_LOW,
	PS_SEVERITY_MEDIUM,
	PS_SEVERITY_HIGH,
	PS_SEVERITY_CRITICAL,
	PS_SEVERITY__COUNT
};

#define PS_ALERT_MAX_MITRE 3
#define PS_ALERT_MAX_SAMPLES 8 /* the most [detect] samples allows */
#define PS_ALERT_SUMMARY_MAX 320

struct ps_alert {
	enum ps_rule rule;
	enum ps_severity severity;
	/* A later alert of an incident already reported (a scheduled re-alert
	 * or the final count): "update":true in JSON. */
	bool update;
	int64_t time_us;           /* when raised, in event time; -1: unknown */
	struct ps_str host;
	struct ps_ip src_ip;       /* family 0: none */
	struct ps_ip subnet;       /* family 0: none; the network address */
	unsigned subnet_prefix;
	/* Enrichment of src_ip, from the event that raised the alert (unset for a subnet). */
	struct ps_geo src_geo;
	struct ps_as src_as;
	struct ps_str src_provider;
	struct ps_str user;
	struct ps_str service;
	uint64_t count;            /* what the incident counted so far (attempts, names, sources...) */
	int64_t window_s;          /* the rule's window; -1: none */
	int64_t first_seen_us, last_seen_us; /* the incident's first and latest event; -1: unknown */
	const char *mitre[PS_ALERT_MAX_MITRE]; /* technique ids, static strings */
	unsigned n_mitre;
	/* Sample events: the first of the incident (or since its last alert),
	 * then the one that raised this alert when it is not among them. */
	const struct ps_event *events[PS_ALERT_MAX_SAMPLES + 1];
	unsigned n_events;
	/* events[i] as ps_event_write_json(PS_JSON_NO_NEWLINE) writes it, when
	 * the detector still has those bytes (unset: written from events[i]).
	 * A detector fed events with their JSON (ps_detector_feed_json) keeps
	 * only that: events[i] is then NULL. */
	struct ps_str events_json[PS_ALERT_MAX_SAMPLES + 1];
	size_t summary_len;
	char summary[PS_ALERT_SUMMARY_MAX]; /* one sentence; may hold attacker text, escaped on output */
};

/* Everything unset: no fields, times -1, window -1. */
void ps_alert_init(struct ps_alert *a, enum ps_rule rule, enum ps_severity severity);

const char *ps_rule_name(enum ps_rule r);
/* The rule named by s (n bytes), or -1. */
int ps_rule_from_name(const char *s, size_t n);
const char *ps_severity_name(enum ps_severity s);
/* The severity named s (NUL-terminated, exact), or -1. */
int ps_severity_from_name(const char *s);

/*
 * Building the summary: appends, silently cut at the buffer's end. say_str
 * appends at most max bytes of s (cut at a character boundary, "..." added
 * when cut), as they are: the writers escape the whole summary on output.
 */
void ps_alert_say(struct ps_alert *a, const char *text);
void ps_alert_say_str(struct ps_alert *a, struct ps_str s, size_t max);
void ps_alert_say_u64(struct ps_alert *a, uint64_t v);
/* A duration in the largest unit that divides it: "10 minutes", "1 hour", "90 days". */
void ps_alert_say_duration(struct ps_alert *a, int64_t seconds);
void ps_alert_say_ip(struct ps_alert *a, const struct ps_ip *ip);

/* The alert as one JSON object and a newline (the event writer's caches apply: one thread). */
void ps_alert_write_json(struct ps_out *o, const struct ps_alert *a);

#endif
