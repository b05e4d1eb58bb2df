/*
 * The alert's JSON and text forms: the contract's fields in order, and
 * attacker-chosen names (newlines, quotes, escape sequences, invalid UTF-8)
 * coming out as valid UTF-8 JSON and as visible, inert terminal text.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "event/alert.h"
#include "event/text.h"
#include "util/utf8.h"

static const char *render(struct ps_out *o, const struct ps_alert *a, bool text)
{
	ps_out_reset(o);
	if (text)
		ps_alert_write_text(o, a);
	else
		ps_alert_write_json(o, a);
	ps_out_putc(o, '\0');
	return o->buf;
}

/* Valid UTF-8, one line, no control character but the final newline. */
static void assert_one_clean_line(const char *s)
{
	size_t n = strlen(s);
	assert_true(n > 0 && s[n - 1] == '\n');
	for (size_t i = 0; i + 1 < n;) {
		uint32_t cp;
		size_t len = ps_utf8_seq((const unsigned char *)s + i, n - i, &cp);
		if (len == 0)
			fail_msg("invalid UTF-8 at byte %zu of %s", i, s);
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x202e || cp == 0x2028)
			fail_msg("control character U+%04X at byte %zu of %s", cp, i, s);
		i += len;
	}
}

static void test_json_contract(void **state)
{
	(void)state;
	struct ps_out o;
	struct ps_event ev;
	struct ps_alert a;
	ps_out_init_mem(&o);
	ps_event_init(&ev);
	ev.time_us = 1795255200000000;
	ev.kind = PS_KIND_AUTH_FAILURE;
	ev.user = PS_LIT("root");
	ps_ip_parse(PS_LIT("203.0.113.9"), &ev.src_ip);

	ps_alert_init(&a, PS_RULE_BRUTE_FORCE, PS_SEVERITY_HIGH);
	a.time_us = 1795255200000000;
	a.host = PS_LIT("web1");
	a.src_ip = ev.src_ip;
	a.user = ev.user;
	a.service = PS_LIT("sshd");
	a.count = 5;
	a.window_s = 600;
	a.first_seen_us = 1795255100000000;
	a.last_seen_us = 1795255200000000;
	a.mitre[a.n_mitre++] = "T1110.001";
	a.events[a.n_events++] = &ev;
	ps_alert_say(&a, "5 failed login attempts");
	assert_string_equal(render(&o, &a, false),
			    "{\"type\":\"alert\",\"rule\":\"brute_force\",\"severity\":\"high\","
			    "\"time\":\"2026-11-21T10:00:00.000000Z\",\"host\":\"web1\","
			    "\"summary\":\"5 failed login attempts\",\"src_ip\":\"203.0.113.9\",\"user\":\"root\","
			    "\"service\":\"sshd\",\"count\":5,\"window_s\":600,"
			    "\"first_seen\":\"2026-11-21T09:58:20.000000Z\",\"last_seen\":\"2026-11-21T10:00:00.000000Z\","
			    "\"mitre\":[\"T1110.001\"],\"events\":[{\"type\":\"event\",\"time\":\"2026-11-21T10:00:00.000000Z\","
			    "\"kind\":\"auth_failure\",\"user\":\"root\",\"src_ip\":\"203.0.113.9\"}]}\n");

	/* An update, a subnet instead of an address, no events, unknown times. */
	ps_alert_init(&a, PS_RULE_BRUTE_FORCE_SUBNET, PS_SEVERITY_CRITICAL);
	a.update = true;
	ps_ip_parse(PS_LIT("2001:db8:1:2::"), &a.subnet);
	a.subnet_prefix = 64;
	a.count = 12;
	ps_alert_say(&a, "x");
	assert_string_equal(render(&o, &a, false),
			    "{\"type\":\"alert\",\"rule\":\"brute_force_subnet\",\"severity\":\"critical\",\"update\":true,"
			    "\"summary\":\"x\",\"subnet\":\"2001:db8:1:2::/64\",\"count\":12,\"mitre\":[],\"events\":[]}\n");
	ps_out_free(&o);
}

