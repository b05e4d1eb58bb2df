#include <getopt.h>

#include "cli/cli.h"
#include "util/log.h"

int ps_cli_config_option(int argc, char **argv, const char *command, void (*usage)(FILE *), const char **config)
{
	int first;
	return ps_cli_config_args(argc, argv, command, usage, config, 0, &first);
}

int ps_cli_config_args(int argc, char **argv, const char *command, void (*usage)(FILE *), const char **config,
		       int max_args, int *first)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	*config = NULL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
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
	*first = optind;
	if (argc - optind > max_args) {
		ps_log_error("%s: unexpected argument '%s' (use -c FILE)", command, argv[optind + max_args]);
		return PS_EXIT_USAGE;
	}
	return -1;
}

void ps_cli_print_diag(enum ps_diag_level level, const char *file, unsigned line, const char *msg, void *arg)
{
	struct ps_cli_diag_counts *c = arg;
	const char *what = level == PS_DIAG_ERROR ? "error" : "warning";
	if (c && level == PS_DIAG_ERROR)
		c->errors++;
	else if (c)
		c->warnings++;
	if (!file)
		fprintf(stderr, "pamsignal: %s: %s\n", what, msg);
	else if (line)
		fprintf(stderr, "%s:%u: %s: %s\n", file, line, what, msg);
	else
		fprintf(stderr, "%s: %s: %s\n", file, what, msg);
}
