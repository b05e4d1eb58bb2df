/*
 * OpenSSH sshd, sshd-session and sshd-auth (7.x to 10.x).
 *
 * Formats are OpenSSH's own: auth.c auth_log() and auth_maxtries_exceeded(),
 * auth.c allowed_user(), auth2.c, packet.c sshpkt_fmt_connection_id() and
 * ssh_packet_disconnect(), sshd.c drop_connection(), srclimit.c, kex.c,
 * auth-pam.c. sshd's log.c vis-encodes control characters, but a name may
 * still hold spaces and any printable text, so every message is read from
 * its fixed suffix or from a fixed prefix that precedes all attacker text.
 */
#include <errno.h>

#include "decode/decoders.h"
#include "decode/fields.h"

static const struct {
	const char *name;
	enum ps_reason failed;
} methods[] = {
	{ "password", PS_REASON_BAD_PASSWORD },
	{ "keyboard-interactive", PS_REASON_BAD_PASSWORD },
	{ "publickey", PS_REASON_BAD_KEY },
	{ "hostbased", PS_REASON_BAD_KEY },
	{ "gssapi-with-mic", PS_REASON_BAD_CREDENTIAL },
	{ "gssapi-keyex", PS_REASON_BAD_CREDENTIAL },
	{ "none", PS_REASON_BAD_CREDENTIAL },
};

/* The reason a failed METHOD[/submethod] gets; 0 for an unknown method. */
static enum ps_reason method_failure(struct ps_str method)
{
	struct ps_str base = method;
	ps_split(method, "/", &base, NULL);
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (ps_eq_lit(base, methods[i].name))
			return methods[i].failed;
	return PS_REASON_NONE;
}

/* "SHA256:<base64>" or "MD5:<hex:hex:...>" (sshkey_fingerprint()). */
static bool is_fingerprint(struct ps_str s)
{
	if (!ps_skip(&s, "SHA256:") && !ps_skip(&s, "MD5:"))
		return false;
	if (s.n == 0)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		char c = s.p[i];
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			  (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=' || c == ':';
		if (!ok)
			return false;
	}
	return true;
}

/* A key type as sshkey_type() prints it: "ED25519", "RSA-CERT", "ECDSA-SK". */
static bool is_key_type(struct ps_str s)
{
	if (s.n == 0 || s.n > 32)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		char c = s.p[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '@' ||
		      (c >= 'a' && c <= 'z') || c == '.'))
			return false;
	}
	return true;
}

/*
 * The text auth_log() appends after "ssh2: ": a key ("TYPE FP") or a
 * certificate ("TYPE FP ID <key id> (serial N) CA TYPE FP"). The key id is
 * chosen by whoever signed the certificate, so it can hold anything.
 */
static bool is_auth_extra(struct ps_str s)
{
	struct ps_str t = s;
	struct ps_str type = ps_take_token(&t);
	if (!is_key_type(type) || !ps_skip(&t, " "))
		return false;
	struct ps_str fp = ps_take_token(&t);
	if (!is_fingerprint(fp))
		return false;
	if (t.n == 0)
		return true;
	struct ps_str ca_fp = ps_take_last_token(&t);
	if (!is_fingerprint(ca_fp) || !ps_chop(&t, " "))
		return false;
	struct ps_str ca_type = ps_take_last_token(&t);
	if (!is_key_type(ca_type) || !ps_chop(&t, " CA ") || !ps_chop(&t, ")"))
		return false;
	struct ps_str serial = ps_take_last_token(&t);
	return ps_all_digits(serial) && ps_chop(&t, " (serial ") && ps_skip(&t, " ID ");
}

/*
 * Attacker text on both sides of a separator can imitate it. Try every
 * occurrence of sep in rest: read(left, right, e) says whether that split
 * is a valid reading and fills the scratch event e. Exactly one valid
 * reading is copied into *ev (returns 1); several mark *ev ambiguous and
 * change nothing else (returns 2); none returns 0.
 */
typedef bool (*split_reader)(struct ps_str left, struct ps_str right, struct ps_event *e);

