#include "sink/deliver/message.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

const struct ps_markup ps_markup_plain = { .esc = ps_esc_plain };

static void put(struct ps_out *o, const char *s)
{
	if (s)
		ps_out_puts(o, s);
}

void ps_msg_value(struct ps_out *o, struct ps_str untrusted, size_t max_cols, ps_escape_fn esc)
{
	struct ps_out d;
	/* Display text first (no raw controls). Bytes are bounded too:
	 * zero-width marks take no column. */
	if (max_cols > PS_MSG_VALUE_COLS)
		max_cols = PS_MSG_VALUE_COLS;
	if (untrusted.n > 8 * max_cols)
		untrusted.n = 8 * max_cols;
	ps_out_init_mem(&d);
	ps_out_term_str(&d, untrusted, max_cols);
	esc(o, ps_str(d.buf ? d.buf : "", d.len));
	ps_out_free(&d);
}

/* An untrusted value in its wrapping (none around nothing: Telegram refuses an empty entity). */
static void value(struct ps_out *o, const struct ps_markup *mk, struct ps_str untrusted, size_t max_cols)
{
	if (!ps_set(untrusted) || untrusted.n == 0)
		return;
	put(o, mk->value_open);
	ps_msg_value(o, untrusted, max_cols, mk->esc);
	put(o, mk->value_close);
}

static const char *const sev_upper[PS_SEVERITY__COUNT] = { "INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL" };

/* A member as text: strings decoded, numbers as written. */
static struct ps_str member(const struct ps_item *a, struct ps_str name)
{
	for (size_t i = 0; i < a->obj.n; i++)
		if (ps_eq(a->obj.f[i].name, name))
			return a->obj.f[i].type == PS_J_STRING || a->obj.f[i].type == PS_J_NUMBER ? a->obj.f[i].value
												    : PS_STR_NULL;
	return PS_STR_NULL;
}

static struct ps_str field(const struct ps_msg *m, const char *name)
{
	return m->alert ? member(m->alert, ps_cstr(name)) : PS_STR_NULL;
}

static const char *event_phrase(struct ps_str kind)
{
	static const struct {
		const char *kind, *phrase;
	} p[] = {
		{ "auth_success", "Login" }, { "session_open", "Session opened" },
		{ "auth_failure", "Failed login" }, { "spoofed_log", "Forged log entry" },
		{ "session_close", "Session closed" }, { "command", "Command" },
		{ "source_gap", "Events may be missing" }, { "log_suppressed", "Log messages suppressed" },
	};
	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		if (ps_eq_lit(kind, p[i].kind))
			return p[i].phrase;
	return NULL;
}

void ps_msg_title(struct ps_out *o, const struct ps_msg *m, const struct ps_markup *mk)
{
	ps_escape_fn esc = mk->esc;
	if (m->ch && m->ch->title && m->alert) {
		ps_template_expand(o, m->ch->title, m, mk);
		return;
	}
	put(o, mk->tag_open);
	ps_out_putc(o, '[');
	ps_out_puts(o, sev_upper[m->severity]);
	ps_out_putc(o, ']');
	put(o, mk->tag_close);
	ps_out_putc(o, ' ');
	if (m->digest) {
		char line[64];
		snprintf(line, sizeof(line), "%u more while rate-limited", m->digest->total);
		esc(o, ps_cstr(line));
		return;
	}
	const struct ps_item *a = m->alert;
	struct ps_str user = field(m, "user"), src = field(m, "src_ip"), host = field(m, "host");
	/* The rule and the kind are ours (the detector's names): not wrapped as values. */
	if (a->is_alert) {
		struct ps_str rule = field(m, "rule");
		ps_msg_value(o, ps_set(rule) ? rule : PS_LIT("alert"), 48, esc);
	} else {
		struct ps_str kind = field(m, "kind");
		const char *phrase = event_phrase(kind);
		if (phrase)
			esc(o, ps_cstr(phrase));
		else
			ps_msg_value(o, ps_set(kind) ? kind : PS_LIT("event"), 32, esc);
		if (ps_set(user)) {
			esc(o, PS_LIT(": "));
			value(o, mk, user, 48);
		}
	}
	if (ps_set(src)) {
		esc(o, PS_LIT(" from "));
		value(o, mk, src, 48);
	}
	if (ps_set(host)) {
		esc(o, PS_LIT(" on "));
		value(o, mk, host, 48);
	}
}

static void fact(struct ps_facts *f, const char *label, struct ps_str v, struct ps_str suffix)
{
	if (!ps_set(v) || f->n == PS_MSG_MAX_FACTS)
		return;
	size_t off = f->text.len;
	ps_msg_value(&f->text, v, PS_MSG_VALUE_COLS, ps_esc_plain);
	if (ps_set(suffix)) {
		ps_out_puts(&f->text, " (");
		ps_msg_value(&f->text, suffix, 60, ps_esc_plain);
		ps_out_putc(&f->text, ')');
	}
	f->f[f->n++] = (struct ps_fact){ label, off, f->text.len - off };
}