/* Names an attacker can send as a user name, as raw bytes. */
static const struct {
	const char *name;
	size_t n;
	const char *json; /* the "user" value as written */
} hostile[] = {
	{ "a\nInvalid user root from 192.0.2.1", 34, "\"a\\nInvalid user root from 192.0.2.1\"" },
	{ "q\"\\,\"rule\":\"none", 16, "\"q\\\"\\\\,\\\"rule\\\":\\\"none\"" },
	{ "\x1b[2J\x1b]0;t\x07", 10, "\"\\u001b[2J\\u001b]0;t\\u0007\"" },
	{ "bad\xff\xfe\xc0\xaf", 7, "\"bad\\\\xff\\\\xfe\\\\xc0\\\\xaf\"" },
	{ "nul\0x", 5, "\"nul\\u0000x\"" },
	{ "rtl\xe2\x80\xae" "x", 7, "\"rtl\\u202ex\"" },
};

static void test_hostile_names(void **state)
{
	(void)state;
	struct ps_out o;
	struct ps_event ev;
	struct ps_alert a;
	ps_out_init_mem(&o);
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		struct ps_str name = ps_str(hostile[i].name, hostile[i].n);
		ps_event_init(&ev);
		ev.kind = PS_KIND_AUTH_FAILURE;
		ev.user = name;
		ev.message = name;
		ps_alert_init(&a, PS_RULE_PASSWORD_SPRAY, PS_SEVERITY_HIGH);
		a.user = name;
		a.events[a.n_events++] = &ev;
		ps_alert_say(&a, "latest '");
		ps_alert_say_str(&a, name, 64);
		ps_alert_say(&a, "'");

		const char *j = render(&o, &a, false);
		assert_one_clean_line(j);
		char want[256];
		snprintf(want, sizeof(want), "\"user\":%s,", hostile[i].json);
		if (!strstr(j, want))
			fail_msg("%zu: %s does not contain %s", i, j, want);
		const char *t = render(&o, &a, true);
		assert_one_clean_line(t);
		assert_null(strstr(t, "\xe2\x80\xae"));
	}
	ps_out_free(&o);
}

static void test_summary(void **state)
{
	(void)state;
	struct ps_alert a;
	ps_alert_init(&a, PS_RULE_BRUTE_FORCE, PS_SEVERITY_LOW);
	/* Cut at a character boundary, marked. */
	ps_alert_say_str(&a, PS_LIT("ab\xe4\xb8\xad"), 3);
	assert_string_equal(a.summary, "ab...");
	ps_alert_init(&a, PS_RULE_BRUTE_FORCE, PS_SEVERITY_LOW);
	ps_alert_say_duration(&a, 600);
	ps_alert_say(&a, ", ");
	ps_alert_say_duration(&a, 3600);
	ps_alert_say(&a, ", ");
	ps_alert_say_duration(&a, 90 * 86400);
	ps_alert_say(&a, ", ");
	ps_alert_say_duration(&a, 61);
	assert_string_equal(a.summary, "10 minutes, 1 hour, 90 days, 61 seconds");
	/* Never past the buffer. */
	for (int i = 0; i < 100; i++)
		ps_alert_say(&a, "0123456789");
	assert_int_equal(a.summary_len, sizeof(a.summary) - 1);
	assert_int_equal(strlen(a.summary), a.summary_len);
}

static void test_names(void **state)
{
	(void)state;
	for (int r = 0; r < PS_RULE__COUNT; r++) {
		const char *name = ps_rule_name((enum ps_rule)r);
		assert_non_null(name);
		assert_int_equal(ps_rule_from_name(name, strlen(name)), r);
	}
	assert_int_equal(ps_rule_from_name("brute", 5), -1);
	assert_int_equal(ps_severity_from_name("critical"), PS_SEVERITY_CRITICAL);
	assert_int_equal(ps_severity_from_name("severe"), -1);
}

int main(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_contract),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
