/*
 * What a channel says about one alert, event or digest, before the
 * channel's own syntax: a title, then either labelled facts (the default
 * message: who, from where, service, method, host, time, why) or the
 * channel's `template`. Renderers pass their escaper (escape.h); every
 * untrusted value goes through display text and then that escaper.
 */
#ifndef PS_SINK_DELIVER_MESSAGE_H
#define PS_SINK_DELIVER_MESSAGE_H

#include "config/config.h"
#include "sink/deliver/alert.h"
#include "sink/deliver/digest.h"
#include "sink/deliver/escape.h"

/* Exactly one of alert and digest is set. Borrowed, not owned. */
struct ps_msg {
	const struct ps_channel_config *ch;
	const struct ps_item *alert;
	const struct ps_digest *digest;
	const char *id;
	enum ps_severity severity;
};

#define PS_MSG_MAX_FACTS 12
#define PS_MSG_VALUE_COLS 200 /* a value longer than this is cut with "…" */

struct ps_fact {
	const char *label;  /* ours: never needs escaping */
	size_t off, len;    /* display text in ps_facts.text */
};
struct ps_facts {
	struct ps_out text; /* memory mode; ps_facts_free() */
	struct ps_fact f[PS_MSG_MAX_FACTS];
	size_t n;
};

/*
 * How a channel marks up text. Each pair is written around its part (NULL:
 * nothing): our labels ("User:"), the severity tag ("[HIGH]"), the whole
 * title line, and every untrusted value, whatever the template around it.
 * esc escapes all text but the template's own (the administrator's).
 */
struct ps_markup {
	const char *bold_open, *bold_close;
	const char *tag_open, *tag_close;
	const char *title_open, *title_close;
	const char *value_open, *value_close;
	ps_escape_fn esc;
};
/* Plain text: no markup, no escaping (e-mail, ntfy, console, exec). */
extern const struct ps_markup ps_markup_plain;

/* untrusted as display text (see escape.h), cut at max_cols, then esc'd. */
void ps_msg_value(struct ps_out *o, struct ps_str untrusted, size_t max_cols, ps_escape_fn esc);

/* The title: the channel's `title` template, else "[SEVERITY] what ...". */
void ps_msg_title(struct ps_out *o, const struct ps_msg *m, const struct ps_markup *mk);
/* The default facts (none for a digest or with a template). */
void ps_msg_facts(const struct ps_msg *m, struct ps_facts *f);
void ps_msg_facts_free(struct ps_facts *f);
static inline struct ps_str ps_fact_value(const struct ps_facts *f, size_t i)
{
	return ps_str(f->text.buf + f->f[i].off, f->f[i].len);
}
/* The template's expansion or the digest's lines; false (nothing written) if neither. */
bool ps_msg_body(struct ps_out *o, const struct ps_msg *m, const struct ps_markup *mk);

/* Title, then the body or one "Label: value" line per fact; no final newline. */
void ps_msg_text(struct ps_out *o, const struct ps_msg *m, const struct ps_markup *mk);

/*
 * Expand {name} placeholders in tmpl: a string or number member of the
 * alert (as display text, escaped and wrapped as mk says), or "severity" /
 * "id"; a missing one expands to nothing. "{{" and "}}" are literal
 * braces; the rest of the template is written as it is (it is the
 * administrator's).
 */
void ps_template_expand(struct ps_out *o, const char *tmpl, const struct ps_msg *m, const struct ps_markup *mk);
/* A template's syntax: 0, or -EINVAL with *bad at the offending offset. */
int ps_template_check(const char *tmpl, size_t *bad);

#endif
