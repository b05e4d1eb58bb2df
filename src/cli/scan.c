/*
 * pamsignal scan [--format json|text] [--stats] [--alerts | --no-detect] [-c FILE] [FILE... | -]
 *
 * Reads log files (plain or gzip, any supported framing, audit records) or standard input
 * and writes one event per line, each followed by the alerts it raised:
 * the detector runs on event time, so an old log gives the alerts it would
 * have given live. At the end of the input, incidents whose count grew
 * since their last alert get a final update. A file that cannot be read is
 * reported by name and the others are still scanned; the exit status is
 * then 2.
 */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "config/config.h"
#include "detect/detect.h"
#include "enrich/enrich.h"
#include "event/json.h"
#include "event/text.h"
#include "source/file.h"
#include "util/log.h"

enum format { FORMAT_JSON, FORMAT_TEXT };

struct scan_out {
	struct ps_out out;
	enum format format;
	bool flush_each; /* a live stream or a person is waiting for each event */
	bool events;     /* not --alerts */
	struct ps_detector *detector; /* NULL: --no-detect */
	/* While the detector reads the current event's JSON in out's buffer,
	 * the alerts it raises are collected here and written after. */
	struct ps_out alerts;
	bool collect;
	struct ps_enricher *enricher; /* [enrich] of -c FILE (always: sshd connections' destinations) */
	unsigned warnings;
};

static int write_alert(const struct ps_alert *a, void *arg)
{
	struct scan_out *so = arg;
	if (so->collect) {
		ps_alert_write_json(&so->alerts, a);
		return so->alerts.error;
	}
	if (so->format == FORMAT_JSON)
		ps_alert_write_json(&so->out, a);
	else
		ps_alert_write_text(&so->out, a);
	if (so->flush_each)
		ps_out_flush(&so->out);
	return so->out.error;
}

/*
 * Feed ev with the JSON just written for it at out's buffer from start,
 * if nothing was flushed since: alerts that show ev as a sample reuse
 * those bytes. Its alerts are held back meanwhile (a flush would move
 * the bytes), and written after it all the same.
 */
static int feed_written(struct scan_out *so, const struct ps_event *ev, size_t start, uint64_t flushes)
{
	if (so->out.flushes != flushes || so->out.error || so->out.len <= start)
		return ps_detector_feed(so->detector, ev, write_alert, so);
	struct ps_str json = ps_str(so->out.buf + start, so->out.len - start - 1); /* without its newline */
	ps_out_reset(&so->alerts);
	so->collect = true;
	int r = ps_detector_feed_json(so->detector, ev, json, write_alert, so);
	so->collect = false;
	if (so->alerts.error && !so->out.error)
		so->out.error = so->alerts.error; /* out of memory: alerts lost, and scan fails saying so */
	ps_out_put(&so->out, so->alerts.buf, so->alerts.len);
	return r < 0 ? r : so->out.error;
}

static int write_event(const struct ps_event *in, void *arg)
{
	struct scan_out *so = arg;
	/* Enrichment adds to a copy. Not of text[]: the copy's fields still point into in's. */
	struct ps_event enriched, *ev = &enriched;
	memcpy(&enriched, in, offsetof(struct ps_event, text));
	ps_enrich(so->enricher, ev);
	if (so->events && so->format == FORMAT_JSON && so->detector && !so->flush_each) {
		size_t start = so->out.len;
		uint64_t flushes = so->out.flushes;
		ps_event_write_json(&so->out, ev, 0);
		return feed_written(so, ev, start, flushes);
	}
	if (so->events) {
		if (so->format == FORMAT_JSON)
			ps_event_write_json(&so->out, ev, 0);
		else
			ps_event_write_text(&so->out, ev);
		if (so->flush_each)
			ps_out_flush(&so->out);
	}
	if (so->detector)
		return ps_detector_feed(so->detector, ev, write_alert, so);
	return so->out.error;
}

/* The detector (unless --no-detect) and the enricher for -c FILE, or for the built-in defaults. */
static int make_pipeline(const char *config, bool detect, struct scan_out *so)
{
	struct ps_config cfg;
	if (config) {
		if (ps_config_load(config, &cfg, ps_cli_print_diag, NULL) < 0)
			return -EINVAL;
	} else {
		ps_config_defaults(&cfg);
	}
	int r = detect ? ps_detector_new(&cfg, &so->detector) : 0;
	if (r < 0)
		ps_log_error("scan: detection: %s", strerror(-r));
	else if ((r = ps_enricher_new(&cfg, NULL, ps_cli_print_diag, NULL, &so->enricher)) == -ENOMEM)
		ps_log_error("scan: enrichment: %s", strerror(-r));
	ps_config_free(&cfg);
	return r;
}

