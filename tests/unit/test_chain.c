/*
 * The event log's hash chain: the exact bytes (against values computed
 * with Python's hashlib and hmac), parsing a record's chain members, the
 * writer's rotation and crash recovery, where the chain goes on at open,
 * and pamsignal verify's checker on every kind of tampering.
 */
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

#include "sink/chain.h"
#include "sink/chain_resume.h"
#include "sink/chain_verify.h"
#include "sink/eventlog.h"

#define ZEROS "0000000000000000000000000000000000000000000000000000000000000000"

/* Seal body ("{...}" without its newline) after head. Returns the line (static, with "\n"). */
static const char *seal(struct ps_chain *c, struct ps_chain_head *head, const char *body, bool opens)
{
	static char line[1024];
	struct ps_out o;
	ps_out_init_mem(&o);
	ps_out_puts(&o, body);
	ps_out_puts(&o, "\n");
	ps_chain_seal(c, head, &o, 0, opens);
	assert_int_equal(o.error, 0);
	assert_true(o.len < sizeof(line));
	memcpy(line, o.buf, o.len);
	line[o.len] = '\0';
	ps_out_free(&o);
	return line;
}

static void test_known_values(void **state)
{
	(void)state;
	struct ps_chain *c;
	struct ps_chain_head h = { 0 };
	assert_int_equal(ps_chain_new(&c, NULL, 0), 0);
	assert_string_equal(seal(c, &h, "{\"type\":\"event\",\"user\":\"a\"}", true),
			    "{\"type\":\"event\",\"user\":\"a\",\"seq\":1,\"prev\":\"" ZEROS "\","
			    "\"hash\":\"45f5c48990d3f835ebc144f80428a4df9855596a950d13e5fa08b8dade49c9a3\"}\n");
	assert_string_equal(seal(c, &h, "{\"type\":\"event\",\"user\":\"b\"}", false),
			    "{\"type\":\"event\",\"user\":\"b\",\"seq\":2,"
			    "\"hash\":\"a19e901b860302e70c999c6a9d319335280e5a526a914b9d26de2b23f290a3ad\"}\n");
	assert_int_equal(h.seq, 2);
	assert_false(h.keyed);
	ps_chain_free(c);

	assert_int_equal(ps_chain_new(&c, "test-key", 8), 0);
	h = (struct ps_chain_head){ 0 };
	assert_string_equal(seal(c, &h, "{\"type\":\"event\",\"user\":\"a\"}", true),
			    "{\"type\":\"event\",\"user\":\"a\",\"seq\":1,\"prev\":\"" ZEROS "\","
			    "\"hmac\":\"29bb167e7f9c8dbb3e6871c50199ea1f35a98da927b2f05091e1338d43c2e6f7\"}\n");
	assert_true(h.keyed);
	ps_chain_free(c);
}

static void test_seal_refuses_a_non_record(void **state)
{
	(void)state;
	struct ps_chain *c;
	struct ps_chain_head h = { 0 };
	struct ps_out o;
	assert_int_equal(ps_chain_new(&c, NULL, 0), 0);
	ps_out_init_mem(&o);
	ps_out_puts(&o, "{\"no\":\"newline\"}");
	ps_chain_seal(c, &h, &o, 0, false);
	assert_int_equal(o.error, -EINVAL);
	assert_int_equal(h.seq, 0);
	ps_out_free(&o);
	ps_chain_free(c);
}

static int parse(const char *line, struct ps_chain_record *r)
{
	size_t n = strlen(line);
	if (n && line[n - 1] == '\n')
		n--;
	return ps_chain_parse(ps_str(line, n), r);
}

