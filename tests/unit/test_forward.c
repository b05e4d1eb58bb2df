/* Forwarding without a syslog daemon: the escapers, the nested JSON
 * writer, every format on a plain and a hostile event and on an alert,
 * RFC 5424 messages and their shortening, [forward.NAME] in the
 * configuration, routing, the disk queue's compaction, and the sender
 * thread against a TCP listener in this process (outage, restart, full
 * queue, a TLS receiver that refuses us after the handshake). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "config/config_internal.h"
#include "sink/deliver/spool.h"
#include "sink/forward/escape.h"
#include "sink/forward/format.h"
#include "sink/forward/forward.h"
#include "sink/forward/jw.h"
#include "sink/forward/syslog.h"
#include "util/utf8.h"

/* A user name with everything hostile, as the JSON writer escapes it:
 * newline, CEF/LEEF/SD syntax, a tab, ANSI, a bidi override, and an
 * invalid byte (the writer's \xff text). */
#define HOSTILE_JSON "r|o=o\\\\t]\\\"\\n\\t\\u001b[31m\\u202e\\\\xff"
#define HOSTILE "r|o=o\\t]\"\n\t\x1b[31m\xe2\x80\xae\\xff"

static const char event_json[] =
	"{\"type\":\"event\",\"time\":\"2026-11-21T19:50:23.250000Z\",\"host\":\"web1\",\"kind\":\"auth_failure\","
	"\"outcome\":\"failure\",\"reason\":\"bad_password\",\"service\":\"sshd\",\"program\":\"sshd\",\"pid\":1234,"
	"\"user\":\"" HOSTILE_JSON "\",\"src_ip\":\"203.0.113.9\",\"src_port\":52344,"
	"\"src_geo\":{\"country_iso_code\":\"NL\",\"country_name\":\"Netherlands\",\"city_name\":\"Amsterdam\"},"
	"\"src_as\":{\"number\":64496,\"organization\":\"Example Net\"},\"dst_ip\":\"2001:db8::1\",\"dst_port\":22,"
	"\"method\":\"password\",\"source\":\"journal\","
	"\"message\":\"Failed password for root from 203.0.113.9 port 52344 ssh2\"}";

static const char sudo_json[] =
	"{\"type\":\"event\",\"time\":\"2026-11-21T19:51:00.000000Z\",\"host\":\"web1\",\"kind\":\"command\","
	"\"outcome\":\"success\",\"service\":\"sudo\",\"program\":\"sudo\",\"pid\":77,\"user\":\"alice\","
	"\"target_user\":\"root\",\"tty\":\"pts/0\",\"cwd\":\"/home/alice\",\"command\":\"/usr/bin/id -u\"}";

static const char alert_json[] =
	"{\"type\":\"alert\",\"rule\":\"brute_force\",\"severity\":\"high\",\"time\":\"2026-11-21T19:50:23.000000Z\","
	"\"host\":\"web1\",\"summary\":\"10 failed logins from 203.0.113.9 in 1 minute\",\"src_ip\":\"203.0.113.9\","
	"\"user\":\"root\",\"service\":\"sshd\",\"count\":10,\"window_s\":600,"
	"\"first_seen\":\"2026-11-21T19:49:23.000000Z\",\"last_seen\":\"2026-11-21T19:50:23.000000Z\","
	"\"mitre\":[\"T1110.001\",\"T1110\"],\"events\":[{\"type\":\"event\",\"kind\":\"auth_failure\"}]}";

static char *text(struct ps_out *o)
{
	ps_out_putc(o, '\0');
	o->len--;
	return o->buf;
}

/* Valid UTF-8 without raw control characters (but LEEF's tab delimiter), and no raw newline. */
static void assert_clean_but(const char *p, size_t n, uint32_t allowed)
{
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = ps_utf8_seq((const unsigned char *)p + i, n - i, &cp);
		assert_true(len > 0);
		assert_true((cp >= 0x20 || cp == allowed) && cp != 0x7f && !(cp >= 0x80 && cp <= 0x9f));
		i += len;
	}
}

static void assert_clean(const char *p, size_t n)
{
	assert_clean_but(p, n, 0x20);
}

static void format(struct ps_out *o, const char *json, enum ps_fwd_format f, size_t cap, bool lean)
{
	struct ps_item it;
	assert_int_equal(ps_item_parse(&it, json, strlen(json)), 0);
	struct ps_fwd_rec r = { .it = &it, .cap = cap, .lean = lean };
	ps_out_reset(o);
	ps_fwd_format(o, &r, f);
	ps_item_free(&it);
	assert_clean_but(o->buf, o->len, f == PS_FWD_LEEF ? '\t' : ' ');
}

/* ---- escapers ---- */

static void esc(struct ps_out *o, const char *s, enum ps_fwd_esc how, size_t cap)
{
	ps_out_reset(o);
	ps_fwd_escape(o, ps_cstr(s), how, cap);
	assert_clean(o->buf, o->len);
}

