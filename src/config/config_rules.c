/*
 * Detection settings: the [detect] values and the [rule.NAME] sections.
 *
 * Every rule takes enabled, severity, threshold, window and realert (but
 * new_source, which has no threshold to count to); a few take keys of
 * their own. A key a rule does not take is an error that says which rules
 * do take it, and an unknown rule name gets a suggestion.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config_internal.h"
#include "util/slice.h"
#include "util/tz.h"

#define BIT(r) (1u << (r))
#define ALL_RULES ((1u << PS_RULE__COUNT) - 1)

struct rule_key;
typedef int (*rule_setter)(struct ps_cfg_loader *ld, const struct rule_key *k, const char *v);

static const struct rule_key {
	const char *name;
	unsigned rules; /* bit per rule that takes the key */
	rule_setter set;
	size_t field;   /* offsetof(struct ps_detect_config, ...) for rule-specific keys */
	unsigned min, max;
} *find_key(const char *name);

static const char *rule_name(const struct ps_cfg_loader *ld)
{
	return ps_rule_name((enum ps_rule)ld->rule);
}

/* Report a bad value of key `name` in the current [rule.NAME]. Returns -EINVAL. */
__attribute__((format(printf, 3, 4))) static int bad(struct ps_cfg_loader *ld, const char *name, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ld->section == PS_SEC_RULE)
		ps_cfg_report(ld, PS_DIAG_ERROR, ld->line, "[rule.%s] %s: %s", rule_name(ld), name, msg);
	else
		ps_cfg_report(ld, PS_DIAG_ERROR, ld->line, "[%s] %s: %s", ps_cfg_section_name(ld->section), name, msg);
	return -EINVAL;
}

static struct ps_rule_config *rule_cfg(struct ps_cfg_loader *ld)
{
	return &ld->cfg->detect.rule[ld->rule];
}

static int set_enabled(struct ps_cfg_loader *ld, const struct rule_key *k, const char *v)
{
	char q[PS_CFG_QUOTE_MAX];
	bool b;
	if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 || strcasecmp(v, "on") == 0 || strcmp(v, "1") == 0)
		b = true;
	else if (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0 || strcasecmp(v, "off") == 0 ||
		 strcmp(v, "0") == 0)
		b = false;
	else
		return bad(ld, k->name, "'%s' is not yes or no", ps_cfg_quote(q, v, strlen(v)));
	if (k->field == SIZE_MAX)
		rule_cfg(ld)->enabled = b;
	else
		*(bool *)(void *)((char *)&ld->cfg->detect + k->field) = b;
	return 0;
}

static int set_severity(struct ps_cfg_loader *ld, const struct rule_key *k, const char *v)
{
	char q[PS_CFG_QUOTE_MAX];
	int s = ps_severity_from_name(v);
	if (s < 0)
		return bad(ld, k->name, "'%s' is not info, low, medium, high or critical", ps_cfg_quote(q, v, strlen(v)));
	rule_cfg(ld)->severity = (enum ps_severity)s;
	return 0;
}

static int parse_unsigned(struct ps_cfg_loader *ld, const char *name, const char *v, unsigned min, unsigned max,
			  unsigned *out)
{
	char q[PS_CFG_QUOTE_MAX];
	uint64_t n;
	if (ps_parse_u64(ps_cstr(v), max, &n) < 0 || n < min)
		return bad(ld, name, "'%s' is not a number from %u to %u", ps_cfg_quote(q, v, strlen(v)), min, max);
	*out = (unsigned)n;
	return 0;
}

static int set_number(struct ps_cfg_loader *ld, const struct rule_key *k, const char *v)
{
	unsigned *field = k->field == SIZE_MAX ? &rule_cfg(ld)->threshold
					       : (unsigned *)(void *)((char *)&ld->cfg->detect + k->field);
	return parse_unsigned(ld, k->name, v, k->min, k->max, field);
}

/* "90", "90s", "10m", "1h", "90d", "2w": seconds, within [min, max] seconds. */
static int parse_duration(struct ps_cfg_loader *ld, const char *name, const char *v, int64_t min, int64_t max,
			  int64_t *out)
{
	char q[PS_CFG_QUOTE_MAX];
	struct ps_str s = ps_cstr(v);
	uint64_t unit = 1, n;
	if (s.n > 0) {
		switch (s.p[s.n - 1]) {
		case 's': unit = 1; s.n--; break;
		case 'm': unit = 60; s.n--; break;
		case 'h': unit = 3600; s.n--; break;
		case 'd': unit = 86400; s.n--; break;
		case 'w': unit = 7 * 86400; s.n--; break;
		}
	}
	if (ps_parse_u64(s, (uint64_t)max, &n) < 0 || n * unit > (uint64_t)max || (int64_t)(n * unit) < min)
		return bad(ld, name, "'%s' is not a duration from %llds to %lld days (a number with s, m, h, d or w)",
			   ps_cfg_quote(q, v, strlen(v)), (long long)min, (long long)(max / 86400));
	*out = (int64_t)(n * unit);
	return 0;
}

