/*
 * Output escaping: whatever bytes an attacker puts in a name, JSON output
 * is valid JSON and UTF-8 and terminal output shows, never obeys, them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/out.h"

static char *json(struct ps_out *o, const char *s, size_t n)
{
	ps_out_reset(o);
	ps_out_json_str(o, ps_str(s, n));
	ps_out_putc(o, '\0');
	return o->buf;
}

static char *term(struct ps_out *o, const char *s, size_t n, size_t cols)
{
	ps_out_reset(o);
	ps_out_term_str(o, ps_str(s, n), cols);
	ps_out_putc(o, '\0');
	return o->buf;
}

#define J(lit) json(&o, lit, sizeof(lit) - 1)
#define T(lit, cols) term(&o, lit, sizeof(lit) - 1, cols)

static void test_json_basic(void **state)
{
	(void)state;
	struct ps_out o;
	ps_out_init_mem(&o);
	assert_string_equal(J("root"), "\"root\"");
	assert_string_equal(J("a\"b\\c"), "\"a\\\"b\\\\c\"");
	assert_string_equal(J("x\ny\rz\t"), "\"x\\ny\\rz\\t\"");
	assert_string_equal(J("\x1b[31mred"), "\"\\u001b[31mred\"");
	assert_string_equal(J("nul\0byte"), "\"nul\\u0000byte\"");
	assert_string_equal(J("del\x7f"), "\"del\\u007f\"");
	/* JSON inside a name stays a string. */
	assert_string_equal(J("\",\"user\":\"root"), "\"\\\",\\\"user\\\":\\\"root\"");
	ps_out_free(&o);
}

static void test_json_utf8(void **state)
{
	(void)state;
	struct ps_out o;
	ps_out_init_mem(&o);
	assert_string_equal(J("caf\xc3\xa9 \xf0\x9f\x94\x91"), "\"caf\xc3\xa9 \xf0\x9f\x94\x91\"");
	/* Invalid bytes become the visible text \xNN (JSON: \\xNN). */
	assert_string_equal(J("a\xff" "b"), "\"a\\\\xffb\"");
	assert_string_equal(J("\xc0\xaf"), "\"\\\\xc0\\\\xaf\"");         /* overlong '/' */
	assert_string_equal(J("\xed\xa0\x80"), "\"\\\\xed\\\\xa0\\\\x80\""); /* UTF-8 surrogate */
	assert_string_equal(J("\xe2\x82"), "\"\\\\xe2\\\\x82\"");         /* truncated */
	assert_string_equal(J("\xf4\x90\x80\x80"), "\"\\\\xf4\\\\x90\\\\x80\\\\x80\""); /* > U+10FFFF */
	/* Valid but deceptive: RTL override, line separator, C1 CSI. */
	assert_string_equal(J("a\xe2\x80\xae" "b"), "\"a\\u202eb\"");
	assert_string_equal(J("\xe2\x80\xa8"), "\"\\u2028\"");
	assert_string_equal(J("\xc2\x9b" "31m"), "\"\\u009b31m\"");
	ps_out_free(&o);
}

static void test_term(void **state)
{
	(void)state;
	struct ps_out o;
	ps_out_init_mem(&o);
	assert_string_equal(T("alice", 20), "alice");
	assert_string_equal(T("\x1b]0;owned\x07", 40), "\\x1b]0;owned\\x07");
	assert_string_equal(T("a\nb", 20), "a\\x0ab");
	assert_string_equal(T("\xff", 20), "\\xff");
	assert_string_equal(T("x\xe2\x80\xaey", 20), "x\\u202ey");
	assert_string_equal(T("\xc2\x9b", 20), "\\u009b");
	/* Truncation ends in an ellipsis and never splits a character or escape. */
	assert_string_equal(T("abcdefghij", 5), "abcd\xe2\x80\xa6");
	assert_string_equal(T("abcde", 5), "abcde");
	assert_string_equal(T("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 4), "\xc3\xa9\xc3\xa9\xc3\xa9\xe2\x80\xa6");
	assert_string_equal(T("ab\x1b" "cdef", 5), "ab\xe2\x80\xa6");
	assert_string_equal(T("abc", 0), "");
	ps_out_free(&o);
}

static void test_fd_out_large(void **state)
{
	(void)state;
	/* A write larger than the buffer goes through whole. */
	char small[16];
	FILE *tmp = tmpfile();
	struct ps_out o;
	ps_out_init_fd(&o, fileno(tmp), small, sizeof(small));
	char big[1000];
	memset(big, 'x', sizeof(big));
	ps_out_put(&o, big, sizeof(big));
	ps_out_json_str(&o, ps_str(big, 100));
	assert_int_equal(ps_out_flush(&o), 0);
	assert_int_equal(lseek(fileno(tmp), 0, SEEK_END), 1102);
	fclose(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_basic),
		cmocka_unit_test(test_json_utf8),
		cmocka_unit_test(test_term),
		cmocka_unit_test(test_fd_out_large),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