static void test_escape(void **state)
{
	(void)state;
	struct ps_out o;
	ps_out_init_mem(&o);
	esc(&o, HOSTILE, PS_ESC_CEF_VALUE, SIZE_MAX);
	assert_string_equal(text(&o), "r|o\\=o\\\\t]\"\\n\\\\x09\\\\x1b[31m\\\\u202e\\\\xff");
	esc(&o, HOSTILE, PS_ESC_CEF_HEADER, SIZE_MAX);
	assert_string_equal(text(&o), "r\\|o=o\\\\t]\"\\\\x0a\\\\x09\\\\x1b[31m\\\\u202e\\\\xff");
	esc(&o, HOSTILE, PS_ESC_LEEF_VALUE, SIZE_MAX);
	assert_string_equal(text(&o), "r|o=o\\\\t]\"\\n\\t\\\\x1b[31m\\\\u202e\\\\xff");
	esc(&o, HOSTILE, PS_ESC_SD_VALUE, SIZE_MAX);
	assert_string_equal(text(&o), "r|o=o\\\\t\\]\\\"\\\\x0a\\\\x09\\\\x1b[31m\\\\u202e\\\\xff");
	/* A cut ends at a character boundary, with an ellipsis. */
	esc(&o, "ab\xc3\xa9\xc3\xa9", PS_ESC_CEF_VALUE, 4);
	assert_string_equal(text(&o), "ab\xc3\xa9\xe2\x80\xa6");
	esc(&o, "ab\xc3\xa9", PS_ESC_CEF_VALUE, 3);
	assert_string_equal(text(&o), "ab\xe2\x80\xa6");
	ps_out_reset(&o);
	ps_fwd_json_str(&o, ps_cstr("a\"\xc3\xa9xyz"), 4);
	assert_string_equal(text(&o), "\"a\\\"\xc3\xa9\xe2\x80\xa6\"");
	/* JSON from the disk queue that our writers would not have written. */
	ps_out_reset(&o);
	ps_fwd_json_raw(&o, ps_cstr("{\"a\":[1,\n\t2],\"b\":\"x\x7f\xc2\x85\xe2\x80\xae\xc3\xa9\"}"));
	assert_string_equal(text(&o), "{\"a\":[1,  2],\"b\":\"x\\u007f\\u0085\\u202e\xc3\xa9\"}");
	struct ps_jobject j = { 0 };
	assert_int_equal(ps_jobject_read(&j, o.buf, o.len), 0);
	assert_true(ps_eq_lit(ps_jobject_get(&j, "b", PS_J_STRING), "x\x7f\xc2\x85\xe2\x80\xae\xc3\xa9"));
	ps_jobject_free(&j);
	/* Bytes that are not UTF-8 (never from the reader, but) are shown, not passed. */
	esc(&o, "a\xff" "b", PS_ESC_LEEF_VALUE, SIZE_MAX);
	assert_string_equal(text(&o), "a\\\\xffb");
	ps_out_free(&o);
}

static void test_jw(void **state)
{
	(void)state;
	struct ps_out o;
	struct ps_jw w;
	ps_out_init_mem(&o);
	ps_jw_start(&w, &o, SIZE_MAX);
	ps_jw_object(&w, "empty");
	ps_jw_object(&w, "deeper");
	ps_jw_str(&w, "unset", PS_STR_NULL);
	ps_jw_end(&w);
	ps_jw_end(&w);
	ps_jw_object(&w, "a");
	ps_jw_int(&w, "n", -3);
	ps_jw_object(&w, "b");
	ps_jw_str(&w, "s", ps_cstr("x\"y"));
	ps_jw_end(&w);
	ps_jw_array(&w, "list");
	ps_jw_lit(&w, NULL, "one");
	ps_jw_object(&w, NULL);
	ps_jw_bool(&w, "t", true);
	ps_jw_end(&w);
	ps_jw_end(&w);
	ps_jw_array(&w, "none");
	ps_jw_end(&w);
	ps_jw_end(&w);
	ps_jw_raw(&w, "r", ps_cstr("1.5"));
	ps_jw_finish(&w);
	assert_string_equal(text(&o), "{\"a\":{\"n\":-3,\"b\":{\"s\":\"x\\\"y\"},\"list\":[\"one\",{\"t\":true}]},\"r\":1.5}");
	ps_out_free(&o);
}

/* ---- formats ---- */

/* A JSON output reads back strictly, and the hostile name is intact. */
static struct ps_jobject read_json(struct ps_out *o)
{
	struct ps_jobject j = { 0 };
	assert_int_equal(ps_jobject_read(&j, o->buf, o->len), 0);
	return j;
}

static struct ps_str member_of(struct ps_str obj, const char *name, enum ps_jtype type, struct ps_jobject *keep)
{
	assert_int_equal(ps_jobject_read(keep, obj.p, obj.n), 0);
	return ps_jobject_get(keep, name, type);
}

static void test_json(void **state)
{
	(void)state;
	struct ps_out o;
	ps_out_init_mem(&o);
	format(&o, event_json, PS_FWD_JSON, SIZE_MAX, false);
	assert_string_equal(text(&o), event_json);
	format(&o, event_json, PS_FWD_CEE, SIZE_MAX, false);
	assert_memory_equal(o.buf, "@cee:{", 6);
	/* Shortened: still one valid object; the raw line and big nested values are left out. */
	format(&o, alert_json, PS_FWD_JSON, 8, true);
	struct ps_jobject j = read_json(&o);
	assert_true(ps_eq_lit(ps_jobject_get(&j, "summary", PS_J_STRING), "10 faile\xe2\x80\xa6"));
	assert_true(ps_set(ps_jobject_get(&j, "mitre", PS_J_ARRAY)));
	assert_true(ps_set(ps_jobject_get(&j, "events", PS_J_ARRAY))); /* small enough to stay */
	ps_jobject_free(&j);
	format(&o, event_json, PS_FWD_JSON, 1024, true);
	j = read_json(&o);
	assert_false(ps_set(ps_jobject_get(&j, "message", PS_J_STRING)));
	assert_true(ps_eq(ps_jobject_get(&j, "user", PS_J_STRING), PS_LIT(HOSTILE)));
	ps_jobject_free(&j);
	ps_out_free(&o);
}

/* CEF extension values, unescaped as the standard says. */
static char *cef_value(const char *cef, const char *key, char *buf, size_t size)
{
	char pat[64];
	snprintf(pat, sizeof(pat), " %s=", key);
	const char *p = strstr(cef, pat);
	if (!p) {
		snprintf(pat, sizeof(pat), "|%s=", key);
		p = strstr(cef, pat);
	}
	if (!p)
		return NULL;
	p += strlen(pat);
	size_t n = 0;
	for (; *p && n + 1 < size; p++) {
		if (*p == '\\') {
			p++;
			buf[n++] = *p == 'n' ? '\n' : *p == 'r' ? '\r' : *p;
			continue;
		}
		/* The value ends where " key=" starts. */
		if (*p == ' ') {
			const char *q = p + 1;
			while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9'))
				q++;
			if (*q == '=' && q > p + 1)
				break;
		}
		buf[n++] = *p;
	}
	buf[n] = '\0';
	return buf;
}

