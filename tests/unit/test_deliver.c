/* Alert delivery, without the network: the JSON reader, escaping per
 * channel, messages and templates, digests, backoff and Retry-After, and
 * the spool's recovery. test_channels.c has the requests each channel builds. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "sink/deliver/channels.h"
#include "sink/deliver/deadletter.h"
#include "sink/deliver/delivery.h"
#include "sink/deliver/retry.h"
#include "sink/deliver/spool.h"
#include "util/timeconv.h"

/* A user name with everything hostile: newline, markup, mentions, ANSI, bidi. */
#define HOSTILE "x\\n<b>&\\\"@everyone <!channel> *_`|\\u001b[31m\\u202e\\ud800"

static const char event_json[] =
	"{\"type\":\"event\",\"time\":\"2026-11-21T19:50:23.000000Z\",\"host\":\"web1\",\"kind\":\"auth_success\","
	"\"service\":\"sshd\",\"user\":\"" HOSTILE "\",\"src_ip\":\"203.0.113.7\",\"method\":\"password\"}\n";

static const char alert_json[] =
	"{\"type\":\"alert\",\"id\":\"a-1\",\"rule\":\"ssh_bruteforce\",\"severity\":\"high\",\"time\":\"2026-11-21T19:50:23Z\","
	"\"host\":\"web1\",\"summary\":\"40 failed logins\",\"src_ip\":\"203.0.113.7\",\"count\":40,\"window_s\":300,"
	"\"mitre\":[\"T1110.001\"],\"events\":[{\"type\":\"event\",\"kind\":\"auth_failure\"}]}";

static char *text(struct ps_out *o)
{
	ps_out_putc(o, '\0');
	return o->buf;
}

static void test_jsonread(void **state)
{
	(void)state;
	struct ps_jobject o = { 0 };
	static const char *const bad[] = {
		"", "{", "{\"a\":1,}", "{\"a\":01}", "{\"a\":\"x\ny\"}", "{\"a\":1,\"a\":2}", "[1]", "{\"a\":1} x",
		"{\"a\":\"\\x\"}", "{\"a\":tru}", "{\"a\":\"\xff\"}", "{\"a\":[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ps_jobject_read(&o, bad[i], strlen(bad[i])), -EBADMSG);
		ps_jobject_free(&o);
	}
	const char *good = " {\"s\":\"a\\u00e9\\ud83d\\ude00\\udc00\",\"n\":-1.5e3,\"o\":{\"k\":[1,true,null]}} ";
	assert_int_equal(ps_jobject_read(&o, good, strlen(good)), 0);
	struct ps_str s = ps_jobject_get(&o, "s", PS_J_STRING);
	assert_int_equal(s.n, 1 + 2 + 4 + 3);
	assert_memory_equal(s.p, "a\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbd", s.n);
	s = ps_jobject_get(&o, "n", PS_J_NUMBER);
	assert_true(ps_eq_lit(s, "-1.5e3"));
	s = ps_jobject_get(&o, "o", PS_J_OBJECT);
	assert_true(ps_eq_lit(s, "{\"k\":[1,true,null]}"));
	assert_false(ps_set(ps_jobject_get(&o, "n", PS_J_STRING)));
	/* Read again into the same object: the buffer is reused, grown for a
	 * longer text, and the earlier members are gone. */
	assert_int_equal(ps_jobject_read(&o, "{\"x\":\"y\"}", 9), 0);
	assert_int_equal(o.n, 1);
	assert_false(ps_set(ps_jobject_get(&o, "s", PS_J_STRING)));
	char big[600];
	memset(big, 'a', sizeof(big));
	memcpy(big, "{\"k\":\"", 6);
	memcpy(big + sizeof(big) - 2, "\"}", 2);
	assert_int_equal(ps_jobject_read(&o, big, sizeof(big)), 0);
	assert_int_equal(ps_jobject_get(&o, "k", PS_J_STRING).n, sizeof(big) - 8);
	ps_jobject_free(&o);
}

