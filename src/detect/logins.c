/*
 * Successful logins worth a look on their own: root_login (root logged in
 * directly, not through su or sudo: T1078.003, Local Accounts) and
 * off_hours (a login outside the working schedule in the configured time
 * zone: T1078, Valid Accounts).
 */
#include <string.h>

#include "detect/internal.h"

struct host_ip_key {
	uint64_t host_hash;
	struct ip_key ip;
};

static bool plain_login(const struct ps_event *ev)
{
	/* su and sudo name the account switched to: privilege.c's. */
	return ev->kind == PS_KIND_AUTH_SUCCESS && ev->reason != PS_REASON_PARTIAL && !ps_set(ev->target_user);
}

static void say_from(struct ps_alert *a, const struct ps_event *ev)
{
	if (!ev)
		return;
	if (ev->src_ip.family) {
		ps_alert_say(a, " from ");
		ps_alert_say_ip(a, &ev->src_ip);
		a->src_ip = ev->src_ip;
	} else if (ps_set(ev->tty)) {
		ps_alert_say(a, " on ");
		ps_alert_say_str(a, ev->tty, 32);
	}
	if (ps_set(ev->service)) {
		ps_alert_say(a, " (");
		ps_alert_say_str(a, ev->service, 32);
		ps_alert_say(a, ")");
	}
}

static void describe_root(struct ps_alert *a, const struct alert_ctx *c)
{
	a->user = PS_LIT("root");
	ps_alert_say(a, "root logged in directly");
	say_from(a, c->ev);
	ps_det_say_count(a, "; ", " such logins");
}

/* Local minute of the week (0: Monday 00:00) of an instant. */
static void local_minute(const struct ps_detector *d, int64_t us, int *day, int *minute)
{
	int64_t s = us / USEC - (us % USEC < 0);
	s += ps_tz_offset(d->tz, s);
	int64_t days = s / 86400 - (s % 86400 < 0);
	*day = (int)(((days + 3) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
	*minute = (int)((s - days * 86400) / 60);
}

static void describe_off_hours(struct ps_alert *a, const struct alert_ctx *c)
{
	static const char *const days[7] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
	const struct name_key *k = c->key;
	a->user = c->ev && ps_set(c->ev->user) ? c->ev->user : ps_det_name_shown(k);
	ps_det_say_name(a, "", a->user, " logged in");
	say_from(a, c->ev);
	if (c->ev && c->ev->time_us >= 0) {
		int day, minute;
		char hhmm[6] = { 0 };
		local_minute(c->d, c->ev->time_us, &day, &minute);
		hhmm[0] = (char)('0' + minute / 600);
		hhmm[1] = (char)('0' + minute / 60 % 10);
		hhmm[2] = ':';
		hhmm[3] = (char)('0' + minute % 60 / 10);
		hhmm[4] = (char)('0' + minute % 10);
		ps_alert_say(a, " at ");
		ps_alert_say(a, days[day]);
		ps_alert_say(a, " ");
		ps_alert_say(a, hhmm);
		ps_alert_say(a, c->d->cfg.timezone ? " " : " local time");
		if (c->d->cfg.timezone)
			ps_alert_say_str(a, ps_cstr(c->d->cfg.timezone), 64);
	}
	ps_alert_say(a, ", outside the working schedule");
	ps_det_say_count(a, "; ", " such logins");
}

void ps_det_setup_logins(struct ps_detector *d)
{
	struct rule_rt *root = &d->rules[PS_RULE_ROOT_LOGIN], *oh = &d->rules[PS_RULE_OFF_HOURS];
	root->key_size = sizeof(struct host_ip_key);
	oh->key_size = sizeof(struct name_key);
	oh->hash = ps_det_hash_name_key;
	root->ring = root->cfg->threshold;
	root->mitre[0] = "T1078.003";
	root->describe = describe_root;
	oh->ring = oh->cfg->threshold;
	oh->mitre[0] = "T1078";
	oh->describe = describe_off_hours;
}

void ps_det_logins(struct ps_detector *d, const struct ps_event *ev, int64_t now)
{
	struct rule_rt *root = &d->rules[PS_RULE_ROOT_LOGIN], *oh = &d->rules[PS_RULE_OFF_HOURS];
	if (!plain_login(ev))
		return;
	if (root->table && ps_eq_lit(ev->user, "root")) {
		struct host_ip_key k;
		memset(&k, 0, sizeof(k));
		k.host_hash = ps_det_host_hash(d);
		ps_det_ip_key(&k.ip, &ev->src_ip, 32, 128);
		ps_det_count(d, root, &k, 0, ev, now, 1, 0, false);
	}
	if (oh->table && ps_set(ev->user) && ev->time_us >= 0) {
		int day, minute;
		local_minute(d, ev->time_us, &day, &minute);
		if (d->cfg.week[day][minute / 8] & (1u << (minute % 8)))
			return;
		struct name_key k;
		ps_det_user_key(d, &k);
		ps_det_count(d, oh, &k, 0, ev, now, 1, 0, false);
	}
}
