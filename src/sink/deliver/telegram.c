/*
 * Telegram Bot API sendMessage (core.telegram.org/bots/api#sendmessage),
 * HTML parse mode. Only &lt; &gt; &amp; &quot; are entities there, and
 * every value is escaped with them, so a user name cannot open a tag.
 *
 * Telegram also finds entities in plain text by itself: @mentions (which
 * notify that user in a group), URLs, #hashtags, /commands, e-mail
 * addresses. Every untrusted value is therefore in <code>: the API's
 * "Formatting options" say pre and code entities cannot contain other
 * entities. Bold cannot contain code either, so only the severity tag and
 * the labels are bold, never a line holding a value.
 * Text is limited to 4096 characters; values are cut well below that.
 */
#include "sink/deliver/channels.h"

int ps_build_telegram(const struct ps_msg *m, struct ps_request *req)
{
	static const struct ps_markup html = { .bold_open = "<b>", .bold_close = "</b>", .tag_open = "<b>",
					       .tag_close = "</b>", .value_open = "<code>", .value_close = "</code>",
					       .esc = ps_esc_html };
	const struct ps_channel_config *ch = m->ch;
	const char *base = ps_channel_url(ch);
	struct ps_out text;
	char suffix[16 + 4096];
	/* The token is part of the path: /bot<token>/sendMessage. */
	snprintf(suffix, sizeof(suffix), "/bot%s/sendMessage", ch->token ? ch->token : "");
	int r = ps_request_url(req, base ? base : "https://api.telegram.org", suffix);
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
