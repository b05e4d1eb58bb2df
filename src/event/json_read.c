#include "event/json_read.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/timeconv.h"

enum ftype { F_STR, F_INT, F_TIME, F_IP, F_KIND, F_OUTCOME, F_REASON, F_ACTION, F_TRUE, F_COUNT, F_PARENTS, F_GEO, F_AS };

/* Every field json.c writes but "type". max: the largest value an integer field can hold. */
static const struct efield {
	const char *name;
	size_t len;
	enum ftype type;
	size_t off;
	uint64_t max;
} event_fields[] = {
#define F(name, type, off, max) { name, sizeof(name) - 1, type, off, max }
#define S(name, f) F(name, F_STR, offsetof(struct ps_event, f), 0)
#define I(name, f, max) F(name, F_INT, offsetof(struct ps_event, f), max)
	F("time", F_TIME, offsetof(struct ps_event, time_us), 0),
	S("host", host),
	F("kind", F_KIND, 0, 0),
	F("outcome", F_OUTCOME, 0, 0),
	F("reason", F_REASON, 0, 0),
	S("service", service),
	S("program", program),
	I("pid", pid, INT64_MAX),
	I("ppid", ppid, INT64_MAX),
	S("exe", exe),
	S("cmdline", cmdline),
	F("parents", F_PARENTS, 0, 0),
	I("sender_uid", sender_uid, INT64_MAX),
	S("sender_exe", sender_exe),
	S("sender_comm", sender_comm),
	S("user", user),
	S("target_user", target_user),
	S("login_user", login_user),
	I("login_uid", login_uid, INT64_MAX),
	F("src_ip", F_IP, offsetof(struct ps_event, src_ip), 0),
	I("src_port", src_port, 65535),
	S("src_host", src_host),
	F("src_geo", F_GEO, 0, 0),
	F("src_as", F_AS, 0, 0),
	S("src_provider", src_provider),
	S("src_rdns", src_rdns),
	F("dst_ip", F_IP, offsetof(struct ps_event, dst_ip), 0),
	I("dst_port", dst_port, 65535),
	S("method", method),
	S("key", key),
	S("tty", tty),
	S("cwd", cwd),
	S("command", command),
	S("input", input),
	S("session", session),
	I("duration_s", duration_s, INT64_MAX),
	F("action", F_ACTION, 0, 0),
	S("group", group),
	S("actor", actor),
	F("count", F_COUNT, 0, UINT32_MAX),
	S("audit_type", audit_type),
	S("detail", detail),
	F("ambiguous", F_TRUE, 0, 0),
	S("source", source),
	S("file", file),
	I("line", line, INT64_MAX),
	S("message", message),
#undef S
#undef I
#undef F
};
#define N_FIELDS (sizeof(event_fields) / sizeof(event_fields[0]))

/*
 * The table entry for a field name. Lines come in the writer's order, so
 * the search starts after the previous field found (*hint) and wraps.
 */
static const struct efield *event_field(struct ps_str name, size_t *hint)
{
	for (size_t k = 0; k < N_FIELDS; k++) {
		size_t i = (*hint + k) % N_FIELDS;
		const struct efield *f = &event_fields[i];
		if (f->len == name.n && memcmp(f->name, name.p, name.n) == 0) {
			*hint = i + 1;
			return f;
		}
	}
	return NULL;
}

static int number(struct ps_str v, uint64_t max, int64_t *out)
{
	uint64_t n;
	if (ps_parse_u64(v, max, &n) < 0 || n > INT64_MAX)
		return -EBADMSG;
	*out = (int64_t)n;
	return 0;
}

static int time_value(struct ps_str v, int64_t *out)
{
	struct ps_str s = v;
	if (ps_parse_rfc3339(&s, out) < 0 || s.n != 0 || *out < 0)
		return -EBADMSG;
	return 0;
}

/* A name from one of our vocabularies: its index, or 0 when this version does not know it. */
static int vocabulary(struct ps_str v, const char *(*name)(int), int count)
{
	for (int i = 1; i < count; i++) {
		const char *n = name(i);
		if (n && ps_eq_lit(v, n))
			return i;
	}
	return 0;
}
static const char *kind_name(int i) { return ps_kind_name((enum ps_kind)i); }
static const char *outcome_name(int i) { return ps_outcome_name((enum ps_outcome)i); }
static const char *reason_name(int i) { return ps_reason_name((enum ps_reason)i); }
static const char *action_name(int i) { return ps_action_name((enum ps_action)i); }