static int unique_split(struct ps_str rest, const char *sep, split_reader read, struct ps_event *ev)
{
	struct ps_event e, found;
	size_t seplen = strlen(sep);
	unsigned candidates = 0;

	for (ptrdiff_t at = ps_find(rest, sep); at >= 0 && candidates < 2;
	     at = ps_find_from(rest, (size_t)at + 1, sep)) {
		e = *ev;
		if (!read(ps_head(rest, (size_t)at), ps_tail(rest, (size_t)at + seplen), &e))
			continue;
		found = e;
		candidates++;
	}
	if (candidates == 1)
		*ev = found;
	else if (candidates > 1)
		ev->ambiguous = true;
	return (int)candidates;
}

/* Left "USER from IP port N", right "" or ": KEY" (auth_log's " ssh2" split). */
static bool read_auth_log(struct ps_str user, struct ps_str after, struct ps_event *e)
{
	struct ps_str extra = PS_STR_NULL;
	if (after.n > 0) {
		if (!ps_skip(&after, ": ") || !is_auth_extra(after))
			return false;
		extra = after;
	}
	if (!ps_chop_from_host_port(&user, e, false) || !e->src_ip.family)
		return false;
	e->user = user;
	e->key = extra;
	return true;
}

/*
 * "METHOD for [invalid user ]USER from IP port N ssh2[: EXTRA]".
 * USER may contain a whole fake suffix, and a certificate's key id in EXTRA
 * may too; every " ssh2" that splits the line into a valid suffix is a
 * candidate, and only a single candidate is believed.
 */
static int auth_log(struct ps_str rest, enum ps_kind kind, enum ps_reason reason,
		    struct ps_event *ev)
{
	struct ps_str method = ps_take_token(&rest);
	if (method.n == 0 || !ps_skip(&rest, " for "))
		return -EBADMSG;
	ev->kind = kind;
	ev->method = method;

	bool invalid = ps_skip(&rest, "invalid user ");
	if (kind == PS_KIND_AUTH_FAILURE)
		ev->reason = invalid ? PS_REASON_INVALID_USER : method_failure(method);
	else
		ev->reason = reason;

	return unique_split(rest, " ssh2", read_auth_log, ev) > 0 ? 1 : -EBADMSG;
}

/* "USER from IP port N[ ssh2]" or, from older sshd, "USER from IP". */
static int user_from(struct ps_str rest, struct ps_event *ev, const char *trailer, bool port_optional)
{
	if (trailer && !ps_chop(&rest, trailer))
		return -EBADMSG;
	if (!ps_chop_from_host_port(&rest, ev, port_optional))
		return -EBADMSG;
	ev->user = rest;
	return 1;
}

static int not_allowed(struct ps_str rest, struct ps_event *ev)
{
	/* allowed_user(): the reason is sshd's own text and comes last. */
	struct ps_str who;
	if (!ps_rsplit(rest, " not allowed because ", &who, NULL))
		return 0;
	ev->kind = PS_KIND_AUTH_FAILURE;
	ev->reason = PS_REASON_NOT_ALLOWED;
	/* Only existing accounts get here, so USER has no spaces: take the
	 * source only when what is left of it is such a name. */
	struct ps_event e = *ev;
	struct ps_str t = who;
	if (ps_chop_from_host_port(&t, &e, true) && ps_plausible_name(t)) {
		*ev = e;
		who = t;
	}
	ev->user = who;
	return 1;
}

/* Left "CONNID", right the reason (Disconnecting's ": " split). */
static bool read_conn_id_reason(struct ps_str left, struct ps_str reason, struct ps_event *e)
{
	(void)reason;
	return ps_parse_conn_id(left, e, NULL);
}

/* Left "CONNID", right "CODE: REASON" (Received disconnect's ":" split). */
static bool read_conn_id_code(struct ps_str left, struct ps_str right, struct ps_event *e)
{
	return ps_take_digits(&right).n > 0 && ps_starts(right, ":") &&
	       ps_parse_conn_id(left, e, NULL);
}