static int set_window(struct ps_cfg_loader *ld, const struct rule_key *k, const char *v)
{
	return parse_duration(ld, k->name, v, 1, 400 * 86400, &rule_cfg(ld)->window_s);
}

static int set_realert(struct ps_cfg_loader *ld, const struct rule_key *k, const char *v)
{
	return parse_duration(ld, k->name, v, 0, 30 * 86400, &rule_cfg(ld)->realert_s);
}

static int set_timezone(struct ps_cfg_loader *ld, const struct rule_key *k, const char *v)
{
	char q[PS_CFG_QUOTE_MAX];
	struct ps_tz *tz;
	int r = ps_tz_load(v, &tz);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return bad(ld, k->name, "unknown time zone '%s' (a name under /usr/share/zoneinfo, such as Europe/Paris)",
			   ps_cfg_quote(q, v, strlen(v)));
	ps_tz_free(tz);
	char *copy = strdup(v);
	if (!copy)
		return -ENOMEM;
	free(ld->cfg->detect.timezone);
	ld->cfg->detect.timezone = copy;
	return 0;
}

static int set_schedule(struct ps_cfg_loader *ld, const struct rule_key *k, const char *v)
{
	uint8_t week[7][1440 / 8];
	char err[160];
	if (ps_cfg_parse_schedule(v, week, err, sizeof(err)) < 0)
		return bad(ld, k->name, "%s", err);
	memcpy(ld->cfg->detect.week, week, sizeof(week));
	return 0;
}

static int set_commands(struct ps_cfg_loader *ld, const struct rule_key *k, const char *v)
{
	char err[200], **list;
	int r = ps_cfg_parse_commands(v, &list, err, sizeof(err));
	if (r == -EINVAL)
		return bad(ld, k->name, "%s", err);
	if (r < 0)
		return r;
	ps_cfg_strv_free(ld->cfg->detect.coi_commands);
	ld->cfg->detect.coi_commands = list;
	return 0;
}

/* prefix6 means the same for both rules that take it; each has its own value. */
static int set_prefix6(struct ps_cfg_loader *ld, const struct rule_key *k, const char *v)
{
	unsigned *field = ld->rule == PS_RULE_NEW_SOURCE ? &ld->cfg->detect.new_source_prefix6
							 : &ld->cfg->detect.subnet_prefix6;
	return parse_unsigned(ld, k->name, v, k->min, k->max, field);
}

#define D(f) offsetof(struct ps_detect_config, f)
#define COMMON (ALL_RULES)
#define COUNTED (ALL_RULES & ~BIT(PS_RULE_NEW_SOURCE))
static const struct rule_key rule_keys[PS_CFG_RULE_KEYS] = {
	{ "enabled", COMMON, set_enabled, SIZE_MAX, 0, 0 },
	{ "severity", COMMON, set_severity, SIZE_MAX, 0, 0 },
	{ "threshold", COUNTED, set_number, SIZE_MAX, 1, 1000 },
	{ "window", COMMON, set_window, SIZE_MAX, 0, 0 },
	{ "realert", COUNTED, set_realert, SIZE_MAX, 0, 0 },
	{ "prefix4", BIT(PS_RULE_BRUTE_FORCE_SUBNET), set_number, D(subnet_prefix4), 8, 32 },
	{ "prefix6", BIT(PS_RULE_BRUTE_FORCE_SUBNET) | BIT(PS_RULE_NEW_SOURCE), set_prefix6, 0, 16, 128 },
	{ "min_sources", BIT(PS_RULE_BRUTE_FORCE_SUBNET), set_number, D(subnet_min_sources), 1, 64 },
	{ "sources_per_user", BIT(PS_RULE_NEW_SOURCE), set_number, D(new_source_per_user), 1, 256 },
	{ "first_login", BIT(PS_RULE_NEW_SOURCE), set_enabled, D(new_source_first_login), 0, 0 },
	{ "schedule", BIT(PS_RULE_OFF_HOURS), set_schedule, 0, 0, 0 },
	{ "timezone", BIT(PS_RULE_OFF_HOURS), set_timezone, 0, 0, 0 },
	{ "commands", BIT(PS_RULE_COMMANDS_OF_INTEREST), set_commands, 0, 0, 0 },
	{ "download_to_shell", BIT(PS_RULE_COMMANDS_OF_INTEREST), set_enabled, D(coi_download_to_shell), 0, 0 },
	{ "history_clearing", BIT(PS_RULE_COMMANDS_OF_INTEREST), set_enabled, D(coi_history_clearing), 0, 0 },
};

