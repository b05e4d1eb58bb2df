#include "decode/fields.h"

bool ps_parse_port(struct ps_str s, int32_t *port)
{
	uint64_t v;
	if (s.n > 5 || ps_parse_u64(s, 65535, &v) < 0)
		return false;
	*port = (int32_t)v;
	return true;
}

static bool plausible_hostname(struct ps_str s)
{
	if (s.n == 0 || s.n > 255)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (c <= 0x20 || c >= 0x7f)
			return false;
	}
	return true;
}

bool ps_set_remote(struct ps_event *ev, struct ps_str host)
{
	if (ps_ip_parse(host, &ev->src_ip) == 0)
		return true;
	if (!plausible_hostname(host))
		return false;
	ev->src_host = host;
	return true;
}

bool ps_chop_from_host_port(struct ps_str *s, struct ps_event *ev, bool port_optional)
{
	struct ps_str t = *s, host;
	int32_t port = -1;

	struct ps_str last = ps_take_last_token(&t);
	if (ps_chop(&t, " port ")) {
		if (!ps_parse_port(last, &port))
			return false;
		host = ps_take_last_token(&t);
	} else if (port_optional) {
		t = *s;
		host = ps_take_last_token(&t);
	} else {
		return false;
	}
	if (!ps_chop(&t, " from "))
		return false;
	struct ps_event saved = *ev;
	if (!ps_set_remote(ev, host)) {
		*ev = saved;
		return false;
	}
	ev->src_port = port;
	*s = t;
	return true;
}

bool ps_parse_conn_id(struct ps_str s, struct ps_event *ev, enum ps_conn_who *who)
{
	struct ps_str port = ps_take_last_token(&s);
	int32_t p;
	struct ps_ip ip;

	if (!ps_parse_port(port, &p) || !ps_chop(&s, " port "))
		return false;
	struct ps_str host = ps_take_last_token(&s);
	if (ps_ip_parse(host, &ip) < 0)
		return false;

	/* What is left is empty or "<prefix> USER " (USER may contain spaces). */
	enum ps_conn_who w = PS_CONN_ANON;
	if (s.n > 0) {
		if (ps_skip(&s, "authenticating user "))
			w = PS_CONN_AUTHENTICATING;
		else if (ps_skip(&s, "invalid user "))
			w = PS_CONN_INVALID;
		else if (ps_skip(&s, "user "))
			w = PS_CONN_USER;
		else
			return false;
		/* The space before the address: "user  1.2.3.4" is an empty name. */
		if (!ps_chop(&s, " "))
			return false;
		ev->user = s;
	}
	ev->src_ip = ip;
	ev->src_port = p;
	if (who)
		*who = w;
	return true;
}

bool ps_plausible_name(struct ps_str s)
{
	if (s.n == 0 || s.n > 256)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (c <= 0x20 || c == 0x7f || c == '\'' || c == '"')
			return false;
	}
	return true;
}
