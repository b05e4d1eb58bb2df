/* One function per command; each returns the process exit status. */
#ifndef PS_CLI_CLI_H
#define PS_CLI_CLI_H

#include <stdio.h>

#include "config/config.h"

enum { PS_EXIT_OK = 0, PS_EXIT_FAILURE = 1, PS_EXIT_USAGE = 2 };

int ps_cmd_scan(int argc, char **argv);
int ps_cmd_check_config(int argc, char **argv);
int ps_cmd_run(int argc, char **argv);
int ps_cmd_test_alert(int argc, char **argv);
int ps_cmd_pam_hook(int argc, char **argv);
int ps_cmd_search(int argc, char **argv);
int ps_cmd_verify(int argc, char **argv);

/*
 * The options of commands that take only a configuration: -c/--config FILE
 * and -h/--help. Returns -1 to go on (*config NULL when not given), or the
 * exit status to return (help shown, or a usage error reported).
 */
int ps_cli_config_option(int argc, char **argv, const char *command, void (*usage)(FILE *), const char **config);
/* The same, allowing up to max_args arguments after the options, from argv[*first]. */
int ps_cli_config_args(int argc, char **argv, const char *command, void (*usage)(FILE *), const char **config,
		       int max_args, int *first);

/* Configuration problems on standard error as FILE:LINE: error|warning: message;
 * arg: NULL, or a struct ps_cli_diag_counts that counts them. */
struct ps_cli_diag_counts {
	unsigned errors, warnings;
};
void ps_cli_print_diag(enum ps_diag_level level, const char *file, unsigned line, const char *msg, void *arg);

#endif
