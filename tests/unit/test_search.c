/*
 * pamsignal search's parts: event lines read back exactly, the time
 * syntax, kinds, address blocks, the time-order window, and a session's
 * timeline tying journal lines to audit ones.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "event/json.h"
#include "event/json_read.h"
#include "search/order.h"
#include "search/query.h"
#include "search/timeline.h"
#include "source/file.h"
#include "util/timeconv.h"

static struct ps_out scanned;

static int collect(const struct ps_event *ev, void *arg)
{
	(void)arg;
	ps_event_write_json(&scanned, ev, 0);
	return 0;
}

/* Every event scan makes of the captured logs, written, read back and written again: the same bytes. */
static void test_round_trip(void **state)
{
	(void)state;
	static const char *const files[] = { "auth.log", "audit.log", "journal.export", "auth-traditional.log" };
	struct ps_event_line *l = calloc(1, sizeof(*l));
	struct ps_out again;
	const char *why = NULL;
	size_t lines = 0;
	ps_out_init_mem(&scanned);
	ps_out_init_mem(&again);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[1024];
		struct ps_reader r;
		struct ps_scan_stats st = { 0 };
		snprintf(path, sizeof(path), "%s/tests/data/capture/%s", getenv("PS_SOURCE_ROOT"), files[i]);
		assert_int_equal(ps_reader_open(&r, path), 0);
		assert_int_equal(ps_file_scan(&r, files[i], 1795000000, collect, NULL, NULL, &st), 0);
		ps_reader_close(&r);
	}
	for (size_t off = 0; off < scanned.len;) {
		const char *nl = memchr(scanned.buf + off, '\n', scanned.len - off);
		assert_non_null(nl);
		struct ps_str line = ps_str(scanned.buf + off, (size_t)(nl - scanned.buf - off));
		int r = ps_event_line_read(l, line, &why);
		if (r != PS_LINE_EVENT)
			fail_msg("line %zu: %d %s: %.*s", lines, r, why, (int)line.n, line.p);
		ps_out_reset(&again);
		ps_event_write_json(&again, &l->ev, 0);
		assert_int_equal(again.len, line.n + 1);
		assert_memory_equal(again.buf, line.p, line.n);
		off += line.n + 1;
		lines++;
	}
	assert_true(lines > 400);
	ps_out_free(&again);
	ps_out_free(&scanned);
	ps_event_line_free(l);
	free(l);
}

static int read_line(struct ps_event_line *l, const char *text)
{
	const char *why;
	return ps_event_line_read(l, ps_cstr(text), &why);
}