static void test_alert_parse(void **state)
{
	(void)state;
	struct ps_item a, b;
	assert_int_equal(ps_item_parse(&a, alert_json, strlen(alert_json)), 0);
	assert_true(a.is_alert);
	assert_int_equal(a.severity, PS_SEVERITY_HIGH);
	assert_string_equal(a.id, "a-1");
	ps_item_free(&a);
	assert_int_equal(ps_item_parse(&a, event_json, strlen(event_json)), 0);
	assert_false(a.is_alert);
	assert_int_equal(a.severity, PS_SEVERITY_INFO);
	/* The same text, the same id (the newline is not part of it). */
	assert_int_equal(ps_item_parse(&b, event_json, strlen(event_json) - 1), 0);
	assert_string_equal(a.id, b.id);
	assert_int_equal(strlen(a.id), 35);
	ps_item_free(&b);

	struct ps_channel_config ch = { .min_severity = PS_SEVERITY_LOW };
	assert_false(ps_item_routed(&ch, &a));
	ch.notify_logins = true;
	assert_true(ps_item_routed(&ch, &a));
	char *ex[] = { "auth_success", NULL };
	ch.exclude_kinds = ex;
	assert_false(ps_item_routed(&ch, &a));
	ps_item_free(&a);

	assert_int_equal(ps_item_parse(&a, "{\"type\":\"other\"}", 16), -EBADMSG);
	assert_int_equal(ps_item_parse(&a, alert_json, strlen(alert_json)), 0);
	ch = (struct ps_channel_config){ .min_severity = PS_SEVERITY_CRITICAL };
	assert_false(ps_item_routed(&ch, &a));
	ch.min_severity = PS_SEVERITY_HIGH;
	assert_true(ps_item_routed(&ch, &a));
	char *rules[] = { "other_rule", NULL };
	ch.include_rules = rules;
	assert_false(ps_item_routed(&ch, &a));
	ps_item_free(&a);
}

static void test_escapes(void **state)
{
	(void)state;
	struct ps_out o;
	ps_out_init_mem(&o);
	ps_esc_html(&o, PS_LIT("<b>&\"x'"));
	assert_string_equal(text(&o), "&lt;b&gt;&amp;&quot;x'");
	ps_out_reset(&o);
	ps_esc_mrkdwn(&o, PS_LIT("<!channel> & <@U1|x>"));
	assert_string_equal(text(&o), "&lt;!channel&gt; &amp; &lt;@U1|x&gt;");
	ps_out_reset(&o);
	ps_esc_markdown(&o, PS_LIT("@everyone **b** [l](u) `c`"));
	assert_string_equal(text(&o), "\\@everyone \\*\\*b\\*\\* \\[l\\]\\(u\\) \\`c\\`");
	ps_out_reset(&o);
	ps_esc_header(&o, PS_LIT("plain ascii"), "\r\n ", 9);
	assert_string_equal(text(&o), "plain ascii");
	ps_out_reset(&o);
	ps_esc_header(&o, PS_LIT("caf\xc3\xa9"), " ", 7);
	assert_string_equal(text(&o), "=?UTF-8?B?Y2Fmw6k=?=");
	ps_out_reset(&o);
	/* Long non-ASCII text: several words, each line at most 76 with "Subject: " before
	 * the first, none splitting a character. */
	char long_s[200];
	for (int i = 0; i < 50; i++)
		memcpy(long_s + 3 * i, "\xe2\x82\xac", 3); /* € */
	ps_esc_header(&o, ps_str(long_s, 150), "\r\n ", 9);
	char *t = text(&o), *w = t;
	int words = 0;
	while (w) {
		char *next = strstr(w, "\r\n ");
		size_t n = next ? (size_t)(next - w) : strlen(w);
		assert_true(n + (words ? 1 : 9) <= 76);
		assert_int_equal(((n - 12) / 4 * 3) % 3, 0);
		assert_int_equal((n - 12) % 4, 0);
		words++;
		w = next ? next + 3 : NULL;
	}
	assert_int_equal(words, 4);
	ps_out_free(&o);
}

