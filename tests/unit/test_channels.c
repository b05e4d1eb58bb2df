/*
 * The request each channel builds for hostile user names, byte for byte:
 * no markup, mention, link or header an attacker can put in a name gets
 * through any channel's syntax, and every JSON body is valid JSON (read
 * back with the strict reader).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sink/deliver/channels.h"

/* Newline, markup, mentions, ANSI, bidi override, a lone surrogate (JSON text). */
#define HOSTILE "x\\n<b>&\\\"@everyone <!channel> *_`|\\u001b[31m\\u202e\\ud800"
/* Every formatting, link and mention syntax of the chat services. */
#define FORMAT                                                                                                       \
	"*b* _i_ ~s~ `c` ||x|| [l](https://evil.example) <https://evil.example|bank> # h > q - l "                   \
	"{{DATE(2017-02-14T06:00:00Z, SHORT)}} @boss #tag /start"

static struct ps_item item;

static char *text(struct ps_out *o)
{
	ps_out_putc(o, '\0');
	o->len--;
	return o->buf;
}

/* The request for an auth_success event of user (JSON string contents). */
static char *build(enum ps_channel_type type, struct ps_channel_config *ch, const char *user, struct ps_request *req)
{
	char json[1024];
	snprintf(json, sizeof(json),
		 "{\"type\":\"event\",\"time\":\"2026-11-21T19:50:23.000000Z\",\"host\":\"web1\",\"kind\":\"auth_success\","
		 "\"service\":\"sshd\",\"user\":\"%s\",\"src_ip\":\"203.0.113.7\",\"method\":\"password\"}",
		 user);
	ps_item_free(&item);
	assert_int_equal(ps_item_parse(&item, json, strlen(json)), 0);
	ch->type = type;
	ch->name = "t";
	struct ps_msg m = { .ch = ch, .alert = &item, .id = item.id, .severity = item.severity };
	assert_int_equal(ps_channel_request(&m, 1700000000, req), 0);
	char *b = text(&req->body);
	if (type != PS_CH_NTFY && type != PS_CH_EMAIL) {
		struct ps_jobject o = { 0 };
		assert_int_equal(ps_jobject_read(&o, b, req->body.len), 0);
		ps_jobject_free(&o);
	}
	return b;
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

static struct ps_channel_config chat = { .token = "TOKEN", .chat_id = "42", .url = "http://127.0.0.1:9/hook" };

static void test_telegram(void **state)
{
	(void)state;
	struct ps_request req;
	char *b = build(PS_CH_TELEGRAM, &chat, HOSTILE, &req);
	assert_string_equal(req.url, "http://127.0.0.1:9/hook/botTOKEN/sendMessage");
	assert_non_null(strstr(b, "\"parse_mode\":\"HTML\""));
	/* Only the severity tag and the labels are bold; every value is code. */
	assert_non_null(strstr(b, "\"text\":\"<b>[INFO]</b> Login: <code>x\\\\x0a&lt;b&gt;&amp;&quot;@everyone"));
	assert_non_null(strstr(b, "<b>User:</b> <code>x\\\\x0a&lt;b&gt;&amp;&quot;@everyone &lt;!channel&gt; "
				  "*_`|\\\\x1b[31m\\\\u202e\xef\xbf\xbd</code>\\n"));
	ps_request_free(&req);

	b = build(PS_CH_TELEGRAM, &chat, FORMAT, &req);
	assert_non_null(strstr(b, "<b>User:</b> <code>*b* _i_ ~s~ `c` ||x|| [l](https://evil.example) "
				  "&lt;https://evil.example|bank&gt; # h &gt; q - l {{DATE(2017-02-14T06:00:00Z, SHORT)}} "
				  "@boss #tag /start</code>"));
	/* No tag but ours: remove them, and no '<' is left. */
	char *t = strstr(b, "\"text\":\"");
	assert_non_null(t);
	size_t tags = count(t, "<b>") + count(t, "</b>") + count(t, "<code>") + count(t, "</code>");
	assert_int_equal(count(t, "<"), tags);
	assert_int_equal(count(t, "<b>"), count(t, "</b>"));
	assert_int_equal(count(t, "<code>"), count(t, "</code>"));
	/* Bold never holds a value (Telegram refuses code inside bold). */
	for (char *p = t; (p = strstr(p, "<b>")); p++)
		assert_true(strstr(p, "</b>") < (strstr(p, "<code>") ? strstr(p, "<code>") : p + strlen(p)));
	ps_request_free(&req);
}

static void test_slack(void **state)
{
	(void)state;
	struct ps_request req;
	char *b = build(PS_CH_SLACK, &chat, FORMAT, &req);
	assert_string_equal(req.url, "http://127.0.0.1:9/hook");
	assert_non_null(strstr(b, ",\"mrkdwn\":false,\"blocks\":[{\"type\":\"header\",\"text\":{\"type\":\"plain_text\""));
	/* The value is a plain_text object, where Slack formats nothing. */
	assert_non_null(strstr(b, "{\"type\":\"mrkdwn\",\"verbatim\":true,\"text\":\"*User*\"},{\"type\":\"plain_text\","
				  "\"emoji\":false,\"text\":\"*b* _i_ ~s~ `c` ||x|| [l](https://evil.example) "
				  "&lt;https://evil.example|bank&gt; # h &gt; q - l {{DATE(2017-02-14T06:00:00Z, SHORT)}} "
				  "@boss #tag /start\"}"));
	/* Every mrkdwn object is one of our labels. */
	static const char mk[] = "{\"type\":\"mrkdwn\",\"verbatim\":true,\"text\":\"*";
	size_t labels = 0;
	for (char *p = b; (p = strstr(p, mk)); p += sizeof(mk) - 1, labels++) {
		char *q = p + sizeof(mk) - 1;
		while (*q >= 'A' && *q <= 'z')
			q++;
		assert_memory_equal(q, "*\"}", 3);
	}
	assert_int_equal(labels, 8); /* Why, User, From, Service, Method, Host, Time, Id */
	assert_int_equal(count(b, "\"type\":\"mrkdwn\""), labels);
	/* At most 5 label/value pairs (10 fields) per section. */
	assert_int_equal(count(b, "{\"type\":\"section\",\"fields\":["), 2);
	ps_request_free(&req);

	b = build(PS_CH_SLACK, &chat, HOSTILE, &req);
	assert_null(strstr(b, "<!channel>"));
	assert_null(strchr(b, '\x1b'));
	assert_non_null(strstr(b, "\"text\":\"x\\\\x0a&lt;b&gt;&amp;\\\"@everyone &lt;!channel&gt; *_`|\\\\x1b[31m"));
	ps_request_free(&req);
}

/* A header's text is cut to 150 characters, never inside an entity, and nothing is empty. */
static void test_slack_limits(void **state)
{
	(void)state;
	struct ps_request req;
	char user[400];
	memset(user, '&', 120);
	user[120] = '\0';
	char *b = build(PS_CH_SLACK, &chat, user, &req);
	char *h = strstr(b, "{\"type\":\"header\",\"text\":{\"type\":\"plain_text\",\"emoji\":false,\"text\":\"");
	assert_non_null(h);
	h = strchr(h + 60, ':') + 2;
	char *end = strstr(h, "\"}");
	size_t chars = 0;
	for (char *p = h; p < end; p++)
		chars += ((unsigned char)*p & 0xc0) != 0x80;
	assert_true(chars <= 150);
	assert_memory_equal(end - 3, "\xe2\x80\xa6", 3);
	assert_memory_equal(end - 8, "&amp;", 5); /* a whole entity before the "…" */
	ps_request_free(&req);

	struct ps_channel_config ch = chat;
	ch.template = "{nothing}";
	b = build(PS_CH_SLACK, &ch, "u", &req);
	assert_non_null(strstr(b, "{\"type\":\"section\",\"text\":{\"type\":\"plain_text\",\"emoji\":false,\"text\":\"-\"}}"));
	assert_null(strstr(b, "\"text\":\"\""));
	ps_request_free(&req);
}

static void test_discord(void **state)
{
	(void)state;
	struct ps_request req;
	char *b = build(PS_CH_DISCORD, &chat, FORMAT, &req);
	assert_non_null(strstr(b, ",\"allowed_mentions\":{\"parse\":[]}}"));
	/* In JSON, each backslash is doubled. */
	assert_non_null(strstr(b, "**User:** \\\\*b\\\\* \\\\_i\\\\_ \\\\~s\\\\~ \\\\`c\\\\` \\\\|\\\\|x\\\\|\\\\| "
				  "\\\\[l\\\\]\\\\(https\\\\://evil\\\\.example\\\\) "
				  "\\\\<https\\\\://evil\\\\.example\\\\|bank\\\\> \\\\# h \\\\> q \\\\- l "
				  "{{DATE\\\\(2017\\\\-02\\\\-14T06\\\\:00\\\\:00Z, SHORT\\\\)}} \\\\@boss \\\\#tag /start\\n"));
	ps_request_free(&req);
	b = build(PS_CH_DISCORD, &chat, HOSTILE, &req);
	assert_non_null(strstr(b, "**User:** x\\\\\\\\x0a\\\\<b\\\\>&\\\"\\\\@everyone \\\\<!channel\\\\> \\\\*\\\\_\\\\`\\\\|"));
	ps_request_free(&req);
}

static void test_teams(void **state)
{
	(void)state;
	struct ps_request req;
	char *b = build(PS_CH_TEAMS, &chat, FORMAT, &req);
	assert_non_null(strstr(b, "\"type\":\"AdaptiveCard\",\"version\":\"1.4\""));
	/* No markdown element at all: TextRuns only. */
	assert_null(strstr(b, "\"TextBlock\""));
	assert_null(strstr(b, "FactSet"));
	assert_non_null(strstr(b, "{\"type\":\"RichTextBlock\",\"inlines\":[{\"type\":\"TextRun\",\"text\":\"User: \","
				  "\"weight\":\"Bolder\"},{\"type\":\"TextRun\",\"text\":\"*b* _i_ ~s~ `c` ||x|| "
				  "[l](https://evil.example) <https://evil.example|bank> # h > q - l "
				  "{\\u200b{DATE(2017-02-14T06:00:00Z, SHORT)}} @boss #tag /start\"}]}"));
	assert_null(strstr(b, "{{DATE"));
	ps_request_free(&req);
}

static void test_ntfy_email(void **state)
{
	(void)state;
	struct ps_request req;
	struct ps_channel_config ch = chat;
	ch.topic = "alerts";
	char *b = build(PS_CH_NTFY, &ch, HOSTILE, &req);
	assert_string_equal(req.url, "http://127.0.0.1:9/hook/alerts");
	bool title = false;
	for (struct curl_slist *h = req.headers; h; h = h->next) {
		assert_null(strpbrk(h->data, "\r\n\x1b"));
		if (strncmp(h->data, "Title: =?UTF-8?B?", 17) == 0)
			title = true;
	}
	assert_true(title);
	assert_non_null(strstr(b, "User: x\\x0a<b>&\"@everyone <!channel>"));
	ps_request_free(&req);

	char *to[] = { "root@example.org", NULL };
	ch.url = "smtp://127.0.0.1:9";
	ch.from = "pamsignal@example.org";
	ch.to = to;
	/* CR LF and an encoded word in the name: no header of the attacker's. */
	b = build(PS_CH_EMAIL, &ch, "a\\r\\nBcc: evil@example.org\\r\\n=?UTF-8?B?QQ==?=", &req);
	assert_non_null(strstr(b, "\r\nSubject: =?UTF-8?B?"));
	assert_non_null(strstr(b, "\r\nUser: a\\x0d\\x0aBcc: evil@example.org\\x0d\\x0a=?UTF-8?B?QQ==?=\r\n"));
	char *body = strstr(b, "\r\n\r\n");
	for (char *l = b; l < body; l = strstr(l, "\r\n") + 2)
		assert_true(l[0] == ' ' || strchr("DFTMSCA", l[0]));
	assert_null(strstr(b, "\r\nBcc"));
	ps_request_free(&req);
}

static void test_webhook(void **state)
{
	(void)state;
	struct ps_request req;
	struct ps_channel_config ch = chat;
	ch.signing_key = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
	ch.signing_key_len = strlen(ch.signing_key);
	char *b = build(PS_CH_WEBHOOK, &ch, HOSTILE, &req);
	/* The JSON as it was submitted. */
	assert_memory_equal(b, item.json, item.json_len);
	assert_int_equal(req.body.len, item.json_len);
	bool sig = false;
	for (struct curl_slist *h = req.headers; h; h = h->next)
		if (strncmp(h->data, "webhook-signature: v1,", 22) == 0)
			sig = true;
	assert_true(sig);
	ps_request_free(&req);
	ps_item_free(&item);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_telegram), cmocka_unit_test(test_slack),	    cmocka_unit_test(test_slack_limits),
		cmocka_unit_test(test_discord),	 cmocka_unit_test(test_teams),	    cmocka_unit_test(test_ntfy_email), cmocka_unit_test(test_webhook),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