static void test_reader(void **state)
{
	(void)state;
	struct ps_event_line *l = calloc(1, sizeof(*l));
	/* Fields of a later version are ignored; so is a kind this version does not know. */
	assert_int_equal(read_line(l, "{\"type\":\"event\",\"seq\":12,\"hash\":\"ab\",\"kind\":\"command\",\"user\":\"a\"}"),
			 PS_LINE_EVENT);
	assert_int_equal(l->ev.kind, PS_KIND_COMMAND);
	assert_true(ps_eq_lit(l->ev.user, "a"));
	assert_int_equal(read_line(l, "{\"type\":\"event\",\"kind\":\"pam_thing\",\"reason\":\"new_reason\"}"),
			 PS_LINE_EVENT);
	assert_int_equal(l->ev.kind, PS_KIND_NONE);
	assert_true(ps_eq_lit(l->kind_name, "pam_thing"));
	assert_int_equal(l->ev.reason, PS_REASON_NONE);
	/* Values the writer never writes are malformed. */
	static const char *const bad[] = {
		"{\"type\":\"event\"}",                                     /* no kind */
		"{\"type\":\"event\",\"kind\":\"probe\",\"pid\":-1}",
		"{\"type\":\"event\",\"kind\":\"probe\",\"pid\":\"1\"}",
		"{\"type\":\"event\",\"kind\":\"probe\",\"src_port\":70000}",
		"{\"type\":\"event\",\"kind\":\"probe\",\"src_ip\":\"example.org\"}",
		"{\"type\":\"event\",\"kind\":\"probe\",\"time\":\"2026-11-21 10:00:00\"}",
		"{\"type\":\"event\",\"kind\":\"probe\",\"count\":0}",
		"{\"type\":\"event\",\"kind\":\"probe\",\"parents\":[1]}",
		"{\"type\":\"event\",\"kind\":\"probe\",\"user\":\"a\",\"user\":\"b\"}",
		"{\"type\":\"thing\"}",
		"[]",
		"{\"type\":\"event\",\"kind\":\"probe\"} {}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (read_line(l, bad[i]) != -EBADMSG)
			fail_msg("accepted: %s", bad[i]);
	/* The parents chain, cut at PS_PROC_DEPTH. */
	assert_int_equal(read_line(l, "{\"type\":\"event\",\"kind\":\"auth_failure\",\"parents\":["
				      "{\"pid\":2,\"comm\":\"bash\",\"via\":\"audit\"},{\"pid\":3,\"exe\":\"/x\",\"via\":\"proc\"},"
				      "{},{},{},{},{\"pid\":9}]}"),
			 PS_LINE_EVENT);
	assert_non_null(l->ev.parents);
	assert_int_equal(l->ev.parents->n, PS_PROC_DEPTH);
	assert_int_equal(l->ev.parents->v[0].pid, 2);
	assert_true(ps_eq_lit(l->ev.parents->v[0].comm, "bash"));
	assert_false(l->ev.parents->v[0].via_proc);
	assert_true(l->ev.parents->v[1].via_proc);
	assert_int_equal(l->ev.parents->v[2].pid, -1);
	/* An alert: what the table shows. */
	assert_int_equal(read_line(l, "{\"type\":\"alert\",\"rule\":\"brute_force\",\"severity\":\"high\",\"update\":true,"
				      "\"time\":\"2026-11-21T10:00:00Z\",\"user\":\"root\",\"subnet\":\"192.0.2.0/24\","
				      "\"summary\":\"five\",\"mitre\":[\"T1110.001\"],\"events\":[]}"),
			 PS_LINE_ALERT);
	assert_int_equal(l->alert.rule, PS_RULE_BRUTE_FORCE);
	assert_int_equal(l->alert.severity, PS_SEVERITY_HIGH);
	assert_true(l->alert.update);
	assert_int_equal(l->alert.subnet_prefix, 24);
	assert_string_equal(l->alert.summary, "five");
	ps_event_line_free(l);
	free(l);
}

static int64_t when(const char *s, int64_t now)
{
	int64_t t = -2;
	if (ps_when_parse(s, now, &t) < 0)
		return -1;
	return t;
}

static void test_when(void **state)
{
	(void)state;
	const int64_t now = INT64_C(1795255200) * PS_USEC_PER_SEC; /* 2026-11-21T10:00:00Z */
	const int64_t day = INT64_C(86400) * PS_USEC_PER_SEC;
	/* TZ=UTC (tests/meson.build): local time is UTC. */
	assert_int_equal(when("2026-11-21T10:00:00Z", now), now);
	assert_int_equal(when("2026-11-21T11:00:00+01:00", now), now);
	assert_int_equal(when("2026-11-21T10:00:00.5Z", now), now + 500000);
	assert_int_equal(when("2026-11-21T10:00:00", now), now);
	assert_int_equal(when("2026-11-21 10:00:00", now), now);
	assert_int_equal(when("2026-11-21 10:00", now), now);
	assert_int_equal(when("2026-11-21T10:00Z", now), now);
	assert_int_equal(when("2026-11-21", now), now - 10 * 3600 * PS_USEC_PER_SEC);
	assert_int_equal(when("-1h", now), now - 3600 * PS_USEC_PER_SEC);
	assert_int_equal(when("-90s", now), now - 90 * PS_USEC_PER_SEC);
	assert_int_equal(when("-2d", now), now - 2 * day);
	assert_int_equal(when("-1w", now), now - 7 * day);
	assert_int_equal(when("now", now), now);
	assert_int_equal(when("today", now), now - 10 * 3600 * PS_USEC_PER_SEC);
	assert_int_equal(when("yesterday", now), now - 10 * 3600 * PS_USEC_PER_SEC - day);
	static const char *const bad[] = {
		"", "-", "-1", "-1y", "-h", "--1h", "-99999999999d", "2026-11-21T", "2026-13-01", "2026-11-21 25:00",
		"2026-11-21T10:00:00Zjunk", "21/11/2026", "1h", "tomorrow", "2026-11-21T10",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (when(bad[i], now) != -1)
			fail_msg("accepted '%s'", bad[i]);
}

static void test_kinds_and_cidr(void **state)
{
	(void)state;
	struct ps_query q;
	char bad[32];
	ps_query_init(&q);
	assert_true(q.alerts);
	assert_int_equal(ps_query_kinds(&q, "auth_failure,command", bad, sizeof(bad)), 0);
	assert_int_equal(q.kinds, 1u | (1u << PS_KIND_AUTH_FAILURE) | (1u << PS_KIND_COMMAND));
	assert_false(q.alerts);
	assert_int_equal(ps_query_kinds(&q, "alert tty_input", bad, sizeof(bad)), 0);
	assert_true(q.alerts);
	struct ps_event ev;
	ps_event_init(&ev);
	ev.kind = PS_KIND_COMMAND;
	assert_false(ps_query_event(&q, &ev));
	ev.kind = PS_KIND_TTY_INPUT;
	assert_true(ps_query_event(&q, &ev));
	assert_int_equal(ps_query_kinds(&q, "alert", bad, sizeof(bad)), 0);
	assert_false(ps_query_event(&q, &ev));
	assert_int_equal(ps_query_kinds(&q, "command,comand", bad, sizeof(bad)), -EINVAL);
	assert_string_equal(bad, "comand");
	assert_int_equal(ps_query_kinds(&q, ",", bad, sizeof(bad)), -EINVAL);

	struct ps_cidr c;
	struct ps_ip ip;
	assert_int_equal(ps_cidr_parse(PS_LIT("192.0.2.77/24"), &c), 0);
	assert_int_equal(c.prefix, 24);
	assert_int_equal(ps_ip_parse(PS_LIT("192.0.2.200"), &ip), 0);
	assert_true(ps_cidr_contains(&c, &ip));
	assert_int_equal(ps_ip_parse(PS_LIT("192.0.3.1"), &ip), 0);
	assert_false(ps_cidr_contains(&c, &ip));
	assert_int_equal(ps_cidr_parse(PS_LIT("2001:db8::/33"), &c), 0);
	assert_int_equal(ps_ip_parse(PS_LIT("2001:db8:7fff::1"), &ip), 0);
	assert_true(ps_cidr_contains(&c, &ip));
	assert_int_equal(ps_ip_parse(PS_LIT("2001:db8:8000::1"), &ip), 0);
	assert_false(ps_cidr_contains(&c, &ip));
	assert_int_equal(ps_cidr_parse(PS_LIT("203.0.113.5"), &c), 0);
	assert_int_equal(c.prefix, 32);
	assert_int_equal(ps_cidr_parse(PS_LIT("203.0.113.5/33"), &c), -EINVAL);
	assert_int_equal(ps_cidr_parse(PS_LIT("fe80::1%eth0/64"), &c), -EINVAL);
	assert_int_equal(ps_cidr_parse(PS_LIT("203.0.113.5/"), &c), -EINVAL);
	memset(&ip, 0, sizeof(ip));
	assert_false(ps_cidr_contains(&c, &ip));
}

struct got {
	int64_t last;
	unsigned n, unordered;
	char seen[64];
};

static int out_line(struct ps_str line, void *arg)
{
	struct got *g = arg;
	char num[32];
	int64_t t = strtoll(ps_to_cstr(line, num, sizeof(num)), NULL, 10); /* the line is not NUL-terminated */
	if (t < g->last)
		g->unordered++;
	g->last = t;
	g->n++;
	return 0;
}

static void test_order(void **state)
{
	(void)state;
	struct got g = { .last = INT64_MIN };
	struct ps_order *o = ps_order_new(out_line, &g);
	char buf[32];
	/* Each line at most 1000 places away from where it belongs: back in order. */
	srand(7);
	for (int i = 0; i < 100000; i++) {
		int64_t t = i + rand() % 1000;
		int n = snprintf(buf, sizeof(buf), "%lld", (long long)t);
		assert_int_equal(ps_order_add(o, t, ps_str(buf, (size_t)n)), 0);
	}
	assert_int_equal(ps_order_drain(o), 0);
	assert_int_equal(g.n, 100000);
	assert_int_equal(g.unordered, 0);
	assert_int_equal(ps_order_late(o), 0);
	ps_order_free(o);
	/* One line from further back than the window: out at once, counted late. */
	g = (struct got){ .last = INT64_MIN };
	o = ps_order_new(out_line, &g);
	for (int i = 0; i < PS_ORDER_MAX_LINES + 10; i++) {
		int n = snprintf(buf, sizeof(buf), "%d", 100 + i);
		ps_order_add(o, 100 + i, ps_str(buf, (size_t)n));
	}
	ps_order_add(o, 1, PS_LIT("1"));
	assert_int_equal(ps_order_drain(o), 0);
	assert_int_equal(g.n, PS_ORDER_MAX_LINES + 11);
	assert_int_equal(ps_order_late(o), 1);
	ps_order_free(o);
}

/* A small event for the timeline: the fields it looks at. */
static struct ps_event ev_at(int64_t sec, enum ps_kind kind, const char *program, int64_t pid, const char *session)
{
	struct ps_event ev;
	ps_event_init(&ev);
	ev.time_us = sec * PS_USEC_PER_SEC;
	ev.kind = kind;
	ev.host = PS_LIT("web1");
	ev.program = ps_cstr(program);
	ev.pid = pid;
	ev.session = ps_cstr(session);
	if (session && strcmp(program, "systemd-logind") != 0)
		ev.audit_type = PS_LIT("USER_START");
	return ev;
}

static void test_timeline_audit(void **state)
{
	(void)state;
	struct ps_ip ip;
	assert_int_equal(ps_ip_parse(PS_LIT("203.0.113.7"), &ip), 0);
	/* Journal: a failure and the login of sshd[100]; its child's disconnect by address and port. */
	struct ps_event fail = ev_at(1000, PS_KIND_AUTH_FAILURE, "sshd", 100, NULL);
	struct ps_event login = ev_at(1010, PS_KIND_AUTH_SUCCESS, "sshd", 100, NULL);
	login.src_ip = ip;
	login.src_port = 40000;
	struct ps_event start = ev_at(1011, PS_KIND_SESSION_OPEN, "sshd", 100, "7");
	struct ps_event cmd = ev_at(1020, PS_KIND_COMMAND, "id", 300, "7");
	cmd.user = PS_LIT("root");
	cmd.login_user = PS_LIT("alice");
	struct ps_event sudo_journal = ev_at(1019, PS_KIND_COMMAND, "sudo", 200, NULL);
	struct ps_event sudo_audit = ev_at(1019, PS_KIND_COMMAND, "sudo", 200, "7");
	struct ps_event end = ev_at(1100, PS_KIND_SESSION_CLOSE, "sshd", 100, "7");
	struct ps_event bye = ev_at(1101, PS_KIND_SESSION_CLOSE, "sshd", 101, NULL);
	bye.src_ip = ip;
	bye.src_port = 40000;
	/* Not this login's: another session, the same pid much later, another host, another port. */
	struct ps_event other = ev_at(1050, PS_KIND_SESSION_OPEN, "sshd", 500, "8");
	struct ps_event reused = ev_at(5000, PS_KIND_AUTH_FAILURE, "sshd", 100, NULL);
	struct ps_event elsewhere = ev_at(1010, PS_KIND_AUTH_FAILURE, "sshd", 100, NULL);
	elsewhere.host = PS_LIT("web2");
	struct ps_event other_conn = bye;
	other_conn.src_port = 40001;
	const struct ps_event *all[] = { &fail, &login, &start, &sudo_journal, &sudo_audit, &cmd, &other,
					 &end, &bye, &reused, &elsewhere, &other_conn };
	const bool want[] = { true, true, true, true, true, true, false, true, true, false, false, false };

	struct ps_timeline *t = ps_timeline_new(PS_LIT("7"), PS_STR_NULL);
	assert_non_null(t);
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		ps_timeline_learn(t, all[i]);
	assert_true(ps_timeline_found(t));
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (ps_timeline_member(t, all[i]) != want[i])
			fail_msg("event %zu: member %d", i, !want[i]);
	ps_timeline_free(t);

	t = ps_timeline_new(PS_LIT("9"), PS_STR_NULL);
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		ps_timeline_learn(t, all[i]);
	assert_false(ps_timeline_found(t));
	ps_timeline_free(t);
}

/* No audit: logind's session, tied to the PAM session_open just before it. */
static void test_timeline_logind(void **state)
{
	(void)state;
	struct ps_event other_open = ev_at(995, PS_KIND_SESSION_OPEN, "sshd", 90, NULL);
	other_open.user = PS_LIT("bob");
	struct ps_event open = ev_at(1000, PS_KIND_SESSION_OPEN, "sshd", 100, NULL);
	open.user = PS_LIT("alice");
	struct ps_event logind = ev_at(1000, PS_KIND_SESSION_OPEN, "systemd-logind", 1, "c3");
	logind.user = PS_LIT("alice");
	struct ps_event close = ev_at(1200, PS_KIND_SESSION_CLOSE, "sshd", 100, NULL);
	struct ps_event removed = ev_at(1200, PS_KIND_SESSION_CLOSE, "systemd-logind", 1, "c3");
	struct ps_event bob_close = ev_at(1100, PS_KIND_SESSION_CLOSE, "sshd", 90, NULL);
	const struct ps_event *all[] = { &other_open, &open, &logind, &bob_close, &close, &removed };
	const bool want[] = { false, true, true, false, true, true };
	struct ps_timeline *t = ps_timeline_new(PS_LIT("c3"), PS_LIT("web1"));
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		ps_timeline_learn(t, all[i]);
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (ps_timeline_member(t, all[i]) != want[i])
			fail_msg("event %zu: member %d", i, !want[i]);
	ps_timeline_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),     cmocka_unit_test(test_reader),
		cmocka_unit_test(test_when),           cmocka_unit_test(test_kinds_and_cidr),
		cmocka_unit_test(test_order),          cmocka_unit_test(test_timeline_audit),
		cmocka_unit_test(test_timeline_logind),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