/* The message as display text: controls visible, nothing raw. */
static void test_message(void **state)
{
	(void)state;
	struct ps_item a;
	assert_int_equal(ps_item_parse(&a, event_json, strlen(event_json)), 0);
	struct ps_channel_config ch = { .name = "t", .type = PS_CH_CONSOLE };
	struct ps_msg m = { .ch = &ch, .alert = &a, .id = a.id, .severity = a.severity };
	struct ps_out o;
	ps_out_init_mem(&o);
	static const struct ps_markup html = { .tag_open = "<b>", .tag_close = "</b>", .value_open = "<code>",
					       .value_close = "</code>", .esc = ps_esc_html };
	static const struct ps_markup mrkdwn = { .esc = ps_esc_mrkdwn };
	ps_msg_title(&o, &m, &html);
	/* The name is cut at 48 columns in a title ("…"); in full in the facts. */
	assert_string_equal(text(&o), "<b>[INFO]</b> Login: <code>x\\x0a&lt;b&gt;&amp;&quot;@everyone &lt;!channel&gt; *_`|\\x1b[31m\xe2\x80\xa6"
				      "</code> from <code>203.0.113.7</code> on <code>web1</code>");
	ps_out_reset(&o);
	ch.template = "{severity}: {user} {{literal}} {missing}{count}";
	ps_template_expand(&o, ch.template, &m, &mrkdwn);
	assert_string_equal(text(&o), "info: x\\x0a&lt;b&gt;&amp;\"@everyone &lt;!channel&gt; *_`|\\x1b[31m\\u202e\xef\xbf\xbd {literal} ");
	size_t at;
	assert_int_equal(ps_template_check("ok {user} {{x}}", &at), 0);
	assert_int_equal(ps_template_check("bad {user", &at), -EINVAL);
	assert_int_equal(at, 4);
	assert_int_equal(ps_template_check("bad {User}", &at), -EINVAL);
	assert_int_equal(ps_template_check("bad }", &at), -EINVAL);
	ps_out_free(&o);
	ps_item_free(&a);
}

static void test_digest(void **state)
{
	(void)state;
	struct ps_digest d;
	struct ps_item a;
	ps_digest_init(&d);
	char buf[256];
	for (int i = 0; i < 37; i++) {
		snprintf(buf, sizeof(buf), "{\"type\":\"event\",\"kind\":\"auth_failure\",\"src_ip\":\"203.0.113.7\",\"n\":%d}", i);
		assert_int_equal(ps_item_parse(&a, buf, strlen(buf)), 0);
		ps_digest_add(&d, &a, 1000000000000LL + (int64_t)i * 8000000);
		ps_item_free(&a);
	}
	const char *other = "{\"type\":\"alert\",\"rule\":\"r\",\"severity\":\"critical\"}";
	assert_int_equal(ps_item_parse(&a, other, strlen(other)), 0);
	ps_digest_add(&d, &a, 1000000000000LL);
	ps_item_free(&a);
	assert_int_equal(d.total, 38);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.severity, PS_SEVERITY_CRITICAL);
	struct ps_channel_config ch = { .name = "t" };
	struct ps_msg m = { .ch = &ch, .digest = &d, .id = "dg", .severity = d.severity };
	struct ps_out o;
	ps_out_init_mem(&o);
	assert_true(ps_msg_body(&o, &m, &ps_markup_plain));
	assert_string_equal(text(&o), "+37 more failed logins from 203.0.113.7 in the last 5 min\n+1 more r alerts in the last 5 min");
	ps_out_free(&o);
	/* Past the group table, items are still counted. */
	ps_digest_init(&d);
	for (int i = 0; i < PS_DIGEST_GROUPS + 3; i++) {
		snprintf(buf, sizeof(buf), "{\"type\":\"event\",\"kind\":\"auth_failure\",\"src_ip\":\"192.0.2.%d\"}", i);
		assert_int_equal(ps_item_parse(&a, buf, strlen(buf)), 0);
		ps_digest_add(&d, &a, 0);
		ps_item_free(&a);
	}
	assert_int_equal(d.n, PS_DIGEST_GROUPS);
	assert_int_equal(d.other, 3);
}

