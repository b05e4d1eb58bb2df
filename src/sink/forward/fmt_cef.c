/*
 * cef: ArcSight Common Event Format, version 0 ("Implementing ArcSight CEF",
 * revision 25):
 *
 *   CEF:0|pamsignal|pamsignal|VERSION|SIGNATURE|NAME|SEVERITY|EXTENSION
 *
 * SIGNATURE is the event's kind or the alert's rule, NAME a short phrase
 * for it (both ours), SEVERITY 1, 3, 5, 8 or 10. The extension is
 * key=value pairs separated by spaces, with the dictionary's keys where
 * one fits and the custom string fields csN with their csNLabel otherwise.
 * Header fields escape '\' and '|'; extension values escape '\' and '='
 * and carry newlines as \n and \r (escape.h). IPv6 addresses go in c6a2
 * (source) and c6a3 (destination), as the dictionary's src and dst are IPv4.
 */
#include <stdio.h>

#include "sink/forward/escape.h"
#include "sink/forward/format.h"

static const struct {
	const char *what, *name;
} names[] = {
	{ "auth_success", "Login" },
	{ "auth_failure", "Failed login" },
	{ "session_open", "Session opened" },
	{ "session_close", "Session closed" },
	{ "command", "Privileged command" },
	{ "probe", "Connection without a login attempt" },
	{ "account_change", "Account change" },
	{ "tty_input", "Terminal input" },
	{ "spoofed_log", "Forged log entry" },
	{ "source_gap", "Log entries lost" },
	{ "log_suppressed", "Log messages suppressed" },
	{ "source_status", "Log source status" },
	{ "forward_overflow", "Forwarded events dropped" },
	/* alerts: the rules */
	{ "brute_force", "Password guessing" },
	{ "brute_force_subnet", "Password guessing from a subnet" },
	{ "password_spray", "Password spraying" },
	{ "targeted_account", "One account targeted" },
	{ "success_after_failures", "Login after failures" },
	{ "root_login", "Root login" },
	{ "new_source", "Login from a new source" },
	{ "off_hours", "Login outside working hours" },
	{ "sudo", "sudo" },
	{ "su", "su" },
	{ "root_privilege", "Root privileges gained" },
	{ "scanner", "Scanner" },
	{ "blind_spot", "Monitoring impaired" },
};

static const char *name_of(struct ps_str what, bool alert)
{
	/* account_change is both a kind and a rule: the same phrase serves. */
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (ps_eq_lit(what, names[i].what))
			return names[i].name;
	return alert ? "Alert" : "Event";
}

struct ext {
	struct ps_out *o;
	size_t cap;
	bool first;
};

static void key(struct ext *x, const char *k)
{
	if (!x->first)
		ps_out_putc(x->o, ' ');
	x->first = false;
	ps_out_puts(x->o, k);
	ps_out_putc(x->o, '=');
}

static void str(struct ext *x, const char *k, struct ps_str v)
{
	if (!ps_set(v))
		return;
	key(x, k);
	ps_fwd_escape(x->o, v, PS_ESC_CEF_VALUE, x->cap);
}

/* A custom field with its label: k=value kLabel=label (cs1, cn1, flexString1...). */
static void labelled(struct ext *x, const char *k, const char *label, struct ps_str v)
{
	char kl[32];
	if (!ps_set(v))
		return;
	str(x, k, v);
	snprintf(kl, sizeof(kl), "%sLabel", k);
	key(x, kl);
	ps_out_puts(x->o, label);
}

/* A JSON number as it is: digits, sign, '.', 'e': nothing CEF escapes. */
static void num(struct ext *x, const char *k, struct ps_str v)
{
	if (!ps_set(v))
		return;
	key(x, k);
	ps_out_str(x->o, v);
}

static void ms(struct ext *x, const char *k, int64_t usec)
{
	if (usec < 0)
		return;
	key(x, k);
	ps_out_i64(x->o, ps_fwd_ms(usec));
}

static void ip(struct ext *x, const char *v4, const char *v6, struct ps_str v)
{
	if (!ps_set(v))
		return;
	if (ps_fwd_is_v6(v))
		labelled(x, v6, v4[0] == 's' ? "Source IPv6 Address" : "Destination IPv6 Address", v);
	else
		str(x, v4, v);
}

/* The users: for sudo and su, the invoker is the source user and the
 * target the destination; for an account change, the actor and the
 * account; otherwise the account logged into is the destination user. */
static void users(struct ext *x, const struct ps_fwd_rec *r)
{
	struct ps_str user = ps_fwd_str(r, "user"), target = ps_fwd_str(r, "target_user");
	if (ps_eq_lit(ps_fwd_what(r), "account_change") && !r->it->is_alert) {
		str(x, "suser", ps_fwd_str(r, "actor"));
		str(x, "duser", user);
	} else if (ps_set(target)) {
		str(x, "suser", user);
		str(x, "duser", target);
	} else {
		str(x, "duser", user);
	}
}

