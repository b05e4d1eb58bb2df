/*
 * Many names from one place, one name from many places:
 * password_spray counts the distinct user names one source address tried
 * (T1110.003, Password Spraying; it is also how user names are
 * enumerated), targeted_account the distinct sources that failed on one
 * existing account of one host (T1110.001). Sources are compared as
 * addresses, IPv6 ones as their /64, so one host rotating through its
 * own /64 stays one source.
 */
#include "detect/internal.h"

static void describe_spray(struct ps_alert *a, const struct alert_ctx *c)
{
	ps_det_key_ip(a, c->key);
	ps_alert_say_u64(a, a->count);
	ps_alert_say(a, " different user names tried from ");
	ps_alert_say_ip(a, &a->src_ip);
	if (c->ev && ps_set(c->ev->user)) {
		a->user = c->ev->user;
		ps_det_say_name(a, "; latest ", a->user, "");
	}
}

static void describe_targeted(struct ps_alert *a, const struct alert_ctx *c)
{
	const struct name_key *k = c->key;
	a->user = c->ev && ps_set(c->ev->user) ? c->ev->user : ps_det_name_shown(k);
	ps_alert_say_u64(a, a->count);
	ps_det_say_name(a, " different sources failed to log in as ", a->user, "");
	if (c->ev && c->ev->src_ip.family) {
		ps_alert_say(a, "; latest from ");
		ps_alert_say_ip(a, &c->ev->src_ip);
		a->src_ip = c->ev->src_ip;
	}
}

void ps_det_setup_spraying(struct ps_detector *d)
{
	struct rule_rt *sp = &d->rules[PS_RULE_PASSWORD_SPRAY], *ta = &d->rules[PS_RULE_TARGETED_ACCOUNT];
	sp->key_size = sizeof(struct ip_key);
	ta->key_size = sizeof(struct name_key);
	ta->hash = ps_det_hash_name_key;
	sp->distinct = sp->cfg->threshold;
	sp->count_distinct = true;
	sp->mitre[0] = "T1110.003";
	sp->describe = describe_spray;
	ta->distinct = ta->cfg->threshold;
	ta->count_distinct = true;
	ta->mitre[0] = "T1110.001";
	ta->describe = describe_targeted;
}

void ps_det_spraying(struct ps_detector *d, const struct ps_event *ev, int64_t now, uint32_t attempts)
{
	struct rule_rt *sp = &d->rules[PS_RULE_PASSWORD_SPRAY], *ta = &d->rules[PS_RULE_TARGETED_ACCOUNT];
	if (!attempts || !ev->src_ip.family || !ps_set(ev->user))
		return;
	uint64_t h;
	const struct ip_key *src = ps_det_src(d, &h);
	if (sp->table)
		ps_det_count(d, sp, src, h, ev, now, 1, ps_det_user_hash(d), false);
	/* An account that does not exist cannot be taken over: that is spraying's. */
	if (ta->table && ev->reason != PS_REASON_INVALID_USER) {
		struct name_key k;
		struct ip_key net;
		ps_det_user_key(d, &k);
		if (ev->src_ip.family == 6) {
			ps_det_ip_key(&net, &ev->src_ip, 32, 64);
			h = ps_det_net_hash(d, &net);
		}
		ps_det_count(d, ta, &k, ps_det_hash_name_key(&d->sip, &k), ev, now, 1, h | 1, false);
	}
}
