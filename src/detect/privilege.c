/*
 * Privilege: sudo (password failures, "user NOT in sudoers", "command not
 * allowed": T1548.003, Sudo and Sudo Caching), su (password failures:
 * T1110.001, guessing a local password) and root_privilege (sudo or su to
 * root succeeded, info by default: T1548.003 or T1078.003, Local Accounts).
 * Keyed by the invoking user on their host. A refusal by sudoers alerts at
 * once; failures need the threshold (sudo itself allows 3 tries).
 */
#include <string.h>

#include "detect/internal.h"

static void say_user(struct ps_alert *a, const struct alert_ctx *c)
{
	a->user = c->ev && ps_set(c->ev->user) ? c->ev->user : ps_det_name_shown(c->key);
	ps_det_say_name(a, "", a->user, "");
}

static void say_times(struct ps_alert *a)
{
	ps_det_say_count(a, "; ", " times");
}

static void say_command(struct ps_alert *a, const struct ps_event *ev)
{
	if (ev && ps_set(ev->command)) {
		ps_alert_say(a, ": ");
		ps_alert_say_str(a, ev->command, 96);
	}
}

static void describe_sudo(struct ps_alert *a, const struct alert_ctx *c)
{
	enum ps_reason why = c->ev ? c->ev->reason : PS_REASON_NONE;
	say_user(a, c);
	if (why == PS_REASON_NOT_IN_SUDOERS)
		ps_alert_say(a, " is not in sudoers and ran sudo");
	else if (why == PS_REASON_COMMAND_NOT_ALLOWED)
		ps_alert_say(a, " ran a command sudoers does not allow them");
	else
		ps_alert_say(a, " failed sudo authentication");
	say_command(a, c->ev);
	say_times(a);
}

static void describe_su(struct ps_alert *a, const struct alert_ctx *c)
{
	say_user(a, c);
	ps_alert_say(a, " failed su");
	if (c->ev && ps_set(c->ev->target_user))
		ps_det_say_name(a, " to ", c->ev->target_user, "");
	say_times(a);
}

static void describe_root(struct ps_alert *a, const struct alert_ctx *c)
{
	bool sudo = c->ev && ps_det_program(c->ev->service) == PROG_SUDO;
	a->mitre[0] = sudo ? "T1548.003" : "T1078.003";
	say_user(a, c);
	ps_alert_say(a, sudo ? " ran a command as root with sudo" : " became root with su");
	say_command(a, c->ev);
	say_times(a);
}

void ps_det_setup_privilege(struct ps_detector *d)
{
	static const describe_fn describe[3] = { describe_sudo, describe_su, describe_root };
	static const char *const mitre[3] = { "T1548.003", "T1110.001", "T1548.003" };
	static const enum ps_rule ids[3] = { PS_RULE_SUDO, PS_RULE_SU, PS_RULE_ROOT_PRIVILEGE };
	for (size_t i = 0; i < 3; i++) {
		struct rule_rt *r = &d->rules[ids[i]];
		r->key_size = sizeof(struct name_key);
	r->hash = ps_det_hash_name_key;
		r->ring = r->cfg->threshold;
		r->mitre[0] = mitre[i];
		r->describe = describe[i];
	}
}

static void count(struct ps_detector *d, enum ps_rule id, const struct ps_event *ev, int64_t now, uint32_t weight,
		  bool force)
{
	struct rule_rt *r = &d->rules[id];
	struct name_key k;
	if (!r->table || !ps_set(ev->user))
		return;
	ps_det_user_key(d, &k);
	if (id == PS_RULE_ROOT_PRIVILEGE) /* through sudo and through su: two habits, two incidents */
		k.host_hash ^= d->program == PROG_SUDO ? 1 : 2;
	ps_det_count(d, r, &k, 0, ev, now, weight, 0, force);
}

void ps_det_privilege(struct ps_detector *d, const struct ps_event *ev, int64_t now, uint32_t attempts)
{
	bool sudo = d->program == PROG_SUDO, su = d->program == PROG_SU;
	if (!sudo && !su)
		return;
	bool refused = ev->reason == PS_REASON_NOT_IN_SUDOERS || ev->reason == PS_REASON_COMMAND_NOT_ALLOWED;
	if (sudo && refused)
		count(d, PS_RULE_SUDO, ev, now, 1, true);
	else if (attempts)
		count(d, sudo ? PS_RULE_SUDO : PS_RULE_SU, ev, now, attempts, false);
	else if (ps_eq_lit(ev->target_user, "root") &&
		 ((sudo && ev->kind == PS_KIND_COMMAND) || (su && ev->kind == PS_KIND_AUTH_SUCCESS)))
		count(d, PS_RULE_ROOT_PRIVILEGE, ev, now, 1, false);
}