static void test_cef(void **state)
{
	(void)state;
	struct ps_out o;
	char v[256];
	ps_out_init_mem(&o);
	format(&o, event_json, PS_FWD_CEF, SIZE_MAX, false);
	const char *t = text(&o);
	assert_memory_equal(t, "CEF:0|pamsignal|pamsignal|" PS_VERSION "|auth_failure|Failed login|3|cat=event rt=",
			    strlen("CEF:0|pamsignal|pamsignal|" PS_VERSION "|auth_failure|Failed login|3|cat=event rt="));
	assert_string_equal(cef_value(t, "rt", v, sizeof(v)), "1795290623250");
	/* The display escapes of controls come back as text; the rest exactly. */
	assert_string_equal(cef_value(t, "duser", v, sizeof(v)), "r|o=o\\t]\"\n\\x09\\x1b[31m\\u202e\\xff");
	assert_string_equal(cef_value(t, "src", v, sizeof(v)), "203.0.113.9");
	assert_string_equal(cef_value(t, "c6a3", v, sizeof(v)), "2001:db8::1");
	assert_string_equal(cef_value(t, "c6a3Label", v, sizeof(v)), "Destination IPv6 Address");
	assert_string_equal(cef_value(t, "spt", v, sizeof(v)), "52344");
	assert_string_equal(cef_value(t, "msg", v, sizeof(v)), "Failed password for root from 203.0.113.9 port 52344 ssh2");
	assert_string_equal(cef_value(t, "cs1Label", v, sizeof(v)), "method");
	assert_non_null(cef_value(t, "externalId", v, sizeof(v)));
	assert_memory_equal(v, "ps_", 3);

	format(&o, sudo_json, PS_FWD_CEF, SIZE_MAX, false);
	t = text(&o);
	assert_string_equal(cef_value(t, "suser", v, sizeof(v)), "alice");
	assert_string_equal(cef_value(t, "duser", v, sizeof(v)), "root");
	assert_string_equal(cef_value(t, "cs2", v, sizeof(v)), "/usr/bin/id -u");

	format(&o, alert_json, PS_FWD_CEF, SIZE_MAX, false);
	t = text(&o);
	assert_non_null(strstr(t, "|brute_force|Password guessing|8|cat=alert "));
	assert_string_equal(cef_value(t, "cs1", v, sizeof(v)), "T1110.001,T1110");
	assert_string_equal(cef_value(t, "start", v, sizeof(v)), "1795290563000");
	assert_string_equal(cef_value(t, "cnt", v, sizeof(v)), "10");
	ps_out_free(&o);
}

static void test_leef(void **state)
{
	(void)state;
	struct ps_out o;
	ps_out_init_mem(&o);
	format(&o, event_json, PS_FWD_LEEF, SIZE_MAX, false);
	const char *t = text(&o);
	const char head[] = "LEEF:2.0|pamsignal|pamsignal|" PS_VERSION "|auth_failure|x09|";
	assert_memory_equal(t, head, strlen(head));
	/* Every attribute is key=value between tabs; no value holds a raw tab. */
	char *copy = strdup(t + strlen(head)), *save = NULL;
	bool user = false;
	for (char *kv = strtok_r(copy, "\t", &save); kv; kv = strtok_r(NULL, "\t", &save)) {
		char *eq = strchr(kv, '=');
		assert_non_null(eq);
		if (strncmp(kv, "usrName=", 8) == 0) {
			assert_string_equal(eq + 1, "r|o=o\\\\t]\"\\n\\t\\\\x1b[31m\\\\u202e\\\\xff");
			user = true;
		}
	}
	assert_true(user);
	free(copy);
	assert_non_null(strstr(t, "|devTime=2026-11-21T19:50:23.250Z\tdevTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSX\t"));
	assert_non_null(strstr(t, "\tsev=3\t"));
	assert_non_null(strstr(t, "\tisLoginEvent=true\t"));
	format(&o, alert_json, PS_FWD_LEEF, SIZE_MAX, false);
	assert_non_null(strstr(text(&o), "|brute_force|x09|"));
	assert_non_null(strstr(text(&o), "\tmitre=T1110.001,T1110\t"));
	ps_out_free(&o);
}

static void test_ecs(void **state)
{
	(void)state;
	struct ps_out o;
	struct ps_jobject j = { 0 }, e = { 0 }, s = { 0 }, g = { 0 }, u = { 0 };
	ps_out_init_mem(&o);
	format(&o, event_json, PS_FWD_ECS, SIZE_MAX, false);
	j = read_json(&o);
	assert_true(ps_eq_lit(ps_jobject_get(&j, "@timestamp", PS_J_STRING), "2026-11-21T19:50:23.250000Z"));
	struct ps_str ev = ps_jobject_get(&j, "event", PS_J_OBJECT);
	assert_true(ps_eq_lit(member_of(ev, "category", PS_J_ARRAY, &e), "[\"authentication\"]"));
	assert_true(ps_eq_lit(ps_jobject_get(&e, "outcome", PS_J_STRING), "failure"));
	assert_true(ps_eq_lit(ps_jobject_get(&e, "kind", PS_J_STRING), "event"));
	struct ps_str geo = member_of(ps_jobject_get(&j, "source", PS_J_OBJECT), "geo", PS_J_OBJECT, &s);
	assert_true(ps_eq_lit(member_of(geo, "country_iso_code", PS_J_STRING, &g), "NL"));
	assert_true(ps_eq_lit(ps_jobject_get(&s, "as", PS_J_OBJECT), "{\"number\":64496,\"organization\":{\"name\":\"Example Net\"}}"));
	assert_true(ps_eq(member_of(ps_jobject_get(&j, "user", PS_J_OBJECT), "name", PS_J_STRING, &u), PS_LIT(HOSTILE)));
	assert_true(ps_eq_lit(ps_jobject_get(&j, "related", PS_J_OBJECT),
			      "{\"ip\":[\"203.0.113.9\",\"2001:db8::1\"],\"user\":[\"" HOSTILE_JSON "\"]}"));
	ps_jobject_free(&j), ps_jobject_free(&e), ps_jobject_free(&s), ps_jobject_free(&g), ps_jobject_free(&u);

	format(&o, sudo_json, PS_FWD_ECS, SIZE_MAX, false);
	assert_non_null(strstr(text(&o), "\"user\":{\"name\":\"alice\",\"effective\":{\"name\":\"root\"}}"));
	assert_non_null(strstr(text(&o), "\"category\":[\"process\"],\"type\":[\"start\"]"));
	assert_non_null(strstr(text(&o), "\"command_line\":\"/usr/bin/id -u\""));
	format(&o, alert_json, PS_FWD_ECS, SIZE_MAX, false);
	j = read_json(&o);
	assert_true(ps_eq_lit(ps_jobject_get(&j, "threat", PS_J_OBJECT),
			      "{\"framework\":\"MITRE ATT&CK\",\"technique\":{\"id\":[\"T1110.001\",\"T1110\"]}}"));
	assert_true(ps_eq_lit(ps_jobject_get(&j, "message", PS_J_STRING), "10 failed logins from 203.0.113.9 in 1 minute"));
	ps_jobject_free(&j);
	ps_out_free(&o);
}

