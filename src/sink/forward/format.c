#include "sink/forward/format.h"

#include <string.h>

#include "sink/forward/jw.h"
#include "util/timeconv.h"

void ps_fwd_format(struct ps_out *o, const struct ps_fwd_rec *r, enum ps_fwd_format f)
{
	switch (f) {
	case PS_FWD_JSON:
	case PS_FWD_CEE:
		ps_fmt_json(o, r, f == PS_FWD_CEE);
		break;
	case PS_FWD_CEF:
		ps_fmt_cef(o, r);
		break;
	case PS_FWD_LEEF:
		ps_fmt_leef(o, r);
		break;
	case PS_FWD_ECS:
		ps_fmt_ecs(o, r);
		break;
	case PS_FWD_OCSF:
	default:
		ps_fmt_ocsf(o, r);
		break;
	}
}

struct ps_str ps_fwd_str(const struct ps_fwd_rec *r, const char *name)
{
	return ps_jobject_get(&r->it->obj, name, PS_J_STRING);
}

struct ps_str ps_fwd_num(const struct ps_fwd_rec *r, const char *name)
{
	return ps_jobject_get(&r->it->obj, name, PS_J_NUMBER);
}

struct ps_str ps_fwd_obj(const struct ps_fwd_rec *r, const char *name)
{
	return ps_jobject_get(&r->it->obj, name, PS_J_OBJECT);
}

struct ps_str ps_fwd_what(const struct ps_fwd_rec *r)
{
	return ps_fwd_str(r, r->it->is_alert ? "rule" : "kind");
}

void ps_fwd_sub(struct ps_jobject *sub, struct ps_str json)
{
	memset(sub, 0, sizeof(*sub));
	if (ps_set(json) && ps_jobject_read(sub, json.p, json.n) < 0) {
		ps_jobject_free(sub);
		memset(sub, 0, sizeof(*sub));
	}
}

int64_t ps_fwd_time_us(const struct ps_fwd_rec *r, const char *name)
{
	struct ps_str s = ps_fwd_str(r, name);
	int64_t us;
	if (!ps_set(s) || ps_parse_rfc3339(&s, &us) < 0 || s.n != 0)
		return -1;
	return us;
}

void ps_fwd_put_time(struct ps_out *o, int64_t usec, unsigned digits)
{
	int64_t days = usec / (86400 * PS_USEC_PER_SEC), rest = usec % (86400 * PS_USEC_PER_SEC);
	if (rest < 0) {
		rest += 86400 * PS_USEC_PER_SEC;
		days--;
	}
	int y, m, d;
	ps_civil_from_days(days, &y, &m, &d);
	int64_t secs = rest / PS_USEC_PER_SEC;
	ps_out_u64_pad(o, (uint64_t)(y < 0 ? 0 : y), 4);
	ps_out_putc(o, '-');
	ps_out_u64_pad(o, (uint64_t)m, 2);
	ps_out_putc(o, '-');
	ps_out_u64_pad(o, (uint64_t)d, 2);
	ps_out_putc(o, 'T');
	ps_out_u64_pad(o, (uint64_t)(secs / 3600), 2);
	ps_out_putc(o, ':');
	ps_out_u64_pad(o, (uint64_t)(secs / 60 % 60), 2);
	ps_out_putc(o, ':');
	ps_out_u64_pad(o, (uint64_t)(secs % 60), 2);
	if (digits == 3 || digits == 6) {
		int64_t frac = rest % PS_USEC_PER_SEC;
		ps_out_putc(o, '.');
		ps_out_u64_pad(o, (uint64_t)(digits == 3 ? frac / 1000 : frac), digits);
	}
	ps_out_putc(o, 'Z');
}

unsigned ps_fwd_sev10(enum ps_severity s)
{
	static const unsigned scale[PS_SEVERITY__COUNT] = { 1, 3, 5, 8, 10 };
	return s < PS_SEVERITY__COUNT ? scale[s] : 5;
}

bool ps_fwd_is_v6(struct ps_str ip)
{
	return ps_set(ip) && memchr(ip.p, ':', ip.n) != NULL;
}

size_t ps_fwd_mitre(const struct ps_fwd_rec *r, struct ps_str *ids, size_t max)
{
	static const char ok[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.";
	struct ps_jarray a;
	struct ps_str e;
	size_t n = 0;
	ps_jarray_begin(&a, ps_jobject_get(&r->it->obj, "mitre", PS_J_ARRAY));
	while (n < max && ps_jarray_next(&a, &e) == 1) {
		/* A string of ours: quotes around [A-Za-z0-9.], nothing to decode. */
		if (e.n < 3 || e.p[0] != '"' || e.p[e.n - 1] != '"')
			continue;
		struct ps_str id = ps_str(e.p + 1, e.n - 2);
		size_t k = 0;
		while (k < id.n && id.p[k] && strchr(ok, id.p[k]))
			k++;
		if (k == id.n)
			ids[n++] = id;
	}
	return n;
}

/* A string member of a nested object, under name (NULL: left out). */
static void sub_str(struct ps_jw *w, const char *name, const struct ps_jobject *o, const char *member)
{
	if (name)
		ps_jw_str(w, name, ps_jobject_get(o, member, PS_J_STRING));
}

void ps_fwd_source(struct ps_jw *w, const struct ps_fwd_rec *r, const struct ps_fwd_source_names *n)
{
	struct ps_jobject geo, as;
	struct ps_str host = ps_fwd_str(r, "src_host");
	ps_fwd_sub(&geo, ps_fwd_obj(r, "src_geo"));
	ps_fwd_sub(&as, ps_fwd_obj(r, "src_as"));
	ps_jw_object(w, n->object);
	ps_jw_str(w, n->ip, ps_fwd_str(r, "src_ip"));
	ps_jw_raw(w, n->port, ps_fwd_num(r, "src_port"));
	ps_jw_str(w, n->host, ps_set(host) ? host : ps_fwd_str(r, "src_rdns"));
	ps_jw_object(w, n->geo);
	sub_str(w, n->country_iso_code, &geo, "country_iso_code");
	sub_str(w, n->country_name, &geo, "country_name");
	sub_str(w, n->city_name, &geo, "city_name");
	ps_jw_end(w);
	ps_jw_object(w, n->as);
	ps_jw_raw(w, n->as_number, ps_jobject_get(&as, "number", PS_J_NUMBER));
	if (n->as_org_object)
		ps_jw_object(w, n->as_org_object);
	sub_str(w, n->as_org_name, &as, "organization");
	if (n->as_org_object)
		ps_jw_end(w);
	ps_jw_end(w);
	ps_jw_end(w);
	ps_jobject_free(&geo);
	ps_jobject_free(&as);
}
