/* Slices, IP parsing, time conversion. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/ip.h"
#include "util/slice.h"
#include "util/timeconv.h"

static void test_slice_find(void **state)
{
	(void)state;
	struct ps_str s = PS_LIT("a from b from c");
	assert_int_equal(ps_find(s, " from "), 1);
	assert_int_equal(ps_rfind(s, " from "), 8);
	assert_int_equal(ps_count(s, " from "), 2);
	assert_int_equal(ps_find(s, "zz"), -1);
	assert_int_equal(ps_rfind(PS_LIT("ab"), "abc"), -1);
	/* NUL bytes are ordinary bytes. */
	struct ps_str nul = ps_str("a\0b port 1", 10);
	assert_int_equal(ps_find(nul, "b port"), 2);
}

static void test_slice_tokens(void **state)
{
	(void)state;
	struct ps_str s = PS_LIT("one two three");
	struct ps_str last = ps_take_last_token(&s);
	assert_true(ps_eq_lit(last, "three"));
	assert_true(ps_eq_lit(s, "one two "));
	struct ps_str first = ps_take_token(&s);
	assert_true(ps_eq_lit(first, "one"));
	assert_true(ps_eq_lit(s, " two "));
	struct ps_str l, r;
	assert_true(ps_rsplit(PS_LIT("x ; y ; z"), " ; ", &l, &r));
	assert_true(ps_eq_lit(l, "x ; y") && ps_eq_lit(r, "z"));
	assert_false(ps_split(PS_LIT("abc"), ";", &l, &r));
}

static void test_parse_u64(void **state)
{
	(void)state;
	uint64_t v;
	assert_int_equal(ps_parse_u64(PS_LIT("65535"), 65535, &v), 0);
	assert_int_equal(v, 65535);
	assert_int_equal(ps_parse_u64(PS_LIT("65536"), 65535, &v), -ERANGE);
	assert_int_equal(ps_parse_u64(PS_LIT(""), 10, &v), -EINVAL);
	assert_int_equal(ps_parse_u64(PS_LIT("-1"), 10, &v), -EINVAL);
	assert_int_equal(ps_parse_u64(PS_LIT("18446744073709551616"), UINT64_MAX, &v), -ERANGE);
}

static void check_ip(const char *in, const char *want)
{
	struct ps_ip ip;
	char buf[PS_IP_STRLEN];
	int r = ps_ip_parse(ps_cstr(in), &ip);
	if (!want) {
		assert_int_not_equal(r, 0);
		return;
	}
	assert_int_equal(r, 0);
	ps_ip_format(&ip, buf);
	assert_string_equal(buf, want);
}

static void test_ip(void **state)
{
	(void)state;
	check_ip("203.0.113.9", "203.0.113.9");
	check_ip("2001:db8::1", "2001:db8::1");
	check_ip("2001:DB8:0:0:0:0:0:1", "2001:db8::1");
	check_ip("::ffff:198.51.100.7", "198.51.100.7");  /* mapped → IPv4 */
	check_ip("fe80::1%eth0", "fe80::1");              /* zone dropped */
	check_ip("203.0.113.9%eth0", NULL);
	check_ip("203.0.113", NULL);
	check_ip("203.0.113.9.1", NULL);
	check_ip("host.example.org", NULL);
	check_ip("", NULL);
	check_ip("1.2.3.4 ", NULL);
	check_ip("::ffff:1.2.3.4:22", NULL);
}

/* Our RFC 5952 formatter against glibc's inet_ntop on random addresses. */
static void test_ip_format_v6(void **state)
{
	(void)state;
	srand(5952);
	for (int iter = 0; iter < 200000; iter++) {
		struct ps_ip ip = { .family = 6 };
		for (int g = 0; g < 8; g++) {
			/* Mostly zero groups, so that runs, ties and lone zeros occur. */
			unsigned v = rand() % 3 ? 0 : (unsigned)rand() & (rand() % 2 ? 0xffff : 0xf);
			ip.a[2 * g] = (uint8_t)(v >> 8);
			ip.a[2 * g + 1] = (uint8_t)v;
		}
		static const uint8_t zero12[12];
		if (memcmp(ip.a, zero12, 12) == 0)
			continue; /* glibc writes these ::a.b.c.d; RFC 5952 prefers hex (below) */
		if (memcmp(ip.a, zero12, 10) == 0 && ip.a[10] == 0xff && ip.a[11] == 0xff)
			continue; /* mapped: we turn these into IPv4 */
		char ours[PS_IP_STRLEN], ref[INET6_ADDRSTRLEN];
		ps_ip_format(&ip, ours);
		assert_non_null(inet_ntop(AF_INET6, ip.a, ref, sizeof(ref)));
		if (strcmp(ours, ref) != 0)
			fail_msg("ours %s, inet_ntop %s", ours, ref);
	}
	check_ip("::", "::");
	check_ip("::1", "::1");
	check_ip("::102:304", "::102:304");
	check_ip("2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1");
	check_ip("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");
	check_ip("2001:0:0:1:0:0:0:0", "2001:0:0:1::");
	check_ip("2001:db8:1:2:3:4:5:0", "2001:db8:1:2:3:4:5:0");
	check_ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
}