static void test_parse(void **state)
{
	(void)state;
	struct ps_chain_record r;
	const char *h = "45f5c48990d3f835ebc144f80428a4df9855596a950d13e5fa08b8dade49c9a3";
	char line[512];

	snprintf(line, sizeof(line), "{\"a\":1,\"seq\":18446744073709551615,\"prev\":\"%s\",\"hmac\":\"%s\"}", ZEROS, h);
	assert_int_equal(parse(line, &r), 0);
	assert_int_equal(r.seq, UINT64_MAX);
	assert_true(r.keyed && r.has_prev);
	assert_int_equal(r.body.n, strlen(line) - 75);
	assert_int_equal(r.value[0], 0x45);

	snprintf(line, sizeof(line), "{\"a\":1,\"seq\":7,\"hash\":\"%s\"}", h);
	assert_int_equal(parse(line, &r), 0);
	assert_int_equal(r.seq, 7);
	assert_false(r.keyed || r.has_prev);

	/* Only the exact form is a record. */
#define H "45f5c48990d3f835ebc144f80428a4df9855596a950d13e5fa08b8dade49c9a3"
	static const char *const bad[] = {
		"{\"seq\":07,\"hash\":\"" H "\"}",         /* leading zero */
		"{\"seq\":0,\"hash\":\"" H "\"}",          /* no seq 0 */
		"{\"seq\": 7,\"hash\":\"" H "\"}",         /* a space */
		"{\"seq\":7, \"hash\":\"" H "\"}",
		"{\"seq\":7,\"hash\":\"" H "\" }",
		"{\"seq\":7,\"hash\":\"" H "\"}\r",       /* a carriage return */
		"{\"seq\":7,\"hash\":\"" H "0\"}",        /* a digit too many */
		"{\"seq\":7,\"sha\":\"" H "\"}",
		"{\"seq\":-7,\"hash\":\"" H "\"}",
		"{\"seq\":18446744073709551616,\"hash\":\"" H "\"}", /* past 2^64-1 */
		"{\"sequence\":7,\"hash\":\"" H "\"}",
		"{\"seq\":7,\"hash\":\"45F5c48990d3f835ebc144f80428a4df9855596a950d13e5fa08b8dade49c9a3\"}",
		"{\"seq\":7,\"prev\":\"" ZEROS "X\",\"hash\":\"" H "\"}",
		"",
		"\"}",
	};
#undef H
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse(bad[i], &r) == 0)
			fail_msg("parsed: %s", bad[i]);
}

/* ---- the verifier over lines made here ---- */

#define MAX_LINES 64

struct log {
	char *line[MAX_LINES]; /* each with its newline */
	size_t n;
};

/* n records {"n":I}, I from 1, chained with key (NULL: plain); a new file (prev) at each index in opens. */
static void make_log(struct log *l, const char *key, size_t n, const char *tag)
{
	struct ps_chain *c;
	struct ps_chain_head h = { 0 };
	char body[128];
	assert_int_equal(ps_chain_new(&c, key, key ? strlen(key) : 0), 0);
	l->n = n;
	for (size_t i = 0; i < n; i++) {
		snprintf(body, sizeof(body), "{\"type\":\"event\",\"n\":%zu,\"tag\":\"%s\"}", i + 1, tag);
		l->line[i] = strdup(seal(c, &h, body, i == 0 || i == 10));
	}
	ps_chain_free(c);
}

static void free_log(struct log *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->line[i]);
}

/*
 * Check lines as files: a new one starts at each index in starts (after
 * 0), with keys; the report in out. Returns the problems, or -1 when a key
 * was missing.
 */
