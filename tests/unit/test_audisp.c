/*
 * pamsignal-audisp's parts: the bounded queue (records in order, across
 * the ring's end; the oldest dropped and counted when full; a record larger
 * than the queue dropped itself) and the message format both ends share
 * (records and loss reports round-trip; every malformed form refused).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "audisp/queue.h"
#include "audisp/wire.h"

static char out[PS_AUDISP_MAX];

static void expect_next(struct ps_audisp_queue *q, const char *rec)
{
	size_t n = ps_audisp_queue_peek(q, out, sizeof(out));
	assert_int_equal(n, strlen(rec));
	assert_memory_equal(out, rec, n);
	ps_audisp_queue_pop(q);
}

static void test_order(void **state)
{
	(void)state;
	struct ps_audisp_queue q;
	assert_int_equal(ps_audisp_queue_init(&q, 64), 0);
	assert_int_equal(ps_audisp_queue_peek(&q, out, sizeof(out)), 0);
	ps_audisp_queue_push(&q, "one", 3);
	ps_audisp_queue_push(&q, "two", 3);
	expect_next(&q, "one");
	expect_next(&q, "two");
	assert_int_equal(ps_audisp_queue_peek(&q, out, sizeof(out)), 0);
	assert_int_equal(q.dropped, 0);
	ps_audisp_queue_pop(&q); /* empty: nothing happens */
	ps_audisp_queue_free(&q);
}

/* Records wrap around the ring's end, lengths included, and come out whole. */
static void test_wrap(void **state)
{
	(void)state;
	struct ps_audisp_queue q;
	char rec[32];
	assert_int_equal(ps_audisp_queue_init(&q, 37), 0); /* a prime: every offset is tried; two of the longest (4 + 13) fit */
	for (int i = 0; i < 200; i++) {
		int n = snprintf(rec, sizeof(rec), "rec-%d-%.*s", i, i % 6, "xxxxx");
		ps_audisp_queue_push(&q, rec, (size_t)n);
		if (i % 3 == 0)
			continue; /* let two queue up now and then */
		while (q.count)
			ps_audisp_queue_pop(&q);
	}
	assert_int_equal(q.dropped, 0);
	ps_audisp_queue_push(&q, "abcdefghijklmnop", 16);
	expect_next(&q, "abcdefghijklmnop");
	ps_audisp_queue_free(&q);
}

/* Full: the oldest go, counted, and the newest are kept in order. */
static void test_drop_oldest(void **state)
{
	(void)state;
	struct ps_audisp_queue q;
	char rec[16];
	assert_int_equal(ps_audisp_queue_init(&q, 40), 0); /* room for four of 4 + 6 bytes */
	for (int i = 0; i < 10; i++) {
		snprintf(rec, sizeof(rec), "rec-%02d", i);
		ps_audisp_queue_push(&q, rec, 6);
	}
	assert_int_equal(q.count, 4);
	assert_int_equal(q.dropped, 6);
	expect_next(&q, "rec-06");
	expect_next(&q, "rec-07");
	expect_next(&q, "rec-08");
	expect_next(&q, "rec-09");
	/* A larger record pushes out as many as it needs. */
	ps_audisp_queue_push(&q, "a", 1);
	ps_audisp_queue_push(&q, "b", 1);
	ps_audisp_queue_push(&q, "c", 1);
	ps_audisp_queue_push(&q, "0123456789012345678901234567", 28);
	assert_int_equal(q.dropped, 8);
	expect_next(&q, "c");
	expect_next(&q, "0123456789012345678901234567");
	/* One that cannot fit at all is dropped and leaves the queue alone. */
	ps_audisp_queue_push(&q, "kept", 4);
	char big[40] = { 0 };
	ps_audisp_queue_push(&q, big, sizeof(big));
	assert_int_equal(q.dropped, 9);
	expect_next(&q, "kept");
	ps_audisp_queue_free(&q);
	assert_int_equal(ps_audisp_queue_init(&q, 4), -EINVAL);
}

static void test_wire(void **state)
{
	(void)state;
	char buf[PS_AUDISP_DROP_MAX];
	const char *rec;
	size_t rec_len;
	uint64_t n;
	const uint64_t counts[] = { 0, 1, 42, 1000000, UINT64_MAX };
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		size_t len = ps_audisp_drop_msg(buf, counts[i]);
		assert_true(len <= PS_AUDISP_DROP_MAX);
		assert_int_equal(ps_audisp_parse(buf, len, &rec, &rec_len, &n), PS_AUDISP_DROPPED);
		assert_true(n == counts[i]);
	}
	const char *r = "type=USER_LOGIN msg=audit(1798675200.123:42): pid=1 uid=0";
	assert_int_equal(ps_audisp_parse(r, strlen(r), &rec, &rec_len, &n), PS_AUDISP_RECORD);
	assert_ptr_equal(rec, r);
	assert_int_equal(rec_len, strlen(r));

	static const struct {
		const char *s;
		size_t n;
	} bad[] = {
		{ "", 0 },
		{ "\0", 1 },
		{ "\0dropped ", 9 },
		{ "\0dropped 12x", 12 },
		{ "\0dropped -1", 11 },
		{ "\0dropped 01", 11 },
		{ "\0dropped 18446744073709551616", 29 }, /* UINT64_MAX + 1 */
		{ "\0dropped 123456789012345678901", 30 },
		{ "\0lost 5", 7 },
		{ "type=X msg=audit(1.2:3): a\nb", 28 },
		{ "type=X msg=audit(1.2:3): a\0b", 28 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ps_audisp_parse(bad[i].s, bad[i].n, &rec, &rec_len, &n), -EBADMSG);
	static char longest[PS_AUDISP_MAX + 1];
	memset(longest, 'a', sizeof(longest));
	assert_int_equal(ps_audisp_parse(longest, PS_AUDISP_MAX, &rec, &rec_len, &n), PS_AUDISP_RECORD);
	assert_int_equal(ps_audisp_parse(longest, PS_AUDISP_MAX + 1, &rec, &rec_len, &n), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_drop_oldest),
		cmocka_unit_test(test_wire),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
