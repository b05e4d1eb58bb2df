/*
 * The detector's life: its tables sized from the memory budget, and each
 * event handed to the rule families that care about its kind.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "detect/internal.h"

/* Sixty-fourths of max_memory for each table. They add up to 52/64: the
 * rest covers the process itself, so that max_memory bounds its RSS. The
 * sample store is capped lower still (sample.h: it must stay in cache). */
#define SAMPLES_SHARE 1
#define CONNS_SHARE 4
static const unsigned rule_share[PS_RULE__COUNT] = {
	[PS_RULE_BRUTE_FORCE] = 8,        [PS_RULE_BRUTE_FORCE_SUBNET] = 8, [PS_RULE_PASSWORD_SPRAY] = 6,
	[PS_RULE_TARGETED_ACCOUNT] = 4,   [PS_RULE_SUCCESS_AFTER_FAILURES] = 6, [PS_RULE_ROOT_LOGIN] = 1,
	[PS_RULE_NEW_SOURCE] = 3,         [PS_RULE_OFF_HOURS] = 1,          [PS_RULE_SUDO] = 1,
	[PS_RULE_SU] = 1,                 [PS_RULE_ROOT_PRIVILEGE] = 1,     [PS_RULE_ACCOUNT_CHANGE] = 1,
	[PS_RULE_SCANNER] = 4,            [PS_RULE_BLIND_SPOT] = 1,         [PS_RULE_COMMANDS_OF_INTEREST] = 1,
};
#define MIN_ENTRIES 16
/* Expiry runs once per minute of event time, this many entries per table
 * (a stale entry met before then is handled where it is met; a full table
 * evicts anyway): checking every table on every event costs more than all
 * the rules together. */
#define EXPIRE_EVERY (60 * USEC)
#define EXPIRE_BATCH 4096

static size_t cap_for(uint64_t budget, unsigned share, size_t cost)
{
	uint64_t n = budget / 64 * share / cost;
	if (n > UINT32_MAX / 4)
		n = UINT32_MAX / 4;
	return n < MIN_ENTRIES ? MIN_ENTRIES : (size_t)n;
}

static char **copy_strv(char **v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	char **c = calloc(n + 1, sizeof(*c));
	for (size_t i = 0; c && i < n; i++) {
		if (!(c[i] = strdup(v[i]))) {
			while (i--)
				free(c[i]);
			free(c);
			return NULL;
		}
	}
	return c;
}

static int copy_config(struct ps_detector *d, const struct ps_detect_config *cfg)
{
	d->cfg = *cfg;
	d->cfg.allow_cidrs = NULL;
	d->cfg.allow_users = NULL;
	d->cfg.timezone = NULL;
	d->cfg.coi_commands = NULL;
	d->n_samples = cfg->samples;
	d->n_allow_cidrs = cfg->n_allow_cidrs;
	struct ps_cidr *cidrs = calloc(cfg->n_allow_cidrs + 1, sizeof(*cidrs));
	if (!cidrs)
		return -ENOMEM;
	if (cfg->n_allow_cidrs) /* memcpy from NULL is undefined even for 0 bytes */
		memcpy(cidrs, cfg->allow_cidrs, cfg->n_allow_cidrs * sizeof(*cidrs));
	d->allow_cidrs = cidrs;
	if (!(d->allow_users = copy_strv(cfg->allow_users)))
		return -ENOMEM;
	if (cfg->timezone && !(d->cfg.timezone = strdup(cfg->timezone)))
		return -ENOMEM;
	return ps_det_commands_config(d, cfg);
}

static void (*const setups[])(struct ps_detector *) = {
	ps_det_setup_guessing, ps_det_setup_spraying, ps_det_setup_compromise, ps_det_setup_logins,
	ps_det_setup_privilege, ps_det_setup_accounts, ps_det_setup_scanner, ps_det_setup_blindspot,
	ps_det_setup_new_source, ps_det_setup_commands,
};

