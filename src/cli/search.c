/*
 * pamsignal search [--user NAME] [--session ID] [--src-ip ADDR[/PREFIX]] [--host NAME]
 *                  [--since TIME] [--until TIME] [--kind KIND,...] [--format json|text]
 *                  [--stats] [-c FILE] [FILE... | -]
 *
 * Reads the event log (output.eventlog path of the configuration, and its
 * rotated copies) or the given files of event lines, and prints the events
 * and alerts that pass every filter, in time order (search/order.h).
 * --session prints one login's timeline (search/timeline.h), reading the
 * input twice: first to learn the session's keys, then to print.
 *
 * JSON output is each selected line as the log has it (unknown fields
 * kept), after the strict reader accepted it; text output is the table of
 * pamsignal scan. A line that is not a pamsignal event or alert is
 * counted, named by file and line (the first 20), and skipped.
 *
 * Exit status: 0 when something matched, 1 when nothing did, 2 for a usage
 * error or a file that could not be read (the others are still searched).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "config/config.h"
#include "event/json_read.h"
#include "event/text.h"
#include "search/files.h"
#include "search/order.h"
#include "search/query.h"
#include "search/timeline.h"
#include "source/reader.h"
#include "util/log.h"
#include "util/out.h"
#include "util/timeconv.h"

#define MAX_WARNINGS 20

enum format { FORMAT_JSON, FORMAT_TEXT };

struct search {
	struct ps_query q;
	struct ps_timeline *timeline;  /* --session */
	enum format format;
	struct ps_out out;
	struct ps_order *order;
	struct ps_event_line line;     /* the line being read */
	struct ps_event_line shown;    /* a line leaving the window (text output) */
	uint64_t lines, matched, malformed, warnings;
	int status;
};

/* A path for a message: escaped like any text for a terminal. */
static const char *shown_name(const char *path)
{
	static char buf[512];
	struct ps_out o;
	if (strcmp(path, "-") == 0)
		return "(stdin)";
	ps_out_init_mem(&o);
	ps_out_term_str(&o, ps_cstr(path), 200);
	size_t n = o.error ? 0 : o.len < sizeof(buf) - 1 ? o.len : sizeof(buf) - 1;
	if (n)
		memcpy(buf, o.buf, n);
	buf[n] = '\0';
	ps_out_free(&o);
	return buf;
}

static void malformed(struct search *s, const char *path, uint64_t line, const char *why)
{
	s->malformed++;
	if (++s->warnings <= MAX_WARNINGS)
		ps_log_warn("%s:%llu: %s", shown_name(path), (unsigned long long)line, why);
	else if (s->warnings == MAX_WARNINGS + 1)
		ps_log_warn("further malformed lines not named (see --stats)");
}

/* A line leaving the time-order window: printed. */
static int print_line(struct ps_str line, void *arg)
{
	struct search *s = arg;
	const char *why;
	if (s->format == FORMAT_JSON) {
		/* Accepted JSON has control bytes only as whitespace between tokens: made spaces. */
		for (size_t i = 0; i < line.n; i++)
			ps_out_putc(&s->out, (unsigned char)line.p[i] < 0x20 ? ' ' : line.p[i]);
		ps_out_putc(&s->out, '\n');
	} else {
		int type = ps_event_line_read(&s->shown, line, &why);
		if (type == PS_LINE_EVENT)
			ps_event_write_text(&s->out, &s->shown.ev);
		else if (type == PS_LINE_ALERT)
			ps_alert_write_text(&s->out, &s->shown.alert);
	}
	return s->out.error;
}

/* One line of the second pass: counted, checked, and held for output if it matches. */
static int consider(struct search *s, const char *path, uint64_t line_no, struct ps_str line)
{
	const char *why = "";
	int type = ps_event_line_read(&s->line, line, &why);
	if (type == -ENOMEM)
		return type;
	if (type < 0) {
		malformed(s, path, line_no, why);
		return 0;
	}
	bool match;
	int64_t t;
	if (type == PS_LINE_EVENT) {
		match = ps_query_event(&s->q, &s->line.ev) && (!s->timeline || ps_timeline_member(s->timeline, &s->line.ev));
		t = s->line.ev.time_us;
	} else {
		match = ps_query_alert(&s->q, &s->line.alert);
		t = s->line.alert.time_us;
	}
	if (!match)
		return 0;
	s->matched++;
	return ps_order_add(s->order, t, line);
}

/* First pass of --session: only lines that can say something about a session are parsed. */
static int learn(struct search *s, const char *path, uint64_t line_no, struct ps_str line)
{
	const char *why;
	(void)path, (void)line_no;
	if (ps_find(line, "\"session") < 0)
		return 0;
	int type = ps_event_line_read(&s->line, line, &why);
	if (type == PS_LINE_EVENT)
		ps_timeline_learn(s->timeline, &s->line.ev);
	return type == -ENOMEM ? type : 0;
}

