/* pamsignal run [-c FILE]: the daemon, in the foreground. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "daemon/daemon.h"

static void usage(FILE *f)
{
	fputs("usage: pamsignal run [-c FILE]\n"
	      "\n"
	      "Watch this machine's logins as they happen: the journal (or log files),\n"
	      "written to the event log and shown here. Runs until SIGTERM or SIGINT;\n"
	      "SIGHUP reloads the configuration.\n"
	      "\n"
	      "  -c, --config FILE  configuration (default /etc/pamsignal/pamsignal.conf if present)\n",
	      f);
}

int ps_cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
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
	if (optind != argc) {
		usage(stderr);
		return PS_EXIT_USAGE;
	}
	return ps_daemon_run(config);
}
