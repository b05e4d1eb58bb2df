/*
 * Telegram Bot API sendMessage (core.telegram.org/bots/api#sendmessage),
 * HTML parse mode: only &lt; &gt; &amp; &quot; are entities there, and
 * every value is escaped with them, so a user name cannot open a tag.
 * Text is limited to 4096 characters; values are cut well below that.
 */
#include "sink/deliver/channels.h"

int ps_build_telegram(const struct ps_msg *m, struct ps_request *req)
{
	static const struct ps_markup html = { "<b>", "</b>", ps_esc_html };
	const struct ps_channel_config *ch = m->ch;
	struct ps_out text;
	char suffix[16 + 4096];
	/* The token is part of the path: /bot<token>/sendMessage. */
	snprintf(suffix, sizeof(suffix), "/bot%s/sendMessage", ch->token ? ch->token : "");
	int r = ps_request_url(req, ch->url ? ch->url : "https://api.telegram.org", suffix);
	explicit_bzero(suffix, sizeof(suffix));
	if (r < 0)
		return r;
	ps_out_init_mem(&text);
	ps_msg_text(&text, m, &html);
	ps_out_puts(&req->body, "{\"chat_id\":");
	ps_out_json_str(&req->body, ps_cstr(ch->chat_id));
	ps_json_member(&req->body, "text", ps_str(text.buf ? text.buf : "", text.len));
	ps_out_puts(&req->body, ",\"parse_mode\":\"HTML\",\"disable_web_page_preview\":true}");
	ps_out_free(&text);
	return ps_request_header(req, "Content-Type: application/json");
}