static void warn_line(const char *name, uint64_t line, const char *what, void *arg)
{
	struct scan_out *so = arg;
	/* Cap the noise from a hostile or broken file; the counts stay exact. */
	if (++so->warnings <= 20)
		ps_log_warn("%s:%llu: %s", name, (unsigned long long)line, what);
	else if (so->warnings == 21)
		ps_log_warn("further warnings suppressed (see --stats)");
}

/* The year context for classic syslog lines: the file's mtime, or now. */
static int64_t reference_time(const char *path)
{
	struct stat st;
	if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode))
		return (int64_t)st.st_mtime;
	return (int64_t)time(NULL);
}

static void usage(FILE *f)
{
	fputs("usage: pamsignal scan [--format json|text] [--stats] [--alerts | --no-detect] [-c FILE]\n"
	      "                      [FILE... | -]\n"
	      "Decode authentication events from log files (plain or .gz; syslog, RFC 5424,\n"
	      "journalctl short-iso/json/export, audit.log and ausearch --raw) and run the\n"
	      "detection rules on them. Reads standard input when no FILE is given.\n"
	      "  --alerts      print alerts only     --no-detect   events only, no rules\n"
	      "  -c FILE       rule settings from FILE (default: the built-in ones)\n",
	      f);
}

int ps_cmd_scan(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "stats", no_argument, NULL, 's' },
		{ "alerts", no_argument, NULL, 'a' },
		{ "no-detect", no_argument, NULL, 'n' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct scan_out so = { .format = isatty(STDOUT_FILENO) ? FORMAT_TEXT : FORMAT_JSON, .events = true };
	bool stats = false, detect = true;
	const char *config = NULL;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "json") == 0)
				so.format = FORMAT_JSON;
			else if (strcmp(optarg, "text") == 0)
				so.format = FORMAT_TEXT;
			else {
				ps_log_error("scan: --format: unknown format '%s' (json, text)", optarg);
				return PS_EXIT_USAGE;
			}
			break;
		case 's':
			stats = true;
			break;
		case 'a':
			so.events = false;
			break;
		case 'n':
			detect = false;
			break;
		case 'c':
			config = optarg;
			break;
		case 'h':
			usage(stdout);
			return PS_EXIT_OK;
		default:
			usage(stderr);
			return PS_EXIT_USAGE;
		}
	}

	if (!so.events && !detect) {
		ps_log_error("scan: --alerts and --no-detect leave nothing to print");
		return PS_EXIT_USAGE;
	}
	if (make_pipeline(config, detect, &so) < 0) {
		ps_detector_free(so.detector);
		ps_enricher_free(so.enricher);
		return PS_EXIT_USAGE;
	}

	static char outbuf[64 * 1024];
	ps_out_init_fd(&so.out, STDOUT_FILENO, outbuf, sizeof(outbuf));
	ps_out_init_mem(&so.alerts);
	if (so.format == FORMAT_TEXT)
		ps_event_write_text_header(&so.out);

	char *stdin_only[] = { "-" };
	char **files = optind < argc ? argv + optind : stdin_only;
	int nfiles = optind < argc ? argc - optind : 1;
	int status = PS_EXIT_OK;
	struct ps_scan_stats st = { 0 };

	for (int i = 0; i < nfiles; i++) {
		const char *path = files[i];
		const char *name = strcmp(path, "-") == 0 ? "(stdin)" : path;
		struct ps_reader r;
		int err = ps_reader_open(&r, path);
		if (err < 0) {
			ps_log_error("scan: %s: %s", name, strerror(-err));
			status = PS_EXIT_USAGE;
			continue;
		}
		struct stat st_in;
		so.flush_each = isatty(STDOUT_FILENO) ||
				(fstat(r.fd, &st_in) == 0 && !S_ISREG(st_in.st_mode));
		err = ps_file_scan(&r, name, reference_time(path), write_event, warn_line, &so, &st);
		ps_reader_close(&r);
		if (err < 0 && so.out.error) {
			break;
		} else if (err < 0) {
			ps_log_error("scan: %s: read error: %s", name, strerror(-err));
			status = PS_EXIT_USAGE;
		}
	}
	struct ps_detector_stats ds = { 0 };
	if (so.detector) {
		if (!so.out.error)
			ps_detector_flush(so.detector, write_alert, &so);
		ps_detector_stats(so.detector, &ds);
		ps_detector_free(so.detector);
	}
	ps_enricher_free(so.enricher);
	ps_out_free(&so.alerts);
	if (ps_out_flush(&so.out) < 0) {
		if (so.out.error != -EPIPE)
			ps_log_error("scan: writing output: %s", strerror(-so.out.error));
		return PS_EXIT_FAILURE;
	}
	if (stats)
		fprintf(stderr, "lines %llu, events %llu, malformed %llu, overlong %llu, alerts %llu\n",
			(unsigned long long)st.lines, (unsigned long long)st.events,
			(unsigned long long)st.malformed, (unsigned long long)st.overlong,
			(unsigned long long)ds.alerts);
	return status;
}
