/*
 * new_source: a user logged in from a source not seen for them within the
 * window (90 days by default): T1078, Valid Accounts, used from somewhere
 * new. Sources are compared as the address, for IPv6 as its /64 (prefix6),
 * since one machine's IPv6 address changes within its network.
 *
 * Each user (per host) keeps the last sources_per_user sources with when
 * each was last seen; the one seen longest ago makes room. A user with no
 * history at all (a fresh install, the start of a scan, or one not seen for
 * twice the window) only learns, unless first_login = yes. This history is
 * what ps_detector_save() persists.
 *
 * With enrichment, a source has more identities than its address: its
 * autonomous system and its country (src_as, src_geo). `by` picks the ones
 * compared; each is remembered side by side in the same history, and a
 * login is new when any of them is. `by = asn country` then stays quiet
 * for a user whose address changes within their provider and country. A
 * login whose ASN or country is unknown (no database, or not in it) is
 * compared by its address instead, so that it cannot slip by unseen.
 */
#include <string.h>

#include "detect/internal.h"
#include "util/tsv.h"

struct seen {
	struct ip_key id;
	int64_t last_us;
};

struct history {
	uint32_t n;
	uint32_t pad_;
	struct seen seen[];
};

size_t ps_det_history_size(const struct ps_detect_config *cfg)
{
	return sizeof(struct history) + cfg->new_source_per_user * sizeof(struct seen);
}

/* Identity kinds beside addresses, in ip_key's family byte (addresses use 4 and 6). */
enum { ID_ASN = 'A', ID_COUNTRY = 'C' };

/* The identities of the login's source that `by` compares; kinds[i] says which each is (PS_NEW_SOURCE_*). */
static size_t source_ids(const struct ps_detector *d, const struct ps_event *ev, struct ip_key ids[3],
			 unsigned kinds[3])
{
	unsigned by = d->cfg.new_source_by;
	size_t n = 0;
	bool fallback = false;
	if (by & PS_NEW_SOURCE_ASN) {
		if (ev->src_as.number >= 0) {
			memset(&ids[n], 0, sizeof(ids[n]));
			ids[n].family = ID_ASN;
			uint32_t asn = (uint32_t)ev->src_as.number;
			memcpy(ids[n].a, &asn, sizeof(asn));
			kinds[n++] = PS_NEW_SOURCE_ASN;
		} else {
			fallback = true;
		}
	}
	if (by & PS_NEW_SOURCE_COUNTRY) {
		struct ps_str cc = ev->src_geo.country_iso_code;
		if (ps_set(cc) && cc.n > 0 && cc.n <= sizeof(ids[n].a)) {
			memset(&ids[n], 0, sizeof(ids[n]));
			ids[n].family = ID_COUNTRY;
			memcpy(ids[n].a, cc.p, cc.n);
			kinds[n++] = PS_NEW_SOURCE_COUNTRY;
		} else {
			fallback = true;
		}
	}
	if ((by & PS_NEW_SOURCE_ADDRESS) || fallback) {
		ps_det_ip_key(&ids[n], &ev->src_ip, 32, d->cfg.new_source_prefix6);
		kinds[n++] = PS_NEW_SOURCE_ADDRESS;
	}
	return n;
}

static void describe(struct ps_alert *a, const struct alert_ctx *c)
{
	const struct name_key *k = c->key;
	const struct ps_event *ev = c->ev;
	a->user = ev && ps_set(ev->user) ? ev->user : ps_det_name_shown(k);
	a->src_ip = ev ? ev->src_ip : a->src_ip;
	ps_det_say_name(a, "", a->user, " logged in from ");
	ps_alert_say_ip(a, &a->src_ip);
	if (a->src_ip.family == 6 && c->d->cfg.new_source_prefix6 < 128) {
		ps_alert_say(a, " (a /");
		ps_alert_say_u64(a, c->d->cfg.new_source_prefix6);
		ps_alert_say(a, ")");
	}
	ps_alert_say(a, ", a source not seen for this user in the last ");
	ps_alert_say_duration(a, a->window_s);
	unsigned fresh = c->d->new_source_fresh;
	if (c->d->cfg.new_source_by != PS_NEW_SOURCE_ADDRESS && fresh && ev) {
		/* Which of its identities were new: "(new: address, AS64496, country AU)". */
		const char *sep = " (new: ";
		if (fresh & PS_NEW_SOURCE_ADDRESS) {
			ps_alert_say(a, sep);
			ps_alert_say(a, "address");
			sep = ", ";
		}
		if (fresh & PS_NEW_SOURCE_ASN) {
			ps_alert_say(a, sep);
			ps_alert_say(a, "AS");
			ps_alert_say_u64(a, (uint64_t)ev->src_as.number);
			sep = ", ";
		}
		if (fresh & PS_NEW_SOURCE_COUNTRY) {
			ps_alert_say(a, sep);
			ps_alert_say(a, "country ");
			ps_alert_say_str(a, ev->src_geo.country_iso_code, 8);
		}
		ps_alert_say(a, ")");
	}
}

