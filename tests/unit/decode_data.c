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

#include "decode/decode.h"
#include "decode/frame.h"
#include "event/json.h"
#include "unescape.h"

static const char *data_files[64];
static int n_data_files;

/* The actual result for one input, in the file's "> ..." syntax. */
static void actual(struct ps_str input, struct ps_out *out)
{
	struct ps_frame_ctx ctx;
	struct ps_record rec;
	struct ps_event ev;

	/* 2026-12-31T00:00:00Z: every classic timestamp lands in 2026. */
	ps_frame_ctx_init(&ctx, 1798675200);
	assert_true(ps_frame_line(&ctx, input, &rec) >= 0);
	int r = ps_decode(&rec, &ev);
	ps_out_reset(out);
	if (r == -EBADMSG)
		ps_out_puts(out, "malformed\n");
	else if (r <= 0)
		ps_out_puts(out, "-\n");
	else
		ps_event_write_json(out, &ev, PS_JSON_DECODED_ONLY);
	ps_frame_ctx_free(&ctx);
}

static void run_file(void **state)
{
	const char *path = *state;
	bool regen = getenv("PS_REGEN") != NULL;
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s: %s", path, strerror(errno));

	char *line = NULL, *input = NULL;
	size_t cap = 0, input_n = 0;
	ssize_t n;
	unsigned lineno = 0, cases = 0, failures = 0, input_line = 0;
	struct ps_out out;
	ps_out_init_mem(&out);

	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (line[0] == '<') {
			bool esc = n >= 2 && line[1] == 'x';
			size_t skip = esc ? 3 : 2;
			if ((size_t)n < skip) {
				fail_msg("%s:%u: empty input", path, lineno);
				continue;
			}
			free(input);
			input_n = (size_t)n - skip;
			input = malloc(input_n + 1);
			memcpy(input, line + skip, input_n);
			if (esc)
				input_n = unescape(input, input_n);
			input_line = lineno;
			if (regen)
				printf("%s\n", line);
		} else if (line[0] == '>') {
			if (!input)
				fail_msg("%s:%u: expectation without input", path, lineno);
			actual(ps_str(input, input_n), &out);
			cases++;
			if (regen) {
				printf("> %.*s", (int)out.len, out.buf);
			} else if (strlen(line) < 2 || out.len != (size_t)n - 1 ||
				   memcmp(out.buf, line + 2, out.len - 1) != 0) {
				failures++;
				print_error("%s:%u: input at line %u\n  expected: %s\n  actual:   %.*s",
					    path, lineno, input_line, line + 2, (int)out.len, out.buf);
			}
			free(input);
			input = NULL;
		} else if (regen) {
			printf("%s\n", line);
		}
	}
	free(line);
	free(input);
	fclose(f);
	ps_out_free(&out);
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
