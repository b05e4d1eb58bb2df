/*
 * pamsignal check-config [-c FILE]
 *
 * Loads the configuration as the daemon would and reports every problem on
 * standard error as FILE:LINE: error|warning: message. When it is valid
 * (warnings allowed), prints what would run on standard output and exits 0;
 * invalid or unreadable: 1; usage errors: 2.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "config/config.h"
#include "enrich/enrich.h"
#include "util/log.h"

static const char *switch_name(enum ps_switch s)
{
	return s == PS_SWITCH_YES ? "yes" : s == PS_SWITCH_NO ? "no" : "auto";
}

/* 100M rather than 104857600 when it divides evenly. */
static void print_size(uint64_t n)
{
	static const char units[] = "GMK";
	for (int i = 0; i < 3; i++) {
		unsigned shift = 30 - 10 * (unsigned)i;
		if (n >= (1ull << shift) && n % (1ull << shift) == 0) {
			printf("%" PRIu64 "%c", n >> shift, units[i]);
			return;
		}
	}
	printf("%" PRIu64, n);
}

/* One "label: value" line; the values are checked at load (no control characters). */
__attribute__((format(printf, 2, 3))) static void row(const char *label, const char *fmt, ...)
{
	va_list ap;
	printf("%-17s", label);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

static size_t count_strv(char **v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

static void print_summary(const struct ps_config *cfg)
{
	if (cfg->path)
		row("configuration:", "%s\n", cfg->path);
	else
		row("configuration:", "defaults (%s does not exist)\n", PS_CONFIG_DEFAULT_PATH);
	row("hostname:", "%s\n", cfg->hostname ? cfg->hostname : "(the system's host name)");
	row("state_dir:", "%s\n", cfg->state_dir);

	row("source journal:", "%s; trusted uids", switch_name(cfg->journal));
	for (size_t i = 0; i < cfg->n_trusted_uids; i++)
		printf(" %u", (unsigned)cfg->trusted_uids[i]);
	printf("; %zu trusted programs\n", cfg->n_programs);
	row("source file:", "%s:", switch_name(cfg->file));
	for (char **p = cfg->file_paths; p && *p; p++)
		printf(" %s", *p);
	putchar('\n');
	row("source audit:", "%s: %s\n", switch_name(cfg->audit), cfg->audit_path);
	row("source pam:", "%s: %s\n", switch_name(cfg->pam), cfg->pam_socket);

	if (cfg->eventlog) {
		row("output eventlog:", "%s (max_size ", cfg->eventlog_path);
		print_size(cfg->eventlog_max_size);
		printf(", keep %u)\n", cfg->eventlog_keep);
		if (cfg->eventlog_key)
			row("eventlog chain:", "HMAC-SHA256, key from %s\n", cfg->eventlog_key_file);
		else
			row("eventlog chain:", "SHA-256 (no hmac_key_file)\n");
	} else {
		row("output eventlog:", "no\n");
	}
	row("output stdout:", "%s\n", cfg->print ? "yes" : "no");

	const struct ps_detect_config *d = &cfg->detect;
	unsigned on = 0;
	for (int r = 0; r < PS_RULE__COUNT; r++)
		on += d->rule[r].enabled;
	row("detect:", "max_memory ");
	print_size(d->max_memory);
	printf(", %u samples per alert, %u of %d rules on", d->samples, on, PS_RULE__COUNT);
	if (on < PS_RULE__COUNT) {
		printf(" (off:");
		for (int r = 0; r < PS_RULE__COUNT; r++)
			if (!d->rule[r].enabled)
				printf(" %s", ps_rule_name((enum ps_rule)r));
		putchar(')');
	}
	printf("; allowlisted: %zu networks, %zu users\n", d->n_allow_cidrs, count_strv(d->allow_users));
	for (size_t i = 0; i < cfg->n_channels; i++) {
		const struct ps_channel_config *ch = &cfg->channels[i];
		row("channel:", "%s: %s, min_severity %s%s, ", ch->name, ps_channel_type_name(ch->type),
		    ps_severity_name(ch->min_severity), ch->notify_logins ? ", notify_logins" : "");
		if (ch->rate_count)
			printf("rate_limit %u/%u\n", ch->rate_count, ch->rate_period_s);
		else
			printf("rate_limit none\n");
	}
	static const char *const what[] = { "events and alerts", "events", "alerts" };
	for (size_t i = 0; i < cfg->n_forwards; i++) {
		const struct ps_forward_config *fw = &cfg->forwards[i];
		bool v6 = strchr(fw->host, ':') != NULL;
		row("forward:", "%s: %s%s%s:%u over %s, %s, %s from %s, queue_size ", fw->name, v6 ? "[" : "", fw->host,
		    v6 ? "]" : "", fw->port, ps_fwd_transport_name(fw->transport), ps_fwd_format_name(fw->format),
		    what[fw->what], ps_severity_name(fw->min_severity));
		print_size(fw->queue_size);
		if (fw->transport == PS_FWD_TLS)
			printf(", verify %s", fw->verify ? "yes" : "NO");
		putchar('\n');
	}
}

static void usage(FILE *f)
{
	fputs("usage: pamsignal check-config [-c FILE]\n"
	      "Check the configuration (default " PS_CONFIG_DEFAULT_PATH ") and show what it selects.\n"
	      "Exit status: 0 valid, 1 invalid, 2 usage error.\n",
	      f);
}

int ps_cmd_check_config(int argc, char **argv)
{
	const char *path;
	int status = ps_cli_config_option(argc, argv, "check-config", usage, &path);
	if (status >= 0)
		return status;

	struct ps_config cfg;
	struct ps_cli_diag_counts counts = { 0 };
	if (ps_config_load(path, &cfg, ps_cli_print_diag, &counts) < 0) {
		fprintf(stderr, "%s: invalid (%u error%s, %u warning%s)\n", path ? path : PS_CONFIG_DEFAULT_PATH,
			counts.errors, counts.errors == 1 ? "" : "s", counts.warnings,
			counts.warnings == 1 ? "" : "s");
		return PS_EXIT_FAILURE;
	}
	/* The files [enrich] names are opened and read too: a broken one fails the check. */
	struct ps_enricher *enricher = NULL;
	int er = ps_enricher_new(&cfg, NULL, ps_cli_print_diag, &counts, &enricher);
	if (er < 0) {
		fprintf(stderr, "%s: invalid (%u error%s, %u warning%s)\n", cfg.path ? cfg.path : PS_CONFIG_DEFAULT_PATH,
			counts.errors, counts.errors == 1 ? "" : "s", counts.warnings, counts.warnings == 1 ? "" : "s");
		ps_enricher_free(enricher);
		ps_config_free(&cfg);
		return PS_EXIT_FAILURE;
	}
	print_summary(&cfg);
	ps_enricher_describe(enricher, stdout);
	ps_enricher_free(enricher);
	ps_config_free(&cfg);
	if (fflush(stdout) != 0) {
		ps_log_error("check-config: writing output failed");
		return PS_EXIT_FAILURE;
	}
	return PS_EXIT_OK;
}