static const struct rule_key *find_key(const char *name)
{
	for (size_t i = 0; i < PS_CFG_RULE_KEYS; i++)
		if (strcmp(rule_keys[i].name, name) == 0)
			return &rule_keys[i];
	return NULL;
}

void ps_cfg_enter_rule(struct ps_cfg_loader *ld, const char *name, size_t n)
{
	char q[PS_CFG_QUOTE_MAX], buf[PS_CFG_NAME_MAX];
	int r = ps_rule_from_name(name, n);
	if (r >= 0) {
		ld->section = PS_SEC_RULE;
		ld->rule = r;
		return;
	}
	ld->section = PS_SEC_UNKNOWN;
	const char *best = NULL;
	size_t best_d = SIZE_MAX;
	if (n < sizeof(buf) && !memchr(name, '\0', n)) {
		memcpy(buf, name, n);
		buf[n] = '\0';
		for (int i = 0; i < PS_RULE__COUNT; i++) {
			size_t d = ps_cfg_distance(buf, ps_rule_name((enum ps_rule)i));
			if (d < best_d && ps_cfg_near(d, ps_rule_name((enum ps_rule)i))) {
				best_d = d;
				best = ps_rule_name((enum ps_rule)i);
			}
		}
	}
	ps_cfg_quote(q, name, n);
	if (best)
		ps_cfg_report(ld, PS_DIAG_ERROR, ld->line, "unknown rule [rule.%s]; did you mean [rule.%s]?", q, best);
	else
		ps_cfg_report(ld, PS_DIAG_ERROR, ld->line, "unknown rule [rule.%s] (see RULES in pamsignal(8))", q);
}

static void unknown_rule_key(struct ps_cfg_loader *ld, const char *name, const struct rule_key *elsewhere)
{
	char q[PS_CFG_QUOTE_MAX];
	const char *best = NULL;
	size_t best_d = SIZE_MAX;
	ps_cfg_quote(q, name, strlen(name));
	if (elsewhere && __builtin_popcount(elsewhere->rules) > 3) {
		ps_cfg_report(ld, PS_DIAG_ERROR, ld->line, "[rule.%s] has no key '%s' (it does not apply to this rule)",
			      rule_name(ld), q);
		return;
	}
	if (elsewhere) {
		char rules[160] = "";
		size_t len = 0;
		for (int i = 0; i < PS_RULE__COUNT; i++)
			if (elsewhere->rules & BIT(i))
				len += (size_t)snprintf(rules + len, sizeof(rules) - len, "%s[rule.%s]", len ? ", " : "",
							ps_rule_name((enum ps_rule)i));
		ps_cfg_report(ld, PS_DIAG_ERROR, ld->line, "[rule.%s] has no key '%s' (only %s)", rule_name(ld), q,
			      rules);
		return;
	}
	for (size_t i = 0; i < PS_CFG_RULE_KEYS; i++) {
		size_t d = ps_cfg_distance(name, rule_keys[i].name);
		if ((rule_keys[i].rules & BIT(ld->rule)) && d < best_d) {
			best_d = d;
			best = rule_keys[i].name;
		}
	}
	if (best && ps_cfg_near(best_d, best))
		ps_cfg_report(ld, PS_DIAG_ERROR, ld->line, "unknown key '%s' in [rule.%s]; did you mean '%s'?", q,
			      rule_name(ld), best);
	else
		ps_cfg_report(ld, PS_DIAG_ERROR, ld->line, "unknown key '%s' in [rule.%s]", q, rule_name(ld));
}

int ps_cfg_set_rule_key(struct ps_cfg_loader *ld, const char *name, const char *value)
{
	const struct rule_key *k = find_key(name);
	if (!k || !(k->rules & BIT(ld->rule))) {
		unknown_rule_key(ld, name, k);
		return -EINVAL;
	}
	size_t i = (size_t)(k - rule_keys);
	unsigned *line = &ld->rule_key_line[ld->rule][i];
	if (*line)
		ps_cfg_report(ld, PS_DIAG_WARNING, ld->line,
			      "duplicate key '%s' in [rule.%s] (first set on line %u); the last value is used", k->name,
			      rule_name(ld), *line);
	*line = ld->line;
	return k->set(ld, k, value);
}
