/*
 * ntfy (docs.ntfy.sh/publish): POST the message text to BASE/TOPIC, with
 * Title, Priority (1-5) and Tags headers. The title is display text (no
 * CR/LF can reach a header) and, when not plain ASCII, RFC 2047
 * encoded-words, which ntfy decodes ("Publish as ... UTF-8 in headers").
 */
#include <string.h>

#include "sink/deliver/channels.h"

int ps_build_ntfy(const struct ps_msg *m, struct ps_request *req)
{
		static const char *const tags[PS_SEVERITY__COUNT] = { "information_source", "warning", "warning",
							"rotating_light", "rotating_light" };
	const struct ps_channel_config *ch = m->ch;
	const char *base = ps_channel_url(ch);
	char suffix[8 + 4096];
	struct ps_out t;
	/* The topic ([A-Za-z0-9_-], checked at load) may be a secret: topic_file. */
	const char *topic = ch->topic_secret ? ch->topic_secret : ch->topic;
	snprintf(suffix, sizeof(suffix), "/%s", topic ? topic : "");
	int r = ps_request_url(req, base ? base : "https://ntfy.sh", suffix);
	explicit_bzero(suffix, sizeof(suffix));
	if (r < 0)
		return r;
	ps_out_init_mem(&t);
	ps_msg_title(&t, m, &ps_markup_plain);
	struct ps_out h;
	ps_out_init_mem(&h);
	ps_esc_header(&h, ps_str(t.buf ? t.buf : "", t.len), " ", sizeof("Title: ") - 1);
	r = ps_request_header(req, "Title: %.*s", (int)h.len, h.buf ? h.buf : "");
	ps_out_free(&h);
	if (r == 0)
		r = ps_request_header(req, "Priority: %d", (int)m->severity + 1);
	if (r == 0)
		r = ps_request_header(req, "Tags: %s", tags[m->severity]);
	if (r == 0 && ch->token)
		r = ps_request_header(req, "Authorization: Bearer %s", ch->token);
	if (r == 0)
		r = ps_request_header(req, "Content-Type: text/plain; charset=utf-8");
	/* The body: the text without its title line (the title is a header). */
	ps_out_reset(&t);
	ps_msg_text(&t, m, &ps_markup_plain);
	const char *nl = t.buf ? memchr(t.buf, '\n', t.len) : NULL;
	if (nl)
		ps_out_put(&req->body, nl + 1, t.len - (size_t)(nl + 1 - t.buf));
	ps_out_free(&t);
	return r;
}
