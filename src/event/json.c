#include "event/json.h"

#include "util/timeconv.h"

/* Writes ,"name": (the caller writes the value). */
static void key(struct ps_out *o, bool *first, const char *name)
{
	if (!*first)
		ps_out_putc(o, ',');
	*first = false;
	ps_out_putc(o, '"');
	ps_out_puts(o, name);
	ps_out_puts(o, "\":");
}

static void str_field(struct ps_out *o, bool *first, const char *name, struct ps_str v)
{
	if (!ps_set(v))
		return;
	key(o, first, name);
	ps_out_json_str(o, v);
}

static void name_field(struct ps_out *o, bool *first, const char *name, const char *v)
{
	if (!v)
		return;
	key(o, first, name);
	ps_out_putc(o, '"');
	ps_out_puts(o, v); /* our own vocabulary: never needs escaping */
	ps_out_putc(o, '"');
}

static void int_field(struct ps_out *o, bool *first, const char *name, int64_t v)
{
	if (v < 0)
		return;
	key(o, first, name);
	ps_out_i64(o, v);
}

static void ip_field(struct ps_out *o, bool *first, const char *name, const struct ps_ip *ip)
{
	char buf[PS_IP_STRLEN];
	if (!ip->family)
		return;
	size_t n = ps_ip_format(ip, buf);
	key(o, first, name);
	ps_out_putc(o, '"');
	ps_out_put(o, buf, n);
	ps_out_putc(o, '"');
}

void ps_event_write_json(struct ps_out *o, const struct ps_event *ev, unsigned flags)
{
	bool first = true;
	bool full = !(flags & PS_JSON_DECODED_ONLY);

	ps_out_putc(o, '{');
	if (full)
		name_field(o, &first, "type", "event");
	if (ev->time_us >= 0) {
		key(o, &first, "time");
		ps_out_putc(o, '"');
		ps_out_rfc3339(o, ev->time_us);
		ps_out_putc(o, '"');
	}
	str_field(o, &first, "host", ev->host);
	name_field(o, &first, "kind", ps_kind_name(ev->kind));
	name_field(o, &first, "outcome", ps_outcome_name(ev->outcome));
	name_field(o, &first, "reason", ps_reason_name(ev->reason));
	str_field(o, &first, "service", ev->service);
	str_field(o, &first, "program", ev->program);
	int_field(o, &first, "pid", ev->pid);
	str_field(o, &first, "user", ev->user);
	str_field(o, &first, "target_user", ev->target_user);
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
	str_field(o, &first, "session", ev->session);
	name_field(o, &first, "action", ps_action_name(ev->action));
	str_field(o, &first, "group", ev->group);
	str_field(o, &first, "actor", ev->actor);
	if (ev->count > 1)
		int_field(o, &first, "count", ev->count);
	if (ev->ambiguous) {
		key(o, &first, "ambiguous");
		ps_out_puts(o, "true");
	}
	if (full) {
		str_field(o, &first, "file", ev->file);
		if (ev->line > 0)
			int_field(o, &first, "line", (int64_t)ev->line);
		str_field(o, &first, "message", ev->message);
	}
	ps_out_puts(o, "}\n");
}