static void event_ext(struct ext *x, const struct ps_fwd_rec *r)
{
	str(x, "cat", PS_LIT("event"));
	ms(x, "rt", ps_fwd_time_us(r, "time"));
	str(x, "dvchost", ps_fwd_str(r, "host"));
	str(x, "outcome", ps_fwd_str(r, "outcome"));
	str(x, "reason", ps_fwd_str(r, "reason"));
	str(x, "act", ps_fwd_str(r, "action"));
	users(x, r);
	ip(x, "src", "c6a2", ps_fwd_str(r, "src_ip"));
	num(x, "spt", ps_fwd_num(r, "src_port"));
	str(x, "shost", ps_fwd_str(r, "src_host"));
	ip(x, "dst", "c6a3", ps_fwd_str(r, "dst_ip"));
	num(x, "dpt", ps_fwd_num(r, "dst_port"));
	str(x, "destinationServiceName", ps_fwd_str(r, "service"));
	str(x, "dproc", ps_fwd_str(r, "program"));
	num(x, "dpid", ps_fwd_num(r, "pid"));
	labelled(x, "cn1", "login_uid", ps_fwd_num(r, "login_uid"));
	labelled(x, "flexString1", "group", ps_fwd_str(r, "group"));
	num(x, "cnt", ps_fwd_num(r, "count"));
	labelled(x, "cs1", "method", ps_fwd_str(r, "method"));
	labelled(x, "cs2", "command", ps_fwd_str(r, "command"));
	labelled(x, "cs3", "session", ps_fwd_str(r, "session"));
	labelled(x, "cs4", "tty", ps_fwd_str(r, "tty"));
	labelled(x, "cs5", "login_user", ps_fwd_str(r, "login_user"));
	labelled(x, "cs6", "key", ps_fwd_str(r, "key"));
	struct ps_str msg = r->lean ? PS_STR_NULL : ps_fwd_str(r, "message");
	str(x, "msg", ps_set(msg) ? msg : ps_fwd_str(r, "detail"));
}

static void alert_ext(struct ext *x, const struct ps_fwd_rec *r)
{
	struct ps_str ids[8];
	size_t n = ps_fwd_mitre(r, ids, 8);
	str(x, "cat", PS_LIT("alert"));
	ms(x, "rt", ps_fwd_time_us(r, "time"));
	str(x, "dvchost", ps_fwd_str(r, "host"));
	str(x, "msg", ps_fwd_str(r, "summary"));
	ip(x, "src", "c6a2", ps_fwd_str(r, "src_ip"));
	str(x, "duser", ps_fwd_str(r, "user"));
	str(x, "destinationServiceName", ps_fwd_str(r, "service"));
	num(x, "cnt", ps_fwd_num(r, "count"));
	ms(x, "start", ps_fwd_time_us(r, "first_seen"));
	ms(x, "end", ps_fwd_time_us(r, "last_seen"));
	if (n) {
		key(x, "cs1");
		for (size_t i = 0; i < n; i++) {
			if (i)
				ps_out_putc(x->o, ',');
			ps_out_str(x->o, ids[i]); /* [A-Za-z0-9.] only */
		}
		key(x, "cs1Label");
		ps_out_puts(x->o, "mitre");
	}
	labelled(x, "cs2", "subnet", ps_fwd_str(r, "subnet"));
	if (ps_set(ps_jobject_get(&r->it->obj, "update", PS_J_BOOL)))
		labelled(x, "cs3", "update", PS_LIT("true"));
}

void ps_fmt_cef(struct ps_out *o, const struct ps_fwd_rec *r)
{
	struct ps_str what = ps_fwd_what(r);
	ps_out_puts(o, "CEF:0|pamsignal|pamsignal|" PS_VERSION "|");
	ps_fwd_escape(o, ps_set(what) ? what : PS_LIT("unknown"), PS_ESC_CEF_HEADER, 64);
	ps_out_putc(o, '|');
	ps_fwd_escape(o, ps_cstr(name_of(what, r->it->is_alert)), PS_ESC_CEF_HEADER, SIZE_MAX);
	ps_out_putc(o, '|');
	ps_out_u64(o, ps_fwd_sev10(r->it->severity));
	ps_out_putc(o, '|');
	struct ext x = { .o = o, .cap = r->cap, .first = true };
	if (r->it->is_alert)
		alert_ext(&x, r);
	else
		event_ext(&x, r);
	str(&x, "externalId", ps_cstr(r->it->id));
}
