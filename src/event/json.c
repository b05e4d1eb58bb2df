#include "event/json.h"

#include <stdint.h>
#include <string.h>

#include "event/json_fields.h"
#include "util/timeconv.h"

/*
 * Every event of one input carries the same file name: escape it once and
 * copy the result while the name stays the same.
 */
static void file_value(struct ps_out *o, struct ps_str file)
{
	static char src[512], escaped[6 * 512 + 2]; /* \\u00XX is the longest escape */
	static size_t src_n = SIZE_MAX, escaped_n;

	if (file.n == src_n && memcmp(file.p, src, file.n) == 0) {
		ps_out_put(o, escaped, escaped_n);
		return;
	}
	size_t start = o->len;
	ps_out_json_str(o, file);
	size_t n = o->len - start;
	/* Cache what landed whole in the buffer (not split by a flush). */
	if (file.n <= sizeof(src) && o->len > start && n <= sizeof(escaped)) {
		memcpy(src, file.p, file.n);
		memcpy(escaped, o->buf + start, n);
		src_n = file.n;
		escaped_n = n;
	}
}

/* "parents":[{"pid":N,"comm":"...","exe":"...","cmdline":"...","via":"proc"},...] */
static void parents_field(struct ps_out *o, bool *first, const struct ps_proc_chain *c)
{
	if (!c || c->n == 0)
		return;
	KEY(o, first, "parents");
	ps_out_putc(o, '[');
	for (unsigned i = 0; i < c->n && i < PS_PROC_DEPTH; i++) {
		const struct ps_proc_link *l = &c->v[i];
		bool f = true;
		if (i)
			ps_out_putc(o, ',');
		ps_out_putc(o, '{');
		int_field(o, &f, "pid", l->pid);
		str_field(o, &f, "comm", l->comm);
		str_field(o, &f, "exe", l->exe);
		str_field(o, &f, "cmdline", l->cmdline);
		name_field(o, &f, "via", l->via_proc ? "proc" : "audit");
		ps_out_putc(o, '}');
	}
	ps_out_putc(o, ']');
}

void ps_event_write_json(struct ps_out *o, const struct ps_event *ev, unsigned flags)
{
	bool first = true;
	bool full = !(flags & PS_JSON_DECODED_ONLY);

	ps_out_putc(o, '{');
	if (full)
		name_field(o, &first, "type", "event");
	time_field(o, &first, "time", ev->time_us);
	str_field(o, &first, "host", ev->host);
	name_field(o, &first, "kind", ps_kind_name(ev->kind));
	name_field(o, &first, "outcome", ps_outcome_name(ev->outcome));
	name_field(o, &first, "reason", ps_reason_name(ev->reason));
	str_field(o, &first, "service", ev->service);
	str_field(o, &first, "program", ev->program);
	int_field(o, &first, "pid", ev->pid);
	int_field(o, &first, "ppid", ev->ppid);
	str_field(o, &first, "exe", ev->exe);
	str_field(o, &first, "cmdline", ev->cmdline);
	parents_field(o, &first, ev->parents);
	int_field(o, &first, "sender_uid", ev->sender_uid);
	str_field(o, &first, "sender_exe", ev->sender_exe);
	str_field(o, &first, "sender_comm", ev->sender_comm);
	str_field(o, &first, "user", ev->user);
	str_field(o, &first, "target_user", ev->target_user);
	str_field(o, &first, "login_user", ev->login_user);
	int_field(o, &first, "login_uid", ev->login_uid);
	ip_field(o, &first, "src_ip", &ev->src_ip);
	int_field(o, &first, "src_port", ev->src_port);
	str_field(o, &first, "src_host", ev->src_host);
	ip_field(o, &first, "dst_ip", &ev->dst_ip);
	int_field(o, &first, "dst_port", ev->dst_port);
	str_field(o, &first, "method", ev->method);
	str_field(o, &first, "key", ev->key);
	str_field(o, &first, "tty", ev->tty);
	str_field(o, &first, "cwd", ev->cwd);
	str_field(o, &first, "command", ev->command);
	str_field(o, &first, "input", ev->input);
	str_field(o, &first, "session", ev->session);
	int_field(o, &first, "duration_s", ev->duration_s);
	name_field(o, &first, "action", ps_action_name(ev->action));
	str_field(o, &first, "group", ev->group);
	str_field(o, &first, "actor", ev->actor);
	if (ev->count > 1)
		int_field(o, &first, "count", ev->count);
	str_field(o, &first, "audit_type", ev->audit_type);
	str_field(o, &first, "detail", ev->detail);
	if (ev->ambiguous) {
		KEY(o, &first, "ambiguous");
		ps_out_puts(o, "true");
	}
	if (full) {
		str_field(o, &first, "source", ev->source);
		if (ps_set(ev->file)) {
			KEY(o, &first, "file");
			file_value(o, ev->file);
		}
		if (ev->line > 0)
			int_field(o, &first, "line", (int64_t)ev->line);
		str_field(o, &first, "message", ev->message);
	}
	if (flags & PS_JSON_NO_NEWLINE)
		ps_out_putc(o, '}');
	else
		ps_out_puts(o, "}\n");
}