static void test_ocsf(void **state)
{
	(void)state;
	struct ps_out o;
	struct ps_jobject j = { 0 }, s = { 0 }, u = { 0 };
	ps_out_init_mem(&o);
	format(&o, event_json, PS_FWD_OCSF, SIZE_MAX, false);
	j = read_json(&o);
	assert_true(ps_eq_lit(ps_jobject_get(&j, "class_uid", PS_J_NUMBER), "3002"));
	assert_true(ps_eq_lit(ps_jobject_get(&j, "activity_id", PS_J_NUMBER), "1"));
	assert_true(ps_eq_lit(ps_jobject_get(&j, "type_uid", PS_J_NUMBER), "300201"));
	assert_true(ps_eq_lit(ps_jobject_get(&j, "status_id", PS_J_NUMBER), "2"));
	assert_true(ps_eq_lit(ps_jobject_get(&j, "severity_id", PS_J_NUMBER), "2"));
	assert_true(ps_eq_lit(ps_jobject_get(&j, "time", PS_J_NUMBER), "1795290623250"));
	assert_true(ps_eq(member_of(ps_jobject_get(&j, "user", PS_J_OBJECT), "name", PS_J_STRING, &u), PS_LIT(HOSTILE)));
	struct ps_str src = ps_jobject_get(&j, "src_endpoint", PS_J_OBJECT);
	assert_true(ps_eq_lit(member_of(src, "location", PS_J_OBJECT, &s), "{\"country\":\"NL\",\"city\":\"Amsterdam\"}"));
	assert_true(ps_eq_lit(ps_jobject_get(&s, "autonomous_system", PS_J_OBJECT),
			      "{\"number\":64496,\"name\":\"Example Net\"}"));
	ps_jobject_free(&j), ps_jobject_free(&s), ps_jobject_free(&u);

	static const struct {
		const char *json, *expect;
	} cases[] = {
		{ "{\"type\":\"event\",\"kind\":\"session_close\",\"user\":\"a\",\"duration_s\":90}",
		  "\"class_uid\":3002,\"class_name\":\"Authentication\",\"category_uid\":3,\"category_name\":\"Identity & Access Management\",\"activity_id\":2,\"activity_name\":\"Logoff\",\"type_uid\":300202" },
		{ "{\"type\":\"event\",\"kind\":\"account_change\",\"action\":\"user_add\",\"user\":\"bob\"}",
		  "\"class_uid\":3001,\"class_name\":\"Account Change\",\"category_uid\":3,\"category_name\":\"Identity & Access Management\",\"activity_id\":1,\"activity_name\":\"Create\",\"type_uid\":300101" },
		{ "{\"type\":\"event\",\"kind\":\"account_change\",\"action\":\"group_member_add\",\"user\":\"bob\",\"group\":\"sudo\"}",
		  "\"class_uid\":3006,\"class_name\":\"Group Management\",\"category_uid\":3,\"category_name\":\"Identity & Access Management\",\"activity_id\":3,\"activity_name\":\"Add User\",\"type_uid\":300603" },
		{ sudo_json,
		  "\"class_uid\":1007,\"class_name\":\"Process Activity\",\"category_uid\":1,\"category_name\":\"System Activity\",\"activity_id\":1,\"activity_name\":\"Launch\",\"type_uid\":100701" },
		{ alert_json,
		  "\"class_uid\":2004,\"class_name\":\"Detection Finding\",\"category_uid\":2,\"category_name\":\"Findings\",\"activity_id\":1,\"activity_name\":\"Create\",\"type_uid\":200401,\"severity_id\":4" },
		{ "{\"type\":\"event\",\"kind\":\"source_gap\",\"detail\":\"x\"}",
		  "\"class_uid\":0,\"class_name\":\"Base Event\",\"category_uid\":0,\"category_name\":\"Uncategorized\",\"activity_id\":99" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		format(&o, cases[i].json, PS_FWD_OCSF, SIZE_MAX, false);
		assert_non_null(strstr(text(&o), cases[i].expect));
		j = read_json(&o);
		ps_jobject_free(&j);
	}
	format(&o, "{\"type\":\"event\",\"kind\":\"session_close\",\"user\":\"a\",\"duration_s\":90}", PS_FWD_OCSF, SIZE_MAX, false);
	assert_non_null(strstr(text(&o), "\"duration\":90000"));
	format(&o, sudo_json, PS_FWD_OCSF, SIZE_MAX, false);
	assert_non_null(strstr(text(&o), "\"process\":{\"cmd_line\":\"/usr/bin/id -u\",\"pid\":77,\"user\":{\"name\":\"root\"}"));
	assert_non_null(strstr(text(&o), "\"actor\":{\"user\":{\"name\":\"alice\"}"));
	format(&o, alert_json, PS_FWD_OCSF, SIZE_MAX, false);
	assert_non_null(strstr(text(&o), "\"attacks\":[{\"technique\":{\"uid\":\"T1110.001\"}},{\"technique\":{\"uid\":\"T1110\"}}]"));
	ps_out_free(&o);
}

/* ---- RFC 5424 ---- */

static void test_syslog(void **state)
{
	(void)state;
	struct ps_out o;
	struct ps_item it;
	struct ps_syslog_opts op = { .facility = 10, .app_name = "pamsignal", .procid = 42, .bom = true,
				     .format = PS_FWD_JSON, .max_message = 8192 };
	ps_out_init_mem(&o);
	ps_syslog_hostname(&op, "web1");
	assert_int_equal(ps_item_parse(&it, event_json, strlen(event_json)), 0);
	assert_int_equal(ps_syslog_message(&o, &op, &it), 0);
	/* authpriv (10) * 8 + notice (5, a failure is low) = 85 */
	const char head[] = "<85>1 2026-11-21T19:50:23.250000Z web1 pamsignal 42 auth_failure - \xef\xbb\xbf{";
	assert_memory_equal(o.buf, head, strlen(head));
	assert_clean(o.buf, o.len);

	op.sd_id = "pamsignal@32473";
	op.bom = false;
	assert_int_equal(ps_syslog_message(&o, &op, &it), 0);
	char *t = text(&o);
	assert_non_null(strstr(t, " auth_failure [pamsignal@32473 id=\"ps_"));
	assert_non_null(strstr(t, "\" type=\"event\" kind=\"auth_failure\" severity=\"low\" user=\"r|o=o\\\\t\\]\\\"\\\\x0a\\\\x09\\\\x1b[31m\\\\u202e\\\\xff\" src_ip=\"203.0.113.9\"] {"));

	/* Too long: shortened, and still one clean message that fits. */
	op.max_message = 1024;
	op.format = PS_FWD_CEF;
	assert_int_equal(ps_syslog_message(&o, &op, &it), 0);
	ps_item_free(&it);
	char big[16000], *p = big;
	p += sprintf(p, "{\"type\":\"event\",\"kind\":\"command\",\"user\":\"u\",\"command\":\"");
	for (int i = 0; i < 2000; i++)
		p += sprintf(p, "\\u0007x");
	sprintf(p, "\"}");
	assert_int_equal(ps_item_parse(&it, big, strlen(big)), 0);
	for (int f = 0; f < PS_FWD_FORMAT_COUNT; f++) {
		op.format = (enum ps_fwd_format)f;
		int r = ps_syslog_message(&o, &op, &it);
		assert_true(r == 1);
		assert_true(o.len <= 1024);
		assert_clean_but(o.buf, o.len, op.format == PS_FWD_LEEF ? '\t' : ' ');
	}
	op.max_message = 60; /* below what even a lean message needs: cut */
	assert_int_equal(ps_syslog_message(&o, &op, &it), 2);
	assert_true(o.len <= 60);
	ps_item_free(&it);

	assert_int_equal(ps_item_parse(&it, alert_json, strlen(alert_json)), 0);
	op.max_message = 8192;
	op.format = PS_FWD_JSON;
	op.sd_id = NULL;
	ps_syslog_message(&o, &op, &it);
	/* high → error (3) */
	assert_memory_equal(o.buf, "<83>1 2026-11-21T19:50:23.000000Z web1 pamsignal 42 alert - {", 61);
	ps_out_reset(&o);
	ps_syslog_frame(&o, "abc", 3);
	assert_string_equal(text(&o), "3 abc");
	ps_syslog_hostname(&op, "bad host");
	assert_string_equal(op.hostname, "-");
	ps_item_free(&it);
	ps_out_free(&o);
}

/* ---- configuration ---- */

struct diags {
	unsigned errors, warnings;
	char last[512];
	unsigned last_line;
};

static void collect(enum ps_diag_level level, const char *file, unsigned line, const char *msg, void *arg)
{
	struct diags *d = arg;
	(void)file;
	if (level == PS_DIAG_ERROR)
		d->errors++;
	else
		d->warnings++;
	snprintf(d->last, sizeof(d->last), "%s", msg);
	d->last_line = line;
}

static int load(const char *body, struct ps_config *cfg, struct diags *d)
{
	char path[] = "/tmp/ps-forward-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, body, strlen(body)), (ssize_t)strlen(body));
	fchmod(fd, 0600);
	close(fd);
	memset(d, 0, sizeof(*d));
	int r = ps_config_load(path, cfg, collect, d);
	unlink(path);
	return r;
}

static void test_config(void **state)
{
	(void)state;
	struct ps_config cfg;
	struct diags d;
	assert_int_equal(load("[forward.siem]\ntarget = siem.example.org\n"
			      "[forward.v6]\ntarget = [2001:db8::2]:1514\ntransport = tcp\nformat = ocsf\nwhat = alerts\n"
			      "min_severity = medium\nfacility = local3\napp_name = ps\nsd_id = pamsignal@32473\n"
			      "bom = no\nqueue_size = 1M\nmax_message_size = 4K\n"
			      "[forward.u]\ntarget = 2001:db8::3\ntransport = udp\ninclude_kinds = auth_success session_open\n",
			      &cfg, &d),
			 0);
	assert_int_equal(cfg.n_forwards, 3);
	const struct ps_forward_config *a = &cfg.forwards[0], *b = &cfg.forwards[1], *c = &cfg.forwards[2];
	assert_string_equal(a->host, "siem.example.org");
	assert_int_equal(a->port, 6514);
	assert_int_equal(a->transport, PS_FWD_TLS);
	assert_true(a->verify && a->bom);
	assert_int_equal(a->facility, 10);
	assert_int_equal(a->queue_size, 32 * 1024 * 1024);
	assert_string_equal(b->host, "2001:db8::2");
	assert_int_equal(b->port, 1514);
	assert_int_equal(b->format, PS_FWD_OCSF);
	assert_int_equal(b->what, PS_FWD_ALERTS);
	assert_int_equal(b->min_severity, PS_SEVERITY_MEDIUM);
	assert_int_equal(b->facility, 19);
	assert_string_equal(b->app_name, "ps");
	assert_string_equal(b->sd_id, "pamsignal@32473");
	assert_false(b->bom);
	assert_int_equal(b->queue_size, 1024 * 1024);
	assert_int_equal(b->max_message, 4096);
	assert_string_equal(c->host, "2001:db8::3");
	assert_int_equal(c->port, 514);
	assert_string_equal(c->include_kinds[1], "session_open");
	ps_config_free(&cfg);

	static const struct {
		const char *body, *message;
		unsigned line;
	} bad[] = {
		{ "[forward.x]\ntransport = tls\n", "[forward.x] has no 'target = HOST:PORT'", 1 },
		{ "[forward.x]\ntarget = a b\n", "[forward.x] target: 'a b' is not HOST, HOST:PORT or [IPV6]:PORT", 2 },
		{ "[forward.x]\ntarget = h:0\n", "[forward.x] target: 'h:0': the port is not a number from 1 to 65535", 2 },
		{ "[forward.x]\ntarget = h\nformat = xml\n", "[forward.x] format: 'xml' is not json, cee, cef, leef, ecs or ocsf", 3 },
		{ "[forward.x]\ntarget = h\ntransport = sctp\n", "[forward.x] transport: 'sctp' is not udp, tcp or tls", 3 },
		{ "[forward.x]\ntarget = h\ninclude_kinds = login\n", "[forward.x] include_kinds: 'login' is not an event kind (see pamsignal(8), EVENTS)", 3 },
		{ "[forward.x]\ntarget = h\nsd_id = origin\n", NULL, 3 },
		{ "[forward.x]\ntarget = h\napp_name = a b\n", NULL, 3 },
		{ "[forward.x]\ntarget = h\nqueue_size = 1G\n", "[forward.x] queue_size: '1G' is not a size from 64K to 64M (K, M suffixes)", 3 },
		{ "[forward.x]\ntarget = h\nca_file = /nonexistent/ca.pem\n", "[forward.x] ca_file: /nonexistent/ca.pem: No such file or directory", 3 },
		{ "[forward.x]\ntarget = h\ncert_file = /etc/hostname\n", "[forward.x] a client certificate needs both cert_file and key_file", 1 },
		{ "[forward.x]\ntarget = h\ncolour = red\n", "unknown key 'colour' in [forward.x]", 3 },
		{ "[forward.x y]\n", "[forward.x y]: a forward name is 1 to 48 letters, digits, '_' or '-'", 1 },
		{ "[forward.x]\ntarget = h\n[forward.x]\n", "[forward.x] already defined on line 1", 3 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(load(bad[i].body, &cfg, &d), -EINVAL);
		if (bad[i].message)
			assert_string_equal(d.last, bad[i].message);
		assert_int_equal(d.last_line, bad[i].line);
	}
	assert_int_equal(load("[forward.x]\ntarget = h\nverify = no\n", &cfg, &d), 0);
	assert_int_equal(d.warnings, 1);
	assert_non_null(strstr(d.last, "verify = no: the receiver is not authenticated"));
	ps_config_free(&cfg);
	assert_int_equal(load("[forward.x]\ntarget = h\ntransport = udp\nca_file = /etc/hostname\n", &cfg, &d), 0);
	assert_string_equal(d.last, "[forward.x] ca_file is ignored: transport is udp, not tls");
	ps_config_free(&cfg);
}

/* The example configuration's [forward.siem], uncommented, says the defaults. */
static void test_example_defaults(void **state)
{
	(void)state;
	const char *root = getenv("PS_SOURCE_ROOT");
	char path[4096], line[512], text[4096] = "", *t = text;
	if (!root)
		skip();
	snprintf(path, sizeof(path), "%s/etc/pamsignal.conf", root);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	bool in = false;
	unsigned keys = 0;
	while (fgets(line, sizeof(line), f)) {
		if (strcmp(line, "#[forward.siem]\n") == 0)
			in = true;
		else if (in && line[0] != '#')
			break;
		if (!in)
			continue;
		/* "#key = value   # comment": keys with a value, uncommented */
		char *eq = strstr(line, " = ");
		if (line[1] == '[' || (eq && eq[3] != ' ' && eq[3] != '#' && eq[3] != '\n')) {
			t += snprintf(t, sizeof(text) - (size_t)(t - text), "%s", line + 1);
			keys += !!eq;
		}
	}
	fclose(f);
	assert_int_equal(keys, 11); /* every key with a default */
	struct ps_config ex, def;
	struct diags d;
	assert_int_equal(load(text, &ex, &d), 0);
	assert_int_equal(d.errors + d.warnings, 0);
	assert_int_equal(load("[forward.siem]\ntarget = logs.example.org\n", &def, &d), 0);
	const struct ps_forward_config *a = &ex.forwards[0], *b = &def.forwards[0];
	assert_int_equal(a->port, b->port);
	assert_int_equal(a->transport, b->transport);
	assert_int_equal(a->format, b->format);
	assert_int_equal(a->what, b->what);
	assert_int_equal(a->min_severity, b->min_severity);
	assert_int_equal(a->verify, b->verify);
	assert_string_equal(a->app_name, "pamsignal");
	assert_null(b->app_name); /* unset: "pamsignal" */
	assert_int_equal(a->facility, b->facility);
	assert_int_equal(a->bom, b->bom);
	assert_int_equal(a->queue_size, b->queue_size);
	assert_int_equal(a->max_message, b->max_message);
	ps_config_free(&ex);
	ps_config_free(&def);
}

/* ---- the disk queue's compaction ---- */

static void nothing(const struct ps_spool_item *it, void *arg)
{
	(void)it;
	(*(int *)arg)++;
}

static void test_spool_compact(void **state)
{
	(void)state;
	char dir[] = "/tmp/ps-fwspool-XXXXXX", path[64];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/q", dir);
	struct ps_spool *s;
	uint64_t next;
	size_t cut;
	int n = 0;
	assert_int_equal(ps_spool_open(&s, path, nothing, &n, &next, &cut), 0);
	for (uint64_t i = 1; i <= 1000; i++)
		ps_spool_add(s, i, 0, "f", "{\"x\":1}", 7);
	for (uint64_t i = 1; i <= 990; i++)
		ps_spool_done(s, i);
	assert_int_equal(ps_spool_compact(s), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size < 10 * 64);
	/* Twice: the rewritten file is read back too. */
	ps_spool_done(s, 991);
	assert_int_equal(ps_spool_compact(s), 0);
	ps_spool_close(s);
	assert_int_equal(ps_spool_open(&s, path, nothing, &n, &next, &cut), 0);
	assert_int_equal(n, 9);
	assert_int_equal(next, 1001);
	ps_spool_close(s);
	unlink(path);
	rmdir(dir);
}

/* ---- routing and the sender thread, against a listener in this process ---- */

struct rig {
	char dir[32];
	int lfd;
	unsigned port;
	struct ps_config cfg;
};

static void rig_setup(struct rig *r, bool listen_now, uint64_t queue_size)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	snprintf(r->dir, sizeof(r->dir), "/tmp/ps-fwd-XXXXXX");
	assert_non_null(mkdtemp(r->dir));
	r->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int on = 1;
	setsockopt(r->lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	assert_int_equal(bind(r->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(r->lfd, (struct sockaddr *)&sa, &len), 0);
	r->port = ntohs(sa.sin_port);
	if (listen_now)
		assert_int_equal(listen(r->lfd, 4), 0);
	ps_config_defaults(&r->cfg);
	free(r->cfg.state_dir);
	r->cfg.state_dir = strdup(r->dir);
	r->cfg.forwards = calloc(1, sizeof(*r->cfg.forwards));
	r->cfg.n_forwards = 1;
	r->cfg.forwards[0] = (struct ps_forward_config){
		.name = strdup("t"), .host = strdup("127.0.0.1"), .port = r->port, .transport = PS_FWD_TCP,
		.format = PS_FWD_JSON, .what = PS_FWD_BOTH, .facility = 10, .queue_size = queue_size,
		.max_message = 8192,
	};
}

static void rig_teardown(struct rig *r)
{
	char path[64];
	close(r->lfd);
	snprintf(path, sizeof(path), "%s/forward/t.q", r->dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/forward", r->dir);
	rmdir(path);
	rmdir(r->dir);
	ps_config_free(&r->cfg);
}

static void submit_events(struct ps_forward *f, int from, int to)
{
	char json[256];
	for (int i = from; i < to; i++) {
		int n = snprintf(json, sizeof(json), "{\"type\":\"event\",\"kind\":\"auth_failure\",\"user\":\"u\",\"pid\":%d}\n", i);
		uint64_t mask = ps_forward_route(f, false, PS_LIT("auth_failure"), PS_SEVERITY_INFO);
		assert_int_equal(mask, 1);
		assert_int_equal(ps_forward_submit(f, mask, json, (size_t)n), 1);
	}
}

/* Read octet-counted frames from fd until it has got `want` in all (or
 * 30 s pass with nothing: a failure, not a measure); each frame's pid
 * is counted in seen[]. */
static int read_frames(int fd, int want, int *seen, int max)
{
	static char buf[1 << 16];
	static size_t have;
	int got = 0;
	while (got < want) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 30000) <= 0)
			break;
		ssize_t n = read(fd, buf + have, sizeof(buf) - have);
		if (n <= 0)
			break;
		have += (size_t)n;
		for (;;) {
			char *sp = memchr(buf, ' ', have);
			if (!sp)
				break;
			size_t len = strtoul(buf, NULL, 10), head = (size_t)(sp - buf) + 1;
			if (have < head + len)
				break;
			char *pid = memmem(buf + head, len, "\"pid\":", 6);
			assert_non_null(pid);
			assert_memory_equal(buf + head, "<85>1 - web1 ", 13); /* no time: "-"; low: 5 */
			int v = atoi(pid + 6);
			assert_true(v >= 0 && v < max);
			seen[v]++;
			got++;
			memmove(buf, buf + head + len, have - head - len);
			have -= head + len;
		}
	}
	have = 0;
	return got;
}

static int accept_one(int lfd)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };
	assert_int_equal(poll(&p, 1, 30000), 1);
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	assert_true(fd >= 0);
	return fd;
}

