/*
 * [detect]: the allowlists and the sample count; the weekly schedule of
 * [rule.off_hours]; and the defaults of every detection setting (which
 * pamsignal.conf(5) and etc/pamsignal.conf document: change them together).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"
#include "util/slice.h"

static int bad(struct ps_cfg_loader *ld, const char *name, const char *what, const char *word)
{
	char q[PS_CFG_QUOTE_MAX];
	ps_cfg_report(ld, PS_DIAG_ERROR, ld->line, "[detect] %s: '%s' %s", name, ps_cfg_quote(q, word, strlen(word)),
		      what);
	return -EINVAL;
}

int ps_cfg_set_cidrs(struct ps_cfg_loader *ld, const struct ps_cfg_key *k, const char *v)
{
	char **w;
	int n = ps_cfg_words(v, &w), r = 0;
	if (n < 0)
		return n;
	struct ps_cidr *c = calloc((size_t)n + 1, sizeof(*c));
	if (!c)
		r = -ENOMEM;
	for (int i = 0; r != -ENOMEM && i < n; i++)
		if (ps_cidr_parse(ps_cstr(w[i]), &c[i]) < 0)
			r = bad(ld, k->name, "is not an address or address/prefix", w[i]);
	ps_cfg_strv_free(w);
	if (r < 0) {
		free(c);
		return r;
	}
	free(ld->cfg->detect.allow_cidrs);
	ld->cfg->detect.allow_cidrs = c;
	ld->cfg->detect.n_allow_cidrs = (size_t)n;
	return 0;
}

int ps_cfg_set_users(struct ps_cfg_loader *ld, const struct ps_cfg_key *k, const char *v)
{
	char **w;
	int n = ps_cfg_words(v, &w);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		for (const char *c = w[i]; *c; c++) {
			if ((unsigned char)*c < 0x20 || *c == 0x7f) {
				ps_cfg_strv_free(w);
				return bad(ld, k->name, "contains a control character", w[i]);
			}
		}
	}
	ps_cfg_strv_free(ld->cfg->detect.allow_users);
	ld->cfg->detect.allow_users = n ? w : NULL;
	if (!n)
		ps_cfg_strv_free(w);
	return 0;
}

int ps_cfg_set_samples(struct ps_cfg_loader *ld, const struct ps_cfg_key *k, const char *v)
{
	uint64_t n;
	if (ps_parse_u64(ps_cstr(v), PS_ALERT_MAX_SAMPLES, &n) < 0)
		return bad(ld, k->name, "is not a number from 0 to 8", v);
	ld->cfg->detect.samples = (unsigned)n;
	return 0;
}

/* ---- [rule.commands_of_interest] commands ---- */

/* A MITRE ATT&CK technique id: T and four digits, optionally .NNN (a sub-technique). */
static bool technique(struct ps_str s)
{
	struct ps_str digits, sub;
	if (!ps_skip(&s, "T") || (digits = ps_take_digits(&s)).n != 4)
		return false;
	if (s.n == 0)
		return true;
	return ps_skip(&s, ".") && (sub = ps_take_digits(&s)).n == 3 && s.n == 0;
}

int ps_cfg_parse_commands(const char *v, char ***out, char *err, size_t size)
{
	char q[PS_CFG_QUOTE_MAX], **w;
	int n = ps_cfg_words(v, &w);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		struct ps_str name = ps_cstr(w[i]), ids = PS_STR_NULL, id;
		ps_split(name, ":", &name, &ids);
		bool ok = name.n > 0 && name.n < 32;
		for (size_t j = 0; ok && j < name.n; j++) {
			char c = name.p[j];
			ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("._+-", c);
		}
		for (unsigned k = 0; ok && ps_set(ids); k++) {
			if (!ps_split(ids, ",", &id, &ids)) {
				id = ids;
				ids = PS_STR_NULL;
			}
			ok = k < 2 && technique(id);
		}
		if (!ok) {
			snprintf(err, size, "'%s' is not NAME or NAME:TECHNIQUE[,TECHNIQUE] (a program's base name; "
					    "MITRE ids such as T1046 or T1059.004, two at most)",
				 ps_cfg_quote(q, w[i], strlen(w[i])));
			ps_cfg_strv_free(w);
			return -EINVAL;
		}
	}
	*out = w;
	return 0;
}

/* ---- schedule ---- */

static const char *const day_names[7] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

static int take_day(struct ps_str *s)
{
	for (int d = 0; d < 7; d++)
		if (ps_skip(s, day_names[d]))
			return d;
	return -1;
}

/* "HH:MM" (00:00 to 24:00) as minutes since midnight, or -1. */
static int take_time(struct ps_str *s)
{
	struct ps_str h = ps_take_digits(s), m;
	uint64_t hv, mv;
	if (h.n != 2 || !ps_skip(s, ":") || (m = ps_take_digits(s)).n != 2 || ps_parse_u64(h, 24, &hv) < 0 ||
	    ps_parse_u64(m, 59, &mv) < 0 || (hv == 24 && mv != 0))
		return -1;
	return (int)(hv * 60 + mv);
}

static void set_minutes(uint8_t week[7][1440 / 8], int day, int from, int to)
{
	for (int m = from; m < to; m++)
		week[day][m / 8] |= (uint8_t)(1u << (m % 8));
}

