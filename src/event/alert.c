#include "event/alert.h"

#include <string.h>

#include "event/json.h"
#include "event/json_fields.h"

static const char *const rule_names[PS_RULE__COUNT] = {
#define X(id, name) [PS_RULE_##id] = name,
	PS_RULES(X)
#undef X
};

static const char *const severity_names[PS_SEVERITY__COUNT] = {
	[PS_SEVERITY_INFO] = "info", [PS_SEVERITY_LOW] = "low", [PS_SEVERITY_MEDIUM] = "medium",
	[PS_SEVERITY_HIGH] = "high", [PS_SEVERITY_CRITICAL] = "critical",
};

void ps_alert_init(struct ps_alert *a, enum ps_rule rule, enum ps_severity severity)
{
	memset(a, 0, offsetof(struct ps_alert, summary));
	a->summary[0] = '\0';
	a->rule = rule;
	a->severity = severity;
	a->time_us = a->first_seen_us = a->last_seen_us = -1;
	a->window_s = -1;
	a->src_as.number = -1;
}

const char *ps_rule_name(enum ps_rule r)
{
	return (unsigned)r < PS_RULE__COUNT ? rule_names[r] : NULL;
}

int ps_rule_from_name(const char *s, size_t n)
{
	for (int i = 0; i < PS_RULE__COUNT; i++)
		if (strlen(rule_names[i]) == n && memcmp(rule_names[i], s, n) == 0)
			return i;
	return -1;
}

const char *ps_severity_name(enum ps_severity s)
{
	return (unsigned)s < PS_SEVERITY__COUNT ? severity_names[s] : NULL;
}

int ps_severity_from_name(const char *s)
{
	for (int i = 0; i < PS_SEVERITY__COUNT; i++)
		if (strcmp(severity_names[i], s) == 0)
			return i;
	return -1;
}

static void say_n(struct ps_alert *a, const char *p, size_t n)
{
	size_t room = sizeof(a->summary) - 1 - a->summary_len;
	if (n > room)
		n = room;
	if (n == 0)
		return; /* p may be NULL (an unset text) */
	memcpy(a->summary + a->summary_len, p, n);
	a->summary_len += n;
	a->summary[a->summary_len] = '\0';
}

void ps_alert_say(struct ps_alert *a, const char *text)
{
	say_n(a, text, strlen(text));
}

void ps_alert_say_str(struct ps_alert *a, struct ps_str s, size_t max)
{
	if (s.n <= max) {
		say_n(a, s.p, s.n);
		return;
	}
	size_t n = max;
	/* Back off UTF-8 continuation bytes so a character is not split. */
	while (n > 0 && ((unsigned char)s.p[n] & 0xc0) == 0x80)
		n--;
	say_n(a, s.p, n);
	say_n(a, "...", 3);
}

void ps_alert_say_u64(struct ps_alert *a, uint64_t v)
{
	char buf[24];
	size_t n = sizeof(buf);
	do {
		buf[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	say_n(a, buf + n, sizeof(buf) - n);
}

void ps_alert_say_duration(struct ps_alert *a, int64_t seconds)
{
	static const struct { int64_t s; const char *one, *many; } units[] = {
		{ 86400, " day", " days" }, { 3600, " hour", " hours" }, { 60, " minute", " minutes" },
	};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (seconds >= units[i].s && seconds % units[i].s == 0) {
			ps_alert_say_u64(a, (uint64_t)(seconds / units[i].s));
			ps_alert_say(a, seconds == units[i].s ? units[i].one : units[i].many);
			return;
		}
	}
	ps_alert_say_u64(a, seconds > 0 ? (uint64_t)seconds : 0);
	ps_alert_say(a, seconds == 1 ? " second" : " seconds");
}

void ps_alert_say_ip(struct ps_alert *a, const struct ps_ip *ip)
{
	char buf[PS_IP_STRLEN];
	say_n(a, buf, ps_ip_format(ip, buf));
}

void ps_alert_write_json(struct ps_out *o, const struct ps_alert *a)
{
	bool first = true;

	ps_out_putc(o, '{');
	name_field(o, &first, "type", "alert");
	name_field(o, &first, "rule", ps_rule_name(a->rule));
	name_field(o, &first, "severity", ps_severity_name(a->severity));
	if (a->update) {
		KEY(o, &first, "update");
		ps_out_puts(o, "true");
	}
	time_field(o, &first, "time", a->time_us);
	str_field(o, &first, "host", a->host);
	str_field(o, &first, "summary", ps_str(a->summary, a->summary_len));
	ip_field(o, &first, "src_ip", &a->src_ip);
	ps_json_geo_as(o, &first, &a->src_geo, &a->src_as);
	str_field(o, &first, "src_provider", a->src_provider);
	if (a->subnet.family) {
		KEY(o, &first, "subnet");
		char buf[PS_IP_STRLEN];
		ps_out_putc(o, '"');
		ps_out_put(o, buf, ps_ip_format(&a->subnet, buf));
		ps_out_putc(o, '/');
		ps_out_u64(o, a->subnet_prefix);
		ps_out_putc(o, '"');
	}
	str_field(o, &first, "user", a->user);
	str_field(o, &first, "service", a->service);
	KEY(o, &first, "count");
	ps_out_u64(o, a->count);
	int_field(o, &first, "window_s", a->window_s);
	time_field(o, &first, "first_seen", a->first_seen_us);
	time_field(o, &first, "last_seen", a->last_seen_us);
	KEY(o, &first, "mitre");
	ps_out_putc(o, '[');
	for (unsigned i = 0; i < a->n_mitre; i++) {
		if (i)
			ps_out_putc(o, ',');
		ps_out_putc(o, '"');
		ps_out_puts(o, a->mitre[i]);
		ps_out_putc(o, '"');
	}
	ps_out_putc(o, ']');
	KEY(o, &first, "events");
	ps_out_putc(o, '[');
	for (unsigned i = 0; i < a->n_events; i++) {
		if (i)
			ps_out_putc(o, ',');
		if (ps_set(a->events_json[i]))
			ps_out_put(o, a->events_json[i].p, a->events_json[i].n);
		else
			ps_event_write_json(o, a->events[i], PS_JSON_NO_NEWLINE);
	}
	ps_out_puts(o, "]}\n");
}