int ps_detector_new(const struct ps_config *cfg, struct ps_detector **out)
{
	struct ps_detector *d = calloc(1, sizeof(*d));
	int r = -ENOMEM;
	*out = NULL;
	if (!d || (r = copy_config(d, &cfg->detect)) < 0)
		goto fail;
	ps_sipkey_random(&d->sip);
	ps_det_forget_hashes(d);
	uint64_t budget = d->cfg.max_memory;
	for (int i = 0; i < PS_RULE__COUNT; i++) {
		d->rules[i].id = (enum ps_rule)i;
		d->rules[i].cfg = &d->cfg.rule[i];
		d->rules[i].window_us = d->cfg.rule[i].window_s * USEC;
		d->rules[i].realert_us = d->cfg.rule[i].realert_s * USEC;
	}
	d->any_allow = d->n_allow_cidrs > 0 || d->allow_users[0];
	for (size_t i = 0; i < sizeof(setups) / sizeof(setups[0]); i++)
		setups[i](d);
	r = -ENOMEM;
	for (int i = 0; i < PS_RULE__COUNT; i++) {
		struct rule_rt *rt = &d->rules[i];
		if (!rt->cfg->enabled)
			continue;
		size_t val = rt->history ? ps_det_history_size(&d->cfg) : ps_det_entry_size(rt);
		size_t cost = ps_table_entry_cost(rt->key_size, val);
		size_t cap = cap_for(budget, rule_share[i], cost);
		if (!(rt->table = ps_table_new(cap, rt->key_size, val, &d->sip, rt->hash)))
			goto fail;
		d->memory += cap * cost;
	}
	size_t conns = cap_for(budget, CONNS_SHARE, ps_det_conn_entry_cost());
	size_t samples = cap_for(budget, SAMPLES_SHARE, PS_SAMPLE_SLOT);
	if (samples > PS_SAMPLES_MAX)
		samples = PS_SAMPLES_MAX;
	if (ps_det_conns_new(d, conns) < 0 || !(d->samples = ps_samples_new(samples)))
		goto fail;
	d->memory += conns * ps_det_conn_entry_cost() + ps_samples_size(samples);
	if (d->rules[PS_RULE_OFF_HOURS].table && (r = ps_tz_load(d->cfg.timezone, &d->tz)) < 0)
		goto fail;
	*out = d;
	return 0;
fail:
	ps_detector_free(d);
	return r == -ENOENT ? -EINVAL : r;
}

void ps_detector_free(struct ps_detector *d)
{
	if (!d)
		return;
	for (int i = 0; i < PS_RULE__COUNT; i++)
		ps_table_free(d->rules[i].table);
	ps_table_free(d->conns);
	ps_samples_free(d->samples);
	free((void *)(uintptr_t)d->allow_cidrs);
	for (char **u = d->allow_users; u && *u; u++)
		free(*u);
	free(d->allow_users);
	free(d->cfg.timezone);
	for (size_t i = 0; d->coi_ids && i < d->coi.n_tools; i++)
		free(d->coi_ids[i]);
	free(d->coi_ids);
	free(d->coi_tools);
	ps_tz_free(d->tz);
	free(d);
}

/* [detect] allowlist_cidrs and allowlist_users: every rule ignores these. */
static bool allowlisted(const struct ps_detector *d, const struct ps_event *ev)
{
	if (!d->any_allow)
		return false;
	if (ev->src_ip.family)
		for (size_t i = 0; i < d->n_allow_cidrs; i++)
			if (ps_cidr_contains(&d->allow_cidrs[i], &ev->src_ip))
				return true;
	if (ps_set(ev->user))
		for (char **u = d->allow_users; *u; u++)
			if (ps_eq(ev->user, ps_cstr(*u)))
				return true;
	return false;
}

static void expire(struct ps_detector *d, int64_t now, size_t max)
{
	ps_det_conns_expire(d, now, max);
	for (int i = 0; i < PS_RULE__COUNT; i++)
		if (d->rules[i].table)
			ps_det_expire(&d->rules[i], now, max);
}

/* An sshd login is recorded by sshd (its log line, or its audit USER_LOGIN);
 * the PAM authentication inside it is a step, not a second login. */
static bool pam_step_of_sshd_login(const struct ps_detector *d, const struct ps_event *ev)
{
	return d->program == PROG_SSHD && ps_det_secondary(ev) && !ps_eq_lit(ev->audit_type, "USER_LOGIN");
}