/* The IPv4 parser against inet_pton on random dotted strings. */
static void test_ip_parse_v4(void **state)
{
	(void)state;
	static const char alphabet[] = "0123456789.0123456789.1205";
	char buf[20];
	srand(4);
	for (int iter = 0; iter < 300000; iter++) {
		size_t n = (size_t)(1 + rand() % 17);
		for (size_t i = 0; i < n; i++)
			buf[i] = alphabet[rand() % (sizeof(alphabet) - 1)];
		buf[n] = '\0';
		uint8_t ref[4];
		struct ps_ip ip;
		int want = inet_pton(AF_INET, buf, ref) == 1;
		int got = ps_ip_parse(ps_str(buf, n), &ip) == 0;
		if (want != got)
			fail_msg("'%s': inet_pton %d, ours %d", buf, want, got);
		if (want)
			assert_memory_equal(ip.a, ref, 4);
	}
	check_ip("0.0.0.0", "0.0.0.0");
	check_ip("255.255.255.255", "255.255.255.255");
	check_ip("256.1.1.1", NULL);
	check_ip("01.2.3.4", NULL);
	check_ip("1.2.3.4.", NULL);
	check_ip("1..3.4", NULL);
	check_ip("1234.1.1.1", NULL);
}

/* IPv4 by hand against inet_ntop, exhaustively over the octet values. */
static void test_ip_format_v4(void **state)
{
	(void)state;
	for (unsigned v = 0; v < 256; v++) {
		struct ps_ip ip = { .family = 4, .a = { (uint8_t)v, (uint8_t)(255 - v), (uint8_t)(v * 7), (uint8_t)(v / 3) } };
		char ours[PS_IP_STRLEN], ref[INET_ADDRSTRLEN];
		size_t n = ps_ip_format(&ip, ours);
		inet_ntop(AF_INET, ip.a, ref, sizeof(ref));
		assert_string_equal(ours, ref);
		assert_int_equal(n, strlen(ref));
	}
}

static void test_rfc3339(void **state)
{
	(void)state;
	int64_t us;
	struct ps_str s = PS_LIT("2026-11-21T19:50:23.123456+01:00 rest");
	assert_int_equal(ps_parse_rfc3339(&s, &us), 0);
	assert_true(ps_eq_lit(s, " rest"));
	struct ps_out o;
	ps_out_init_mem(&o);
	ps_out_rfc3339(&o, us);
	assert_int_equal(o.len, 27);
	assert_memory_equal(o.buf, "2026-11-21T18:50:23.123456Z", 27);

	s = PS_LIT("2026-11-21T19:50:23+0000");     /* journalctl -o short-iso */
	assert_int_equal(ps_parse_rfc3339(&s, &us), 0);
	s = PS_LIT("2026-11-21T19:50:23.1234567890Z");
	assert_int_equal(ps_parse_rfc3339(&s, &us), 0);
	assert_int_equal(us % 1000000, 123456);
	s = PS_LIT("2026-02-30T00:00:00Z");
	assert_int_equal(ps_parse_rfc3339(&s, &us), -EINVAL);
	s = PS_LIT("2026-11-21T19:50:23");          /* no zone */
	assert_int_equal(ps_parse_rfc3339(&s, &us), -EINVAL);
	ps_out_reset(&o);
	ps_out_rfc3339(&o, 0);
	assert_memory_equal(o.buf, "1970-01-01T00:00:00.000000Z", 27);
	ps_out_free(&o);
}

static void test_local_time(void **state)
{
	(void)state;
	int64_t us;
	/* Europe/Berlin: 2026-03-29 02:30 does not exist; 03:30 is UTC+2. */
	setenv("TZ", "Europe/Berlin", 1);
	struct ps_civil c = { 2026, 3, 29, 3, 30, 0, 0 };
	assert_int_equal(ps_local_to_usec(&c, &us), 0);
	assert_int_equal(us / 1000000, ps_civil_to_usec(&c, 7200) / 1000000);
	struct ps_civil w = { 2026, 1, 15, 12, 0, 1, 0 };
	assert_int_equal(ps_local_to_usec(&w, &us), 0);
	assert_int_equal(us, ps_civil_to_usec(&w, 3600));
	setenv("TZ", "UTC", 1);
	struct ps_civil bad = { 2026, 2, 29, 0, 0, 0, 0 };
	assert_int_equal(ps_local_to_usec(&bad, &us), -EINVAL);
}

static void test_bsd_stamp(void **state)
{
	(void)state;
	struct ps_civil c;
	struct ps_str s = PS_LIT("Nov  1 09:05:07 host");
	assert_int_equal(ps_parse_bsd_stamp(&s, &c), 0);
	assert_int_equal(c.month, 11);
	assert_int_equal(c.day, 1);
	assert_int_equal(c.sec, 7);
	assert_true(ps_eq_lit(s, " host"));
	s = PS_LIT("Nov 21 25:00:00 x");
	assert_int_equal(ps_parse_bsd_stamp(&s, &c), -EINVAL);
	s = PS_LIT("Foo 21 10:00:00 x");
	assert_int_equal(ps_parse_bsd_stamp(&s, &c), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slice_find),
		cmocka_unit_test(test_slice_tokens),
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_ip),
		cmocka_unit_test(test_ip_format_v6),
		cmocka_unit_test(test_ip_format_v4),
		cmocka_unit_test(test_ip_parse_v4),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_local_time),
		cmocka_unit_test(test_bsd_stamp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
