/* pamsignal run [-c FILE]: the daemon, in the foreground. */
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
	const char *config;
	int status = ps_cli_config_option(argc, argv, "run", usage, &config);
	return status >= 0 ? status : ps_daemon_run(config);
}