static long check(char **lines, size_t n, const size_t *starts, size_t n_starts, const char *const *keys,
		  size_t n_keys, const char *anchor, uint64_t anchor_seq, char *out, size_t size)
{
	struct ps_verify *v;
	struct ps_str k[4] = { 0 };
	for (size_t i = 0; i < n_keys; i++)
		k[i] = ps_cstr(keys[i]);
	assert_int_equal(ps_verify_new(&v, k, n_keys), 0);
	if (anchor) {
		unsigned char value[PS_CHAIN_LEN];
		assert_true(ps_chain_hex(ps_cstr(anchor), value));
		assert_int_equal(ps_verify_anchor(v, anchor_seq, value, "the anchor"), 0);
	}
	size_t f = 0;
	unsigned files = 0;
	long problems = 0;
	char name[32];
	for (size_t i = 0; i < n && problems == 0; i++) {
		if (i == 0 || (f < n_starts && starts[f] == i)) {
			if (i > 0) {
				assert_int_equal(ps_verify_feed_end(v), 0);
				f++;
			}
			snprintf(name, sizeof(name), "f%u", files++);
			assert_int_equal(ps_verify_file(v, name), 0);
		}
		/* In two pieces: the splitting into lines must not care. */
		size_t len = strlen(lines[i]), half = len / 2;
		if (ps_verify_feed(v, lines[i], half) == -ENOKEY || ps_verify_feed(v, lines[i] + half, len - half) == -ENOKEY)
			problems = -1;
	}
	if (problems == 0 && ps_verify_feed_end(v) == -ENOKEY)
		problems = -1;
	if (problems == 0) {
		ps_verify_end(v);
		problems = (long)ps_verify_problems(v);
	}
	struct ps_out o;
	ps_out_init_mem(&o);
	ps_verify_print(v, &o);
	snprintf(out, size, "%.*s", (int)o.len, o.buf);
	ps_out_free(&o);
	ps_verify_free(v);
	return problems;
}

#define REPORT_SIZE 8192
static char report[REPORT_SIZE];

static long check_plain(char **lines, size_t n)
{
	static const size_t starts[] = { 10 };
	return check(lines, n, starts, 1, NULL, 0, NULL, 0, report, sizeof(report));
}

#define assert_reported(s)                                                                  \
	do {                                                                                \
		if (!strstr(report, (s)))                                                   \
			fail_msg("expected \"%s\" in:\n%s", (s), report);                    \
	} while (0)

static void test_verify_intact(void **state)
{
	(void)state;
	struct log l;
	make_log(&l, NULL, 20, "x");
	assert_int_equal(check_plain(l.line, l.n), 0);
	assert_reported("intact: 20 records, seq 1-20, SHA-256; head 20:");
	/* The second file alone: it starts with "prev", so it is checked whole. */
	assert_int_equal(check(l.line + 10, 10, NULL, 0, NULL, 0, NULL, 0, report, sizeof(report)), 0);
	assert_reported("note: f0:1: the chain starts at seq 11");
	free_log(&l);
}

static void test_verify_edit(void **state)
{
	(void)state;
	struct log l;
	make_log(&l, NULL, 20, "x");
	char *p = strstr(l.line[4], "\"n\":5");
	p[4] = '6'; /* one byte of the body */
	assert_int_equal(check_plain(l.line, l.n), 1);
	assert_reported("f0:5: seq 5: the hash does not match: the record was altered");
	p[4] = '5';
	p = strstr(l.line[6], "\"hash\":\"") + 8;
	*p = *p == 'a' ? 'b' : 'a'; /* one byte of the hash member */
	assert_int_equal(check_plain(l.line, l.n), 1);
	assert_reported("f0:7: seq 7: its \"hash\" member was altered");
	*p = 'A'; /* an upper-case digit: not a record at all */
	assert_int_equal(check_plain(l.line, l.n), 2);
	assert_reported("f0:7: not a chained record");
	free_log(&l);
}

