/* One function per command; each returns the process exit status. */
#ifndef PS_CLI_CLI_H
#define PS_CLI_CLI_H

enum { PS_EXIT_OK = 0, PS_EXIT_FAILURE = 1, PS_EXIT_USAGE = 2 };

int ps_cmd_scan(int argc, char **argv);
int ps_cmd_check_config(int argc, char **argv);
int ps_cmd_run(int argc, char **argv);

#endif