void ps_det_setup_new_source(struct ps_detector *d)
{
	struct rule_rt *r = &d->rules[PS_RULE_NEW_SOURCE];
	r->key_size = sizeof(struct name_key);
	r->hash = ps_det_hash_name_key;
	r->history = true;
	r->mitre[0] = "T1078";
	r->describe = describe;
}

/* Remember id as seen now; true when it was not seen within the window. */
static bool remember(const struct ps_detector *d, struct history *h, const struct ip_key *id, int64_t now,
		     int64_t since)
{
	size_t oldest = 0;
	for (size_t i = 0; i < h->n; i++) {
		if (memcmp(&h->seen[i].id, id, sizeof(*id)) == 0) {
			bool recent = h->seen[i].last_us >= since;
			if (now > h->seen[i].last_us)
				h->seen[i].last_us = now;
			return !recent;
		}
		if (h->seen[i].last_us < h->seen[oldest].last_us)
			oldest = i;
	}
	size_t i = h->n < d->cfg.new_source_per_user ? h->n++ : oldest;
	h->seen[i] = (struct seen){ *id, now };
	return true;
}

void ps_det_new_source(struct ps_detector *d, const struct ps_event *ev, int64_t now)
{
	struct rule_rt *r = &d->rules[PS_RULE_NEW_SOURCE];
	if (!r->table || ev->kind != PS_KIND_AUTH_SUCCESS || ev->reason == PS_REASON_PARTIAL ||
	    ps_set(ev->target_user) || !ev->src_ip.family || !ps_set(ev->user))
		return;
	struct name_key k;
	ps_det_user_key(d, &k);
	uint64_t hash = ps_table_hash(r->table, &k);
	struct history *h = ps_table_find(r->table, &k, hash, now);
	if (!h)
		h = ps_table_insert(r->table, &k, hash, now);
	bool known_user = h->n > 0;
	unsigned fresh = 0, kinds[3];
	struct ip_key ids[3];
	size_t n = source_ids(d, ev, ids, kinds);
	for (size_t i = 0; i < n; i++)
		if (remember(d, h, &ids[i], now, now - r->cfg->window_s * USEC))
			fresh |= kinds[i];
	if (!fresh || (!known_user && !d->cfg.new_source_first_login))
		return;
	d->new_source_fresh = fresh;
	/* One login, one alert: an incident of one, not kept. */
	struct entry one = { .inc = { .first_us = now, .last_us = now, .count = 1 } };
	ps_det_emit(d, r, &one, &k, ev, false, now);
}

void ps_det_save_history(struct ps_out *o, const struct rule_rt *r, const void *val)
{
	const struct history *h = val;
	ps_out_puts(o, "history");
	ps_det_put_hex(o, ps_table_key(r->table, val), r->key_size);
	ps_tsv_put_i64(o, ps_table_is_protected(r->table, val));
	ps_tsv_put_i64(o, ps_table_touched(r->table, val));
	ps_tsv_put_i64(o, h->n);
	for (size_t i = 0; i < h->n; i++)
		ps_det_put_pair(o, &h->seen[i].id, sizeof(h->seen[i].id), h->seen[i].last_us);
	ps_out_putc(o, '\n');
}

const char *ps_det_load_history(struct ps_detector *d, struct rule_rt *r, struct ps_det_line *l)
{
	struct name_key k;
	int64_t prot, touched, n;
	if (!ps_det_take_hex(l, &k, sizeof(k)) || !ps_det_take_i64(l, &prot) || !ps_det_take_i64(l, &touched) ||
	    !ps_det_take_i64(l, &n) || n < 0)
		return "bad history";
	uint64_t hash = ps_table_hash(r->table, &k);
	if (ps_table_find(r->table, &k, hash, touched))
		return "duplicate history";
	struct history *h = ps_table_insert(r->table, &k, hash, touched);
	for (int64_t i = 0; i < n; i++) {
		struct seen s;
		if (!ps_det_take_pair(l, &s.id, sizeof(s.id), &s.last_us))
			return "bad history source";
		if (h->n < d->cfg.new_source_per_user)
			h->seen[h->n++] = s;
	}
	if (prot)
		ps_table_protect(r->table, h);
	return NULL;
}
