/*
 * The pam socket's datagram: what pam_pamsignal.so and `pamsignal
 * pam-hook` send, and the daemon's pam source reads (decode/pam_datagram.c).
 * One datagram is one PAM hook call. Version 1, all integers big-endian:
 *
 *   offset  size  field
 *   0       4     magic "PSpm"
 *   4       1     version: PS_WIRE_VERSION
 *   5       1     hook: enum ps_wire_hook
 *   6       1     result: enum ps_wire_result, what the line's place in the
 *                 stack implies (the module's "failure" or "success" argument)
 *   7       1     truncated: bit (tag - 1) set when that field was longer than
 *                 PS_WIRE_FIELD_MAX and was cut
 *   8       4     pid of the PAM application
 *   12      8     time: microseconds since the epoch (CLOCK_REALTIME), signed
 *   20      ...   fields, each: tag (1 byte), length (2 bytes), that many bytes
 *
 * A field is a PAM item as the application set it, without its NUL: at most
 * PS_WIRE_FIELD_MAX bytes, each tag at most once, unset items left out. Every
 * field is the PAM application's input, so attacker text (a user name sent
 * over ssh, a reverse-DNS rhost). A reader rejects any other version, an
 * unknown tag, a repeated tag, a NUL inside a field and a length that runs
 * past the datagram: a newer format gets a new version number.
 *
 * This file and wire.c are compiled into the PAM module as well as into
 * pamsignal: they use libc alone.
 */
#ifndef PS_PAM_WIRE_H
#define PS_PAM_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define PS_WIRE_SOCKET "/run/pamsignal/pam.sock"
#define PS_WIRE_MAGIC "PSpm"
#define PS_WIRE_VERSION 1
#define PS_WIRE_HEADER 20
#define PS_WIRE_FIELD_MAX 512

enum ps_wire_hook {
	PS_WIRE_AUTH = 1,          /* pam_sm_authenticate: with a result, an auth failure or success */
	PS_WIRE_ACCOUNT = 2,       /* pam_sm_acct_mgmt */
	PS_WIRE_SESSION_OPEN = 3,  /* pam_sm_open_session */
	PS_WIRE_SESSION_CLOSE = 4, /* pam_sm_close_session */
};

enum ps_wire_result {
	PS_WIRE_UNKNOWN = 0, /* the line's place says nothing */
	PS_WIRE_SUCCESS = 1, /* reached only when the modules before it succeeded */
	PS_WIRE_FAILURE = 2, /* reached only when they failed */
};

enum ps_wire_tag {
	PS_WIRE_SERVICE = 1, /* PAM_SERVICE */
	PS_WIRE_USER,        /* PAM_USER */
	PS_WIRE_RUSER,       /* PAM_RUSER: who asks to become PAM_USER (su's caller) */
	PS_WIRE_RHOST,       /* PAM_RHOST: the remote address, or a name (sshd's UseDNS) */
	PS_WIRE_TTY,         /* PAM_TTY */
	PS_WIRE_N_TAGS = PS_WIRE_TTY
};

/* The longest datagram: the header and every field at its maximum. */
#define PS_WIRE_MAX (PS_WIRE_HEADER + PS_WIRE_N_TAGS * (3 + PS_WIRE_FIELD_MAX))

struct ps_wire_msg {
	uint8_t hook, result;
	uint32_t pid;
	int64_t time_us;
	const char *field[PS_WIRE_N_TAGS + 1]; /* by tag; NUL-terminated, or NULL when unset */
};

/*
 * Encode m into buf, which has room for PS_WIRE_MAX bytes. Fields longer
 * than PS_WIRE_FIELD_MAX are cut there (and flagged); reading them stops
 * there too, so a huge item costs no more than a short one. Returns the
 * length.
 */
size_t ps_wire_encode(const struct ps_wire_msg *m, uint8_t buf[PS_WIRE_MAX]);

/*
 * Send one datagram to the unix socket at path, never waiting: a socket
 * that is missing, refused or full (the daemon is down, stopped or slow)
 * fails at once. The datagram carries the sender's credentials with its
 * effective uid, so that set-user-ID root programs (su, sudo), whose real
 * uid is the caller's, are seen as root. Returns 0 or a negative errno.
 */
int ps_wire_send(const char *path, const uint8_t *buf, size_t len);

#endif
