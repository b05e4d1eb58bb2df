/*
 * Slack incoming webhook (api.slack.com/messaging/webhooks), with Block Kit.
 *
 * Why blocks and not one mrkdwn "text": mrkdwn has no escape for its
 * formatting characters. Slack's formatting reference ("Escaping text")
 * names only & < >, so a user name "*root*" would be bold, "~x~" struck
 * and "`x`" a code span, and any substitute (look-alike characters,
 * zero-width spaces) changes the name or relies on undocumented parsing.
 * A plain_text text object is documented as unformatted: no markup, no
 * links, no mentions (Block Kit reference, "Text object"). So every
 * untrusted value is in one: the title in a header block, each fact's value
 * as a plain_text field beside its mrkdwn label (ours), a template's or a
 * digest's text in a plain_text section. & < > are entities there as well,
 * as that reference asks for all text objects. The top-level "text" is
 * the notification fallback, sent with "mrkdwn": false so that it is not
 * formatted either.
 *
 * Limits (Block Kit reference): a header's text 150 characters, a field
 * 2000, a section's text 3000, 10 fields per section, no empty text.
 */
#include "sink/deliver/channels.h"

#define HEADER_MAX 150
#define FIELD_MAX 2000
#define SECTION_MAX 3000
#define PAIRS_PER_SECTION 5

static const struct ps_markup slack = { .esc = ps_esc_mrkdwn };

/*
 * The byte length of s cut to at most max characters, with room for "…"
 * when cut; never inside a UTF-8 sequence or an entity (&amp; &lt; &gt;).
 * Characters are counted on the escaped text, so never fewer than Slack counts.
 */
static size_t cut_chars(struct ps_str s, size_t max, bool *cut)
{
	size_t chars = 0, i = 0, last_fit = 0;
	*cut = false;
	for (; i < s.n; i++) {
		if (((unsigned char)s.p[i] & 0xc0) == 0x80)
			continue;
		if (chars == max - 1)
			last_fit = i;
		if (++chars > max)
			break;
	}
	if (i == s.n)
		return s.n;
	*cut = true;
	size_t n = last_fit;
	for (size_t k = n; k > 0 && n - k < 5; k--) {
		if (s.p[k - 1] == ';')
			break;
		if (s.p[k - 1] == '&') {
			n = k - 1;
			break;
		}
	}
	return n;
}

static void plain_text(struct ps_out *o, struct ps_str s, size_t max)
{
	bool cut;
	size_t n = cut_chars(s, max, &cut);
	ps_out_puts(o, "{\"type\":\"plain_text\",\"emoji\":false,\"text\":");
	if (n == 0 && !cut) {
		ps_out_json_str(o, PS_LIT("-"));
	} else {
		struct ps_out t;
		ps_out_init_mem(&t);
		ps_out_put(&t, s.p, n);
		if (cut)
			ps_out_puts(&t, "\xe2\x80\xa6");
		ps_out_json_str(o, ps_str(t.buf ? t.buf : "", t.len));
		ps_out_free(&t);
	}
	ps_out_putc(o, '}');
}

static struct ps_str text_of(const struct ps_out *t)
{
	return ps_str(t->buf ? t->buf : "", t->len);
}

static void facts(struct ps_out *o, const struct ps_msg *m)
{
	struct ps_facts f;
	struct ps_out v, label;
	ps_msg_facts(m, &f);
	ps_out_init_mem(&v);
	ps_out_init_mem(&label);
	for (size_t i = 0; i < f.n; i++) {
		if (i % PAIRS_PER_SECTION == 0)
			ps_out_puts(o, i ? "]},{\"type\":\"section\",\"fields\":[" : ",{\"type\":\"section\",\"fields\":[");
		else
			ps_out_putc(o, ',');
		ps_out_reset(&label);
		ps_out_putc(&label, '*');
		ps_out_puts(&label, f.f[i].label);
		ps_out_putc(&label, '*');
		ps_out_puts(o, "{\"type\":\"mrkdwn\",\"verbatim\":true,\"text\":");
		ps_out_json_str(o, text_of(&label));
		ps_out_puts(o, "},");
		ps_out_reset(&v);
		ps_esc_mrkdwn(&v, ps_fact_value(&f, i));
		plain_text(o, text_of(&v), FIELD_MAX);
	}
	if (f.n)
		ps_out_puts(o, "]}");
	ps_out_free(&label);
	ps_out_free(&v);
	ps_msg_facts_free(&f);
}

int ps_build_slack(const struct ps_msg *m, struct ps_request *req)
{
	struct ps_out t, *o = &req->body;
	int r = ps_request_url(req, ps_channel_url(m->ch), "");
	if (r < 0)
		return r;
	ps_out_init_mem(&t);
	ps_msg_title(&t, m, &slack);
	ps_out_puts(o, "{\"text\":");
	ps_out_json_str(o, text_of(&t));
	ps_out_puts(o, ",\"mrkdwn\":false,\"blocks\":[{\"type\":\"header\",\"text\":");
	plain_text(o, text_of(&t), HEADER_MAX);
	ps_out_putc(o, '}');
	ps_out_reset(&t);
	if (ps_msg_body(&t, m, &slack)) {
		ps_out_puts(o, ",{\"type\":\"section\",\"text\":");
		plain_text(o, text_of(&t), SECTION_MAX);
		ps_out_putc(o, '}');
	} else {
		facts(o, m);
	}
	ps_out_puts(o, "]}");
	ps_out_free(&t);
	return ps_request_header(req, "Content-Type: application/json");
}
