/*
 * Microsoft Teams through a Workflows ("When a Teams webhook request is
 * received") URL: a message with one Adaptive Card attachment
 * (learn.microsoft.com, "Create incoming webhooks with Workflows"; card
 * schema adaptivecards.io, version 1.4).
 *
 * TextBlock and FactSet text is markdown (a CommonMark subset: bold,
 * italic, lists, links) with no documented escape, so a user name could
 * bold, list or link. The text here is in RichTextBlock TextRuns instead,
 * where "Markdown is not supported" (schema explorer, TextRun; since
 * version 1.2): the title a bold run, each fact a bold label run and a
 * plain value run, a template or digest one block per line. The card is
 * JSON written with the one JSON escaper; ps_esc_textrun also breaks "{{"
 * so that no {{DATE()}} function is evaluated in a value.
 */
#include <string.h>

#include "sink/deliver/channels.h"

static const struct ps_markup textrun = { .esc = ps_esc_textrun };

/* One TextRun; style is more JSON members (",\"weight\":...") or "". */
static void run(struct ps_out *o, struct ps_str text, const char *style)
{
	ps_out_puts(o, "{\"type\":\"TextRun\",\"text\":");
	ps_out_json_str(o, text);
	ps_out_puts(o, style);
	ps_out_putc(o, '}');
}

/* ,{RichTextBlock with the runs the caller writes}: open and close. */
static void block_open(struct ps_out *o)
{
	ps_out_puts(o, ",{\"type\":\"RichTextBlock\",\"inlines\":[");
}

static void block_close(struct ps_out *o)
{
	ps_out_puts(o, "]}");
}

static void body_lines(struct ps_out *o, struct ps_str text)
{
	while (text.n) {
		const char *nl = memchr(text.p, '\n', text.n);
		size_t n = nl ? (size_t)(nl - text.p) : text.n;
		if (n) {
			block_open(o);
			run(o, ps_str(text.p, n), "");
			block_close(o);
		}
		text.p += n + (nl != NULL);
		text.n -= n + (nl != NULL);
	}
}

static void facts(struct ps_out *o, const struct ps_msg *m)
{
	struct ps_facts f;
	struct ps_out t;
	ps_msg_facts(m, &f);
	ps_out_init_mem(&t);
	for (size_t i = 0; i < f.n; i++) {
		ps_out_reset(&t);
		ps_out_puts(&t, f.f[i].label);
		ps_out_puts(&t, ": ");
		block_open(o);
		run(o, ps_str(t.buf, t.len), ",\"weight\":\"Bolder\"");
		ps_out_reset(&t);
		ps_esc_textrun(&t, ps_fact_value(&f, i));
		if (t.len) {
			ps_out_putc(o, ',');
			run(o, ps_str(t.buf, t.len), "");
		}
		block_close(o);
	}
	ps_out_free(&t);
	ps_msg_facts_free(&f);
}

int ps_build_teams(const struct ps_msg *m, struct ps_request *req)
{
	struct ps_out t;
	int r = ps_request_url(req, ps_channel_url(m->ch), "");
	if (r < 0)
		return r;
	struct ps_out *o = &req->body;
	ps_out_puts(o, "{\"type\":\"message\",\"attachments\":[{\"contentType\":\"application/vnd.microsoft.card.adaptive\","
		       "\"contentUrl\":null,\"content\":{\"$schema\":\"http://adaptivecards.io/schemas/adaptive-card.json\","
		       "\"type\":\"AdaptiveCard\",\"version\":\"1.4\",\"body\":[");
	ps_out_init_mem(&t);
	ps_msg_title(&t, m, &textrun);
	/* The first block: no comma before it. */
	ps_out_puts(o, "{\"type\":\"RichTextBlock\",\"inlines\":[");
	run(o, ps_str(t.buf ? t.buf : "", t.len), ",\"weight\":\"Bolder\",\"size\":\"Medium\"");
	block_close(o);
	ps_out_reset(&t);
	if (ps_msg_body(&t, m, &textrun))
		body_lines(o, ps_str(t.buf ? t.buf : "", t.len));
	else
		facts(o, m);
	ps_out_puts(o, "]}}]}");
	ps_out_free(&t);
	return ps_request_header(req, "Content-Type: application/json");
}
