/*
 * json: the event or alert as the event log holds it (pamsignal(8), EVENT
 * FORMAT and ALERT FORMAT), one object, without the event log's hash
 * chain members (seq, prev, hash: they belong to the file). cee: the same
 * after the "@cee:" cookie of the CEE log syntax, which rsyslog's
 * mmjsonparse and syslog-ng's json-parser(marker("@cee:")) look for.
 *
 * When the message must be shortened, the object is written again member
 * by member: text values cut, and (lean) the raw log line and large
 * nested values (an alert's sample events) left out. Text read back from
 * the disk queue that our writers would not have written (raw DEL, a line
 * break between tokens) is made safe by ps_fwd_json_raw.
 */
#include "sink/forward/escape.h"
#include "sink/forward/format.h"

#define LEAN_NESTED_MAX 256 /* bytes of a nested value kept when lean (mitre, src_geo...) */

void ps_fmt_json(struct ps_out *o, const struct ps_fwd_rec *r, bool cee)
{
	const struct ps_item *it = r->it;
	if (cee)
		ps_out_puts(o, "@cee:");
	if (r->cap == SIZE_MAX && !r->lean) {
		ps_fwd_json_raw(o, ps_str(it->json, it->json_len)); /* ours: copied as it is */
		return;
	}
	bool first = true;
	ps_out_putc(o, '{');
	for (size_t i = 0; i < it->obj.n; i++) {
		const struct ps_jfield *f = &it->obj.f[i];
		bool nested = f->type == PS_J_ARRAY || f->type == PS_J_OBJECT;
		if (r->lean && (ps_eq_lit(f->name, "message") || (nested && f->value.n > LEAN_NESTED_MAX)))
			continue;
		if (!first)
			ps_out_putc(o, ',');
		first = false;
		ps_out_json_str(o, f->name);
		ps_out_putc(o, ':');
		if (f->type == PS_J_STRING)
			ps_fwd_json_str(o, f->value, r->cap);
		else
			ps_fwd_json_raw(o, f->value);
	}
	ps_out_putc(o, '}');
}
