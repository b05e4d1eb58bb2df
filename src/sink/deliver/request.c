/* What every request builder shares, and the dispatch by channel type. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sink/deliver/channels.h"

int ps_request_header(struct ps_request *req, const char *fmt, ...)
{
	char *line;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	struct curl_slist *l = curl_slist_append(req->headers, line);
	explicit_bzero(line, (size_t)n); /* an Authorization header's token */
	free(line);
	if (!l)
		return -ENOMEM;
	req->headers = l;
	return 0;
}

const char *ps_channel_url(const struct ps_channel_config *ch)
{
	return ch->url_secret ? ch->url_secret : ch->url;
}

int ps_request_url(struct ps_request *req, const char *base, const char *suffix)
{
	size_t n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	free(req->url);
	return asprintf(&req->url, "%.*s%s", (int)n, base, suffix) < 0 ? (req->url = NULL, -ENOMEM) : 0;
}

int ps_request_custom_headers(struct ps_request *req, const struct ps_channel_config *ch)
{
	for (char **h = ch->headers; h && *h; h++)
		if (ps_request_header(req, "%s", *h) < 0)
			return -ENOMEM;
	for (size_t i = 0; i < ch->n_secret_headers; i++)
		if (ch->secret_headers[i].value &&
		    ps_request_header(req, "%s: %s", ch->secret_headers[i].name, ch->secret_headers[i].value) < 0)
			return -ENOMEM;
	return 0;
}

void ps_json_member(struct ps_out *o, const char *name, struct ps_str s)
{
	ps_out_putc(o, ',');
	ps_out_json_str(o, ps_cstr(name));
	ps_out_putc(o, ':');
	ps_out_json_str(o, s);
}

int ps_channel_request(const struct ps_msg *m, int64_t now_s, struct ps_request *req)
{
	int r;
	memset(req, 0, sizeof(*req));
	ps_out_init_mem(&req->body);
	switch (m->ch->type) {
	case PS_CH_TELEGRAM: r = ps_build_telegram(m, req); break;
	case PS_CH_SLACK: r = ps_build_slack(m, req); break;
	case PS_CH_DISCORD: r = ps_build_discord(m, req); break;
	case PS_CH_TEAMS: r = ps_build_teams(m, req); break;
	case PS_CH_NTFY: r = ps_build_ntfy(m, req); break;
	case PS_CH_WEBHOOK: r = ps_build_webhook(m, now_s, req); break;
	case PS_CH_EMAIL: r = ps_build_email(m, now_s, req); break;
	default: r = -EINVAL; break;
	}
	if (r == 0 && (req->body.error || !req->url))
		r = -ENOMEM;
	if (r == 0 && !req->smtp)
		r = ps_request_custom_headers(req, m->ch);
	if (r < 0)
		ps_request_free(req);
	return r;
}

void ps_request_free(struct ps_request *req)
{
	if (req->url) {
		explicit_bzero(req->url, strlen(req->url));
		free(req->url);
	}
	ps_out_free(&req->body);
	/* Authorization and header_file values are secrets: not left in freed memory. */
	for (struct curl_slist *h = req->headers; h; h = h->next)
		explicit_bzero(h->data, strlen(h->data));
	curl_slist_free_all(req->headers);
	curl_slist_free_all(req->rcpt);
	memset(req, 0, sizeof(*req));
}
