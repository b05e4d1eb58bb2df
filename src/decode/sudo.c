/*
 * sudo (sudoers plugin, logging.c / lib/eventlog):
 *   "USER : [REASON ; ][TTY=T ; ]PWD=P ; USER=R ; [GROUP=G ; ][TSID=S ; ][ENV=E ; ]COMMAND=C"
 * USER at the front is the invoking account (from the password database);
 * TTY is the kernel's; PWD, ENV and COMMAND are the caller's own text and
 * may contain " ; USER=" and " ; COMMAND=". The fields are read in their
 * fixed order, and a line in which a marker appears more than once where
 * the caller's text could have planted it is marked ambiguous.
 */
#include <errno.h>

#include "decode/decoders.h"
#include "decode/fields.h"

static int reason_kind(struct ps_str reason, struct ps_event *ev)
{
	if (reason.n == 0) {
		ev->kind = PS_KIND_COMMAND;
		ev->outcome = PS_OUTCOME_SUCCESS;
		return 1;
	}
	ev->outcome = PS_OUTCOME_FAILURE;
	if (ps_ends(reason, " incorrect password attempts") || ps_ends(reason, " incorrect password attempt")) {
		struct ps_str n = reason;
		uint64_t count;
		ev->kind = PS_KIND_AUTH_FAILURE;
		ev->reason = PS_REASON_BAD_PASSWORD;
		if (ps_parse_u64(ps_take_digits(&n), UINT32_MAX, &count) == 0 && count > 0)
			ev->count = (uint32_t)count;
		return 1;
	}
	if (ps_eq_lit(reason, "user NOT in sudoers")) {
		ev->kind = PS_KIND_AUTH_FAILURE;
		ev->reason = PS_REASON_NOT_IN_SUDOERS;
		return 1;
	}
	if (ps_eq_lit(reason, "user NOT authorized on host")) {
		ev->kind = PS_KIND_AUTH_FAILURE;
		ev->reason = PS_REASON_NOT_ALLOWED;
		return 1;
	}
	if (ps_eq_lit(reason, "command not allowed")) {
		ev->kind = PS_KIND_COMMAND;
		ev->reason = PS_REASON_COMMAND_NOT_ALLOWED;
		return 1;
	}
	if (ps_eq_lit(reason, "a password is required")) {
		ev->kind = PS_KIND_AUTH_FAILURE;
		ev->reason = PS_REASON_PASSWORD_REQUIRED;
		return 1;
	}
	return 0;
}

int ps_decode_sudo(struct ps_str msg, struct ps_event *ev)
{
	struct ps_str rest = ps_trim_spaces(msg), user, reason = PS_STR_NULL;

	/* sudo pads the user name; the name itself has neither spaces nor " : ". */
	if (!ps_split(rest, " : ", &user, &rest) || !ps_plausible_name(user))
		return 0;
	/* Without a terminal sudo leaves TTY= out and starts with PWD=. */
	if (!ps_starts(rest, "TTY=") && !ps_starts(rest, "PWD=")) {
		/* "REASON ; ": sudo's own words, always before the caller's text. */
		if (!ps_split(rest, " ; ", &reason, &rest))
			return 0;
		if (!ps_starts(rest, "TTY=") && !ps_starts(rest, "PWD="))
			return 0;
	}
	int r = reason_kind(reason, ev);
	if (r <= 0)
		return r;
	ev->user = user;

	if (ps_skip(&rest, "TTY=")) {
		struct ps_str tty;
		if (!ps_split(rest, " ; PWD=", &tty, &rest) || ps_has_byte(tty, ' '))
			return -EBADMSG;
		if (!ps_eq_lit(tty, "unknown"))
			ev->tty = tty;
	} else {
		ps_skip(&rest, "PWD=");
	}

	/* PWD is the caller's: it ends at the only " ; USER=", or we cannot tell. */
	size_t users = ps_count(rest, " ; USER=");
	struct ps_str cwd, target;
	if (users == 0 || !ps_split(rest, " ; USER=", &cwd, &rest))
		return -EBADMSG;
	target = ps_take_token(&rest);

	/* GROUP= and TSID= are sudo's own single tokens; ENV= is the caller's. */
	bool env = false;
	for (;;) {
		if (ps_skip(&rest, " ; GROUP=") || ps_skip(&rest, " ; TSID=")) {
			ps_take_token(&rest);
			continue;
		}
		if (ps_starts(rest, " ; ENV="))
			env = true;
		break;
	}
	ptrdiff_t cmd_at = ps_find(rest, " ; COMMAND=");
	if (cmd_at < 0)
		return -EBADMSG;
	if (users > 1 || (env && ps_count(rest, " ; COMMAND=") > 1)) {
		ev->ambiguous = true;
		return 1;
	}
	ev->cwd = cwd;
	ev->target_user = target;
	ev->command = ps_tail(rest, (size_t)cmd_at + strlen(" ; COMMAND="));
	return 1;
}
