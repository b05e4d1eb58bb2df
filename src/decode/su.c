/*
 * su. util-linux su-common.c: "(to %s) %s on %s" and "FAILED SU (to %s) %s on %s"
 * (new user, old user, tty). shadow su.c: "Successful su for %s by %s" and
 * "FAILED su for %s by %s". The target name is whatever the caller typed; the
 * old user and the tty come from the system, so both forms are read from the
 * right. shadow's "+ tty old:new" twin lines repeat the same fact and are not
 * events.
 */
#include <errno.h>

#include "decode/decoders.h"
#include "decode/fields.h"

static int util_linux_form(struct ps_str rest, struct ps_event *ev)
{
	struct ps_str left, tty;
	if (!ps_rsplit(rest, " on ", &left, &tty) || tty.n == 0 || ps_has_byte(tty, ' '))
		return -EBADMSG;
	struct ps_str old = ps_take_last_token(&left);
	if (!ps_plausible_name(old) || !ps_chop(&left, ") "))
		return -EBADMSG;
	ev->user = old;
	ev->target_user = left;
	if (!ps_eq_lit(tty, "none"))
		ev->tty = tty;
	return 1;
}

static int shadow_form(struct ps_str rest, struct ps_event *ev)
{
	struct ps_str target, old;
	if (!ps_rsplit(rest, " by ", &target, &old) || !ps_plausible_name(old))
		return -EBADMSG;
	ev->user = old;
	ev->target_user = target;
	return 1;
}

int ps_decode_su(struct ps_str msg, struct ps_event *ev)
{
	struct ps_str rest = msg;
	if (ps_skip(&rest, "(to ")) {
		ev->kind = PS_KIND_AUTH_SUCCESS;
		return util_linux_form(rest, ev);
	}
	if (ps_skip(&rest, "FAILED SU (to ")) {
		ev->kind = PS_KIND_AUTH_FAILURE;
		return util_linux_form(rest, ev);
	}
	if (ps_skip(&rest, "Successful su for ")) {
		ev->kind = PS_KIND_AUTH_SUCCESS;
		return shadow_form(rest, ev);
	}
	if (ps_skip(&rest, "FAILED su for ")) {
		ev->kind = PS_KIND_AUTH_FAILURE;
		return shadow_form(rest, ev);
	}
	return 0;
}