static void test_retry(void **state)
{
	(void)state;
	assert_int_equal(ps_backoff_us(1, 0), 1000000);
	assert_true(ps_backoff_us(1, UINT32_MAX) - 500000 <= 1);
	assert_int_equal(ps_backoff_us(4, 0), 8000000);
	assert_int_equal(ps_backoff_us(40, 0), PS_BACKOFF_MAX_US);
	assert_true(ps_backoff_us(40, UINT32_MAX) >= PS_BACKOFF_MAX_US / 2);

	assert_int_equal(ps_retry_after_us(PS_LIT("7"), PS_STR_NULL, 0), 7000000);
	assert_int_equal(ps_retry_after_us(PS_LIT(" 2 "), PS_STR_NULL, 0), 2000000);
	assert_int_equal(ps_retry_after_us(PS_LIT("Sun, 06 Nov 1994 08:49:37 GMT"), PS_STR_NULL, 784111770), 7000000);
	assert_int_equal(ps_retry_after_us(PS_LIT("Sun, 06 Nov 1994 08:49:37 GMT"), PS_STR_NULL, 784111790), 0);
	assert_int_equal(ps_retry_after_us(PS_LIT("soon"), PS_STR_NULL, 0), -1);
	assert_int_equal(ps_retry_after_us(PS_LIT("99999999"), PS_STR_NULL, 0), PS_RETRY_AFTER_MAX_US);
	/* Telegram and Discord bodies */
	assert_int_equal(ps_retry_after_us(PS_LIT(""),
					   PS_LIT("{\"ok\":false,\"error_code\":429,\"parameters\":{\"retry_after\":3}}"), 0),
			 3000000);
	assert_int_equal(ps_retry_after_us(PS_STR_NULL, PS_LIT("{\"message\":\"x\",\"retry_after\":0.25,\"global\":false}"), 0),
			 250000);
	assert_int_equal(ps_retry_after_us(PS_STR_NULL, PS_LIT("not json"), 0), -1);

	assert_int_equal(ps_http_class(200), PS_SENT);
	assert_int_equal(ps_http_class(204), PS_SENT);
	assert_int_equal(ps_http_class(429), PS_RETRY);
	assert_int_equal(ps_http_class(503), PS_RETRY);
	assert_int_equal(ps_http_class(0), PS_RETRY);
	assert_int_equal(ps_http_class(400), PS_DEAD);
	assert_int_equal(ps_http_class(404), PS_DEAD);
	assert_int_equal(ps_http_class(301), PS_DEAD);
	assert_int_equal(ps_smtp_class(450), PS_RETRY);
	assert_int_equal(ps_smtp_class(550), PS_DEAD);

	struct ps_bucket b;
	ps_bucket_init(&b, 2, 10, 0);
	assert_int_equal(ps_bucket_wait(&b, 0), 0);
	ps_bucket_take(&b, 0);
	ps_bucket_take(&b, 0);
	int64_t w = ps_bucket_wait(&b, 0);
	assert_true(w >= 5000000 && w <= 5000001);
	assert_int_equal(ps_bucket_wait(&b, 5000001), 0);
}

struct seen {
	char ids[8][PS_ITEM_ID_MAX + 1];
	uint64_t seqs[8];
	size_t n;
};

static void collect(const struct ps_spool_item *it, void *arg)
{
	struct seen *s = arg;
	if (s->n < 8) {
		snprintf(s->ids[s->n], sizeof(s->ids[0]), "%s", it->id);
		s->seqs[s->n++] = it->seq;
	}
}

