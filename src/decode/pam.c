/*
 * PAM module messages, whichever program logged them:
 * "pam_MODULE(SERVICE:TYPE): TEXT".
 *
 * Formats: Linux-PAM modules/pam_unix/support.c (authentication failure,
 * check pass), pam_unix_sess.c (session opened/closed, both the pre-1.5
 * "for user U by L(uid=N)" and the newer "for user U(uid=N) by L(uid=M)"),
 * pam_unix_passwd.c (password changed), pam_faillock.c.
 */
#include <errno.h>

#include "decode/decoders.h"
#include "decode/fields.h"

/* Services whose sessions switch user: the by-name is the person. */
static bool is_switch_service(struct ps_str service)
{
	static const char *const names[] = { "su", "su-l", "sudo", "sudo-i", "runuser", "runuser-l" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (ps_eq_lit(service, names[i]))
			return true;
	return false;
}

/*
 * "authentication failure; logname=L uid=N euid=N tty=T ruser=R rhost=H[ user=U]"
 * Every value before user= is a single token set by the application or the
 * system; user= comes last and is whatever name was tried, spaces and all.
 */
static int auth_failure(struct ps_str rest, struct ps_event *ev)
{
	static const char *const keys[] = { "logname=", "uid=", "euid=", "tty=", "ruser=", "rhost=" };
	struct ps_str val[6];

	for (size_t i = 0; i < 6; i++) {
		rest = ps_trim_spaces(rest);
		if (!ps_skip(&rest, keys[i]))
			return -EBADMSG;
		val[i] = ps_take_token(&rest);
	}
	ev->kind = PS_KIND_AUTH_FAILURE;
	ev->reason = PS_REASON_PAM_FAILURE;
	if (val[3].n)
		ev->tty = val[3];
	if (val[5].n && !ps_set_remote(ev, val[5]))
		return -EBADMSG;
	/* pam_unix writes one or two spaces before "user=" depending on version. */
	struct ps_str user = rest;
	while (user.n > 0 && user.p[0] == ' ')
		user = ps_tail(user, 1);
	if (ps_skip(&user, "user="))
		ev->user = user;
	else if (user.n != 0)
		return -EBADMSG;
	return 1;
}

/* "U(uid=N)" or "U": the name, without the uid suffix. */
static struct ps_str strip_uid(struct ps_str s)
{
	struct ps_str name, uid;
	if (ps_ends(s, ")") && ps_rsplit(s, "(uid=", &name, &uid) &&
	    ps_all_digits(ps_head(uid, uid.n - 1)))
		return name;
	return s;
}

static int session(struct ps_str rest, struct ps_str service, struct ps_event *ev, bool open)
{
	/* Opened: "for user U[(uid=N)] by L(uid=M)"; closed: "for user U". */
	if (!ps_skip(&rest, " for user "))
		return -EBADMSG;
	struct ps_str user = rest, by = PS_STR_NULL;
	if (open) {
		/* The "by" part is the caller's login name, written last: anchor on it. */
		if (!ps_rsplit(rest, " by ", &user, &by))
			return -EBADMSG;
		by = strip_uid(by);
		user = strip_uid(user);
	}
	ev->kind = open ? PS_KIND_SESSION_OPEN : PS_KIND_SESSION_CLOSE;
	ev->outcome = PS_OUTCOME_NONE;
	if (is_switch_service(service) && by.n > 0) {
		ev->user = by;
		ev->target_user = user;
	} else if (is_switch_service(service)) {
		ev->target_user = user;
	} else {
		ev->user = user;
	}
	return 1;
}

static int unix_message(struct ps_str text, struct ps_str service, struct ps_event *ev)
{
	if (ps_skip(&text, "authentication failure; "))
		return auth_failure(text, ev);
	if (ps_eq_lit(text, "check pass; user unknown") || ps_starts(text, "bad username [")) {
		ev->kind = PS_KIND_AUTH_FAILURE;
		ev->reason = PS_REASON_INVALID_USER;
		return 1;
	}
	if (ps_skip(&text, "session opened"))
		return session(text, service, ev, true);
	if (ps_skip(&text, "session closed"))
		return session(text, service, ev, false);
	if (ps_skip(&text, "account ") && ps_chop(&text, " has expired (account expired)")) {
		/* pam_unix_acct.c: the account exists, so the name is real. */
		ev->kind = PS_KIND_AUTH_FAILURE;
		ev->reason = PS_REASON_EXPIRED;
		ev->user = text;
		return 1;
	}
	if (ps_skip(&text, "password changed for ")) {
		ev->kind = PS_KIND_ACCOUNT_CHANGE;
		ev->action = PS_ACTION_PASSWORD_CHANGE;
		ev->user = text;
		return 1;
	}
	return 0;
}

static int faillock_message(struct ps_str text, struct ps_event *ev)
{
	/* "Consecutive login failures for user %s account temporarily locked" */
	if (!ps_skip(&text, "Consecutive login failures for user "))
		return 0;
	if (!ps_chop(&text, " account temporarily locked"))
		return -EBADMSG;
	ev->kind = PS_KIND_AUTH_FAILURE;
	ev->reason = PS_REASON_LOCKED;
	ev->user = text;
	return 1;
}

int ps_decode_pam(struct ps_str msg, struct ps_event *ev)
{
	struct ps_str rest = msg, module, service, type, text;

	/* pam_syslog(): "%s(%s:%s): %s" with module, service, type. */
	if (!ps_starts(rest, "pam_") || !ps_split(rest, "(", &module, &rest))
		return 0;
	if (!ps_split(rest, "): ", &rest, &text) || !ps_split(rest, ":", &service, &type))
		return 0;
	if (ps_has_byte(module, ' ') || ps_has_byte(service, ' ') || ps_has_byte(type, ' '))
		return 0;
	if (service.n > 0)
		ev->service = service;

	int r = 0;
	if (ps_eq_lit(module, "pam_unix"))
		r = unix_message(text, service, ev);
	else if (ps_eq_lit(module, "pam_faillock"))
		r = faillock_message(text, ev);
	if (r > 0 && !ev->outcome)
		ev->outcome = ps_kind_outcome(ev->kind);
	return r;
}