typedef int (*line_fn)(struct search *s, const char *path, uint64_t line_no, struct ps_str line);

/* Every line of path through fn. Returns 0, or -errno after reporting (the file is then marked bad). */
static int read_file(struct search *s, const char *path, line_fn fn, bool report)
{
	struct ps_reader r;
	struct ps_str line;
	int k = ps_reader_open(&r, path);
	if (k < 0) {
		if (report)
			ps_log_error("search: %s: %s", shown_name(path), strerror(-k));
		return k;
	}
	while ((k = ps_reader_line(&r, &line)) > 0) {
		if (fn == consider)
			s->lines++;
		if (k == PS_READ_OVERLONG) {
			if (fn == consider)
				malformed(s, path, r.line_no, "longer than 64 KiB");
			continue;
		}
		int e = fn(s, path, r.line_no, line);
		if (e < 0) {
			k = e;
			break;
		}
	}
	if (k < 0 && report && !s->out.error)
		ps_log_error("search: %s: %s", shown_name(path), strerror(-k));
	ps_reader_close(&r);
	return k < 0 ? k : 0;
}

static void usage(FILE *f)
{
	fputs("usage: pamsignal search [--user NAME] [--session ID] [--src-ip ADDR[/PREFIX]] [--host NAME]\n"
	      "                        [--since TIME] [--until TIME] [--kind KIND,...] [--format json|text]\n"
	      "                        [--stats] [-c FILE] [FILE... | -]\n"
	      "Search the event log (the configuration's [output.eventlog] path and its rotated\n"
	      "copies, plain or .gz), or the given files, and print what matches in time order.\n"
	      "  --user NAME      the user, target user or login user (who logged in)\n"
	      "  --session ID     one login's whole timeline: login, commands, keystrokes, logout\n"
	      "  --since, --until 2026-11-21T19:50:23Z, 2026-11-21 19:50 (local), -1h, -2d, today\n"
	      "  --kind           auth_success, auth_failure, session_open, session_close, command,\n"
	      "                   tty_input, probe, account_change, ..., alert\n"
	      "Exit status: 0 matched, 1 nothing matched, 2 error.\n",
	      f);
}

/* The options into s->q and friends. Returns -1 to go on, or the exit status. */
static int options(struct search *s, int argc, char **argv, const char **config, bool *stats)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },     { "session", required_argument, NULL, 'S' },
		{ "src-ip", required_argument, NULL, 'i' },   { "host", required_argument, NULL, 'H' },
		{ "since", required_argument, NULL, 's' },    { "until", required_argument, NULL, 't' },
		{ "kind", required_argument, NULL, 'k' },     { "format", required_argument, NULL, 'f' },
		{ "stats", no_argument, NULL, 'x' },          { "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },           { 0 },
	};
	int64_t now = ps_realtime_us();
	char bad[64];
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'u':
		case 'S':
		case 'H':
			if (!*optarg) {
				ps_log_error("search: --%s: empty", c == 'u' ? "user" : c == 'S' ? "session" : "host");
				return PS_EXIT_USAGE;
			}
			*(c == 'u' ? &s->q.user : c == 'S' ? &s->q.session : &s->q.host) = ps_cstr(optarg);
			break;
		case 'i':
			if (ps_cidr_parse(ps_cstr(optarg), &s->q.cidr) < 0) {
				ps_log_error("search: --src-ip: '%s' is not an address or ADDRESS/PREFIX",
					     shown_name(optarg));
				return PS_EXIT_USAGE;
			}
			s->q.has_cidr = true;
			break;
		case 's':
		case 't':
			if (ps_when_parse(optarg, now, c == 's' ? &s->q.since_us : &s->q.until_us) < 0) {
				ps_log_error("search: --%s: '%s' is not a time (2026-11-21T19:50:23Z, "
					     "2026-11-21 19:50, -1h, -2d, today...)",
					     c == 's' ? "since" : "until", shown_name(optarg));
				return PS_EXIT_USAGE;
			}
			break;
		case 'k':
			if (ps_query_kinds(&s->q, optarg, bad, sizeof(bad)) < 0) {
				ps_log_error("search: --kind: '%s' is not a kind (see pamsignal(8), EVENT FORMAT, "
					     "or 'alert')", shown_name(bad));
				return PS_EXIT_USAGE;
			}
			break;
		case 'f':
			if (strcmp(optarg, "json") == 0)
				s->format = FORMAT_JSON;
			else if (strcmp(optarg, "text") == 0)
				s->format = FORMAT_TEXT;
			else {
				ps_log_error("search: --format: unknown format '%s' (json, text)", shown_name(optarg));
				return PS_EXIT_USAGE;
			}
			break;
		case 'x':
			*stats = true;
			break;
		case 'c':
			*config = optarg;
			break;
		case 'h':
			usage(stdout);
			return PS_EXIT_OK;
		default:
			usage(stderr);
			return PS_EXIT_USAGE;
		}
	}
	if (s->q.since_us >= 0 && s->q.until_us >= 0 && s->q.since_us > s->q.until_us) {
		ps_log_error("search: --since is after --until");
		return PS_EXIT_USAGE;
	}
	return -1;
}