static int disconnecting(struct ps_str rest, struct ps_event *ev)
{
	if (ps_skip(&rest, ": ")) {
		/* OpenSSH < 7.5: "Disconnecting: Too many authentication failures[ for U]". */
		if (!ps_skip(&rest, "Too many authentication failures")) {
			ev->kind = PS_KIND_PROBE;
			ev->reason = PS_REASON_PREAUTH_DISCONNECT;
			return 1;
		}
		if (ps_skip(&rest, " for ")) {
			ps_skip(&rest, "invalid user ");
			ev->user = rest;
		}
	} else if (!ps_skip(&rest, " ")) {
		return 0;
	} else if (ps_chop(&rest, ": Too many authentication failures")) {
		/* "Disconnecting CONNID: REASON": when the reason is this one, sshd's
		 * own text, anchor on it. */
		if (!ps_parse_conn_id(rest, ev, NULL))
			return -EBADMSG;
	} else {
		/* Any other reason may be the client's text: split only where certain. */
		if (unique_split(rest, ": ", read_conn_id_reason, ev) == 0)
			return -EBADMSG;
		ev->kind = PS_KIND_PROBE;
		ev->reason = PS_REASON_PREAUTH_DISCONNECT;
		return 1;
	}
	ev->kind = PS_KIND_AUTH_FAILURE;
	ev->reason = PS_REASON_MAX_ATTEMPTS;
	return 1;
}

/* "Connection closed by CONNID", "Disconnected from CONNID". */
static int closed(struct ps_str rest, bool logout_is_close, struct ps_event *ev)
{
	enum ps_conn_who who;
	if (!ps_parse_conn_id(rest, ev, &who))
		return -EBADMSG;
	if (who == PS_CONN_USER) {
		/* After authentication: the end of a session, not a probe. */
		if (!logout_is_close)
			return 0;
		ev->kind = PS_KIND_SESSION_CLOSE;
		return 1;
	}
	/* An anonymous id means no one authenticated: a probe, [preauth] or not. */
	ev->kind = PS_KIND_PROBE;
	ev->reason = PS_REASON_PREAUTH_DISCONNECT;
	return 1;
}

static int received_disconnect(struct ps_str rest, bool preauth, struct ps_event *ev)
{
	/* "CONNID:CODE: REASON"; the code is digits, the reason the client's. */
	int n = unique_split(rest, ":", read_conn_id_code, ev);
	if (n == 0)
		return -EBADMSG;
	/* A client saying goodbye after login: the session end is logged apart. */
	if (n == 1 && (ps_starts(rest, "user ") || (!preauth && !ps_set(ev->user))))
		return 0;
	ev->kind = PS_KIND_PROBE;
	ev->reason = PS_REASON_PREAUTH_DISCONNECT;
	return 1;
}

static int probe(struct ps_event *ev, enum ps_reason reason)
{
	ev->kind = PS_KIND_PROBE;
	ev->reason = reason;
	return 1;
}

/* "HOST[ port N]" as all of s: older sshd versions leave the port out. */
static bool host_optional_port(struct ps_str s, struct ps_event *ev, bool ip_only)
{
	struct ps_str host = ps_take_token(&s);
	if (ps_skip(&s, " port ")) {
		if (!ps_parse_port(s, &ev->src_port))
			return false;
	} else if (s.n) {
		return false;
	}
	return ip_only ? ps_ip_parse(host, &ev->src_ip) == 0 : ps_set_remote(ev, host);
}

/* "IP port N" at the front of *s, followed by sep. */
static bool take_ip_port(struct ps_str *s, struct ps_ip *ip, int32_t *port, const char *sep)
{
	struct ps_str t = *s;
	if (ps_ip_parse(ps_take_token(&t), ip) < 0 || !ps_skip(&t, " port "))
		return false;
	if (!ps_parse_port(ps_take_digits(&t), port) || !ps_skip(&t, sep))
		return false;
	*s = t;
	return true;
}

