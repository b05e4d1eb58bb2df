/*
 * Output escaping: whatever bytes an attacker puts in a name, JSON output
 * is valid JSON and UTF-8 and terminal output shows, never obeys, them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
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
	/* Invisible characters that would make a name look like another. */
	assert_string_equal(J("r\xe2\x80\x8boot"), "\"r\\u200boot\"");
	assert_string_equal(J("ro\xe2\x81\xa0ot\xc2\xad"), "\"ro\\u2060ot\\u00ad\"");
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
	assert_string_equal(T("r\xe2\x80\x8boot", 20), "r\\u200boot");
	assert_string_equal(T("ad\xe2\x80\x8dmin\xef\xbb\xbf", 20), "ad\\u200dmin\\ufeff");
	/* Truncation ends in an ellipsis and never splits a character or escape. */
	assert_string_equal(T("abcdefghij", 5), "abcd\xe2\x80\xa6");
	assert_string_equal(T("abcde", 5), "abcde");
	assert_string_equal(T("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 4), "\xc3\xa9\xc3\xa9\xc3\xa9\xe2\x80\xa6");
	assert_string_equal(T("ab\x1b" "cdef", 5), "ab\xe2\x80\xa6");
	assert_string_equal(T("abc", 0), "");
	ps_out_free(&o);
}

/* The obvious byte-at-a-time JSON escaper, as the reference. */
static void reference_json(struct ps_out *o, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	ps_out_putc(o, '"');
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		if (c == '"' || c == '\\') {
			ps_out_putc(o, '\\');
			ps_out_putc(o, (char)c);
			i++;
		} else if (c == '\n' || c == '\t' || c == '\r') {
			ps_out_puts(o, c == '\n' ? "\\n" : c == '\t' ? "\\t" : "\\r");
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			char e[7] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0 };
			ps_out_puts(o, e);
			i++;
		} else if (c < 0x80) {
			ps_out_putc(o, (char)c);
			i++;
		} else {
			/* Reuse the real escaper for one non-ASCII sequence at a time. */
			size_t len = 1;
			while (i + len < n && len < 4 && (p[i + len] & 0xc0) == 0x80)
				len++;
			struct ps_out tmp;
			ps_out_init_mem(&tmp);
			ps_out_json_str(&tmp, ps_str((const char *)p + i, len));
			ps_out_put(o, tmp.buf + 1, tmp.len - 2);
			ps_out_free(&tmp);
			i += len;
		}
	}
	ps_out_putc(o, '"');
}

static void test_json_fast_path(void **state)
{
	(void)state;
	/* Random text, mostly printable, with every special byte at every offset. */
	static const unsigned char specials[] = { '"', '\\', 0, 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0xc3, 0xa9, 0xff, '\n' };
	unsigned char buf[64];
	struct ps_out a, b;
	ps_out_init_mem(&a);
	ps_out_init_mem(&b);
	srand(8);
	for (int iter = 0; iter < 100000; iter++) {
		size_t n = (size_t)(rand() % 40);
		for (size_t i = 0; i < n; i++)
			buf[i] = rand() % 8 ? (unsigned char)(0x21 + rand() % 90) : specials[rand() % sizeof(specials)];
		ps_out_reset(&a);
		ps_out_reset(&b);
		ps_out_json_str(&a, ps_str((const char *)buf, n));
		reference_json(&b, buf, n);
		if (a.len != b.len || memcmp(a.buf, b.buf, a.len) != 0)
			fail_msg("fast path differs at iteration %d: %.*s vs %.*s", iter,
				 (int)a.len, a.buf, (int)b.len, b.buf);
	}
	ps_out_free(&a);
	ps_out_free(&b);
}

static void test_term_wide(void **state)
{
	(void)state;
	struct ps_out o;
	ps_out_init_mem(&o);
	/* glibc has C.UTF-8 built in; the program selects it the same way. */
	assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
	ps_out_reset(&o);
	assert_int_equal(ps_out_term_str(&o, PS_LIT("\xe4\xb8\xad\xe4\xb8\xad"), 10), 4);
	assert_string_equal(T("\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad", 4), "\xe4\xb8\xad\xe2\x80\xa6");
	ps_out_reset(&o); /* a combining accent takes no column */
	assert_int_equal(ps_out_term_str(&o, PS_LIT("e\xcc\x81"), 10), 1);
	setlocale(LC_CTYPE, "C");
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
		cmocka_unit_test(test_json_fast_path),
		cmocka_unit_test(test_term_wide),
		cmocka_unit_test(test_fd_out_large),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
