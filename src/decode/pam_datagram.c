/*
 * A pam socket datagram (pam/wire.h, version 1) → an event.
 *
 * The sender is root (checked by the caller), but every field is the PAM
 * application's input: the user name an ssh client sent, an rhost from
 * reverse DNS. Fields stay slices of the datagram and reach output only
 * through the escapers.
 *
 * Mapping. The module reports a hook; the stack line's place (its
 * "failure" or "success" argument) says what happened:
 *   auth, failure     → auth_failure (reason pam_failure: PAM said no)
 *   auth, success     → auth_success
 *   auth, unknown     → malformed: the module sends auth only with a result
 *   account, failure  → auth_failure (reason not_allowed: the credentials
 *                       were right, the account was refused)
 *   account, other    → no event: cron and every login pass through it, and
 *                       its success is no login
 *   session open      → session_open
 *   session close     → session_close
 * PAM_RUSER, when set and not PAM_USER, is who asked to become PAM_USER
 * (su's caller): it becomes user, and PAM_USER target_user, as for su's own
 * log lines. PAM_RHOST is the address, or a host name (src_host).
 */
#include "decode/pam_datagram.h"

#include <errno.h>
#include <string.h>

#include "decode/fields.h"
#include "pam/wire.h"

static uint64_t get_be(const unsigned char *p, unsigned bytes)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

/* The fields, by tag; each at most once, within d, without NUL bytes. */
static int fields(struct ps_str d, struct ps_str f[PS_WIRE_N_TAGS + 1])
{
	const unsigned char *p = (const unsigned char *)d.p;
	size_t at = PS_WIRE_HEADER;

	for (unsigned t = 0; t <= PS_WIRE_N_TAGS; t++)
		f[t] = PS_STR_NULL;
	while (at < d.n) {
		if (d.n - at < 3)
			return -EBADMSG;
		unsigned tag = p[at];
		size_t n = (size_t)get_be(p + at + 1, 2);
		at += 3;
		if (tag < 1 || tag > PS_WIRE_N_TAGS || ps_set(f[tag]) || n > PS_WIRE_FIELD_MAX || n > d.n - at ||
		    memchr(p + at, '\0', n))
			return -EBADMSG;
		f[tag] = ps_str(d.p + at, n);
		at += n;
	}
	return 0;
}

static int kind(unsigned hook, unsigned result, struct ps_event *ev)
{
	switch (hook) {
	case PS_WIRE_AUTH:
		if (result == PS_WIRE_UNKNOWN)
			return -EBADMSG;
		ev->kind = result == PS_WIRE_FAILURE ? PS_KIND_AUTH_FAILURE : PS_KIND_AUTH_SUCCESS;
		if (result == PS_WIRE_FAILURE)
			ev->reason = PS_REASON_PAM_FAILURE;
		return 1;
	case PS_WIRE_ACCOUNT:
		if (result != PS_WIRE_FAILURE)
			return 0;
		ev->kind = PS_KIND_AUTH_FAILURE;
		ev->reason = PS_REASON_NOT_ALLOWED;
		return 1;
	case PS_WIRE_SESSION_OPEN:
		ev->kind = PS_KIND_SESSION_OPEN;
		return 1;
	case PS_WIRE_SESSION_CLOSE:
		ev->kind = PS_KIND_SESSION_CLOSE;
		return 1;
	default:
		return -EBADMSG;
	}
}

/* A non-empty field, unless it was cut short: then it is left out and the event marked. */
static struct ps_str whole(struct ps_str f, unsigned tag, unsigned truncated, struct ps_event *ev)
{
	if (truncated & (1u << (tag - 1))) {
		ev->ambiguous = true;
		return PS_STR_NULL;
	}
	return f.n > 0 ? f : PS_STR_NULL;
}

int ps_decode_pam_datagram(struct ps_str d, struct ps_event *ev)
{
	const unsigned char *p = (const unsigned char *)d.p;
	struct ps_str f[PS_WIRE_N_TAGS + 1];
	int r;

	ps_event_init(ev);
	if (d.n < PS_WIRE_HEADER || memcmp(p, PS_WIRE_MAGIC, 4) != 0)
		return -EBADMSG;
	if (p[4] != PS_WIRE_VERSION)
		return -EPROTONOSUPPORT;
	unsigned hook = p[5], result = p[6], truncated = p[7];
	if (d.n > PS_WIRE_MAX || result > PS_WIRE_FAILURE || truncated >> PS_WIRE_N_TAGS)
		return -EBADMSG;
	if ((r = fields(d, f)) < 0 || (r = kind(hook, result, ev)) <= 0)
		return r;

	uint64_t pid = get_be(p + 8, 4), t = get_be(p + 12, 8);
	if (pid > 0 && pid <= INT32_MAX)
		ev->pid = (int64_t)pid;
	if (t <= INT64_MAX)
		ev->time_us = (int64_t)t;
	ev->outcome = ps_kind_outcome(ev->kind);
	ev->service = whole(f[PS_WIRE_SERVICE], PS_WIRE_SERVICE, truncated, ev);
	struct ps_str user = whole(f[PS_WIRE_USER], PS_WIRE_USER, truncated, ev);
	struct ps_str ruser = whole(f[PS_WIRE_RUSER], PS_WIRE_RUSER, truncated, ev);
	if (ps_set(ruser) && !(ps_set(user) && ps_eq(ruser, user))) {
		ev->user = ruser;
		ev->target_user = user;
	} else {
		ev->user = user;
	}
	struct ps_str rhost = whole(f[PS_WIRE_RHOST], PS_WIRE_RHOST, truncated, ev);
	if (ps_set(rhost) && !ps_set_remote(ev, rhost))
		ev->ambiguous = true; /* not an address, not a host name: left out */
	ev->tty = whole(f[PS_WIRE_TTY], PS_WIRE_TTY, truncated, ev);
	return 1;
}
