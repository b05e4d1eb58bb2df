/*
 * pamsignal pam-hook [-s SOCKET] [failure|success]
 *
 * For pam_exec(8): the same report as pam_pamsignal.so, made from the
 * environment pam_exec sets (PAM_TYPE, PAM_SERVICE, PAM_USER, PAM_RUSER,
 * PAM_RHOST, PAM_TTY) and sent as the same datagram (pam/wire.h) on behalf
 * of the PAM application, pam_exec's parent. It never reads standard input
 * (pam_exec's expose_authtok would put the password there) and never
 * waits: when the daemon is down or its socket full, it exits 0 all the
 * same, so a login is never held up or refused. Exit status 2 for a usage
 * error, or when PAM_TYPE is missing (not run by pam_exec).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "pam/wire.h"
#include "util/log.h"
#include "util/timeconv.h"

static void usage(FILE *f)
{
	fputs("usage: pamsignal pam-hook [-s SOCKET] [failure|success]\n"
	      "\n"
	      "Report a PAM call to the pamsignal daemon, from pam_exec(8):\n"
	      "  auth optional pam_exec.so seteuid quiet /usr/sbin/pamsignal pam-hook failure\n"
	      "failure (success): the line is reached only when the modules before it\n"
	      "failed (succeeded); auth needs one of them. Always exits 0 once it has tried.\n"
	      "\n"
	      "  -s, --socket PATH  the daemon's pam socket (default " PS_WIRE_SOCKET ")\n",
	      f);
}

static int hook_of(const char *type)
{
	static const struct {
		const char *name;
		enum ps_wire_hook hook;
	} types[] = {
		{ "auth", PS_WIRE_AUTH },
		{ "account", PS_WIRE_ACCOUNT },
		{ "open_session", PS_WIRE_SESSION_OPEN },
		{ "close_session", PS_WIRE_SESSION_CLOSE },
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(type, types[i].name) == 0)
			return types[i].hook;
	return 0; /* password (a password change): nothing to report */
}

int ps_cmd_pam_hook(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *path = PS_WIRE_SOCKET;
	struct ps_wire_msg m = { .result = PS_WIRE_UNKNOWN };
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			path = optarg;
			break;
		case 'h':
			usage(stdout);
			return PS_EXIT_OK;
		default:
			usage(stderr);
			return PS_EXIT_USAGE;
		}
	}
	for (int i = optind; i < argc; i++) {
		if (strcmp(argv[i], "failure") == 0) {
			m.result = PS_WIRE_FAILURE;
		} else if (strcmp(argv[i], "success") == 0) {
			m.result = PS_WIRE_SUCCESS;
		} else {
			ps_log_error("pam-hook: unexpected argument '%s' (failure or success)", argv[i]);
			return PS_EXIT_USAGE;
		}
	}
	const char *type = getenv("PAM_TYPE");
	if (!type) {
		ps_log_error("pam-hook: PAM_TYPE is not set: run it from pam_exec(8)");
		return PS_EXIT_USAGE;
	}
	m.hook = (uint8_t)hook_of(type);
	if (!m.hook || (m.hook == PS_WIRE_AUTH && m.result == PS_WIRE_UNKNOWN))
		return PS_EXIT_OK; /* as the module: an auth line needs its place in the stack */
	m.field[PS_WIRE_SERVICE] = getenv("PAM_SERVICE");
	m.field[PS_WIRE_USER] = getenv("PAM_USER");
	m.field[PS_WIRE_RUSER] = getenv("PAM_RUSER");
	m.field[PS_WIRE_RHOST] = getenv("PAM_RHOST");
	m.field[PS_WIRE_TTY] = getenv("PAM_TTY");
	m.pid = (uint32_t)getppid(); /* the PAM application that ran pam_exec */
	m.time_us = ps_realtime_us();

	uint8_t buf[PS_WIRE_MAX];
	int r = ps_wire_send(path, buf, ps_wire_encode(&m, buf));
	if (r < 0)
		ps_log_warn("pam-hook: %s: %s (the login goes on)", path, strerror(-r));
	return PS_EXIT_OK;
}
