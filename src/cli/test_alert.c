/*
 * pamsignal test-alert [-c FILE] [CHANNEL]
 *
 * Sends one sample alert to every [channel.NAME] (or the one named), now
 * and synchronously, with the same request the daemon would make, and
 * prints each answer: "NAME (type): HTTP 200", "SMTP 250" or, for an exec
 * channel, "exit status 0" (its program run now, as the daemon would). Nothing goes
 * through the spool or the rate limit. Exit status: 0 when every channel
 * accepted it, 1 when one did not (or the configuration is invalid), 2
 * for a usage error or an unknown channel.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "config/config.h"
#include "sink/deliver/channels.h"
#include "sink/deliver/exec.h"
#include "sink/deliver/retry.h"
#include "sink/deliver/transfer.h"
#include "util/log.h"
#include "util/timeconv.h"

static void usage(FILE *f)
{
	fputs("usage: pamsignal test-alert [-c FILE] [CHANNEL]\n"
	      "Send a sample alert to every channel of the configuration, or to CHANNEL,\n"
	      "and show the HTTP status, SMTP reply or program exit. Exit status: 0 all accepted, 1 not.\n",
	      f);
}

static void diag(enum ps_diag_level level, const char *file, unsigned line, const char *msg, void *arg)
{
	(void)arg;
	fprintf(stderr, "%s:%u: %s: %s\n", file ? file : "pamsignal", line,
		level == PS_DIAG_ERROR ? "error" : "warning", msg);
}

/* The sample: every field a real alert has, a documentation address. */
static void sample(struct ps_out *o, const char *host)
{
	int64_t now = ps_realtime_us();
	ps_out_puts(o, "{\"type\":\"alert\",\"id\":\"test-");
	ps_out_i64(o, now);
	ps_out_puts(o, "\",\"rule\":\"test_alert\",\"severity\":\"high\",\"time\":\"");
	ps_out_rfc3339(o, now);
	ps_out_puts(o, "\",\"host\":");
	ps_out_json_str(o, ps_cstr(host));
	ps_out_puts(o, ",\"summary\":\"A test alert from pamsignal test-alert: nothing happened\","
		       "\"src_ip\":\"203.0.113.7\",\"user\":\"alice\",\"service\":\"sshd\",\"method\":\"password\","
		       "\"count\":1,\"window_s\":60}");
}

/* An exec channel's program, run to its end (or its timeout) now. */
static bool run_program(const struct ps_msg *m)
{
	struct ps_exec x;
	char what[64];
	ps_exec_init(&x);
	int r = ps_exec_start(&x, m, 1, ps_monotonic_us());
	if (r < 0) {
		printf("error: cannot run %s: %s\n", m->ch->command[0], strerror(-r));
		ps_exec_free(&x);
		return false;
	}
	ps_exec_wait(&x);
	ps_exec_describe(&x, what, sizeof(what));
	bool ok = ps_exec_class(&x) == PS_SENT;
	printf("%s\n", what);
	if (!ok && x.output.len) {
		struct ps_out t;
		ps_out_init_mem(&t);
		ps_out_puts(&t, "  output: ");
		ps_out_term_str(&t, ps_str(x.output.buf, x.output.len), 300);
		ps_out_putc(&t, '\n');
		fflush(stdout);
		fwrite(t.buf, 1, t.len, stdout);
		ps_out_free(&t);
	}
	ps_exec_free(&x);
	return ok;
}

static bool send_one(const struct ps_channel_config *ch, const struct ps_item *a)
{
	struct ps_msg m = { .ch = ch, .alert = a, .id = a->id, .severity = a->severity };
	printf("%s (%s): ", ch->name, ps_channel_type_name(ch->type));
	if (ch->type == PS_CH_CONSOLE) {
		fflush(stdout);
		ps_console_write(&m);
		return true;
	}
	if (ch->type == PS_CH_EXEC)
		return run_program(&m);
	struct ps_request req;
	struct ps_response resp;
	CURL *e = curl_easy_init();
	if (!e || ps_channel_request(&m, ps_realtime_us() / 1000000, &req) < 0) {
		printf("error: cannot build the request\n");
		if (e)
			curl_easy_cleanup(e);
		return false;
	}
	bool ok = false;
	if (ps_transfer_setup(e, ch, &req, &resp) < 0) {
		printf("error: cannot set up the transfer\n");
	} else {
		CURLcode res = curl_easy_perform(e);
		long code = ps_transfer_code(e);
		/* curl's generic message only: errbuf could name the URL, which may hold a secret. */
		if (req.smtp) {
			ok = res == CURLE_OK;
			printf("SMTP %ld%s%s\n", code, res != CURLE_OK ? ": " : "", res != CURLE_OK ? curl_easy_strerror(res) : "");
		} else if (res != CURLE_OK) {
			printf("error: %s\n", curl_easy_strerror(res));
		} else {
			ok = ps_http_class(code) == PS_SENT;
			printf("HTTP %ld\n", code);
			if (!ok && resp.body.len) {
				printf("  response: ");
				fflush(stdout);
				struct ps_out t;
				ps_out_init_mem(&t);
				ps_out_term_str(&t, ps_str(resp.body.buf, resp.body.len), 300);
				ps_out_putc(&t, '\n');
				fwrite(t.buf, 1, t.len, stdout);
				ps_out_free(&t);
			}
		}
	}
	ps_transfer_reset(&resp);
	ps_request_free(&req);
	curl_easy_cleanup(e);
	return ok;
}

int ps_cmd_test_alert(int argc, char **argv)
{
	const char *path;
	int first;
	int status = ps_cli_config_args(argc, argv, "test-alert", usage, &path, 1, &first);
	if (status >= 0)
		return status;
	const char *only = first < argc ? argv[first] : NULL;
	struct ps_config cfg;
	if (ps_config_load(path, &cfg, diag, NULL) < 0)
		return PS_EXIT_FAILURE;
	char host[256];
	if (cfg.hostname)
		snprintf(host, sizeof(host), "%s", cfg.hostname);
	else if (gethostname(host, sizeof(host) - 1) < 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	struct ps_out o;
	struct ps_item a;
	ps_out_init_mem(&o);
	sample(&o, host);
	if (o.error || ps_item_parse(&a, o.buf, o.len) < 0) {
		ps_out_free(&o);
		ps_config_free(&cfg);
		ps_log_error("test-alert: out of memory");
		return PS_EXIT_FAILURE;
	}
	ps_out_free(&o);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	size_t tried = 0, failed = 0;
	for (size_t i = 0; i < cfg.n_channels; i++) {
		if (only && strcmp(only, cfg.channels[i].name) != 0)
			continue;
		tried++;
		fflush(stdout);
		if (!send_one(&cfg.channels[i], &a))
			failed++;
	}
	fflush(stdout);
	ps_item_free(&a);
	ps_config_free(&cfg);
	curl_global_cleanup();
	if (only && !tried) {
		ps_log_error("test-alert: no [channel.%s] in the configuration", only);
		return PS_EXIT_USAGE;
	}
	if (!tried) {
		ps_log_error("test-alert: the configuration has no [channel.NAME] section");
		return PS_EXIT_FAILURE;
	}
	return failed ? PS_EXIT_FAILURE : PS_EXIT_OK;
}
