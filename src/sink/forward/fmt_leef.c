/*
 * leef: IBM QRadar's Log Event Extended Format, version 2.0:
 *
 *   LEEF:2.0|pamsignal|pamsignal|VERSION|EVENTID|x09|key=value<TAB>key=value...
 *
 * EVENTID is the event's kind or the alert's rule (ours: no escaping
 * needed, and checked to be). The delimiter is a tab, named by its hex
 * value. QRadar's predefined keys are used where one fits (devTime, cat,
 * sev, src, dst, srcPort, dstPort, usrName, isLoginEvent, isLogoutEvent);
 * the rest are custom keys in camelCase. LEEF has no escape syntax and a
 * value must not hold the delimiter: values are escaped as escape.h's
 * PS_ESC_LEEF_VALUE says (\t, \n, \r, \\).
 */
#include "sink/forward/escape.h"
#include "sink/forward/format.h"

struct attrs {
	struct ps_out *o;
	size_t cap;
	bool first;
};

static void key(struct attrs *a, const char *k)
{
	if (!a->first)
		ps_out_putc(a->o, '\t');
	a->first = false;
	ps_out_puts(a->o, k);
	ps_out_putc(a->o, '=');
}

static void str(struct attrs *a, const char *k, struct ps_str v)
{
	if (!ps_set(v))
		return;
	key(a, k);
	ps_fwd_escape(a->o, v, PS_ESC_LEEF_VALUE, a->cap);
}

/* Numbers and our own vocabulary: nothing LEEF would need escaped, but
 * they pass the same escaper, which costs nothing for them. */
#define num str

/* devTime in the format devTimeFormat names (Java SimpleDateFormat), UTC. */
static void dev_time(struct attrs *a, int64_t usec)
{
	if (usec < 0)
		return;
	key(a, "devTime");
	ps_fwd_put_time(a->o, usec, 3);
	key(a, "devTimeFormat");
	ps_out_puts(a->o, "yyyy-MM-dd'T'HH:mm:ss.SSSX");
}

static void event_attrs(struct attrs *a, const struct ps_fwd_rec *r)
{
	struct ps_str kind = ps_fwd_str(r, "kind");
	str(a, "cat", kind);
	if (ps_eq_lit(kind, "auth_success") || ps_eq_lit(kind, "auth_failure") || ps_eq_lit(kind, "session_open"))
		str(a, "isLoginEvent", PS_LIT("true"));
	if (ps_eq_lit(kind, "session_close"))
		str(a, "isLogoutEvent", PS_LIT("true"));
	str(a, "outcome", ps_fwd_str(r, "outcome"));
	str(a, "reason", ps_fwd_str(r, "reason"));
	str(a, "usrName", ps_fwd_str(r, "user"));
	str(a, "targetUser", ps_fwd_str(r, "target_user"));
	str(a, "loginUser", ps_fwd_str(r, "login_user"));
	num(a, "loginUid", ps_fwd_num(r, "login_uid"));
	str(a, "src", ps_fwd_str(r, "src_ip"));
	num(a, "srcPort", ps_fwd_num(r, "src_port"));
	str(a, "srcHost", ps_fwd_str(r, "src_host"));
	str(a, "dst", ps_fwd_str(r, "dst_ip"));
	num(a, "dstPort", ps_fwd_num(r, "dst_port"));
	str(a, "service", ps_fwd_str(r, "service"));
	str(a, "program", ps_fwd_str(r, "program"));
	num(a, "pid", ps_fwd_num(r, "pid"));
	str(a, "method", ps_fwd_str(r, "method"));
	str(a, "key", ps_fwd_str(r, "key"));
	str(a, "tty", ps_fwd_str(r, "tty"));
	str(a, "cwd", ps_fwd_str(r, "cwd"));
	str(a, "command", ps_fwd_str(r, "command"));
	str(a, "session", ps_fwd_str(r, "session"));
	num(a, "durationS", ps_fwd_num(r, "duration_s"));
	str(a, "action", ps_fwd_str(r, "action"));
	str(a, "group", ps_fwd_str(r, "group"));
	str(a, "actor", ps_fwd_str(r, "actor"));
	num(a, "count", ps_fwd_num(r, "count"));
	str(a, "detail", ps_fwd_str(r, "detail"));
	if (!r->lean)
		str(a, "message", ps_fwd_str(r, "message"));
}

static void alert_attrs(struct attrs *a, const struct ps_fwd_rec *r)
{
	struct ps_str ids[8];
	size_t n = ps_fwd_mitre(r, ids, 8);
	str(a, "cat", ps_fwd_str(r, "rule"));
	str(a, "summary", ps_fwd_str(r, "summary"));
	str(a, "src", ps_fwd_str(r, "src_ip"));
	str(a, "subnet", ps_fwd_str(r, "subnet"));
	str(a, "usrName", ps_fwd_str(r, "user"));
	str(a, "service", ps_fwd_str(r, "service"));
	num(a, "count", ps_fwd_num(r, "count"));
	num(a, "windowS", ps_fwd_num(r, "window_s"));
	str(a, "firstSeen", ps_fwd_str(r, "first_seen"));
	str(a, "lastSeen", ps_fwd_str(r, "last_seen"));
	if (n) {
		key(a, "mitre");
		for (size_t i = 0; i < n; i++) {
			if (i)
				ps_out_putc(a->o, ',');
			ps_out_str(a->o, ids[i]); /* [A-Za-z0-9.] only */
		}
	}
	if (ps_set(ps_jobject_get(&r->it->obj, "update", PS_J_BOOL)))
		str(a, "update", PS_LIT("true"));
}

void ps_fmt_leef(struct ps_out *o, const struct ps_fwd_rec *r)
{
	struct ps_str what = ps_fwd_what(r);
	ps_out_puts(o, "LEEF:2.0|pamsignal|pamsignal|" PS_VERSION "|");
	/* The header has no escapes at all: a field that is not plain ours becomes "unknown". */
	bool plain = ps_set(what) && what.n > 0 && what.n <= 64;
	for (size_t i = 0; plain && i < what.n; i++)
		plain = (what.p[i] >= 'a' && what.p[i] <= 'z') || what.p[i] == '_';
	ps_out_str(o, plain ? what : PS_LIT("unknown"));
	ps_out_puts(o, "|x09|");
	struct attrs a = { .o = o, .cap = r->cap, .first = true };
	dev_time(&a, ps_fwd_time_us(r, "time"));
	key(&a, "sev");
	ps_out_u64(o, ps_fwd_sev10(r->it->severity));
	str(&a, "host", ps_fwd_str(r, "host"));
	if (r->it->is_alert)
		alert_attrs(&a, r);
	else
		event_attrs(&a, r);
	str(&a, "id", ps_cstr(r->it->id));
}
