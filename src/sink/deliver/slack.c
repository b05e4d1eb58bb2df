/*
 * Slack incoming webhook (api.slack.com/messaging/webhooks): {"text": mrkdwn}.
 * Slack's formatting reference ("Escaping text") names & < > as the only
 * characters to escape; with them as entities, <!channel>, <@U123> and
 * <url|label> in a user name stay text.
 */
#include "sink/deliver/channels.h"

int ps_build_slack(const struct ps_msg *m, struct ps_request *req)
{
	static const struct ps_markup mrkdwn = { "*", "*", ps_esc_mrkdwn };
	struct ps_out text;
	int r = ps_request_url(req, m->ch->url_secret ? m->ch->url_secret : m->ch->url, "");
	if (r < 0)
		return r;
	ps_out_init_mem(&text);
	ps_msg_text(&text, m, &mrkdwn);
	ps_out_puts(&req->body, "{\"text\":");
	ps_out_json_str(&req->body, ps_str(text.buf ? text.buf : "", text.len));
	ps_out_puts(&req->body, ",\"mrkdwn\":true}");
	ps_out_free(&text);
	return ps_request_header(req, "Content-Type: application/json");
}
