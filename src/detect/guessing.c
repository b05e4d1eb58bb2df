/*
 * Password guessing: brute_force (failed attempts per source address) and
 * brute_force_subnet (per IPv4 /24 and IPv6 /64, for attackers that rotate
 * addresses; it needs min_sources different addresses, so that one busy
 * address is brute_force's alone). MITRE ATT&CK T1110.001, Password Guessing.
 */
#include <string.h>

#include "detect/internal.h"

static void say_user(struct ps_alert *a, const struct ps_event *ev)
{
	if (ev && ps_set(ev->user)) {
		ps_det_say_name(a, "; latest for user ", ev->user, "");
		a->user = ev->user;
	}
}

static void describe_ip(struct ps_alert *a, const struct alert_ctx *c)
{
	ps_det_key_ip(a, c->key);
	ps_alert_say_u64(a, a->count);
	ps_alert_say(a, " failed login attempts from ");
	ps_alert_say_ip(a, &a->src_ip);
	ps_alert_say(a, " (");
	ps_alert_say_u64(a, c->r->cfg->threshold);
	ps_alert_say(a, " within ");
	ps_alert_say_duration(a, c->r->cfg->window_s);
	ps_alert_say(a, ")");
	say_user(a, c->ev);
}

static void describe_subnet(struct ps_alert *a, const struct alert_ctx *c)
{
	const struct ip_key *k = c->key;
	a->subnet.family = k->family;
	memcpy(a->subnet.a, k->a, sizeof(k->a));
	a->subnet_prefix = k->prefix ? k->prefix : k->family == 4 ? 32 : 128;
	ps_alert_say_u64(a, a->count);
	ps_alert_say(a, " failed login attempts from ");
	ps_alert_say_u64(a, c->e->set_n);
	ps_alert_say(a, c->e->set_n >= c->r->distinct ? " or more addresses in " : " addresses in ");
	ps_alert_say_ip(a, &a->subnet);
	ps_alert_say(a, "/");
	ps_alert_say_u64(a, a->subnet_prefix);
	if (c->ev && c->ev->src_ip.family) {
		ps_alert_say(a, "; latest from ");
		ps_alert_say_ip(a, &c->ev->src_ip);
	}
	say_user(a, c->ev);
}

void ps_det_setup_guessing(struct ps_detector *d)
{
	struct rule_rt *bf = &d->rules[PS_RULE_BRUTE_FORCE], *sn = &d->rules[PS_RULE_BRUTE_FORCE_SUBNET];
	bf->key_size = sn->key_size = sizeof(struct ip_key);
	bf->ring = bf->cfg->threshold;
	bf->mitre[0] = "T1110.001";
	bf->describe = describe_ip;
	sn->ring = sn->cfg->threshold;
	sn->distinct = d->cfg.subnet_min_sources;
	sn->mitre[0] = "T1110.001";
	sn->describe = describe_subnet;
}

void ps_det_guessing(struct ps_detector *d, const struct ps_event *ev, int64_t now, uint32_t attempts)
{
	struct rule_rt *bf = &d->rules[PS_RULE_BRUTE_FORCE], *sn = &d->rules[PS_RULE_BRUTE_FORCE_SUBNET];
	if (!attempts || !ev->src_ip.family)
		return;
	uint64_t h;
	const struct ip_key *src = ps_det_src(d, &h);
	if (bf->table)
		ps_det_count(d, bf, src, h, ev, now, attempts, 0, false);
	if (sn->table) {
		struct ip_key net;
		ps_det_ip_key(&net, &ev->src_ip, d->cfg.subnet_prefix4, d->cfg.subnet_prefix6);
		ps_det_count(d, sn, &net, ps_det_net_hash(d, &net), ev, now, attempts, h | 1, false);
	}
}