static void test_verify_delete_insert(void **state)
{
	(void)state;
	struct log l;
	make_log(&l, NULL, 20, "x");
	char *lines[MAX_LINES];

	/* delete line 6 */
	memcpy(lines, l.line, 5 * sizeof(char *));
	memcpy(lines + 5, l.line + 6, 14 * sizeof(char *));
	static const size_t nine[] = { 9 };
	assert_int_equal(check(lines, 19, nine, 1, NULL, 0, NULL, 0, report, sizeof(report)), 1);
	assert_reported("f0:6: seq 7 follows seq 5 (f0:5): record 6 is missing: deleted");

	/* insert an unchained line, and hostile bytes in it are never echoed */
	char junk[] = "{\"type\":\"event\",\"user\":\"\x1b[31mroot\xff\"}\n";
	memcpy(lines, l.line, 3 * sizeof(char *));
	lines[3] = junk;
	memcpy(lines + 4, l.line + 3, 17 * sizeof(char *));
	static const size_t eleven[] = { 11 };
	assert_int_equal(check(lines, 21, eleven, 1, NULL, 0, NULL, 0, report, sizeof(report)), 1);
	assert_reported("f0:4: not a chained record (no \"seq\" and \"hash\" at the end): inserted, or damaged");
	assert_null(strchr(report, '\x1b'));

	/* insert a copy of an earlier record */
	memcpy(lines, l.line, 8 * sizeof(char *));
	lines[8] = l.line[2];
	memcpy(lines + 9, l.line + 8, 12 * sizeof(char *));
	assert_int_equal(check(lines, 21, eleven, 1, NULL, 0, NULL, 0, report, sizeof(report)), 1);
	assert_reported("f0:9: seq 3 comes after seq 8 (f0:8): out of order");
	free_log(&l);
}

static void test_verify_reorder_and_swap(void **state)
{
	(void)state;
	struct log l;
	make_log(&l, NULL, 20, "x");
	char *lines[MAX_LINES];
	memcpy(lines, l.line, 20 * sizeof(char *));
	lines[4] = l.line[5];
	lines[5] = l.line[4];
	assert_int_equal(check_plain(lines, 20), 1);
	assert_reported("f0:5: seq 6 follows seq 4 (f0:4): seq 5 is out of place, at f0:6: records reordered");

	/* the two files the other way round */
	memcpy(lines, l.line + 10, 10 * sizeof(char *));
	memcpy(lines + 10, l.line, 10 * sizeof(char *));
	assert_int_equal(check_plain(lines, 20), 1);
	assert_reported("f1:1-10: seq 1-10 come after seq 20 (f0:10): the files are in the wrong order");
	free_log(&l);
}

static void test_verify_splice_from_another_chain(void **state)
{
	(void)state;
	struct log l, other;
	make_log(&l, NULL, 20, "x");
	make_log(&other, NULL, 20, "y");
	char *lines[MAX_LINES];
	memcpy(lines, l.line, 20 * sizeof(char *));
	lines[13] = other.line[13]; /* the same seq, from another log */
	assert_true(check_plain(lines, 20) >= 1);
	/* The record after it chained to the true record: it does not match either. */
	assert_reported("f1:4-5: seq 14-15: the hash does not match (each record): the record was altered, or comes "
			"from another log");
	/* another log's file in place of the second file: its "prev" names another record */
	memcpy(lines + 10, other.line + 10, 10 * sizeof(char *));
	assert_int_equal(check_plain(lines, 20), 1);
	assert_reported("f1:1: seq 11: its \"prev\" is not the hash of seq 10 (f0:10): it comes from another log");
	free_log(&l);
	free_log(&other);
}

