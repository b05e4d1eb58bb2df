/*
 * blind_spot: what keeps pamsignal from seeing (T1562, Impair Defenses):
 * an entry that claimed a watched program but was written by another
 * (spoofed_log: someone forging sshd lines, T1562), entries lost before
 * they were read (source_gap: a vacuumed journal or a log rotated away,
 * T1070.002, Clear Linux or Mac System Logs), and journald's rate limit
 * dropping messages (log_suppressed, T1562.006, Indicator Blocking), and
 * events that never reached the SIEM because a [forward.NAME]'s queue was
 * full (forward_overflow, T1562: an outage of the receiver, or someone
 * keeping it away while they work). These come from the live daemon. One
 * incident per kind and source.
 */
#include <string.h>

#include "detect/internal.h"

struct blind_key {
	uint64_t what_hash; /* the source, and for spoofed_log the program it claimed */
	uint32_t kind;
	uint32_t pad_;
};

static void describe(struct ps_alert *a, const struct alert_ctx *c)
{
	const struct blind_key *k = c->key;
	const struct ps_event *ev = c->ev;
	switch (k->kind) {
	case PS_KIND_SPOOFED_LOG:
		a->mitre[0] = "T1562";
		ps_alert_say(a, "log entries claiming to be ");
		ps_alert_say_str(a, ev ? ev->program : PS_STR_NULL, 64);
		ps_alert_say(a, " were written by another program");
		if (ev && ps_set(ev->sender_exe)) {
			ps_alert_say(a, " (");
			ps_alert_say_str(a, ev->sender_exe, 96);
			ps_alert_say(a, ")");
		}
		break;
	case PS_KIND_SOURCE_GAP:
		a->mitre[0] = "T1070.002";
		ps_alert_say(a, "log entries were lost before pamsignal read them");
		break;
	case PS_KIND_FORWARD_OVERFLOW:
		a->mitre[0] = "T1562";
		ps_alert_say(a, "events were not forwarded to ");
		ps_alert_say_str(a, ev ? ev->source : PS_STR_NULL, 64);
		break;
	default:
		a->mitre[0] = "T1562.006";
		ps_alert_say(a, "journald's rate limit dropped messages");
		break;
	}
	if (ev && ps_set(ev->detail)) {
		ps_alert_say(a, ": ");
		ps_alert_say_str(a, ev->detail, 120);
	}
	ps_det_say_count(a, " (", " in all)");
}

void ps_det_setup_blindspot(struct ps_detector *d)
{
	struct rule_rt *r = &d->rules[PS_RULE_BLIND_SPOT];
	r->key_size = sizeof(struct blind_key);
	r->ring = r->cfg->threshold;
	r->mitre[0] = "T1562";
	r->describe = describe;
}

void ps_det_blindspot(struct ps_detector *d, const struct ps_event *ev, int64_t now)
{
	struct rule_rt *r = &d->rules[PS_RULE_BLIND_SPOT];
	if (!r->table || (ev->kind != PS_KIND_SPOOFED_LOG && ev->kind != PS_KIND_SOURCE_GAP &&
			  ev->kind != PS_KIND_LOG_SUPPRESSED && ev->kind != PS_KIND_FORWARD_OVERFLOW))
		return;
	struct blind_key k = { .kind = ev->kind };
	k.what_hash = ps_det_hash(d, ev->source) ^ (ev->kind == PS_KIND_SPOOFED_LOG ? ps_det_hash(d, ev->program) : 0);
	ps_det_count(d, r, &k, 0, ev, now, ev->count ? ev->count : 1, 0, false);
}