static void test_spool(void **state)
{
	(void)state;
	char dir[] = "/tmp/ps-spool-XXXXXX", path[64];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/c.q", dir);
	struct ps_spool *s;
	struct seen seen = { 0 };
	uint64_t next;
	size_t cut;
	assert_int_equal(ps_spool_open(&s, path, collect, &seen, &next, &cut), 0);
	assert_int_equal(seen.n, 0);
	assert_int_equal(next, 1);
	ps_spool_add(s, 1, 10, "one", "{\"a\":1}", 7);
	ps_spool_add(s, 2, 11, "two", "{\"a\":\n2}", 8);
	ps_spool_add(s, 3, 12, "three", "{}", 2);
	ps_spool_done(s, 1);
	assert_int_equal(ps_spool_sync(s), 0);
	ps_spool_close(s);
	/* A torn last record: a crash in the middle of an append. */
	int fd = open(path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "+4 13 four 100 123\n{\"trunc", 26), 26);
	close(fd);
	assert_int_equal(ps_spool_open(&s, path, collect, &seen, &next, &cut), 0);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.ids[0], "two");
	assert_string_equal(seen.ids[1], "three");
	assert_int_equal(seen.seqs[1], 3);
	assert_int_equal(cut, 26);
	assert_int_equal(next, 4);
	ps_spool_close(s);
	/* Rewritten with only the pending items; a corrupt body (CRC) ends the file there too. */
	seen.n = 0;
	assert_int_equal(ps_spool_open(&s, path, collect, &seen, &next, &cut), 0);
	assert_int_equal(seen.n, 2);
	assert_int_equal(cut, 0);
	ps_spool_done(s, 2);
	ps_spool_done(s, 3);
	assert_int_equal(ps_spool_clear(s), 0);
	ps_spool_close(s);
	seen.n = 0;
	assert_int_equal(ps_spool_open(&s, path, collect, &seen, &next, &cut), 0);
	assert_int_equal(seen.n, 0);
	ps_spool_add(s, 9, 1, "x", "{\"b\":2}", 7);
	ps_spool_sync(s);
	ps_spool_close(s);
	fd = open(path, O_RDWR);
	assert_int_equal(pwrite(fd, "3", 1, 20), 1); /* inside the body */
	close(fd);
	assert_int_equal(ps_spool_open(&s, path, collect, &seen, &next, &cut), 0);
	assert_int_equal(seen.n, 0);
	assert_true(cut > 0);
	ps_spool_close(s);
	unlink(path);
	rmdir(dir);
}