static void test_verify_truncation(void **state)
{
	(void)state;
	struct log l;
	make_log(&l, NULL, 20, "x");
	struct ps_chain_record last;
	char anchor[PS_CHAIN_HEX_SIZE];
	static const size_t ten[] = { 10 };
	assert_int_equal(parse(l.line[19], &last), 0);
	ps_chain_format_hex(last.value, anchor);

	/* The newest records cut off: only an anchor shows it. */
	assert_int_equal(check(l.line, 17, ten, 1, NULL, 0, NULL, 0, report, sizeof(report)), 0);
	assert_int_equal(check(l.line, 17, ten, 1, NULL, 0, anchor, 20, report, sizeof(report)), 1);
	assert_reported("the chain ends at seq 17 (f1:7), but the anchor has seq 20: records 18-20 were cut off the end");
	assert_int_equal(check(l.line, 20, ten, 1, NULL, 0, anchor, 20, report, sizeof(report)), 0);
	assert_reported("note: f1:10: seq 20 matches the anchor");
	assert_int_equal(check(l.line, 20, ten, 1, NULL, 0, anchor, 19, report, sizeof(report)), 1);
	assert_reported("f1:9: seq 19: its hash is not the one the anchor has");

	/* The end of the older file cut: the next file shows it. */
	char *lines[MAX_LINES];
	memcpy(lines, l.line, 8 * sizeof(char *));
	memcpy(lines + 8, l.line + 10, 10 * sizeof(char *));
	static const size_t eight[] = { 8 };
	assert_int_equal(check(lines, 18, eight, 1, NULL, 0, NULL, 0, report, sizeof(report)), 1);
	assert_reported("f1:1: seq 11 follows seq 8 (f0:8): records 9-10 are missing: the end of the file before was cut");

	/* Cut in the middle of a line. */
	char half[64];
	snprintf(half, sizeof(half), "%.40s", l.line[9]);
	lines[8] = l.line[8];
	lines[9] = half;
	memcpy(lines + 10, l.line + 10, 10 * sizeof(char *));
	assert_int_equal(check(lines, 20, ten, 1, NULL, 0, NULL, 0, report, sizeof(report)), 2);
	assert_reported("f0:10: incomplete record (no newline at the end of the file)");

	/* The start of the first file removed: its first record has no "prev". */
	assert_int_equal(check(l.line + 2, 18, eight, 1, NULL, 0, NULL, 0, report, sizeof(report)), 1);
	assert_reported("f0:1: seq 3: the first record has no \"prev\"");
	free_log(&l);
}

static void test_verify_keys(void **state)
{
	(void)state;
	struct log l, old;
	make_log(&l, "right key", 20, "x");
	static const size_t ten[] = { 10 };
	static const char *const right[] = { "right key" }, *const wrong[] = { "wrong key" };

	assert_int_equal(check(l.line, 20, ten, 1, right, 1, NULL, 0, report, sizeof(report)), 0);
	assert_reported("intact: 20 records, seq 1-20, HMAC-SHA256");
	assert_int_equal(check(l.line, 20, ten, 1, wrong, 1, NULL, 0, report, sizeof(report)), 1);
	assert_reported("f0:1-f1:10: seq 1-20: the HMAC does not match (each record): altered, from another log, or "
			"the key is wrong");
	assert_int_equal(check(l.line, 20, ten, 1, NULL, 0, NULL, 0, report, sizeof(report)), -1);
	assert_reported("f0:1: seq 1 is keyed (\"hmac\"): give the key with --key-file");

	/* A plain chain where a key is given: anyone could have rewritten it. */
	make_log(&old, NULL, 20, "x");
	assert_int_equal(check(old.line, 20, ten, 1, right, 1, NULL, 0, report, sizeof(report)), 1);
	assert_reported("f0:1-f1:10: seq 1-20: not keyed");

	/* The key changed at the second file: both keys given. */
	free_log(&old);
	make_log(&old, "old key", 20, "x");
	char *lines[MAX_LINES];
	memcpy(lines, old.line, 10 * sizeof(char *));
	memcpy(lines + 10, l.line + 10, 10 * sizeof(char *));
	static const char *const both[] = { "old key", "right key" };
	assert_int_equal(check(lines, 20, ten, 1, both, 2, NULL, 0, report, sizeof(report)), 1);
	/* The chains differ before the change, so the second file's "prev" does not match. */
	assert_reported("f1:1: seq 11: its \"prev\" is not the hash of seq 10");
	assert_reported("note: f1:1: seq 11 is keyed with another of the keys given");
	free_log(&l);
	free_log(&old);
}

