/*
 * login. util-linux login.c:
 *   "FAILED LOGIN %u FROM %s FOR %s, %s"     (count, host or tty, user, PAM error)
 *   "TOO MANY LOGIN TRIES (%u) FROM %s FOR %s, %s"
 *   "ROOT LOGIN ON %s[ FROM %s]"             "LOGIN ON %s BY %s[ FROM %s]"
 * shadow login.c:
 *   "FAILED LOGIN (%u) on '%s'[ from '%s'] FOR '%s', %s"
 *   "ROOT LOGIN  on '%s'[ from '%s']"
 *   "TOO MANY LOGIN TRIES (%u) on '%s'[ from '%s'] FOR '%s'"
 * (Debian and Ubuntu ship shadow's login; shadow logs 'UNKNOWN' for a name
 * that is not an account, so that passwords typed as names stay out of logs.)
 * The user of a failed login is whatever was typed at the prompt; it sits
 * between fixed text on the left and the PAM error string on the right.
 */
#include <errno.h>

#include "decode/decoders.h"
#include "decode/fields.h"

/* "tty1", "pts/0", "/dev/tty1", "console": a terminal rather than a host. */
static bool looks_like_tty(struct ps_str s)
{
	return ps_starts(s, "/dev/") || ps_starts(s, "tty") || ps_starts(s, "pts/") ||
	       ps_eq_lit(s, "console") || ps_starts(s, "hvc") || ps_starts(s, "ttyS");
}

static void set_where(struct ps_event *ev, struct ps_str where)
{
	if (looks_like_tty(where))
		ev->tty = where;
	else
		ps_set_remote(ev, where);
}

static enum ps_reason pam_error_reason(struct ps_str err)
{
	if (ps_eq_lit(err, "Authentication failure"))
		return PS_REASON_BAD_PASSWORD;
	if (ps_eq_lit(err, "User not known to the underlying authentication module"))
		return PS_REASON_INVALID_USER;
	if (ps_eq_lit(err, "Maximum number of tries exceeded"))
		return PS_REASON_MAX_ATTEMPTS;
	return PS_REASON_PAM_FAILURE;
}

/* "FROM X FOR USER, PAM ERROR" (util-linux). */
static int from_for(struct ps_str rest, struct ps_event *ev, enum ps_reason fixed)
{
	struct ps_str where = ps_take_token(&rest), user, err;
	if (where.n == 0 || !ps_skip(&rest, " FOR ") || !ps_rsplit(rest, ", ", &user, &err))
		return -EBADMSG;
	set_where(ev, where);
	ev->kind = PS_KIND_AUTH_FAILURE;
	ev->reason = fixed ? fixed : pam_error_reason(err);
	ev->user = user;
	return 1;
}

/* "'X'": a quoted value at the front of *s. Quotes are never inside (shadow). */
static bool take_quoted(struct ps_str *s, struct ps_str *v)
{
	struct ps_str t = *s;
	if (!ps_skip(&t, "'") || !ps_split(t, "'", v, &t))
		return false;
	*s = t;
	return true;
}

/* shadow: " on 'TTY'[ from 'HOST']" at the front of *s. */
static bool shadow_where(struct ps_str *s, struct ps_event *ev)
{
	struct ps_str tty, host;
	if (!ps_skip(s, " on ") || !take_quoted(s, &tty))
		return false;
	ev->tty = tty;
	if (ps_skip(s, " from ")) {
		if (!take_quoted(s, &host))
			return false;
		ps_set_remote(ev, host);
	}
	return true;
}

static int shadow_failed(struct ps_str rest, struct ps_event *ev)
{
	/* "(N) on 'TTY'[ from 'HOST'] FOR 'USER', ERR": the user may hold quotes. */
	if (!ps_skip(&rest, "(") || ps_take_digits(&rest).n == 0 || !ps_skip(&rest, ")"))
		return -EBADMSG;
	if (!shadow_where(&rest, ev) || !ps_skip(&rest, " FOR '"))
		return -EBADMSG;
	struct ps_str user, err;
	if (!ps_rsplit(rest, "', ", &user, &err))
		return -EBADMSG;
	ev->kind = PS_KIND_AUTH_FAILURE;
	ev->reason = pam_error_reason(err);
	/* shadow's stand-in for a name that is no account (LOG_UNKFAIL_ENAB no). */
	if (ps_eq_lit(user, "UNKNOWN"))
		ev->reason = PS_REASON_INVALID_USER;
	else
		ev->user = user;
	return 1;
}

int ps_decode_login(struct ps_str msg, struct ps_event *ev)
{
	struct ps_str rest = msg;

	if (ps_skip(&rest, "FAILED LOGIN ")) {
		if (ps_starts(rest, "("))
			return shadow_failed(rest, ev);
		if (ps_take_digits(&rest).n == 0 || !ps_skip(&rest, " FROM "))
			return -EBADMSG;
		return from_for(rest, ev, PS_REASON_NONE);
	}
	if (ps_skip(&rest, "TOO MANY LOGIN TRIES (")) {
		if (ps_take_digits(&rest).n == 0 || !ps_skip(&rest, ")"))
			return -EBADMSG;
		if (ps_skip(&rest, " FROM "))
			return from_for(rest, ev, PS_REASON_MAX_ATTEMPTS);
		/* shadow: "TOO MANY LOGIN TRIES (%u)%s FOR '%s'" */
		struct ps_str user = rest;
		if (!shadow_where(&user, ev) || !ps_skip(&user, " FOR '") || !ps_chop(&user, "'"))
			return -EBADMSG;
		ev->kind = PS_KIND_AUTH_FAILURE;
		ev->reason = PS_REASON_MAX_ATTEMPTS;
		ev->user = user;
		return 1;
	}
	if (ps_skip(&rest, "ROOT LOGIN ON ")) {
		struct ps_str tty = ps_take_token(&rest);
		if (tty.n == 0)
			return -EBADMSG;
		ev->tty = tty;
		if (ps_skip(&rest, " FROM "))
			ps_set_remote(ev, rest);
		else if (rest.n)
			return -EBADMSG;
		ev->kind = PS_KIND_AUTH_SUCCESS;
		ev->user = PS_LIT("root");
		return 1;
	}
	if (ps_skip(&rest, "ROOT LOGIN ")) {
		/* shadow: "ROOT LOGIN  on '%s'": the second space starts " on ". */
		if (!shadow_where(&rest, ev))
			return -EBADMSG;
		ev->kind = PS_KIND_AUTH_SUCCESS;
		ev->user = PS_LIT("root");
		return 1;
	}
	if (ps_skip(&rest, "LOGIN ON ")) {
		/* "TTY BY USER[ FROM HOST]": USER has authenticated, so it is a real name. */
		struct ps_str tty = ps_take_token(&rest);
		if (tty.n == 0 || !ps_skip(&rest, " BY "))
			return -EBADMSG;
		struct ps_str user = ps_take_token(&rest);
		if (!ps_plausible_name(user))
			return -EBADMSG;
		if (ps_skip(&rest, " FROM "))
			ps_set_remote(ev, rest);
		else if (rest.n)
			return -EBADMSG;
		ev->kind = PS_KIND_AUTH_SUCCESS;
		ev->tty = tty;
		ev->user = user;
		return 1;
	}
	return 0;
}
