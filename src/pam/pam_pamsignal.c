/*
 * pam_pamsignal.so: tells the pamsignal daemon about a PAM call, and
 * nothing else (pam_pamsignal(8)).
 *
 * Every hook sends one datagram (pam/wire.h) to the daemon's socket and
 * returns PAM_IGNORE, so the module never changes a stack's verdict. It is
 * built to be harmless on the login path:
 *   - it reads PAM_SERVICE, PAM_USER, PAM_RUSER, PAM_RHOST and PAM_TTY with
 *     pam_get_item() and nothing more: never the auth token, never
 *     pam_get_user() (which may prompt);
 *   - no allocation, no name lookup, no logging (syslog() can block on a
 *     full /dev/log), no state between calls;
 *   - the send never waits: daemon down (no socket), stopped or slow (full
 *     queue) all fail at once, silently: fail open.
 *
 * Arguments:
 *   socket=PATH  where the daemon listens (default /run/pamsignal/pam.sock)
 *   failure      this line is reached only when the modules before it failed
 *                (an authentication or account failure)
 *   success      this line is reached only when they succeeded
 * In auth, one of failure or success is needed: a line without it sends
 * nothing, since only its place in the stack says what happened.
 */
#include <security/pam_modules.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pam/wire.h"

static const char *item(pam_handle_t *pamh, int type)
{
	const void *v = NULL;
	return pam_get_item(pamh, type, &v) == PAM_SUCCESS ? v : NULL;
}

static void report(pam_handle_t *pamh, enum ps_wire_hook hook, int argc, const char **argv)
{
	struct ps_wire_msg m = { .hook = (uint8_t)hook, .result = PS_WIRE_UNKNOWN };
	const char *path = PS_WIRE_SOCKET;
	struct timespec ts;
	uint8_t buf[PS_WIRE_MAX];

	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "socket=", 7) == 0)
			path = argv[i] + 7;
		else if (strcmp(argv[i], "failure") == 0)
			m.result = PS_WIRE_FAILURE;
		else if (strcmp(argv[i], "success") == 0)
			m.result = PS_WIRE_SUCCESS;
	}
	if (hook == PS_WIRE_AUTH && m.result == PS_WIRE_UNKNOWN)
		return;
	m.field[PS_WIRE_SERVICE] = item(pamh, PAM_SERVICE);
	m.field[PS_WIRE_USER] = item(pamh, PAM_USER);
	m.field[PS_WIRE_RUSER] = item(pamh, PAM_RUSER);
	m.field[PS_WIRE_RHOST] = item(pamh, PAM_RHOST);
	m.field[PS_WIRE_TTY] = item(pamh, PAM_TTY);
	m.pid = (uint32_t)getpid();
	m.time_us = clock_gettime(CLOCK_REALTIME, &ts) == 0 ? (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000 : -1;
	ps_wire_send(path, buf, ps_wire_encode(&m, buf));
}

int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)flags;
	report(pamh, PS_WIRE_AUTH, argc, argv);
	return PAM_IGNORE;
}

/* Called through the auth stack after pam_authenticate: nothing to report. */
int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh, (void)flags, (void)argc, (void)argv;
	return PAM_IGNORE;
}

int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)flags;
	report(pamh, PS_WIRE_ACCOUNT, argc, argv);
	return PAM_IGNORE;
}

int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)flags;
	report(pamh, PS_WIRE_SESSION_OPEN, argc, argv);
	return PAM_IGNORE;
}

int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)flags;
	report(pamh, PS_WIRE_SESSION_CLOSE, argc, argv);
	return PAM_IGNORE;
}