static void test_verify_odd_input(void **state)
{
	(void)state;
	struct ps_verify *v;
	assert_int_equal(ps_verify_new(&v, NULL, 0), 0);
	assert_int_equal(ps_verify_file(v, "name\x1b[2Jwith\nescapes"), 0);
	/* A line longer than the cap, in pieces, then a record-looking line. */
	static char big[1024 * 1024];
	memset(big, 'x', sizeof(big));
	for (size_t i = 0; i < PS_VERIFY_MAX_LINE / sizeof(big) + 1; i++)
		assert_int_equal(ps_verify_feed(v, big, sizeof(big)), 0);
	assert_int_equal(ps_verify_feed(v, "\n\n\n", 3), 0);
	assert_int_equal(ps_verify_feed_end(v), 0);
	ps_verify_end(v);
	struct ps_out o;
	ps_out_init_mem(&o);
	ps_verify_print(v, &o);
	ps_out_putc(&o, '\0');
	assert_non_null(strstr(o.buf, "a line too long to check"));
	assert_null(strchr(o.buf, '\x1b')); /* the file name is escaped */
	assert_non_null(strstr(o.buf, "TAMPERED"));
	ps_out_free(&o);
	ps_verify_free(v);

	/* Nothing at all: intact, no records. */
	assert_int_equal(ps_verify_new(&v, NULL, 0), 0);
	ps_verify_end(v);
	assert_int_equal(ps_verify_problems(v), 0);
	ps_verify_free(v);
}

/* ---- the writer ---- */

static char dir[] = "/tmp/ps-chain-XXXXXX";