/* "[IP]:PORT" at the front of *s. */
static bool take_bracket_ip_port(struct ps_str *s, struct ps_ip *ip, int32_t *port)
{
	struct ps_str t = *s, addr;
	if (!ps_skip(&t, "[") || !ps_split(t, "]:", &addr, &t) || ps_ip_parse(addr, ip) < 0)
		return false;
	if (!ps_parse_port(ps_take_digits(&t), port))
		return false;
	*s = t;
	return true;
}

static int drop_connection(struct ps_str rest, struct ps_event *ev)
{
	/* sshd.c: "drop connection #%d from [%s]:%d on [%s]:%d %s" */
	if (ps_take_digits(&rest).n == 0 || !ps_skip(&rest, " from "))
		return -EBADMSG;
	if (!take_bracket_ip_port(&rest, &ev->src_ip, &ev->src_port) || !ps_skip(&rest, " on ") ||
	    !take_bracket_ip_port(&rest, &ev->dst_ip, &ev->dst_port))
		return -EBADMSG;
	return probe(ev, ps_starts(rest, " penalty:") ? PS_REASON_PENALTY : PS_REASON_MAX_STARTUPS);
}

static int penalise(struct ps_str rest, struct ps_event *ev)
{
	/* srclimit.c: "%s: new %s %s penalty of %d seconds for %s" */
	struct ps_str addr, mask;
	if (!ps_skip(&rest, "ipv4: new ") && !ps_skip(&rest, "ipv6: new "))
		return 0;
	addr = ps_take_token(&rest);
	if (!ps_rsplit(addr, "/", &addr, &mask) || ps_ip_parse(addr, &ev->src_ip) < 0)
		return -EBADMSG;
	/* A wider prefix names a network, not the source: keep it in the message only. */
	if (!(ev->src_ip.family == 4 && ps_eq_lit(mask, "32")) &&
	    !(ev->src_ip.family == 6 && ps_eq_lit(mask, "128")))
		ev->src_ip.family = 0;
	return probe(ev, PS_REASON_PENALTY);
}

static int pam_error(struct ps_str rest, struct ps_event *ev)
{
	/* auth-pam.c: "PAM: %s for %s%.100s from %.100s" (message, "illegal user ", user, ip). */
	struct ps_str who;
	if (!ps_split(rest, " for ", NULL, &who))
		return 0;
	if (!ps_chop_from_host_port(&who, ev, true))
		return -EBADMSG;
	bool invalid = ps_skip(&who, "illegal user ");
	ev->kind = PS_KIND_AUTH_FAILURE;
	ev->reason = invalid ? PS_REASON_INVALID_USER : PS_REASON_PAM_FAILURE;
	ev->user = who;
	return 1;
}

/*
 * Undo OpenSSH log.c's strnvis(VIS_CSTYLE | VIS_NL | VIS_TAB | VIS_OCTAL):
 * a doubled backslash for a backslash, C escapes (\n \r \t \a \b \v \f \0)
 * and octal \ooo for other bytes. Only what those flags produce is decoded
 * (\s and \E are not), so a forged line's odd backslashes stay as logged.
 * Returns the decoded length, or SIZE_MAX if s is not something vis could
 * have written (then the text is kept as logged). out has room for s.n bytes.
 */
static size_t unvis(struct ps_str s, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < s.n; i++) {
		char c = s.p[i];
		if (c != '\\') {
			out[o++] = c;
			continue;
		}
		if (++i >= s.n)
			return SIZE_MAX;
		switch (s.p[i]) {
		case '\\': out[o++] = '\\'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'a': out[o++] = '\a'; break;
		case 'b': out[o++] = '\b'; break;
		case 'v': out[o++] = '\v'; break;
		case 'f': out[o++] = '\f'; break;
		default: {
			/* \ooo, or \0 alone (a NUL not followed by a digit). */
			unsigned v = 0, d = 0;
			while (d < 3 && i < s.n && s.p[i] >= '0' && s.p[i] <= '7') {
				v = v * 8 + (unsigned)(s.p[i++] - '0');
				d++;
			}
			if (d == 0 || v > 255)
				return SIZE_MAX;
			i--;
			out[o++] = (char)v;
		}
		}
	}
	return o;
}

