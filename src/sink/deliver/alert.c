#include "sink/deliver/alert.h"

#include <errno.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

struct ps_str ps_item_str(const struct ps_item *a, const char *name)
{
	return ps_jobject_get(&a->obj, name, PS_J_STRING);
}

enum ps_severity ps_item_event_severity(struct ps_str kind)
{
	if (ps_eq_lit(kind, "spoofed_log"))
		return PS_SEVERITY_HIGH;
	if (ps_eq_lit(kind, "source_gap") || ps_eq_lit(kind, "log_suppressed") || ps_eq_lit(kind, "forward_overflow"))
		return PS_SEVERITY_MEDIUM;
	if (ps_eq_lit(kind, "auth_failure"))
		return PS_SEVERITY_LOW;
	return PS_SEVERITY_INFO;
}

static bool safe_id(struct ps_str id)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-";
	if (id.n == 0 || id.n > PS_ITEM_ID_MAX)
		return false;
	for (size_t i = 0; i < id.n; i++)
		if (!id.p[i] || !strchr(ok, id.p[i]))
			return false;
	return true;
}

int ps_item_parse(struct ps_item *a, const char *json, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	memset(a, 0, sizeof(*a));
	if (len > 0 && json[len - 1] == '\n')
		len--;
	if (len > PS_JR_MAX_LEN)
		return -E2BIG;
	if (!(a->json = malloc(len ? len : 1)))
		return -ENOMEM;
	memcpy(a->json, json, len);
	a->json_len = len;
	int r = ps_jobject_read(&a->obj, a->json, len);
	struct ps_str type = ps_item_str(a, "type");
	if (r == 0 && !ps_eq_lit(type, "alert") && !ps_eq_lit(type, "event"))
		r = -EBADMSG;
	if (r < 0) {
		ps_item_free(a);
		return r;
	}
	a->is_alert = ps_eq_lit(type, "alert");
	if (a->is_alert) {
		struct ps_str s = ps_item_str(a, "severity");
		if (!ps_set(s) || ps_severity_parse(s.p, s.n, &a->severity) < 0)
			a->severity = PS_SEVERITY_MEDIUM; /* unknown: loud enough to be seen */
	} else {
		a->severity = ps_item_event_severity(ps_item_str(a, "kind"));
	}
	struct ps_str id = ps_item_str(a, "id");
	if (safe_id(id)) {
		memcpy(a->id, id.p, id.n);
		a->id[id.n] = '\0';
	} else {
		unsigned char md[SHA256_DIGEST_LENGTH];
		SHA256((const unsigned char *)a->json, a->json_len, md);
		memcpy(a->id, "ps_", 3);
		for (int i = 0; i < 16; i++) {
			a->id[3 + 2 * i] = hex[md[i] >> 4];
			a->id[4 + 2 * i] = hex[md[i] & 15];
		}
		a->id[35] = '\0';
	}
	return 0;
}

void ps_item_free(struct ps_item *a)
{
	ps_jobject_free(&a->obj);
	free(a->json);
	a->json = NULL;
	a->json_len = 0;
}

static bool listed(char **list, struct ps_str s)
{
	for (char **p = list; p && *p; p++)
		if (ps_eq(ps_cstr(*p), s))
			return true;
	return false;
}

bool ps_item_routed(const struct ps_channel_config *ch, const struct ps_item *a)
{
	if (a->is_alert) {
		struct ps_str rule = ps_item_str(a, "rule");
		if (listed(ch->exclude_rules, rule))
			return false;
		if (ch->include_rules && !listed(ch->include_rules, rule))
			return false;
		return a->severity >= ch->min_severity;
	}
	/* Events are not alerts: only the ones asked for go out. */
	struct ps_str kind = ps_item_str(a, "kind");
	if (listed(ch->exclude_kinds, kind))
		return false;
	if (listed(ch->include_kinds, kind))
		return true;
	return ch->notify_logins && (ps_eq_lit(kind, "auth_success") || ps_eq_lit(kind, "session_open"));
}
