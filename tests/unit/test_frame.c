/* Framings: where program, pid, host, time and message sit in a line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "decode/frame.h"
#include "util/timeconv.h"

#define REF_2026_06 1781000000 /* 2026-06-09 */

static int64_t utc(int y, int mo, int d, int h, int mi, int s, int us)
{
	struct ps_civil c = { y, mo, d, h, mi, s, us };
	return ps_civil_to_usec(&c, 0);
}

static int frame(struct ps_frame_ctx *c, const char *line, size_t n, struct ps_record *rec)
{
	return ps_frame_line(c, ps_str(line, n), rec);
}
#define FRAME(c, lit, rec) frame(c, lit, sizeof(lit) - 1, rec)

static void test_classic(void **state)
{
	(void)state;
	struct ps_frame_ctx c;
	struct ps_record r;
	ps_frame_ctx_init(&c, REF_2026_06);
	assert_int_equal(FRAME(&c, "May  3 04:05:06 web-1 sshd-session[4242]: hello world", &r), 1);
	assert_true(ps_eq_lit(r.program, "sshd-session"));
	assert_int_equal(r.pid, 4242);
	assert_true(ps_eq_lit(r.host, "web-1"));
	assert_true(ps_eq_lit(r.message, "hello world"));
	assert_int_equal(r.time_us, utc(2026, 5, 3, 4, 5, 6, 0));
	/* A PRI prefix (raw syslog), a tag without pid, an empty message. */
	assert_int_equal(FRAME(&c, "<86>May  3 04:05:07 h CRON: ", &r), 1);
	assert_true(ps_eq_lit(r.program, "CRON"));
	assert_int_equal(r.pid, -1);
	assert_int_equal(r.message.n, 0);
	/* gdm's odd identifier keeps its bracket; the pid is the last [...]. */
	assert_int_equal(FRAME(&c, "May  3 04:05:08 h gdm-password][77]: x", &r), 1);
	assert_true(ps_eq_lit(r.program, "gdm-password]"));
	assert_int_equal(r.pid, 77);
	/* Not syslog: the whole line is the message, nothing else is known. */
	assert_int_equal(FRAME(&c, "random text", &r), 0);
	assert_true(ps_eq_lit(r.message, "random text"));
	assert_int_equal(r.program.p, NULL);
	ps_frame_ctx_free(&c);
}

static void test_year_inference(void **state)
{
	(void)state;
	struct ps_frame_ctx c;
	struct ps_record r;
	/* Reference June 2026: a file starting in December began in 2025... */
	ps_frame_ctx_init(&c, REF_2026_06);
	assert_int_equal(FRAME(&c, "Dec 31 23:59:59 h p: a", &r), 1);
	assert_int_equal(r.time_us, utc(2025, 12, 31, 23, 59, 59, 0));
	/* ...and rolls over into 2026 at January. */
	assert_int_equal(FRAME(&c, "Jan  1 00:00:01 h p: b", &r), 1);
	assert_int_equal(r.time_us, utc(2026, 1, 1, 0, 0, 1, 0));
	/* A slightly out-of-order line does not start a new year. */
	assert_int_equal(FRAME(&c, "Mar  1 00:00:00 h p: c", &r), 1);
	assert_int_equal(FRAME(&c, "Feb 28 23:59:59 h p: d", &r), 1);
	assert_int_equal(r.time_us, utc(2026, 2, 28, 23, 59, 59, 0));
	ps_frame_ctx_free(&c);

	/* Feb 29 in a year without one keeps the line, time unknown. */
	ps_frame_ctx_init(&c, REF_2026_06);
	assert_int_equal(FRAME(&c, "Feb 29 10:00:00 h p: e", &r), 1);
	assert_int_equal(r.time_us, -1);
	ps_frame_ctx_free(&c);
}

static void test_rfc3339_syslog(void **state)
{
	(void)state;
	struct ps_frame_ctx c;
	struct ps_record r;
	ps_frame_ctx_init(&c, REF_2026_06);
	assert_int_equal(FRAME(&c, "2026-11-21T19:50:23.654321+02:00 h sudo: m", &r), 1);
	assert_int_equal(r.time_us, utc(2026, 11, 21, 17, 50, 23, 654321));
	assert_int_equal(FRAME(&c, "2026-11-21T19:50:23+0000 h su[1]: m", &r), 1);
	assert_int_equal(r.time_us, utc(2026, 11, 21, 19, 50, 23, 0));
	ps_frame_ctx_free(&c);
}