/*
 * The user name as the client sent it. sshd escapes it once when it logs,
 * and a [preauth] line, relayed by the privilege-separation monitor, was
 * escaped twice; decoding restores one spelling for every line of an
 * attempt. Names longer than the event's buffer keep their logged form.
 */
static void decode_user(struct ps_event *ev, bool relayed)
{
	struct ps_str u = ev->user;
	if (!ps_has_byte(u, '\\') || u.n > sizeof(ev->text))
		return;
	char tmp[sizeof(ev->text)];
	size_t n = unvis(u, tmp);
	if (n == SIZE_MAX)
		return;
	if (relayed) {
		size_t n2 = unvis(ps_str(tmp, n), ev->text);
		if (n2 == SIZE_MAX)
			return;
		n = n2;
	} else {
		memcpy(ev->text, tmp, n);
	}
	ev->user = ps_str(ev->text, n);
}

/* Strip the level sshd's log.c prefixes to error/fatal/debug messages. */
static struct ps_str strip_level(struct ps_str m)
{
	static const char *const levels[] = { "error: ", "fatal: ", "debug1: ", "debug2: ",
					      "debug3: ", "debug: ", "verbose: " };
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (ps_skip(&m, levels[i]))
			break;
	return m;
}

static int decode_message(struct ps_str rest, bool preauth, struct ps_event *ev);

int ps_decode_sshd(struct ps_str m, struct ps_event *ev)
{
	struct ps_str rest = ps_trim_spaces(m);
	bool preauth = ps_chop(&rest, " [preauth]");
	int r = decode_message(strip_level(rest), preauth, ev);
	if (r > 0 && ps_set(ev->user))
		decode_user(ev, preauth);
	return r;
}