/* Past max_size the log becomes .1, .1 becomes .2, and the oldest goes. */
static void test_deadletter_rotation(void **state)
{
	(void)state;
	char dir[] = "/tmp/ps-dl-XXXXXX", path[64];
	assert_non_null(mkdtemp(dir));
	struct ps_deadletter dl;
	assert_int_equal(ps_deadletter_init(&dl, dir, 100, 2), 0);
	char line[64];
	for (int i = 1; i <= 9; i++) {
		int n = snprintf(line, sizeof(line), "{\"n\":%d,\"pad\":\"%040d\"}\n", i, 0); /* 60 bytes */
		assert_int_equal(ps_deadletter_write(&dl, line, (size_t)n), 0);
	}
	ps_deadletter_close(&dl);
	/* 60-byte lines, 100 bytes at most: one line per file; 9 now, 8 and 7 kept. */
	static const char *const want[] = { "", ".1", ".2" };
	for (int k = 0; k < 3; k++) {
		snprintf(path, sizeof(path), "%s/deadletter.jsonl%s", dir, want[k]);
		FILE *f = fopen(path, "r");
		assert_non_null(f);
		assert_non_null(fgets(line, sizeof(line), f));
		fclose(f);
		char n[16];
		snprintf(n, sizeof(n), "{\"n\":%d,", 9 - k);
		assert_memory_equal(line, n, strlen(n));
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/deadletter.jsonl.3", dir);
	assert_int_equal(access(path, F_OK), -1);
	/* keep 0: emptied instead. */
	assert_int_equal(ps_deadletter_init(&dl, dir, 100, 0), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(ps_deadletter_write(&dl, "{\"pad\":\"0123456789012345678901234567890123456789\"}\n", 51), 0);
	ps_deadletter_close(&dl);
	snprintf(path, sizeof(path), "%s/deadletter.jsonl", dir);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 51);
	unlink(path);
	snprintf(path, sizeof(path), "%s/deadletter.jsonl.1", dir);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(rmdir(dir), 0);
}

/*
 * An alert queued two days ago (a spool left by an earlier run) for a
 * channel with max_age 1h goes to the dead-letter log at start, saying
 * why, and is counted; one queued now stays queued.
 */
static void test_max_age(void **state)
{
	(void)state;
	char dir[] = "/tmp/ps-age-XXXXXX", path[128];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/spool", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/spool/old.q", dir);
	struct ps_spool *s;
	struct seen seen = { 0 };
	uint64_t next;
	size_t cut;
	assert_int_equal(ps_spool_open(&s, path, collect, &seen, &next, &cut), 0);
	int64_t now = ps_realtime_us();
	static const char old_json[] = "{\"type\":\"alert\",\"id\":\"a-old\",\"rule\":\"r\",\"severity\":\"high\"}";
	static const char new_json[] = "{\"type\":\"alert\",\"id\":\"a-new\",\"rule\":\"r\",\"severity\":\"high\"}";
	ps_spool_add(s, 1, now - 2 * 86400 * 1000000LL, "a-old", old_json, strlen(old_json));
	ps_spool_add(s, 2, now, "a-new", new_json, strlen(new_json));
	assert_int_equal(ps_spool_sync(s), 0);
	ps_spool_close(s);

	/* A receiver that is never there (the discard port, nothing listens): the new one waits. */
	struct ps_channel_config ch = { .name = "old", .type = PS_CH_WEBHOOK, .url = "http://127.0.0.1:9/x",
					.timeout_s = 1, .max_queue = 10, .max_age_s = 3600, .min_severity = PS_SEVERITY_LOW };
	struct ps_config cfg = { .state_dir = dir, .channels = &ch, .n_channels = 1, .deadletter_max_size = 1 << 20,
				 .deadletter_keep = 1 };
	struct ps_delivery *d;
	struct ps_delivery_counters c;
	assert_int_equal(ps_delivery_start(&d, &cfg), 0);
	for (int i = 0; i < 500; i++) {
		ps_delivery_counters(d, &c);
		if (c.dead)
			break;
		usleep(10000);
	}
	ps_delivery_stop(d);
	assert_int_equal(c.dead, 1);
	assert_int_equal(c.expired, 1);
	snprintf(path, sizeof(path), "%s/deadletter.jsonl", dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char line[4096];
	assert_non_null(fgets(line, sizeof(line), f));
	assert_null(fgets(line + 2048, 2048, f)); /* one line */
	fclose(f);
	assert_non_null(strstr(line, "\"channel\":\"old\",\"type\":\"webhook\",\"id\":\"a-old\",\"attempts\":0,\"code\":0,"
				     "\"error\":\"not delivered within max_age (3600s) after 0 attempt(s)\""));
	assert_non_null(strstr(line, ",\"alert\":{\"type\":\"alert\",\"id\":\"a-old\""));
	/* The spool keeps only the one still to deliver. */
	memset(&seen, 0, sizeof(seen));
	snprintf(path, sizeof(path), "%s/spool/old.q", dir);
	assert_int_equal(ps_spool_open(&s, path, collect, &seen, &next, &cut), 0);
	ps_spool_close(s);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.ids[0], "a-new");
	unlink(path);
	snprintf(path, sizeof(path), "%s/spool", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/deadletter.jsonl", dir);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jsonread), cmocka_unit_test(test_alert_parse), cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_message),  cmocka_unit_test(test_digest),      cmocka_unit_test(test_retry),
		cmocka_unit_test(test_spool),
		cmocka_unit_test(test_deadletter_rotation), cmocka_unit_test(test_max_age),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
