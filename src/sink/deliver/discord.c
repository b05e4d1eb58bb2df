/*
 * Discord "Execute Webhook" (discord.com/developers/docs/resources/webhook):
 * {"content": markdown, "allowed_mentions": {"parse": []}}. The empty parse
 * list is what stops @everyone, @here and role/user mentions from pinging
 * anyone, whatever the text says; markup characters are backslash-escaped
 * (escape.c: emphasis, spoilers, code, masked links, autolinks, headings,
 * lists) so a name cannot restyle, hide or link anything. content is at most 2000
 * characters: the text is cut below that, never inside an escape.
 */
#include "sink/deliver/channels.h"

#define CONTENT_MAX 1900 /* bytes: fewer characters than Discord's 2000 */

int ps_build_discord(const struct ps_msg *m, struct ps_request *req)
{
	static const struct ps_markup md = { .bold_open = "**", .bold_close = "**", .title_open = "**",
					     .title_close = "**", .esc = ps_esc_markdown };
	struct ps_out text;
	int r = ps_request_url(req, ps_channel_url(m->ch), "");
	if (r < 0)
		return r;
	ps_out_init_mem(&text);
	ps_msg_text(&text, m, &md);
	size_t n = text.len;
	if (n > CONTENT_MAX) {
		n = CONTENT_MAX;
		while (n > 0 && ((unsigned char)text.buf[n] & 0xc0) == 0x80)
			n--; /* not inside a UTF-8 sequence */
		size_t bs = 0;
		while (bs < n && text.buf[n - 1 - bs] == '\\')
			bs++;
		n -= bs & 1; /* not between a backslash and what it escapes */
	}
	ps_out_puts(&req->body, "{\"content\":");
	ps_out_json_str(&req->body, ps_str(text.buf ? text.buf : "", n));
	ps_out_puts(&req->body, ",\"allowed_mentions\":{\"parse\":[]}}");
	ps_out_free(&text);
	return ps_request_header(req, "Content-Type: application/json");
}