static int decode_message(struct ps_str rest, bool preauth, struct ps_event *ev)
{

	/* LogLevel VERBOSE notes from the key check, before the real result. */
	if (ps_starts(rest, "Accepted key ") || ps_starts(rest, "Accepted certificate ID "))
		return 0;
	if (ps_skip(&rest, "Accepted "))
		return auth_log(rest, PS_KIND_AUTH_SUCCESS, PS_REASON_NONE, ev);
	if (ps_skip(&rest, "Failed "))
		return auth_log(rest, PS_KIND_AUTH_FAILURE, PS_REASON_NONE, ev);
	if (ps_skip(&rest, "Partial "))
		return auth_log(rest, PS_KIND_AUTH_SUCCESS, PS_REASON_PARTIAL, ev);
	if (ps_skip(&rest, "Postponed "))
		return auth_log(rest, PS_KIND_PROBE, PS_REASON_POSTPONED, ev);

	if (ps_skip(&rest, "Invalid user ") || ps_skip(&rest, "Illegal user ")) {
		ev->kind = PS_KIND_AUTH_FAILURE;
		ev->reason = PS_REASON_INVALID_USER;
		return user_from(rest, ev, NULL, true);
	}
	if (ps_skip(&rest, "maximum authentication attempts exceeded for ")) {
		ev->kind = PS_KIND_AUTH_FAILURE;
		ev->reason = PS_REASON_MAX_ATTEMPTS;
		ps_skip(&rest, "invalid user ");
		return user_from(rest, ev, " ssh2", false);
	}
	if (ps_skip(&rest, "ROOT LOGIN REFUSED FROM ")) {
		/* auth.c: "ROOT LOGIN REFUSED FROM %.200s port %d" (no port before 7.x). */
		if (!host_optional_port(rest, ev, false))
			return -EBADMSG;
		ev->kind = PS_KIND_AUTH_FAILURE;
		ev->reason = PS_REASON_ROOT_REFUSED;
		ev->user = PS_LIT("root");
		return 1;
	}
	if (ps_skip(&rest, "User "))
		return not_allowed(rest, ev);
	if (ps_skip(&rest, "Disconnecting"))
		return disconnecting(rest, ev);
	if (ps_skip(&rest, "Connection closed by ") || ps_skip(&rest, "Connection reset by "))
		return closed(rest, false, ev);
	if (ps_skip(&rest, "Disconnected from "))
		return closed(rest, true, ev);
	if (ps_skip(&rest, "Received disconnect from "))
		return received_disconnect(rest, preauth, ev);

	if (ps_skip(&rest, "Did not receive identification string from ")) {
		/* "IP port N", or just "IP" before 7.x. */
		if (!host_optional_port(rest, ev, true))
			return -EBADMSG;
		return probe(ev, PS_REASON_NO_IDENT);
	}
	if (ps_skip(&rest, "banner exchange: Connection from ")) {
		if (!take_ip_port(&rest, &ev->src_ip, &ev->src_port, ":"))
			return -EBADMSG;
		return probe(ev, PS_REASON_BAD_BANNER);
	}
	if (ps_skip(&rest, "Bad protocol version identification ")) {
		/* The client's banner comes first: anchor on the end. */
		ev->reason = PS_REASON_BAD_BANNER;
		ev->kind = PS_KIND_PROBE;
		return ps_chop_from_host_port(&rest, ev, true) && ev->src_ip.family ? 1 : -EBADMSG;
	}
	if (ps_skip(&rest, "kex_exchange_identification: "))
		return probe(ev, PS_REASON_KEX_ERROR);
	if (ps_skip(&rest, "Unable to negotiate with ")) {
		if (!take_ip_port(&rest, &ev->src_ip, &ev->src_port, ":"))
			return -EBADMSG;
		return probe(ev, PS_REASON_KEX_ERROR);
	}
	if (ps_skip(&rest, "Timeout before authentication for ")) {
		if (!host_optional_port(rest, ev, true))
			return -EBADMSG;
		return probe(ev, PS_REASON_TIMEOUT);
	}
	if (ps_skip(&rest, "reverse mapping checking getaddrinfo for ")) {
		/* "NAME [IP] failed - POSSIBLE BREAK-IN ATTEMPT!": NAME is from DNS. */
		struct ps_str addr;
		if (!ps_chop(&rest, "] failed - POSSIBLE BREAK-IN ATTEMPT!") ||
		    !ps_rsplit(rest, " [", NULL, &addr) || ps_ip_parse(addr, &ev->src_ip) < 0)
			return -EBADMSG;
		return probe(ev, PS_REASON_REVERSE_MAPPING);
	}
	if (ps_starts(rest, "Address ") && ps_ends(rest, " - POSSIBLE BREAK-IN ATTEMPT!")) {
		/* "Address IP maps to NAME, but this does not map back to the address - ..." */
		ps_skip(&rest, "Address ");
		if (ps_ip_parse(ps_take_token(&rest), &ev->src_ip) < 0)
			return -EBADMSG;
		return probe(ev, PS_REASON_REVERSE_MAPPING);
	}
	if (ps_skip(&rest, "drop connection #"))
		return drop_connection(rest, ev);
	if (ps_skip(&rest, "srclimit_penalise: "))
		return penalise(rest, ev);
	if (ps_skip(&rest, "Connection from ")) {
		/* LogLevel VERBOSE: "Connection from IP port N on IP port N[ rdomain \"R\"]" */
		if (!take_ip_port(&rest, &ev->src_ip, &ev->src_port, " on ") ||
		    !take_ip_port(&rest, &ev->dst_ip, &ev->dst_port, ""))
			return -EBADMSG;
		return probe(ev, PS_REASON_CONNECT);
	}
	if (ps_skip(&rest, "PAM: "))
		return pam_error(rest, ev);
	if (ps_skip(&rest, "Access denied for user ")) {
		/* auth-pam.c: "Access denied for user %s by PAM account configuration" */
		if (!ps_chop(&rest, " by PAM account configuration"))
			return -EBADMSG;
		ev->kind = PS_KIND_AUTH_FAILURE;
		ev->reason = PS_REASON_NOT_ALLOWED;
		ev->user = rest;
		return 1;
	}
	return 0;
}
