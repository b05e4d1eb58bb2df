/*
 * Linux audit events (auditd's audit.log, `ausearch --raw`) as events.
 *
 * libauparse groups the records: a kernel event is every record with one
 * serial (SYSCALL, EXECVE, CWD, PATH, PROCTITLE, ended by EOE); a record
 * from user space (USER_AUTH, USER_START, USER_CMD...) stands alone. One
 * audit event gives at most one pamsignal event:
 *
 *   USER_AUTH             auth_success, or auth_failure (bad_credential)
 *   USER_ACCT res=failed  auth_failure (not_allowed)
 *   USER_LOGIN            auth_success or auth_failure
 *   USER_START/USER_END   session_open/session_close, session = audit ses
 *   USER_CMD              command (sudo), command = cmd=
 *   EXECVE (+SYSCALL,CWD) command: argv, cwd, exe, pid, ppid
 *   TTY, USER_TTY         tty_input: the keystrokes (see below)
 *
 * Every event from audit carries login_uid/login_user (auid and its name),
 * which the kernel keeps across sudo and su: a command run as root says
 * who logged in. auid and ses 4294967295 (or -1) mean unset and are left
 * out. USER_AUTH success is reported as auth_success because Debian's sshd
 * writes no USER_LOGIN; where sshd does (RHEL), one login gives both, and
 * audit_type tells them apart.
 *
 * Trust: every record is written by the kernel or by a process holding
 * CAP_AUDIT_WRITE, but values still carry attacker text: acct= is the name
 * a client tried, cmd=, EXECVE arguments, cwd= and TTY data are whatever
 * was typed. The kernel and libaudit write such values either quoted (no
 * space, quote or control inside) or hex-encoded; both are decoded here to
 * the exact bytes (NULs included), which reach output only through the
 * escaping writers. Names come from ENRICHED fields (log_format = ENRICHED)
 * through auparse_interpret_field(), else from this machine's user database.
 *
 * Passwords in tty_input: pam_tty_audit records nothing typed with echo off
 * in canonical mode (every password prompt) unless log_passwd is set. When
 * it is, or a program reads a password with echo on, the input would be
 * stored; so the keystrokes of a TTY record are withheld (input left out,
 * detail says why) when the process that read them is one that asks for
 * passwords: the kernel names that reader in comm=, and it pushes a new
 * record whenever the reader or the terminal mode changes, so the
 * password and the shell's command line never share a record. The list is
 * PS_AUDIT_PROMPTERS in audit.c (sudo, su, passwd, ssh, gpg, mysql...). A
 * process that renames itself to one of those names gets its input
 * withheld too: privacy wins over completeness, and the event still shows
 * that something was typed.
 *
 * Nothing here allocates: text that has to be decoded goes into the
 * caller's struct ps_audit_text, which the event's fields then point into
 * along with auparse's own buffers (valid during the auparse callback).
 */
#ifndef PS_DECODE_AUDIT_H
#define PS_DECODE_AUDIT_H

#include <auparse.h>
#include <stdbool.h>
#include <stdint.h>

#include "event/event.h"
#include "util/slice.h"

/* Longest command or input kept; longer ones are cut and say so in detail. */
#define PS_AUDIT_TEXT_MAX (8 * 1024)

struct ps_audit_text {
	char buf[4 * PS_AUDIT_TEXT_MAX];
	size_t len;
};

/*
 * Map the event auparse is positioned on (inside its callback) into *ev,
 * initialised here. Returns 1 (an event), 0 (a record type we do not
 * report) or -EBADMSG (a type we report without the fields it must have).
 * ev's text points into au's event and into t, which is reset first.
 */
int ps_audit_map(auparse_state_t *au, struct ps_audit_text *t, struct ps_event *ev);

/*
 * The process a kernel event (one with a SYSCALL record) shows: for the
 * table of processes that attributes local failures (correlate/proctable.h).
 * Text points into au's event and into t, which is reset first.
 */
struct ps_audit_proc {
	int64_t time_us, pid, ppid;
	struct ps_str host, comm, exe;
	struct ps_str cmdline; /* EXECVE's arguments, else PROCTITLE's; PS_STR_NULL when neither */
};

/* Returns 1 with *p filled, or 0 (no SYSCALL record, or no pid in it). */
int ps_audit_proc(auparse_state_t *au, struct ps_audit_text *t, struct ps_audit_proc *p);

/*
 * A line with audit's framing: "[node=N ]type=T msg=audit(SEC.MS:SERIAL): ...".
 * On true, *serial is the record's serial number.
 */
bool ps_audit_line(struct ps_str line, uint64_t *serial);

#endif