void ps_msg_facts(const struct ps_msg *m, struct ps_facts *f)
{
	ps_out_init_mem(&f->text);
	f->n = 0;
	if (m->digest || (m->ch && m->ch->template))
		return;
	const struct ps_item *a = m->alert;
	if (a->is_alert) {
		fact(f, "Why", field(m, "summary"), PS_STR_NULL);
	} else {
		struct ps_str kind = field(m, "kind");
		bool login = ps_eq_lit(kind, "auth_success") || ps_eq_lit(kind, "session_open");
		struct ps_str detail = field(m, "detail");
		fact(f, "Why", ps_set(detail) ? detail : login ? PS_LIT("notify_logins: every login is reported") : kind,
		     PS_STR_NULL);
	}
	fact(f, "User", field(m, "user"), field(m, "target_user"));
	fact(f, "From", field(m, "src_ip"), field(m, "subnet"));
	fact(f, "Service", field(m, "service"), PS_STR_NULL);
	fact(f, "Method", field(m, "method"), field(m, "key"));
	fact(f, "Host", field(m, "host"), PS_STR_NULL);
	fact(f, "Time", field(m, "time"), PS_STR_NULL);
	if (a->is_alert) {
		struct ps_str count = field(m, "count"), window = field(m, "window_s");
		if (ps_set(count) && ps_set(window)) {
			char line[96];
			snprintf(line, sizeof(line), "%.*s in %.*s s", (int)(count.n > 20 ? 20 : count.n), count.p,
				 (int)(window.n > 20 ? 20 : window.n), window.p);
			fact(f, "Count", ps_cstr(line), PS_STR_NULL);
		}
	}
	fact(f, "Sender", field(m, "sender_exe"), PS_STR_NULL);
	fact(f, "Id", ps_cstr(m->id), PS_STR_NULL);
}

void ps_msg_facts_free(struct ps_facts *f)
{
	ps_out_free(&f->text);
}

bool ps_msg_body(struct ps_out *o, const struct ps_msg *m, const struct ps_markup *mk)
{
	ps_escape_fn esc = mk->esc;
	if (m->digest) {
		const struct ps_digest *d = m->digest;
		char span[32], line[200];
		ps_digest_span(d, span, sizeof(span));
		for (size_t i = 0; i < d->n; i++) {
			if (i)
				ps_out_putc(o, '\n');
			snprintf(line, sizeof(line), "+%u more %s%s%s in the last %s", d->g[i].count, d->g[i].what,
				 d->g[i].src[0] ? " from " : "", d->g[i].src, span);
			esc(o, ps_cstr(line));
		}
		if (d->other) {
			snprintf(line, sizeof(line), "\n+%u more of other kinds in the last %s", d->other, span);
			esc(o, ps_cstr(line));
		}
		return true;
	}
	if (m->ch && m->ch->template) {
		ps_template_expand(o, m->ch->template, m, mk);
		return true;
	}
	return false;
}

void ps_msg_text(struct ps_out *o, const struct ps_msg *m, const struct ps_markup *mk)
{
	put(o, mk->title_open);
	ps_msg_title(o, m, mk);
	put(o, mk->title_close);
	ps_out_putc(o, '\n');
	if (ps_msg_body(o, m, mk))
		return;
	struct ps_facts f;
	ps_msg_facts(m, &f);
	for (size_t i = 0; i < f.n; i++) {
		if (i)
			ps_out_putc(o, '\n');
		put(o, mk->bold_open);
		ps_out_puts(o, f.f[i].label);
		ps_out_putc(o, ':');
		put(o, mk->bold_close);
		ps_out_putc(o, ' ');
		/* Already display text (ps_msg_facts): only escaped and wrapped here. */
		struct ps_str v = ps_fact_value(&f, i);
		if (v.n) {
			put(o, mk->value_open);
			mk->esc(o, v);
			put(o, mk->value_close);
		}
	}
	ps_msg_facts_free(&f);
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

int ps_template_check(const char *t, size_t *bad)
{
	for (size_t i = 0; t[i]; i++) {
		if ((t[i] == '{' && t[i + 1] == '{') || (t[i] == '}' && t[i + 1] == '}')) {
			i++;
			continue;
		}
		if (t[i] == '}')
			goto fail;
		if (t[i] != '{')
			continue;
		size_t j = i + 1;
		while (name_char(t[j]))
			j++;
		if (j == i + 1 || t[j] != '}' || j - i > 32)
			goto fail;
		i = j;
		continue;
	fail:
		*bad = i;
		return -EINVAL;
	}
	return 0;
}

void ps_template_expand(struct ps_out *o, const char *t, const struct ps_msg *m, const struct ps_markup *mk)
{
	ps_escape_fn esc = mk->esc;
	size_t i = 0;
	while (t[i]) {
		if ((t[i] == '{' && t[i + 1] == '{') || (t[i] == '}' && t[i + 1] == '}')) {
			ps_out_putc(o, t[i]);
			i += 2;
			continue;
		}
		size_t j = i + 1;
		while (t[i] == '{' && name_char(t[j]))
			j++;
		if (t[i] != '{' || t[j] != '}') {
			ps_out_putc(o, t[i++]); /* checked at load; copied as it is otherwise */
			continue;
		}
		struct ps_str name = ps_str(t + i + 1, j - i - 1);
		if (ps_eq_lit(name, "severity"))
			esc(o, ps_cstr(ps_severity_name(m->severity)));
		else if (ps_eq_lit(name, "id"))
			esc(o, ps_cstr(m->id));
		else if (m->alert)
			value(o, mk, member(m->alert, name), PS_MSG_VALUE_COLS);
		i = j + 1;
	}
}
