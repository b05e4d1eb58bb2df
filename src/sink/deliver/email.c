/*
 * E-mail through libcurl's SMTP (smtp:// with STARTTLS required unless
 * starttls = no, or smtps://). The message is RFC 5322: headers we write
 * ourselves from display text (no CR/LF can get in, so no header
 * injection), the Subject as RFC 2047 encoded-words when it is not plain
 * ASCII, and a UTF-8 text/plain body. libcurl dot-stuffs the body.
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "sink/deliver/channels.h"

int ps_build_email(const struct ps_msg *m, int64_t now_s, struct ps_request *req)
{
	const struct ps_channel_config *ch = m->ch;
	struct ps_out *o = &req->body, t;
	req->smtp = true;
	int r = ps_request_url(req, ps_channel_url(ch), "");
	if (r < 0)
		return r;
	for (char **to = ch->to; to && *to; to++) {
		struct curl_slist *l = curl_slist_append(req->rcpt, *to);
		if (!l)
			return -ENOMEM;
		req->rcpt = l;
	}
	char date[64];
	time_t now = (time_t)now_s;
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	ps_out_puts(o, "Date: ");
	ps_out_puts(o, date);
	ps_out_puts(o, "\r\nFrom: ");
	ps_out_puts(o, ch->from);
	ps_out_puts(o, "\r\nTo: ");
	for (char **to = ch->to; to && *to; to++) {
		if (to != ch->to)
			ps_out_puts(o, ", ");
		ps_out_puts(o, *to);
	}
	/* The id is [A-Za-z0-9._:-]: safe in a Message-ID. */
	ps_out_puts(o, "\r\nMessage-ID: <");
	ps_out_puts(o, m->id);
	ps_out_puts(o, "@pamsignal>\r\nSubject: ");
	ps_out_init_mem(&t);
	ps_msg_title(&t, m, &ps_markup_plain);
	ps_esc_header(o, ps_str(t.buf ? t.buf : "", t.len), "\r\n ", sizeof("Subject: ") - 1);
	ps_out_puts(o, "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
		       "Content-Transfer-Encoding: 8bit\r\nAuto-Submitted: auto-generated\r\n\r\n");
	ps_out_reset(&t);
	ps_msg_text(&t, m, &ps_markup_plain);
	for (size_t i = 0; i < t.len; i++) {
		if (t.buf[i] == '\n')
			ps_out_putc(o, '\r');
		ps_out_putc(o, t.buf[i]);
	}
	ps_out_puts(o, "\r\n");
	ps_out_free(&t);
	return 0;
}