int ps_cfg_parse_schedule(const char *text, uint8_t week[7][1440 / 8], char *err, size_t size)
{
	struct ps_str s = ps_cstr(text), part;
	memset(week, 0, 7 * (1440 / 8));
	while (s.n > 0) {
		if (!ps_split(s, ",", &part, &s)) {
			part = s;
			s = PS_STR_NULL;
		}
		part = ps_trim_spaces(part);
		struct ps_str p = part;
		int first = take_day(&p), last = first;
		if (first >= 0 && ps_skip(&p, "-"))
			last = take_day(&p);
		int from = -1, to = -1;
		if (first >= 0 && last >= 0 && ps_skip(&p, " ")) {
			from = take_time(&p);
			if (from >= 0 && ps_skip(&p, "-"))
				to = take_time(&p);
		}
		if (to < 0 || p.n != 0 || from == 1440) {
			char q[PS_CFG_QUOTE_MAX];
			snprintf(err, size, "'%s' is not DAY[-DAY] HH:MM-HH:MM (days Mon to Sun, times 00:00 to 24:00)",
				 ps_cfg_quote(q, part.p, part.n));
			return -EINVAL;
		}
		for (int d = first;; d = (d + 1) % 7) {
			if (to > from) {
				set_minutes(week, d, from, to);
			} else { /* past midnight: the rest of the day, then the next morning */
				set_minutes(week, d, from, 1440);
				set_minutes(week, (d + 1) % 7, 0, to);
			}
			if (d == last)
				break;
		}
	}
	return 0;
}

/* ---- defaults ---- */

#define MIN 60
#define HOUR 3600
#define DAY 86400
static const struct {
	enum ps_rule rule;
	enum ps_severity severity;
	unsigned threshold;
	int64_t window_s, realert_s;
} rule_defaults[PS_RULE__COUNT] = {
	{ PS_RULE_BRUTE_FORCE, PS_SEVERITY_HIGH, 5, 10 * MIN, HOUR },
	{ PS_RULE_BRUTE_FORCE_SUBNET, PS_SEVERITY_HIGH, 20, 10 * MIN, HOUR },
	{ PS_RULE_PASSWORD_SPRAY, PS_SEVERITY_HIGH, 5, 10 * MIN, HOUR },
	{ PS_RULE_TARGETED_ACCOUNT, PS_SEVERITY_HIGH, 5, HOUR, HOUR },
	{ PS_RULE_SUCCESS_AFTER_FAILURES, PS_SEVERITY_CRITICAL, 5, HOUR, HOUR },
	{ PS_RULE_ROOT_LOGIN, PS_SEVERITY_HIGH, 1, HOUR, HOUR },
	{ PS_RULE_NEW_SOURCE, PS_SEVERITY_MEDIUM, 1, 90 * DAY, 0 },
	{ PS_RULE_OFF_HOURS, PS_SEVERITY_LOW, 1, HOUR, HOUR },
	{ PS_RULE_SUDO, PS_SEVERITY_MEDIUM, 3, 10 * MIN, HOUR },
	{ PS_RULE_SU, PS_SEVERITY_MEDIUM, 3, 10 * MIN, HOUR },
	{ PS_RULE_ROOT_PRIVILEGE, PS_SEVERITY_INFO, 1, HOUR, HOUR },
	{ PS_RULE_ACCOUNT_CHANGE, PS_SEVERITY_MEDIUM, 1, 10 * MIN, HOUR },
	{ PS_RULE_SCANNER, PS_SEVERITY_LOW, 5, 10 * MIN, HOUR },
	{ PS_RULE_BLIND_SPOT, PS_SEVERITY_HIGH, 1, HOUR, HOUR },
	{ PS_RULE_COMMANDS_OF_INTEREST, PS_SEVERITY_MEDIUM, 1, HOUR, HOUR },
};

int ps_cfg_detect_defaults(struct ps_detect_config *d)
{
	char err[160];
	d->max_memory = 64ull << 20;
	d->samples = 3;
	for (size_t i = 0; i < PS_RULE__COUNT; i++) {
		struct ps_rule_config *r = &d->rule[rule_defaults[i].rule];
		r->enabled = true;
		r->severity = rule_defaults[i].severity;
		r->threshold = rule_defaults[i].threshold;
		r->window_s = rule_defaults[i].window_s;
		r->realert_s = rule_defaults[i].realert_s;
	}
	d->subnet_prefix4 = 24;
	d->subnet_prefix6 = 64;
	d->subnet_min_sources = 3;
	d->new_source_prefix6 = 64;
	d->new_source_per_user = 16;
	d->new_source_first_login = false;
	d->timezone = NULL;
	d->coi_commands = NULL;
	d->coi_download_to_shell = true;
	d->coi_history_clearing = true;
	return ps_cfg_parse_schedule("Mon-Fri 07:00-20:00", d->week, err, sizeof(err));
}

void ps_cfg_detect_free(struct ps_detect_config *d)
{
	free(d->allow_cidrs);
	ps_cfg_strv_free(d->allow_users);
	ps_cfg_strv_free(d->coi_commands);
	free(d->timezone);
}