static void begin(struct ps_detector *d, const struct ps_event *ev, ps_alert_fn fn, void *arg)
{
	d->cur = ev;
	d->cur_json = (struct ps_str){ 0 };
	d->cur_ref = 0;
	d->fn = fn;
	d->fn_arg = arg;
	d->fn_err = 0;
	d->have = 0;
	d->program = ev ? ps_det_program(ev->service) : PROG_OTHER;
}

int ps_detector_feed(struct ps_detector *d, const struct ps_event *ev, ps_alert_fn fn, void *arg)
{
	return ps_detector_feed_json(d, ev, (struct ps_str){ 0 }, fn, arg);
}

int ps_detector_feed_json(struct ps_detector *d, const struct ps_event *ev, struct ps_str json, ps_alert_fn fn,
			  void *arg)
{
	begin(d, ev, fn, arg);
	d->cur_json = json;
	int64_t now = ev->time_us >= 0 ? ev->time_us : d->clock_us;
	if (now >= d->next_expiry_us) {
		expire(d, now, EXPIRE_BATCH);
		d->next_expiry_us = now + EXPIRE_EVERY;
	}
	if (now > d->clock_us)
		d->clock_us = now;
	d->events++;
	if (allowlisted(d, ev) || ps_det_corroborates(d, ev)) {
		d->cur = NULL;
		return d->fn_err;
	}
	uint32_t attempts;
	switch (ev->kind) {
	case PS_KIND_AUTH_FAILURE:
		/* Half of the failure lines are no attempt of their own (PAM's
		 * line beside sshd's, a summary): the rules that count attempts
		 * have nothing to do with those. */
		attempts = ps_det_attempts(d, ev, now);
		if (attempts) {
			ps_det_guessing(d, ev, now, attempts);
			ps_det_spraying(d, ev, now, attempts);
			ps_det_compromise(d, ev, now, attempts);
		}
		ps_det_privilege(d, ev, now, attempts);
		break;
	case PS_KIND_AUTH_SUCCESS:
		if (pam_step_of_sshd_login(d, ev))
			break;
		ps_det_compromise(d, ev, now, 0);
		ps_det_logins(d, ev, now);
		ps_det_new_source(d, ev, now);
		ps_det_privilege(d, ev, now, 0);
		break;
	case PS_KIND_COMMAND:
		ps_det_privilege(d, ev, now, 0);
		ps_det_commands(d, ev, now);
		break;
	case PS_KIND_TTY_INPUT:
		ps_det_commands(d, ev, now);
		break;
	case PS_KIND_PROBE:
		ps_det_scanner(d, ev, now);
		break;
	case PS_KIND_ACCOUNT_CHANGE:
		ps_det_accounts(d, ev, now);
		break;
	case PS_KIND_SPOOFED_LOG:
	case PS_KIND_SOURCE_GAP:
	case PS_KIND_LOG_SUPPRESSED:
	case PS_KIND_FORWARD_OVERFLOW:
		ps_det_blindspot(d, ev, now);
		break;
	default:
		break;
	}
	d->cur = NULL;
	return d->fn_err;
}

int ps_detector_tick(struct ps_detector *d, int64_t now_us, ps_alert_fn fn, void *arg)
{
	begin(d, NULL, fn, arg);
	if (now_us > d->clock_us)
		d->clock_us = now_us;
	expire(d, d->clock_us, SIZE_MAX);
	return d->fn_err;
}

int ps_detector_flush(struct ps_detector *d, ps_alert_fn fn, void *arg)
{
	begin(d, NULL, fn, arg);
	for (int i = 0; i < PS_RULE__COUNT; i++) {
		struct rule_rt *r = &d->rules[i];
		if (!r->table || r->history)
			continue;
		for (struct entry *e = ps_table_next(r->table, NULL); e; e = ps_table_next(r->table, e))
			ps_det_flush_entry(d, r, e);
	}
	return d->fn_err;
}

void ps_detector_stats(const struct ps_detector *d, struct ps_detector_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->events = d->events;
	st->alerts = d->alerts;
	st->memory = d->memory;
	for (int i = 0; i < PS_RULE__COUNT; i++) {
		const struct ps_table *t = d->rules[i].table;
		if (!t)
			continue;
		st->entries += ps_table_count(t);
		st->capacity += ps_table_cap(t);
		st->evictions += ps_table_evictions(t);
	}
}
