#include "event/text.h"

#include <stdio.h>
#include <time.h>

#include "util/timeconv.h"

enum { W_TIME = 19, W_KIND = 14, W_RESULT = 18, W_SERVICE = 8, W_USER = 20, W_SOURCE = 24 };

static void pad(struct ps_out *o, size_t used, size_t width)
{
	do
		ps_out_putc(o, ' ');
	while (++used < width + 1);
}

static void cell(struct ps_out *o, struct ps_str s, size_t width)
{
	pad(o, ps_out_term_str(o, s, width), width);
}

static void local_time(struct ps_out *o, int64_t usec)
{
	if (usec < 0) {
		cell(o, PS_LIT("-"), W_TIME);
		return;
	}
	time_t t = (time_t)(usec / PS_USEC_PER_SEC);
	struct tm tm;
	char buf[32];
	size_t n = localtime_r(&t, &tm) ? strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm) : 0;
	cell(o, ps_str(buf, n), W_TIME);
}

void ps_event_write_text_header(struct ps_out *o)
{
	cell(o, PS_LIT("TIME"), W_TIME);
	cell(o, PS_LIT("KIND"), W_KIND);
	cell(o, PS_LIT("RESULT"), W_RESULT);
	cell(o, PS_LIT("SERVICE"), W_SERVICE);
	cell(o, PS_LIT("USER"), W_USER);
	cell(o, PS_LIT("SOURCE"), W_SOURCE);
	ps_out_puts(o, "DETAIL\n");
}

/* Free-form detail: whichever of the descriptive fields the event has. */
static void detail(struct ps_out *o, const struct ps_event *ev)
{
	struct { const char *label; struct ps_str v; } parts[] = {
		{ "", ev->method }, { "key ", ev->key }, { "tty ", ev->tty },
		{ "cwd ", ev->cwd }, { "cmd ", ev->command }, { "input ", ev->input },
		{ "login ", ev->login_user }, { "session ", ev->session },
		{ "group ", ev->group }, { "by ", ev->actor }, { "host ", ev->src_host },
		{ "", ev->detail }, { "exe ", ev->sender_exe }, { "proc ", ev->cmdline },
	};
	size_t budget = 80;
	bool any = false;

	if (ev->action) {
		ps_out_puts(o, ps_action_name(ev->action));
		any = true;
	}
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]) && budget > 0; i++) {
		if (!ps_set(parts[i].v))
			continue;
		if (any)
			ps_out_putc(o, ' ');
		ps_out_puts(o, parts[i].label);
		size_t used = ps_out_term_str(o, parts[i].v, budget);
		budget = used < budget ? budget - used : 0;
		any = true;
	}
	for (unsigned i = 0; ev->parents && i < ev->parents->n && i < PS_PROC_DEPTH && budget > 0; i++) {
		const struct ps_proc_link *l = &ev->parents->v[i];
		struct ps_str name = ps_set(l->comm) ? l->comm : l->exe;
		ps_out_puts(o, any ? " \xe2\x86\x90 " : "\xe2\x86\x90 "); /* ← */
		size_t used = ps_out_term_str(o, name, budget);
		budget = used < budget ? budget - used : 0;
		if (l->pid >= 0) {
			ps_out_putc(o, '[');
			ps_out_u64(o, (uint64_t)l->pid);
			ps_out_putc(o, ']');
		}
		any = true;
	}
	if (ev->duration_s >= 0) {
		ps_out_puts(o, any ? " after " : "after ");
		ps_out_u64(o, (uint64_t)ev->duration_s);
		ps_out_putc(o, 's');
		any = true;
	}
	if (ev->count > 1) {
		ps_out_puts(o, any ? " x" : "x");
		ps_out_u64(o, ev->count);
	}
	if (ev->ambiguous)
		ps_out_puts(o, any ? " (ambiguous line)" : "(ambiguous line)");
}

void ps_event_write_text(struct ps_out *o, const struct ps_event *ev)
{
	char src[PS_IP_STRLEN];
	size_t n;

	local_time(o, ev->time_us);
	cell(o, ps_cstr(ps_kind_name(ev->kind)), W_KIND);

	/* The reason says more than the outcome; the kind already implies it. */
	const char *result = ps_reason_name(ev->reason);
	if (!result)
		result = ps_outcome_name(ev->outcome);
	cell(o, ps_cstr(result ? result : "-"), W_RESULT);

	cell(o, ps_set(ev->service) ? ev->service : ev->program, W_SERVICE);

	size_t used = ps_out_term_str(o, ev->user, W_USER);
	if (ps_set(ev->target_user) && used + 2 < W_USER) {
		ps_out_puts(o, "\xe2\x86\x92"); /* → */
		used += 1 + ps_out_term_str(o, ev->target_user, W_USER - used - 1);
	}
	pad(o, used, W_USER);

	if (ev->src_ip.family) {
		n = ps_ip_format(&ev->src_ip, src);
		cell(o, ps_str(src, n), W_SOURCE);
	} else {
		cell(o, ev->src_host, W_SOURCE);
	}
	detail(o, ev);
	ps_out_putc(o, '\n');
}

void ps_alert_write_text(struct ps_out *o, const struct ps_alert *a)
{
	char src[PS_IP_STRLEN + 4];
	size_t n = 0;

	local_time(o, a->time_us);
	cell(o, PS_LIT("alert"), W_KIND);
	cell(o, ps_cstr(ps_severity_name(a->severity)), W_RESULT);
	cell(o, a->service, W_SERVICE);
	cell(o, a->user, W_USER);
	if (a->src_ip.family) {
		n = ps_ip_format(&a->src_ip, src);
	} else if (a->subnet.family) {
		n = ps_ip_format(&a->subnet, src);
		n += (size_t)snprintf(src + n, sizeof(src) - n, "/%u", a->subnet_prefix);
	}
	cell(o, n ? ps_str(src, n) : PS_LIT("-"), W_SOURCE);
	const char *rule = ps_rule_name(a->rule);
	ps_out_puts(o, rule ? rule : "(a rule this version does not know)");
	ps_out_puts(o, a->update ? " (update): " : ": ");
	ps_out_term_str(o, ps_str(a->summary, a->summary_len), 200);
	ps_out_putc(o, '\n');
}