static void wait_durable(struct ps_forward *f)
{
	for (int i = 0; i < 3000 && !ps_forward_durable(f); i++)
		usleep(10000);
	assert_true(ps_forward_durable(f));
}

static void test_route(void **state)
{
	(void)state;
	struct rig r;
	struct ps_forward *f;
	rig_setup(&r, true, 1 << 20);
	r.cfg.forwards[0].what = PS_FWD_EVENTS;
	r.cfg.forwards[0].min_severity = PS_SEVERITY_LOW;
	r.cfg.forwards[0].exclude_kinds = calloc(2, sizeof(char *));
	r.cfg.forwards[0].exclude_kinds[0] = strdup("session_open");
	assert_int_equal(ps_forward_start(&f, &r.cfg, "web1"), 0);
	assert_true(ps_forward_wants(f, false));
	assert_false(ps_forward_wants(f, true));
	assert_int_equal(ps_forward_route(f, false, PS_LIT("auth_failure"), 0), 1);        /* low */
	assert_int_equal(ps_forward_route(f, false, PS_LIT("auth_success"), 0), 0);        /* info */
	assert_int_equal(ps_forward_route(f, false, PS_LIT("spoofed_log"), 0), 1);         /* high */
	assert_int_equal(ps_forward_route(f, true, PS_LIT("brute_force"), PS_SEVERITY_HIGH), 0);
	ps_forward_stop(f);
	r.cfg.forwards[0].min_severity = PS_SEVERITY_INFO;
	assert_int_equal(ps_forward_start(&f, &r.cfg, "web1"), 0);
	assert_int_equal(ps_forward_route(f, false, PS_LIT("auth_success"), 0), 1);
	assert_int_equal(ps_forward_route(f, false, PS_LIT("session_open"), 0), 0);        /* excluded */
	ps_forward_stop(f);
	rig_teardown(&r);
}

