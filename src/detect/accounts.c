/*
 * account_change: accounts and groups created, changed or deleted
 * (useradd, usermod, passwd, chpasswd, groupadd...). One incident per
 * account or group per host, so useradd's group, user and password lines
 * are one alert. MITRE: T1136.001 (Create Account: Local Account) when an
 * account was created, else T1098 (Account Manipulation).
 */
#include <string.h>

#include "detect/internal.h"

static void describe(struct ps_alert *a, const struct alert_ctx *c)
{
	const uint32_t *actions = ps_det_ext(c->r, c->e);
	a->mitre[0] = *actions & (1u << PS_ACTION_USER_ADD) ? "T1136.001" : "T1098";
	if (c->ev && ps_set(c->ev->user))
		a->user = c->ev->user;
	/* The key's name: the account, or the group when only a group changed. */
	ps_alert_say(a, "account changes for '");
	ps_alert_say_str(a, ps_det_name_shown(c->key), NAME_SHOWN);
	ps_alert_say(a, "':");
	for (int i = 1; i < PS_ACTION__COUNT; i++) {
		if (*actions & (1u << i)) {
			ps_alert_say(a, " ");
			ps_alert_say(a, ps_action_name((enum ps_action)i));
		}
	}
	if (c->ev && ps_set(c->ev->actor))
		ps_det_say_name(a, " by ", c->ev->actor, "");
	ps_det_say_count(a, " (", " changes)");
}

void ps_det_setup_accounts(struct ps_detector *d)
{
	struct rule_rt *r = &d->rules[PS_RULE_ACCOUNT_CHANGE];
	r->key_size = sizeof(struct name_key);
	r->hash = ps_det_hash_name_key;
	r->ring = r->cfg->threshold;
	r->ext_size = sizeof(uint32_t);
	r->mitre[0] = "T1098";
	r->describe = describe;
}

void ps_det_accounts(struct ps_detector *d, const struct ps_event *ev, int64_t now)
{
	struct rule_rt *r = &d->rules[PS_RULE_ACCOUNT_CHANGE];
	if (!r->table || ev->kind != PS_KIND_ACCOUNT_CHANGE)
		return;
	struct name_key k;
	if (ps_set(ev->user))
		ps_det_user_key(d, &k);
	else
		ps_det_name_key(d, &k, ev->host, ev->group);
	struct entry *e = ps_det_entry(r, &k, 0, now);
	uint32_t *actions = ps_det_ext(r, e);
	if ((unsigned)ev->action < 32)
		*actions |= 1u << ev->action;
	ps_det_add(d, r, e, ev, now, 1, 0);
	ps_det_consider(d, r, e, ev, now, false);
}
