/* pamsignal: command dispatch only. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "scan", ps_cmd_scan, "decode authentication events from log files" },
	{ "run", ps_cmd_run, "watch this machine live (the daemon, in the foreground)" },
	{ "search", ps_cmd_search, "search the event log: by user, session, address, time, kind" },
	{ "check-config", ps_cmd_check_config, "check the configuration file and show what it selects" },
	{ "test-alert", ps_cmd_test_alert, "send a sample alert to every channel (or one) and show the answer" },
	{ "pam-hook", ps_cmd_pam_hook, "report a PAM call to the daemon (run by pam_exec)" },
	{ "verify", ps_cmd_verify, "check the event log's hash chain: nothing altered, removed, inserted or moved" },
};

static void usage(FILE *f)
{
	fputs("usage: pamsignal COMMAND [OPTIONS]\n\ncommands:\n", f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-13s %s\n", commands[i].name, commands[i].summary);
	fputs("\nSee pamsignal(8). 'pamsignal COMMAND --help' for a command's options.\n", f);
}

int main(int argc, char **argv)
{
	/* Only for wcwidth() in the terminal table: column widths of UTF-8 text.
	 * Nothing else here depends on the locale. */
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "");
	if (argc < 2) {
		usage(stderr);
		return PS_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return PS_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		puts("pamsignal " PS_VERSION);
		return PS_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "pamsignal: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return PS_EXIT_USAGE;
}
