/*
 * Table-driven decoder tests: each file under tests/data/decode/ holds
 * cases as line pairs:
 *
 *   < raw input line, exactly as a log holds it
 *   <x input line with \xNN and \\ escapes (for control and invalid bytes)
 *   > the expected event as JSON, without type/file/line/message; or
 *   > -          not an event
 *   > malformed  our program's message without its structure
 *
 * Several "<" lines in a row are one case: the records of one audit event
 * (SYSCALL, EXECVE, CWD...). Each syslog-framed line gives one ">" line;
 * audit records give one ">" line per event, after the input has ended
 * (and "-" when none of them made an event).
 *
 * Lines starting with # and blank lines are ignored. Classic syslog
 * timestamps are read with a 2026-12-31 reference year in UTC.
 *
 * With PS_REGEN=1 the runner prints each case with what the code produces
 * now instead of checking, to draft new cases (review them before commit).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "decode/audit.h"
#include "decode/decode.h"
#include "decode/frame.h"
#include "event/json.h"
#include "unescape.h"
#include "source/audit_feed.h"

static const char *data_files[64];
static int n_data_files;

struct audit_out {
	struct ps_out *out;
	unsigned results;
};

static int audit_event(const struct ps_event *ev, void *arg)
{
	struct audit_out *a = arg;
	ps_event_write_json(a->out, ev, PS_JSON_DECODED_ONLY);
	a->results++;
	return 0;
}

static void audit_malformed(const char *name, uint64_t line, const char *what, void *arg)
{
	struct audit_out *a = arg;
	(void)name, (void)line, (void)what;
	ps_out_puts(a->out, "malformed\n");
	a->results++;
}

/* The actual result for one case (its "<" lines, each ending in '\n'), in the file's "> ..." syntax. */
static void actual(struct ps_str input, struct ps_out *out)
{
	struct ps_frame_ctx ctx;
	struct ps_record rec;
	struct ps_event ev;
	struct ps_audit_feed *audit = NULL;
	struct audit_out a = { out, 0 };
	uint64_t serial;

	/* 2026-12-31T00:00:00Z: every classic timestamp lands in 2026. */
	ps_frame_ctx_init(&ctx, 1798675200);
	ps_out_reset(out);
	while (input.n > 0) {
		const char *nl = memchr(input.p, '\n', input.n);
		struct ps_str line = ps_str(input.p, (size_t)(nl - input.p));
		input = ps_tail(input, line.n + 1);
		if (ps_audit_line(line, &serial)) {
			if (!audit)
				assert_int_equal(ps_audit_feed_new(&audit, PS_STR_NULL, audit_event, audit_malformed, &a), 0);
			ps_audit_feed_line(audit, line, 1, NULL);
			continue;
		}
		assert_true(ps_frame_line(&ctx, line, &rec) >= 0);
		int r = ps_decode(&rec, &ev);
		if (r == -EBADMSG)
			ps_out_puts(out, "malformed\n");
		else if (r <= 0)
			ps_out_puts(out, "-\n");
		else
			ps_event_write_json(out, &ev, PS_JSON_DECODED_ONLY);
	}
	if (audit) {
		ps_audit_feed_flush(audit);
		ps_audit_feed_free(audit);
		if (a.results == 0)
			ps_out_puts(out, "-\n");
	}
	ps_frame_ctx_free(&ctx);
}

/* One case: its input lines against its expected lines. */
struct case_ {
	struct ps_out input, expected;
	unsigned input_line;
};

static unsigned check_case(const char *path, struct case_ *c, struct ps_out *out, bool regen)
{
	actual(ps_str(c->input.buf, c->input.len), out);
	if (regen) {
		const char *p = out->buf, *end = out->buf + out->len;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			printf("> %.*s\n", (int)(nl - p), p);
			p = nl + 1;
		}
		return 0;
	}
	if (out->len == c->expected.len && memcmp(out->buf, c->expected.buf, out->len) == 0)
		return 0;
	print_error("%s: case at line %u\n  expected: %.*s  actual:   %.*s", path, c->input_line,
		    (int)c->expected.len, c->expected.buf, (int)out->len, out->buf);
	return 1;
}

static void run_file(void **state)
{
	const char *path = *state;
	bool regen = getenv("PS_REGEN") != NULL;
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s: %s", path, strerror(errno));

	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned lineno = 0, cases = 0, failures = 0;
	bool in_expected = false;
	struct ps_out out;
	struct case_ c = { .input_line = 0 };
	ps_out_init_mem(&out);
	ps_out_init_mem(&c.input);
	ps_out_init_mem(&c.expected);

	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (line[0] == '<') {
			if (in_expected) {
				cases++;
				failures += check_case(path, &c, &out, regen);
				ps_out_reset(&c.input);
				ps_out_reset(&c.expected);
				in_expected = false;
			}
			bool esc = n >= 2 && line[1] == 'x';
			size_t skip = esc ? 3 : 2;
			if ((size_t)n < skip) {
				fail_msg("%s:%u: empty input", path, lineno);
				continue;
			}
			if (c.input.len == 0)
				c.input_line = lineno;
			char *in = line + skip;
			size_t in_n = (size_t)n - skip;
			if (esc)
				in_n = unescape(in, in_n);
			ps_out_put(&c.input, in, in_n);
			ps_out_putc(&c.input, '\n');
			if (regen)
				printf("%s\n", line);
		} else if (line[0] == '>') {
			if (c.input.len == 0)
				fail_msg("%s:%u: expectation without input", path, lineno);
			if (n >= 2)
				ps_out_put(&c.expected, line + 2, (size_t)n - 2);
			ps_out_putc(&c.expected, '\n');
			in_expected = true;
		} else if (regen) {
			if (in_expected) {
				cases++;
				check_case(path, &c, &out, regen);
				ps_out_reset(&c.input);
				ps_out_reset(&c.expected);
				in_expected = false;
			}
			printf("%s\n", line);
		}
	}
	if (in_expected) {
		cases++;
		failures += check_case(path, &c, &out, regen);
	}
	free(line);
	fclose(f);
	ps_out_free(&out);
	ps_out_free(&c.input);
	ps_out_free(&c.expected);
	if (!regen)
		print_message("%s: %u cases\n", path, cases);
	if (cases == 0 && !regen)
		fail_msg("%s: no cases", path);
	if (failures)
		fail_msg("%s: %u of %u cases failed", path, failures, cases);
}

int main(int argc, char **argv)
{
	struct CMUnitTest tests[64];
	for (int i = 1; i < argc && n_data_files < 64; i++)
		data_files[n_data_files++] = argv[i];
	for (int i = 0; i < n_data_files; i++) {
		const char *base = strrchr(data_files[i], '/');
		tests[i] = (struct CMUnitTest){
			.name = base ? base + 1 : data_files[i],
			.test_func = run_file,
			.initial_state = (void *)data_files[i],
		};
	}
	setenv("TZ", "UTC", 1);
	return _cmocka_run_group_tests("decode_data", tests, (size_t)n_data_files, NULL, NULL);
}