static void test_sender(void **state)
{
	(void)state;
	struct rig r;
	struct ps_forward *f;
	static int seen[400];
	memset(seen, 0, sizeof(seen));
	rig_setup(&r, true, 1 << 20);
	assert_int_equal(ps_forward_start(&f, &r.cfg, "web1"), 0);
	submit_events(f, 0, 100);
	int fd = accept_one(r.lfd);
	assert_int_equal(read_frames(fd, 100, seen, 400), 100);
	/* The receiver goes away having read all it was sent; more comes meanwhile. */
	close(fd);
	submit_events(f, 100, 200);
	fd = accept_one(r.lfd);
	int got = read_frames(fd, 100, seen, 400);
	assert_true(got >= 100); /* what the old connection had not acknowledged comes again */
	struct ps_forward_counters c;
	for (int i = 0; i < 3000; i++) {
		ps_forward_counters(f, 0, &c);
		if (c.queued == 0)
			break;
		usleep(10000);
	}
	assert_int_equal(c.queued, 0);
	assert_true(c.sent >= 200);
	assert_int_equal(c.dropped, 0);
	for (int i = 0; i < 200; i++)
		assert_true(seen[i] >= 1);
	/* Stopped with the receiver gone: the queue waits on disk for the next start. */
	close(fd);
	close(r.lfd);
	r.lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0); /* nobody listens on the port now */
	submit_events(f, 200, 250);
	wait_durable(f);
	ps_forward_stop(f);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
				  .sin_port = htons((uint16_t)r.port) };
	int on = 1;
	setsockopt(r.lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	assert_int_equal(bind(r.lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(r.lfd, 4), 0);
	assert_int_equal(ps_forward_start(&f, &r.cfg, "web1"), 0);
	fd = accept_one(r.lfd);
	assert_int_equal(read_frames(fd, 50, seen, 400), 50);
	for (int i = 200; i < 250; i++)
		assert_int_equal(seen[i], 1);
	close(fd);
	ps_forward_stop(f);
	rig_teardown(&r);
}

static void test_overflow(void **state)
{
	(void)state;
	struct rig r;
	struct ps_forward *f;
	struct ps_forward_counters c;
	rig_setup(&r, false, 64 * 1024); /* bound, not listening: connections are refused */
	assert_int_equal(ps_forward_start(&f, &r.cfg, "web1"), 0);
	submit_events(f, 0, 100);
	char json[1024];
	memset(json, 'x', sizeof(json));
	int n = snprintf(json, sizeof(json), "{\"type\":\"event\",\"kind\":\"probe\",\"detail\":\"");
	json[n] = 'x';
	json[sizeof(json) - 2] = '"';
	json[sizeof(json) - 1] = '}';
	int took = 0;
	for (int i = 0; i < 200; i++)
		took += ps_forward_submit(f, 1, json, sizeof(json));
	assert_true(took < 200);
	ps_forward_counters(f, 0, &c);
	assert_int_equal(c.dropped, 200 - (uint64_t)took);
	wait_durable(f);
	ps_forward_stop(f);
	rig_teardown(&r);
}

/* A self-signed certificate for the in-process TLS receiver; the forward
 * runs with verify = no, so only the key exchange matters. */
static SSL_CTX *receiver_tls(void)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	assert_non_null(key);
	assert_non_null(x);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC, (const unsigned char *)"t", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	X509_set_pubkey(x, key);
	assert_true(X509_sign(x, key, EVP_sha256()) > 0);
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	assert_non_null(ctx);
	SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
	assert_int_equal(SSL_CTX_use_certificate(ctx, x), 1);
	assert_int_equal(SSL_CTX_use_PrivateKey(ctx, key), 1);
	X509_free(x);
	EVP_PKEY_free(key);
	return ctx;
}