static void test_rfc5424(void **state)
{
	(void)state;
	struct ps_frame_ctx c;
	struct ps_record r;
	ps_frame_ctx_init(&c, REF_2026_06);
	assert_int_equal(FRAME(&c, "<38>1 2026-11-21T19:50:23.5Z host1 sshd 812 - - Failed x", &r), 1);
	assert_true(ps_eq_lit(r.program, "sshd"));
	assert_int_equal(r.pid, 812);
	assert_true(ps_eq_lit(r.message, "Failed x"));
	assert_int_equal(r.time_us, utc(2026, 11, 21, 19, 50, 23, 500000));
	/* Structured data with an escaped ] and quote, then a BOM before MSG. */
	assert_int_equal(FRAME(&c, "<38>1 - h app - ID1 [a@1 k=\"v\\]\\\"x\"][b@2 z=\"]\"] \xef\xbb\xbfmsg", &r), 1);
	assert_true(ps_eq_lit(r.message, "msg"));
	assert_int_equal(r.time_us, -1);
	assert_int_equal(r.pid, -1);
	/* Nil host and app. */
	assert_int_equal(FRAME(&c, "<38>1 2026-11-21T19:50:23Z - - - - -", &r), 1);
	assert_int_equal(r.host.p, NULL);
	assert_int_equal(r.program.p, NULL);
	/* Unterminated structured data is not RFC 5424. */
	assert_int_equal(ps_frame_rfc5424(PS_LIT("<38>1 - h a - - [x k=\"]"), &r), 0);
	ps_frame_ctx_free(&c);
}

static void test_journal_json(void **state)
{
	(void)state;
	struct ps_frame_ctx c;
	struct ps_record r;
	ps_frame_ctx_init(&c, REF_2026_06);
	const char line[] =
		"{\"__CURSOR\":\"s=1\",\"__REALTIME_TIMESTAMP\":\"1763754623123456\","
		"\"_HOSTNAME\":\"h\",\"SYSLOG_IDENTIFIER\":\"sshd\",\"_PID\":\"99\",\"SYSLOG_PID\":\"1\","
		"\"_AUDIT_SESSION\":\"7\",\"MESSAGE\":\"caf\\u00e9 \\ud83d\\udd11 \\\"q\\\"\",\"X\":[\"a\",\"b\"],\"N\":null}";
	assert_int_equal(FRAME(&c, line, &r), 1);
	assert_true(ps_eq_lit(r.message, "caf\xc3\xa9 \xf0\x9f\x94\x91 \"q\""));
	assert_int_equal(r.pid, 99); /* _PID wins over the claimed SYSLOG_PID */
	assert_int_equal(r.time_us, 1763754623123456);
	assert_true(ps_eq_lit(r.audit_session, "7"));
	/* Binary MESSAGE (journalctl writes non-UTF-8 as a byte array). */
	const char bin[] = "{\"SYSLOG_IDENTIFIER\":\"su\",\"MESSAGE\":[104,105,10,255]}";
	assert_int_equal(FRAME(&c, bin, &r), 1);
	assert_int_equal(r.message.n, 4);
	assert_memory_equal(r.message.p, "hi\n\xff", 4);
	/* Repeated field: the first value. */
	const char rep[] = "{\"MESSAGE\":[\"first\",[1,2]],\"SYSLOG_IDENTIFIER\":\"x\"}";
	assert_int_equal(FRAME(&c, rep, &r), 1);
	assert_true(ps_eq_lit(r.message, "first"));
	/* Not JSON, or no MESSAGE: not a journal record. */
	assert_int_equal(FRAME(&c, "{\"MESSAGE\":\"x\"", &r), 0);
	assert_int_equal(FRAME(&c, "{\"A\":\"x\"}", &r), 0);
	assert_int_equal(FRAME(&c, "{\"MESSAGE\":[256]}", &r), 0);
	assert_int_equal(FRAME(&c, "{\"MESSAGE\":\"\\x41\"}", &r), 0);
	ps_frame_ctx_free(&c);
}

static void test_export_entry(void **state)
{
	(void)state;
	struct ps_journal_entry e;
	struct ps_record r;
	ps_journal_entry_init(&e);
	assert_int_equal(ps_journal_entry_record(&e, &r), 0);
	ps_journal_entry_add(&e, PS_LIT("_COMM"), PS_LIT("sshd"));
	ps_journal_entry_add(&e, PS_LIT("MESSAGE"), ps_str("a\nb", 3));
	ps_journal_entry_add(&e, PS_LIT("MESSAGE"), PS_LIT("second"));
	ps_journal_entry_add(&e, PS_LIT("SYSLOG_PID"), PS_LIT("12"));
	assert_int_equal(ps_journal_entry_record(&e, &r), 1);
	assert_true(ps_eq_lit(r.program, "sshd")); /* _COMM when no identifier */
	assert_int_equal(r.message.n, 3);
	assert_int_equal(r.pid, 12);
	ps_journal_entry_reset(&e);
	assert_int_equal(ps_journal_entry_record(&e, &r), 0);
	ps_journal_entry_free(&e);
	assert_true(ps_journal_field_name(PS_LIT("_SOURCE_REALTIME_TIMESTAMP")));
	assert_false(ps_journal_field_name(PS_LIT("message")));
	assert_false(ps_journal_field_name(PS_LIT("1ABC")));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classic),
		cmocka_unit_test(test_year_inference),
		cmocka_unit_test(test_rfc3339_syslog),
		cmocka_unit_test(test_rfc5424),
		cmocka_unit_test(test_journal_json),
		cmocka_unit_test(test_export_entry),
	};
	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
