/*
 * Microsoft Teams through a Workflows ("When a Teams webhook request is
 * received") URL: a message with one Adaptive Card attachment
 * (learn.microsoft.com, "Create incoming webhooks with Workflows"; card
 * schema adaptivecards.io, version 1.4). The title is a TextBlock, the facts
 * a FactSet. TextBlock and FactSet values accept a markdown subset, so
 * values are backslash-escaped as for Discord; the card itself is JSON,
 * written with the one JSON escaper.
 */
#include "sink/deliver/channels.h"

static void text_block(struct ps_out *o, struct ps_str text, bool title)
{
	ps_out_puts(o, "{\"type\":\"TextBlock\",\"wrap\":true,\"text\":");
	ps_out_json_str(o, text);
	if (title)
		ps_out_puts(o, ",\"weight\":\"Bolder\",\"size\":\"Medium\"");
	ps_out_putc(o, '}');
}

int ps_build_teams(const struct ps_msg *m, struct ps_request *req)
{
	struct ps_out t;
	int r = ps_request_url(req, m->ch->url_secret ? m->ch->url_secret : m->ch->url, "");
	if (r < 0)
		return r;
	struct ps_out *o = &req->body;
	ps_out_puts(o, "{\"type\":\"message\",\"attachments\":[{\"contentType\":\"application/vnd.microsoft.card.adaptive\","
		       "\"contentUrl\":null,\"content\":{\"$schema\":\"http://adaptivecards.io/schemas/adaptive-card.json\","
		       "\"type\":\"AdaptiveCard\",\"version\":\"1.4\",\"body\":[");
	ps_out_init_mem(&t);
	ps_msg_title(&t, m, ps_esc_markdown);
	text_block(o, ps_str(t.buf ? t.buf : "", t.len), true);
	ps_out_reset(&t);
	if (ps_msg_body(&t, m, ps_esc_markdown)) {
		ps_out_putc(o, ',');
		text_block(o, ps_str(t.buf, t.len), false);
	} else {
		struct ps_facts f;
		ps_msg_facts(m, &f);
		ps_out_puts(o, ",{\"type\":\"FactSet\",\"facts\":[");
		for (size_t i = 0; i < f.n; i++) {
			ps_out_reset(&t);
			ps_esc_markdown(&t, ps_fact_value(&f, i));
			ps_out_puts(o, i ? ",{\"title\":" : "{\"title\":");
			ps_out_json_str(o, ps_cstr(f.f[i].label));
			ps_json_member(o, "value", ps_str(t.buf ? t.buf : "", t.len));
			ps_out_putc(o, '}');
		}
		ps_out_puts(o, "]}");
		ps_msg_facts_free(&f);
	}
	ps_out_puts(o, "]}}]}");
	ps_out_free(&t);
	return ps_request_header(req, "Content-Type: application/json");
}