/* Count the frames of pids [0, n) read over ssl until all are in or 5 s
 * pass with nothing. */
static int read_tls_frames(SSL *ssl, int fd, int n)
{
	static char buf[1 << 16];
	size_t have = 0;
	for (;;) {
		int got = 0;
		char needle[32];
		for (int i = 0; i < n; i++) {
			snprintf(needle, sizeof(needle), "\"pid\":%d}", i);
			got += memmem(buf, have, needle, strlen(needle)) != NULL;
		}
		if (got == n || have == sizeof(buf))
			return got;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (!SSL_pending(ssl) && poll(&p, 1, 5000) <= 0)
			return got;
		int r = SSL_read(ssl, buf + have, (int)(sizeof(buf) - have));
		if (r <= 0)
			return got;
		have += (size_t)r;
	}
}

/*
 * A TLS 1.3 receiver checks a client certificate after the handshake and
 * may refuse us after its kernel has acknowledged our first records. This
 * one reads the records, waits, and closes: none of them may count as
 * delivered, and all must come again on the next connection.
 */
static void test_tls_late_refusal(void **state)
{
	(void)state;
	struct rig r;
	struct ps_forward *f;
	struct ps_forward_counters c;
	SSL_CTX *ctx = receiver_tls();
	rig_setup(&r, true, 1 << 20);
	r.cfg.forwards[0].transport = PS_FWD_TLS;
	r.cfg.forwards[0].verify = false;
	assert_int_equal(ps_forward_start(&f, &r.cfg, "web1"), 0);
	submit_events(f, 0, 20);
	for (int round = 0; round < 2; round++) {
		int fd = accept_one(r.lfd);
		SSL *ssl = SSL_new(ctx);
		SSL_set_fd(ssl, fd);
		assert_int_equal(SSL_accept(ssl), 1);
		assert_int_equal(read_tls_frames(ssl, fd, 20), 20);
		if (round == 0) {
			usleep(300 * 1000); /* long enough for the acknowledgements to be seen */
			ps_forward_counters(f, 0, &c);
			assert_int_equal(c.sent, 0);
			assert_int_equal(c.queued, 20);
		} else {
			for (int i = 0; i < 3000 && (ps_forward_counters(f, 0, &c), c.queued); i++)
				usleep(10000);
			assert_int_equal(c.queued, 0);
			assert_int_equal(c.sent, 20);
		}
		SSL_free(ssl);
		close(fd);
	}
	ps_forward_stop(f);
	SSL_CTX_free(ctx);
	rig_teardown(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape), cmocka_unit_test(test_jw),         cmocka_unit_test(test_json),
		cmocka_unit_test(test_cef),    cmocka_unit_test(test_leef),       cmocka_unit_test(test_ecs),
		cmocka_unit_test(test_ocsf),   cmocka_unit_test(test_syslog),     cmocka_unit_test(test_config),
		cmocka_unit_test(test_example_defaults),
		cmocka_unit_test(test_spool_compact), cmocka_unit_test(test_route), cmocka_unit_test(test_sender),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_tls_late_refusal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
