/*
 * scanner: pre-authentication noise from one address: sshd's
 * PerSourcePenalties drops, key exchange and banner errors, connections
 * that never sent an identification string (T1595, Active Scanning). Low
 * severity: it says someone is looking, not that anyone got in. Closed
 * connections alone are not counted: ssh-keyscan and load balancer health
 * checks make those too.
 */
#include "detect/internal.h"

static void describe(struct ps_alert *a, const struct alert_ctx *c)
{
	ps_det_key_ip(a, c->key);
	ps_alert_say_u64(a, a->count);
	ps_alert_say(a, " probes from ");
	ps_alert_say_ip(a, &a->src_ip);
	ps_alert_say(a, " (key exchange or banner errors, refused connections)");
	if (c->ev && ps_reason_name(c->ev->reason)) {
		ps_alert_say(a, "; latest ");
		ps_alert_say(a, ps_reason_name(c->ev->reason));
	}
}

void ps_det_setup_scanner(struct ps_detector *d)
{
	struct rule_rt *r = &d->rules[PS_RULE_SCANNER];
	r->key_size = sizeof(struct ip_key);
	r->ring = r->cfg->threshold;
	r->mitre[0] = "T1595";
	r->describe = describe;
}

void ps_det_scanner(struct ps_detector *d, const struct ps_event *ev, int64_t now)
{
	struct rule_rt *r = &d->rules[PS_RULE_SCANNER];
	if (!r->table || ev->kind != PS_KIND_PROBE || !ev->src_ip.family)
		return;
	switch (ev->reason) {
	case PS_REASON_PENALTY:
	case PS_REASON_MAX_STARTUPS:
	case PS_REASON_KEX_ERROR:
	case PS_REASON_BAD_BANNER:
	case PS_REASON_NO_IDENT:
		break;
	default:
		return;
	}
	uint64_t h;
	const struct ip_key *k = ps_det_src(d, &h);
	ps_det_count(d, r, k, h, ev, now, ev->count ? ev->count : 1, 0, false);
}