/* "parents": objects with pid, comm, exe, cmdline, via; more than PS_PROC_DEPTH are checked, not kept. */
static int parents(struct ps_event_line *l, struct ps_str raw)
{
	struct ps_jarray a;
	struct ps_str elem;
	int r;
	ps_jarray_begin(&a, raw);
	l->chain.n = 0;
	while ((r = ps_jarray_next(&a, &elem)) > 0) {
		if (l->chain.n == PS_PROC_DEPTH)
			continue;
		struct ps_jobject *o = &l->parent[l->chain.n];
		if ((r = ps_jobject_read(o, elem.p, elem.n)) < 0)
			return r == -ENOMEM ? r : -EBADMSG;
		struct ps_proc_link *p = &l->chain.v[l->chain.n++];
		*p = (struct ps_proc_link){ .pid = -1 };
		struct ps_str pid = ps_jobject_get(o, "pid", PS_J_NUMBER);
		if (ps_set(pid) && number(pid, INT64_MAX, &p->pid) < 0)
			return -EBADMSG;
		p->comm = ps_jobject_get(o, "comm", PS_J_STRING);
		p->exe = ps_jobject_get(o, "exe", PS_J_STRING);
		p->cmdline = ps_jobject_get(o, "cmdline", PS_J_STRING);
		p->via_proc = ps_eq_lit(ps_jobject_get(o, "via", PS_J_STRING), "proc");
	}
	if (r < 0)
		return r;
	l->ev.parents = l->chain.n ? &l->chain : NULL;
	return 0;
}

/* "src_geo": {"country_iso_code", "country_name", "city_name"}, each a string if there. */
static int geo(struct ps_event_line *l, struct ps_str raw)
{
	int r = ps_jobject_read(&l->geo, raw.p, raw.n);
	if (r < 0)
		return r;
	l->ev.src_geo.country_iso_code = ps_jobject_get(&l->geo, "country_iso_code", PS_J_STRING);
	l->ev.src_geo.country_name = ps_jobject_get(&l->geo, "country_name", PS_J_STRING);
	l->ev.src_geo.city_name = ps_jobject_get(&l->geo, "city_name", PS_J_STRING);
	return 0;
}

/* "src_as": {"number", "organization"}. */
static int as(struct ps_event_line *l, struct ps_str raw)
{
	int r = ps_jobject_read(&l->as, raw.p, raw.n);
	if (r < 0)
		return r;
	struct ps_str asn = ps_jobject_get(&l->as, "number", PS_J_NUMBER);
	if (ps_set(asn) && number(asn, UINT32_MAX, &l->ev.src_as.number) < 0)
		return -EBADMSG;
	l->ev.src_as.organization = ps_jobject_get(&l->as, "organization", PS_J_STRING);
	return 0;
}

/* A nested value's result: out of memory as it is, anything else wrong is a malformed line. */
static int nested(int r)
{
	return r == -ENOMEM ? r : r < 0 ? -EBADMSG : 0;
}

static int event_member(struct ps_event_line *l, const struct efield *f, const struct ps_jfield *m,
			const char **why)
{
	struct ps_event *ev = &l->ev;
	void *at = (char *)ev + f->off;
	int64_t n;

	static const enum ps_jtype json_type[] = {
		[F_STR] = PS_J_STRING, [F_INT] = PS_J_NUMBER, [F_TIME] = PS_J_STRING, [F_IP] = PS_J_STRING,
		[F_KIND] = PS_J_STRING, [F_OUTCOME] = PS_J_STRING, [F_REASON] = PS_J_STRING,
		[F_ACTION] = PS_J_STRING, [F_TRUE] = PS_J_BOOL, [F_COUNT] = PS_J_NUMBER, [F_PARENTS] = PS_J_ARRAY,
		[F_GEO] = PS_J_OBJECT, [F_AS] = PS_J_OBJECT,
	};
	if (m->type != json_type[f->type]) {
		*why = "a field has the wrong JSON type";
		return -EBADMSG;
	}
	*why = "a field has a value pamsignal does not write";
	switch (f->type) {
	case F_STR:
		*(struct ps_str *)at = m->value;
		return 0;
	case F_INT:
		if (number(m->value, f->max, &n) < 0)
			return -EBADMSG;
		if (f->off == offsetof(struct ps_event, src_port) || f->off == offsetof(struct ps_event, dst_port))
			*(int32_t *)at = (int32_t)n;
		else if (f->off == offsetof(struct ps_event, line))
			ev->line = (uint64_t)n;
		else
			*(int64_t *)at = n;
		return 0;
	case F_TIME:
		return time_value(m->value, &ev->time_us);
	case F_IP:
		return ps_ip_parse(m->value, at) < 0 ? -EBADMSG : 0;
	case F_KIND:
		l->kind_name = m->value;
		ev->kind = (enum ps_kind)vocabulary(m->value, kind_name, PS_KIND__COUNT);
		return 0;
	case F_OUTCOME:
		ev->outcome = (enum ps_outcome)vocabulary(m->value, outcome_name, 3);
		return 0;
	case F_REASON:
		ev->reason = (enum ps_reason)vocabulary(m->value, reason_name, PS_REASON__COUNT);
		return 0;
	case F_ACTION:
		ev->action = (enum ps_action)vocabulary(m->value, action_name, PS_ACTION__COUNT);
		return 0;
	case F_TRUE:
		ev->ambiguous = ps_eq_lit(m->value, "true");
		return 0;
	case F_COUNT:
		if (number(m->value, f->max, &n) < 0 || n < 1)
			return -EBADMSG;
		ev->count = (uint32_t)n;
		return 0;
	case F_PARENTS:
		return nested(parents(l, m->value));
	case F_GEO:
		return nested(geo(l, m->value));
	case F_AS:
		return nested(as(l, m->value));
	}
	return -EBADMSG;
}