static int setup_dir(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/ps-chain-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void add_user(struct ps_eventlog *el, const char *user)
{
	struct ps_event ev;
	ps_event_init(&ev);
	ev.kind = PS_KIND_AUTH_FAILURE;
	ev.user = ps_cstr(user);
	ps_eventlog_add(el, &ev);
}

/* Check the log at path and rotations up to path.keep with the verifier; returns problems. */
static long check_files(const char *path, unsigned keep, const char *key)
{
	struct ps_verify *v;
	struct ps_str k = key ? ps_cstr(key) : PS_STR_NULL;
	char name[300], buf[4096];
	assert_int_equal(ps_verify_new(&v, &k, key ? 1 : 0), 0);
	for (unsigned n = keep + 1; n-- > 0;) {
		if (n)
			snprintf(name, sizeof(name), "%s.%u", path, n);
		else
			snprintf(name, sizeof(name), "%s", path);
		int fd = open(name, O_RDONLY);
		if (fd < 0)
			continue;
		assert_int_equal(ps_verify_file(v, name), 0);
		ssize_t got;
		while ((got = read(fd, buf, sizeof(buf))) > 0)
			assert_int_equal(ps_verify_feed(v, buf, (size_t)got), 0);
		close(fd);
		assert_int_equal(ps_verify_feed_end(v), 0);
	}
	ps_verify_end(v);
	struct ps_out o;
	ps_out_init_mem(&o);
	ps_verify_print(v, &o);
	snprintf(report, sizeof(report), "%.*s", (int)o.len, o.buf);
	ps_out_free(&o);
	long problems = (long)ps_verify_problems(v);
	ps_verify_free(v);
	return problems;
}

static size_t count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;
	int c;
	if (!f)
		return 0;
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static void test_eventlog_rotation_keeps_the_chain(void **state)
{
	(void)state;
	char path[256], name[300];
	struct ps_chain *c;
	struct ps_eventlog *el;
	snprintf(path, sizeof(path), "%s/rot/events.jsonl", dir);
	assert_int_equal(ps_chain_new(&c, NULL, 0), 0);
	assert_int_equal(ps_eventlog_open(&el, path, 2000, 20, NULL, c), 0);
	/* 60 records in 3 batches: several rotations in one flush */
	for (int i = 0; i < 60; i++) {
		add_user(el, "someone");
		if (i % 20 == 19)
			assert_int_equal(ps_eventlog_flush(el), 0);
	}
	ps_eventlog_close(el);
	struct stat st;
	unsigned files = 0;
	for (unsigned n = 1; n <= 20; n++) {
		snprintf(name, sizeof(name), "%s.%u", path, n);
		if (stat(name, &st) == 0) {
			files++;
			assert_true(st.st_size <= 2000);
			FILE *f = fopen(name, "r");
			char first[1024];
			assert_non_null(fgets(first, sizeof(first), f));
			fclose(f);
			assert_non_null(strstr(first, "\"prev\":\"")); /* every file opens with prev */
		}
	}
	if (files < 4)
		fail_msg("%u files", files);
	assert_int_equal(check_files(path, 20, NULL), 0);
	assert_reported("intact: 60 records, seq 1-60");

	/* A keyed chain now: it goes on in a new file, seq continuing. */
	ps_chain_free(c);
	assert_int_equal(ps_chain_new(&c, "k", 1), 0);
	assert_int_equal(ps_eventlog_open(&el, path, 2000, 20, NULL, c), 0);
	assert_non_null(strstr(ps_eventlog_note(el), "keyed (hmac) now"));
	add_user(el, "keyed");
	assert_int_equal(ps_eventlog_flush(el), 0);
	ps_eventlog_close(el);
	assert_int_equal(count_lines(path), 1);
	assert_int_equal(check_files(path, 0, "k"), 0);
	assert_reported("seq 61");
	ps_chain_free(c);
}

static void test_eventlog_crash_keeps_the_chain(void **state)
{
	(void)state;
	char path[256];
	struct ps_chain *c;
	struct ps_eventlog *el;
	struct ps_eventlog_mark mark;
	snprintf(path, sizeof(path), "%s/crash/events.jsonl", dir);
	assert_int_equal(ps_chain_new(&c, NULL, 0), 0);
	assert_int_equal(ps_eventlog_open(&el, path, 1 << 20, 2, NULL, c), 0);
	add_user(el, "a");
	add_user(el, "b");
	assert_int_equal(ps_eventlog_flush(el), 0);
	ps_eventlog_get_mark(el, &mark); /* the checkpoint */
	assert_int_equal(mark.chain.seq, 2);
	/* Written after the checkpoint, then kill -9 with half a record on disk. */
	add_user(el, "c");
	add_user(el, "d");
	assert_int_equal(ps_eventlog_flush(el), 0);
	ps_eventlog_close(el);
	int fd = open(path, O_WRONLY | O_APPEND);
	assert_true(write(fd, "{\"type\":\"ev", 11) == 11);
	close(fd);

	/* Restart: cut back to the mark, and the chain goes on from the mark's record. */
	assert_int_equal(ps_eventlog_open(&el, path, 1 << 20, 2, &mark, c), 0);
	assert_null(ps_eventlog_note(el));
	struct ps_chain_head h;
	ps_eventlog_head(el, &h);
	assert_int_equal(h.seq, 2);
	assert_memory_equal(h.value, mark.chain.value, PS_CHAIN_LEN);
	add_user(el, "c again");
	assert_int_equal(ps_eventlog_flush(el), 0);
	ps_eventlog_close(el);
	assert_int_equal(count_lines(path), 3);
	assert_int_equal(check_files(path, 2, NULL), 0);

	/* Without a mark (no checkpoint yet): a torn last line is cut, the chain goes on from the last record. */
	fd = open(path, O_WRONLY | O_APPEND);
	assert_true(write(fd, "{\"torn", 6) == 6);
	close(fd);
	assert_int_equal(ps_eventlog_open(&el, path, 1 << 20, 2, NULL, c), 0);
	assert_non_null(strstr(ps_eventlog_note(el), "cut an incomplete last record (6 bytes)"));
	add_user(el, "e");
	assert_int_equal(ps_eventlog_flush(el), 0);
	ps_eventlog_get_mark(el, &mark);
	ps_eventlog_close(el);
	assert_int_equal(check_files(path, 2, NULL), 0);
	assert_reported("intact: 4 records, seq 1-4");

	/* Records removed while the daemon was down: the chain goes on from the checkpoint, the gap stays. */
	assert_int_equal(truncate(path, 0), 0);
	assert_int_equal(ps_eventlog_open(&el, path, 1 << 20, 2, &mark, c), 0);
	ps_eventlog_head(el, &h);
	assert_int_equal(h.seq, 4);
	add_user(el, "f");
	assert_int_equal(ps_eventlog_flush(el), 0);
	ps_eventlog_close(el);
	assert_int_equal(check_files(path, 0, NULL), 0); /* alone, the file is a whole chain from seq 5 */
	assert_reported("the chain starts at seq 5");
	ps_chain_free(c);
}

static void test_resume_against_the_checkpoint(void **state)
{
	(void)state;
	char path[256];
	struct ps_chain *c;
	struct ps_eventlog *el;
	struct ps_eventlog_mark mark;
	struct ps_chain_resume res;
	snprintf(path, sizeof(path), "%s/resume/events.jsonl", dir);
	assert_int_equal(ps_chain_new(&c, NULL, 0), 0);
	assert_int_equal(ps_eventlog_open(&el, path, 1 << 20, 2, NULL, c), 0);
	add_user(el, "a");
	assert_int_equal(ps_eventlog_flush(el), 0);
	ps_eventlog_get_mark(el, &mark);
	add_user(el, "b");
	add_user(el, "c");
	assert_int_equal(ps_eventlog_flush(el), 0);
	ps_eventlog_close(el);

	/* The log ahead of the checkpoint (its mark could not be cut): go on after the log's last record. */
	assert_int_equal(ps_chain_resume(path, 2, &mark.chain, false, &res), 0);
	assert_int_equal(res.head.seq, 3);
	assert_false(res.fresh);
	assert_string_equal(res.note, "");

	/* The last record changed: go on from the checkpoint, and say so. */
	struct ps_chain_head later = res.head;
	later.value[0] ^= 1;
	assert_int_equal(ps_chain_resume(path, 2, &later, false, &res), 0);
	assert_int_equal(res.head.seq, 3);
	assert_memory_equal(res.head.value, later.value, PS_CHAIN_LEN);
	assert_non_null(strstr(res.note, "ends with record seq 3 but the last checkpoint saw seq 3 with another hash"));

	/* Records removed from the end. */
	later.seq = 9;
	assert_int_equal(ps_chain_resume(path, 2, &later, false, &res), 0);
	assert_int_equal(res.head.seq, 9);
	assert_non_null(strstr(res.note, "records were removed or changed while pamsignal was not running"));

	/* A line an older pamsignal wrote at the end: the chain goes on in a new file. */
	int fd = open(path, O_WRONLY | O_APPEND);
	assert_true(write(fd, "{\"type\":\"event\"}\n", 17) == 17);
	close(fd);
	assert_int_equal(ps_chain_resume(path, 2, NULL, false, &res), 0);
	assert_true(res.fresh);
	assert_int_equal(res.head.seq, 0);
	assert_int_equal(ps_eventlog_open(&el, path, 1 << 20, 2, NULL, c), 0);
	add_user(el, "d");
	assert_int_equal(ps_eventlog_flush(el), 0);
	ps_eventlog_close(el);
	assert_int_equal(count_lines(path), 1); /* rotated: the new chain alone in its file */
	char one[300];
	snprintf(one, sizeof(one), "%s.1", path);
	assert_int_equal(count_lines(one), 4);
	ps_chain_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_values),
		cmocka_unit_test(test_seal_refuses_a_non_record),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_verify_intact),
		cmocka_unit_test(test_verify_edit),
		cmocka_unit_test(test_verify_delete_insert),
		cmocka_unit_test(test_verify_reorder_and_swap),
		cmocka_unit_test(test_verify_splice_from_another_chain),
		cmocka_unit_test(test_verify_truncation),
		cmocka_unit_test(test_verify_keys),
		cmocka_unit_test(test_verify_odd_input),
		cmocka_unit_test_setup_teardown(test_eventlog_rotation_keeps_the_chain, setup_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_eventlog_crash_keeps_the_chain, setup_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_resume_against_the_checkpoint, setup_dir, remove_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
