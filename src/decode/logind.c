/*
 * systemd-logind (src/login/logind-session.c): "New session %s of user %s."
 * and "Removed session %s.". The user has a session, so it is a real
 * account; the session id is logind's.
 */
#include <errno.h>

#include "decode/decoders.h"
#include "decode/fields.h"

static bool is_session_id(struct ps_str s)
{
	if (s.n == 0 || s.n > 64)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		char c = s.p[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_'))
			return false;
	}
	return true;
}

int ps_decode_logind(struct ps_str msg, struct ps_event *ev)
{
	struct ps_str rest = msg;

	if (ps_skip(&rest, "New session ")) {
		struct ps_str id = ps_take_token(&rest);
		if (!is_session_id(id) || !ps_skip(&rest, " of user ") || !ps_chop(&rest, "."))
			return -EBADMSG;
		ev->kind = PS_KIND_SESSION_OPEN;
		ev->session = id;
		ev->user = rest;
		return 1;
	}
	if (ps_skip(&rest, "Removed session ")) {
		if (!ps_chop(&rest, ".") || !is_session_id(rest))
			return -EBADMSG;
		ev->kind = PS_KIND_SESSION_CLOSE;
		ev->session = rest;
		return 1;
	}
	return 0;
}