static int read_event(struct ps_event_line *l, const char **why)
{
	size_t hint = 0;
	ps_event_init(&l->ev);
	l->kind_name = PS_STR_NULL;
	for (size_t i = 0; i < l->obj.n; i++) {
		const struct ps_jfield *m = &l->obj.f[i];
		const struct efield *f = event_field(m->name, &hint);
		if (!f)
			continue; /* a field of a later version, or "type" */
		int r = event_member(l, f, m, why);
		if (r < 0)
			return r;
	}
	if (!ps_set(l->kind_name)) {
		*why = "an event without a kind";
		return -EBADMSG;
	}
	return PS_LINE_EVENT;
}

/* What the text table shows of an alert: its key fields and sentence. */
static int read_alert(struct ps_event_line *l, const char **why)
{
	struct ps_alert *a = &l->alert;
	const struct ps_jobject *o = &l->obj;
	struct ps_str v;
	int rule = -1;

	*why = "an alert field has a value pamsignal does not write";
	if (ps_set(v = ps_jobject_get(o, "rule", PS_J_STRING)))
		rule = ps_rule_from_name(v.p, v.n);
	ps_alert_init(a, rule < 0 ? PS_RULE__COUNT : (enum ps_rule)rule, PS_SEVERITY_MEDIUM);
	if (ps_set(v = ps_jobject_get(o, "severity", PS_J_STRING))) {
		for (int i = 0; i < PS_SEVERITY__COUNT; i++)
			if (ps_eq_lit(v, ps_severity_name((enum ps_severity)i)))
				a->severity = (enum ps_severity)i;
	}
	a->update = ps_eq_lit(ps_jobject_get(o, "update", PS_J_BOOL), "true");
	if (ps_set(v = ps_jobject_get(o, "time", PS_J_STRING)) && time_value(v, &a->time_us) < 0)
		return -EBADMSG;
	if (ps_set(v = ps_jobject_get(o, "src_ip", PS_J_STRING)) && ps_ip_parse(v, &a->src_ip) < 0)
		return -EBADMSG;
	if (ps_set(v = ps_jobject_get(o, "subnet", PS_J_STRING))) {
		struct ps_str addr, prefix;
		uint64_t bits;
		if (!ps_rsplit(v, "/", &addr, &prefix) || ps_ip_parse(addr, &a->subnet) < 0 ||
		    ps_parse_u64(prefix, 128, &bits) < 0)
			return -EBADMSG;
		a->subnet_prefix = (unsigned)bits;
	}
	a->host = ps_jobject_get(o, "host", PS_J_STRING);
	a->user = ps_jobject_get(o, "user", PS_J_STRING);
	a->service = ps_jobject_get(o, "service", PS_J_STRING);
	v = ps_jobject_get(o, "summary", PS_J_STRING);
	ps_alert_say_str(a, v, sizeof(a->summary) - 1);
	return PS_LINE_ALERT;
}

int ps_event_line_read(struct ps_event_line *l, struct ps_str line, const char **why)
{
	int r = ps_jobject_read(&l->obj, line.p, line.n);
	if (r == -EBADMSG)
		*why = "not one JSON object";
	else if (r == -E2BIG)
		*why = "longer than 64 KiB";
	if (r < 0)
		return r;
	struct ps_str type = ps_jobject_get(&l->obj, "type", PS_J_STRING);
	if (ps_eq_lit(type, "event"))
		return read_event(l, why);
	if (ps_eq_lit(type, "alert"))
		return read_alert(l, why);
	*why = "not an event or an alert (no \"type\" of either)";
	return -EBADMSG;
}

void ps_event_line_free(struct ps_event_line *l)
{
	ps_jobject_free(&l->obj);
	ps_jobject_free(&l->geo);
	ps_jobject_free(&l->as);
	for (unsigned i = 0; i < PS_PROC_DEPTH; i++)
		ps_jobject_free(&l->parent[i]);
}
