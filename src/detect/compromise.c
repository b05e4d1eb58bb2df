/*
 * success_after_failures: a source that failed at least `threshold` times
 * within the window, then logged in. The likeliest sign that guessing
 * worked (T1110.001 then T1078, Valid Accounts), hence critical by default.
 *
 * Failures are attempts as attempt.c counts them, so a user whose agent
 * offers several keys before the right one (failed publickey lines, then
 * success) is not a compromise. A success ends the source's run of
 * failures either way: a user's two typos before logging in must not add
 * up with later failures from the same address.
 */
#include "detect/internal.h"

static void describe(struct ps_alert *a, const struct alert_ctx *c)
{
	ps_det_key_ip(a, c->key);
	if (c->ev && ps_set(c->ev->user))
		a->user = c->ev->user;
	ps_det_say_name(a, "", a->user, " logged in from ");
	ps_alert_say_ip(a, &a->src_ip);
	ps_alert_say(a, " after ");
	ps_alert_say_u64(a, a->count);
	ps_alert_say(a, " failed attempts");
}

void ps_det_setup_compromise(struct ps_detector *d)
{
	struct rule_rt *r = &d->rules[PS_RULE_SUCCESS_AFTER_FAILURES];
	r->key_size = sizeof(struct ip_key);
	r->ring = r->cfg->threshold;
	r->mitre[0] = "T1110.001";
	r->mitre[1] = "T1078";
	r->describe = describe;
}

void ps_det_compromise(struct ps_detector *d, const struct ps_event *ev, int64_t now, uint32_t attempts)
{
	struct rule_rt *r = &d->rules[PS_RULE_SUCCESS_AFTER_FAILURES];
	if (!r->table || !ev->src_ip.family)
		return;
	uint64_t h;
	const struct ip_key *k = ps_det_src(d, &h);
	if (attempts) {
		ps_det_add(d, r, ps_det_entry(r, k, h, now), ev, now, attempts, 0);
		return;
	}
	if (ev->kind != PS_KIND_AUTH_SUCCESS || ev->reason == PS_REASON_PARTIAL)
		return;
	struct entry *e = ps_table_find(r->table, k, h, now);
	if (!e)
		return;
	if (e->inc.count && ps_det_met(r, e, now))
		ps_det_emit(d, r, e, k, ev, false, now);
	ps_table_remove(r->table, e);
}
