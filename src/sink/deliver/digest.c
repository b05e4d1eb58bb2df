#include "sink/deliver/digest.h"

#include <stdio.h>
#include <string.h>

#include "util/out.h"

void ps_digest_init(struct ps_digest *d)
{
	memset(d, 0, sizeof(*d));
}

/* What the item is, in words a reader of the digest expects. */
static void what(const struct ps_item *a, char *buf, size_t size)
{
	static const struct {
		const char *kind, *words;
	} words[] = {
		{ "auth_failure", "failed logins" }, { "auth_success", "logins" },
		{ "session_open", "sessions opened" }, { "spoofed_log", "forged log entries" },
	};
	struct ps_str k = ps_item_str(a, a->is_alert ? "rule" : "kind");
	for (size_t i = 0; !a->is_alert && i < sizeof(words) / sizeof(words[0]); i++) {
		if (ps_eq_lit(k, words[i].kind)) {
			snprintf(buf, size, "%s", words[i].words);
			return;
		}
	}
	struct ps_out o;
	ps_out_init_mem(&o);
	ps_out_term_str(&o, ps_set(k) ? k : PS_LIT("other"), 30);
	snprintf(buf, size, "%.*s %s", (int)o.len, o.buf ? o.buf : "", a->is_alert ? "alerts" : "events");
	ps_out_free(&o);
}

static void display(struct ps_str s, char *buf, size_t size)
{
	struct ps_out o;
	ps_out_init_mem(&o);
	if (ps_set(s))
		ps_out_term_str(&o, s, size / 4);
	snprintf(buf, size, "%.*s", (int)o.len, o.buf ? o.buf : "");
	ps_out_free(&o);
}

void ps_digest_add(struct ps_digest *d, const struct ps_item *a, int64_t queued_us)
{
	char w[sizeof(d->g[0].what)], src[sizeof(d->g[0].src)];
	what(a, w, sizeof(w));
	display(ps_item_str(a, "src_ip"), src, sizeof(src));
	if (d->total == 0) {
		d->first_us = queued_us;
		snprintf(d->first_id, sizeof(d->first_id), "%s", a->id);
	}
	if (queued_us < d->first_us)
		d->first_us = queued_us;
	if (queued_us > d->last_us)
		d->last_us = queued_us;
	if (a->severity > d->severity)
		d->severity = a->severity;
	d->total++;
	for (size_t i = 0; i < d->n; i++) {
		if (strcmp(d->g[i].what, w) == 0 && strcmp(d->g[i].src, src) == 0) {
			d->g[i].count++;
			return;
		}
	}
	if (d->n == PS_DIGEST_GROUPS) {
		d->other++;
		return;
	}
	struct ps_digest_group *g = &d->g[d->n++];
	memcpy(g->what, w, sizeof(w));
	memcpy(g->src, src, sizeof(src));
	g->count = 1;
}

void ps_digest_span(const struct ps_digest *d, char *buf, size_t size)
{
	int64_t s = (d->last_us - d->first_us) / 1000000;
	if (s < 60)
		snprintf(buf, size, "%lld s", (long long)(s < 1 ? 1 : s));
	else
		snprintf(buf, size, "%lld min", (long long)((s + 59) / 60));
}