/* The files to read: the arguments, or the event log and its rotated copies. */
static int input_files(int argc, char **argv, const char *config, char ***files, size_t *n)
{
	if (optind < argc) {
		size_t k = (size_t)(argc - optind);
		char **f = calloc(k, sizeof(*f));
		for (size_t i = 0; f && i < k; i++)
			if (!(f[i] = strdup(argv[optind + (int)i]))) {
				ps_search_files_free(f, i);
				f = NULL;
			}
		if (!f)
			return -ENOMEM;
		*files = f;
		*n = k;
		return 0;
	}
	struct ps_config cfg;
	if (ps_config_load(config, &cfg, ps_cli_print_diag, NULL) < 0)
		return -EINVAL;
	int r = ps_search_log_files(cfg.eventlog_path, files);
	if (r == 0)
		r = -ENOENT;
	if (r < 0)
		ps_log_error("search: no event log at %s (%s)", shown_name(cfg.eventlog_path), strerror(-r));
	ps_config_free(&cfg);
	if (r < 0)
		return r;
	*n = (size_t)r;
	return 0;
}

static int run(struct search *s, char **files, size_t n)
{
	bool *bad = calloc(n ? n : 1, sizeof(*bad));
	if (!bad)
		return -ENOMEM;
	int r = 0;
	if (s->timeline) {
		for (size_t i = 0; i < n && r != -ENOMEM; i++) {
			r = read_file(s, files[i], learn, true);
			bad[i] = r < 0;
			if (r < 0)
				s->status = PS_EXIT_USAGE;
		}
		if (r != -ENOMEM && !ps_timeline_found(s->timeline))
			ps_log_warn("search: no event of session '%s'", shown_name(s->q.session.p));
	}
	for (size_t i = 0; i < n && r != -ENOMEM && !s->out.error; i++) {
		if (bad[i])
			continue;
		if ((r = read_file(s, files[i], consider, true)) < 0)
			s->status = PS_EXIT_USAGE;
	}
	free(bad);
	if (r == -ENOMEM)
		return r;
	return ps_order_drain(s->order);
}

int ps_cmd_search(int argc, char **argv)
{
	static char outbuf[64 * 1024];
	struct search *s = calloc(1, sizeof(*s));
	const char *config = NULL;
	bool stats = false;
	char **files = NULL;
	size_t n = 0;
	int status;

	if (!s)
		return PS_EXIT_FAILURE;
	ps_query_init(&s->q);
	s->format = isatty(STDOUT_FILENO) ? FORMAT_TEXT : FORMAT_JSON;
	if ((status = options(s, argc, argv, &config, &stats)) >= 0)
		goto out;
	status = PS_EXIT_USAGE;
	if (ps_set(s->q.session)) {
		for (int i = optind; i < argc; i++)
			if (strcmp(argv[i], "-") == 0) {
				ps_log_error("search: --session reads its input twice: give files, not standard input");
				goto out;
			}
		if (!(s->timeline = ps_timeline_new(s->q.session, s->q.host)))
			goto oom;
	}
	if (input_files(argc, argv, config, &files, &n) < 0)
		goto out;
	ps_search_sort_files(files, n);
	if (!(s->order = ps_order_new(print_line, s)))
		goto oom;
	ps_out_init_fd(&s->out, STDOUT_FILENO, outbuf, sizeof(outbuf));
	if (s->format == FORMAT_TEXT)
		ps_event_write_text_header(&s->out);
	s->status = PS_EXIT_OK;
	if (run(s, files, n) == -ENOMEM)
		goto oom;
	if (ps_out_flush(&s->out) < 0) {
		if (s->out.error != -EPIPE)
			ps_log_error("search: writing output: %s", strerror(-s->out.error));
		status = PS_EXIT_FAILURE;
		goto out;
	}
	if (s->malformed)
		ps_log_warn("search: %llu malformed line(s) skipped", (unsigned long long)s->malformed);
	if (stats)
		fprintf(stderr, "lines %llu, matched %llu, malformed %llu, out of order %llu\n",
			(unsigned long long)s->lines, (unsigned long long)s->matched,
			(unsigned long long)s->malformed, (unsigned long long)ps_order_late(s->order));
	status = s->status != PS_EXIT_OK ? s->status : s->matched ? PS_EXIT_OK : PS_EXIT_FAILURE;
	goto out;
oom:
	ps_log_error("search: out of memory");
	status = PS_EXIT_FAILURE;
out:
	ps_search_files_free(files, n);
	ps_order_free(s->order);
	ps_timeline_free(s->timeline);
	ps_event_line_free(&s->line);
	ps_event_line_free(&s->shown);
	free(s);
	return status;
}
